import { HttpStatus } from '@nestjs/common';
import { isDependencyUnavailable } from '@retell-ops/config';
import { DomainError, InvalidInputError, UnavailableError, type DomainErrorKind } from '@retell-ops/domain';
import { STATUS_CODES } from 'node:http';

/**
 * The one body every API error has, in the shape of Nest's own errors (its validation errors
 * carry `message` as a list): `code` says what went wrong for machines, `field` which input did.
 */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
  field?: string;
}

export interface HttpAnswer {
  body: ErrorBody;
  /** Seconds for a Retry-After header. */
  retryAfterSec?: number;
}

/**
 * Bad input is 400, as Nest's ValidationPipe answers for a malformed body, so a client meets one
 * status for "fix your request" whether the DTO or the use case found the fault.
 */
export const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  invalid_input: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  refused_upstream: HttpStatus.UNPROCESSABLE_ENTITY,
};

/** What a client waits before trying again when PostgreSQL or Redis is down; the pools reconnect on their own. */
export const DEPENDENCY_RETRY_AFTER_SEC = 5;

const errorName = (status: number) => STATUS_CODES[status] ?? 'Error';

function body(statusCode: number, message: string, code: string, field?: string): ErrorBody {
  return { statusCode, error: errorName(statusCode), message, code, ...(field !== undefined && { field }) };
}

/**
 * The answer for anything a handler threw that is not one of Nest's HttpExceptions (those keep
 * their own status and body): a domain error by its kind, a dependency outage as 503, anything
 * else as a 500 that says nothing of its cause (the filter logs it).
 */
export function httpAnswerFor(error: unknown): HttpAnswer {
  if (error instanceof DomainError) {
    const field = error instanceof InvalidInputError ? error.field : undefined;
    const retryAfterSec = error instanceof UnavailableError ? error.retryAfterSec : undefined;
    return { body: body(STATUS_OF_KIND[error.kind], error.message, error.code, field), retryAfterSec };
  }
  if (isDependencyUnavailable(error)) {
    return {
      body: body(HttpStatus.SERVICE_UNAVAILABLE, 'the database or Redis is unavailable right now; try again shortly', 'dependency_unavailable'),
      retryAfterSec: DEPENDENCY_RETRY_AFTER_SEC,
    };
  }
  return { body: body(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error', 'internal_error') };
}
