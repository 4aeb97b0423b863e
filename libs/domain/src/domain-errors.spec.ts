import { ConflictError, DomainError, ForbiddenError, InvalidInputError, NotFoundError, UnavailableError } from './domain-errors';

describe('domain errors', () => {
  it.each<[string, DomainError, string, string]>([
    ['NotFoundError', new NotFoundError("no call 'x'"), 'not_found', 'not_found'],
    ['ConflictError', new ConflictError('taken'), 'conflict', 'conflict'],
    ['InvalidInputError', new InvalidInputError('bad'), 'invalid_input', 'invalid_input'],
    ['ForbiddenError', new ForbiddenError('no'), 'forbidden', 'forbidden'],
    ['UnavailableError', new UnavailableError('down'), 'unavailable', 'unavailable'],
    ['a precise code', new ConflictError('taken', { code: 'agent_of_another_tenant' }), 'conflict', 'agent_of_another_tenant'],
  ])('%s has its kind, code, name and message', (name, error, kind, code) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name === 'a precise code' ? 'ConflictError' : name);
    expect(error.stack).toContain(error.message);
  });

  it('carries the field of bad input and the retry hint of an outage', () => {
    expect(new InvalidInputError('from must be before to', { field: 'from' }).field).toBe('from');
    expect(new InvalidInputError('bad').field).toBeUndefined();
    expect(new UnavailableError('down', { retryAfterSec: 5 }).retryAfterSec).toBe(5);
  });
});
