/**
 * Failures a use case reports to whoever called it. Each kind has a stable machine `code` (the
 * default, or a more precise one a throw site gives) and a message safe to show the caller: it
 * names the caller's own input and rows, never internals. The API turns each kind into one HTTP
 * status (`apps/api/src/common/errors/domain-error.filter.ts`); workers let them fail the job.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  readonly code: string;

  protected constructor(message: string, code: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export type DomainErrorKind = 'not_found' | 'conflict' | 'invalid_input' | 'forbidden' | 'unavailable' | 'refused_upstream';

export interface DomainErrorOptions {
  /** A more precise machine code than the kind's own (snake_case, stable once published). */
  code?: string;
}

/** The thing asked for does not exist for this caller (another tenant's rows do not exist either). */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, options.code ?? 'not_found');
  }
}

/** The request is well formed but the current state refuses it (a duplicate, a state machine, a race lost). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, options.code ?? 'conflict');
  }
}

/** The input itself is wrong; `field` names the input field when there is one, so a client can show it there. */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid_input';
  readonly field?: string;
  constructor(message: string, options: DomainErrorOptions & { field?: string } = {}) {
    super(message, options.code ?? 'invalid_input');
    this.field = options.field;
  }
}

/** The caller is known but may not do this (a viewer key asking for a change). */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, options.code ?? 'forbidden');
  }
}

/** Something the use case depends on is down or refusing for now; `retryAfterSec` says when to try again, if known. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
  readonly retryAfterSec?: number;
  constructor(message: string, options: DomainErrorOptions & { retryAfterSec?: number } = {}) {
    super(message, options.code ?? 'unavailable');
    this.retryAfterSec = options.retryAfterSec;
  }
}

/** A service the use case must ask (Retell) refused what the caller gave it, e.g. a wrong API key; the message carries its answer. */
export class RefusedUpstreamError extends DomainError {
  readonly kind = 'refused_upstream';
  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, options.code ?? 'refused_upstream');
  }
}
