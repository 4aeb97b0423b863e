import { invitationState, leavesNoOwner, normalizeEmail, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem, type InvitationState } from './people';
import type { Role } from './permissions';

describe('people rules', () => {
  it.each([
    ['Ada@Example.COM', 'ada@example.com'],
    ['  ada@example.com\t', 'ada@example.com'],
    ['ada@example.com', 'ada@example.com'],
  ])('normalizeEmail(%j) = %j', (input, expected) => expect(normalizeEmail(input)).toBe(expected));

  it.each<[string, RegExp | null]>([
    ['', /at least 10/],
    ['a'.repeat(PASSWORD_MIN_LENGTH - 1), /at least 10/],
    ['a'.repeat(PASSWORD_MIN_LENGTH), null],
    ['correct horse battery', null],
    [' '.repeat(PASSWORD_MIN_LENGTH), /only spaces/],
    ['a'.repeat(PASSWORD_MAX_LENGTH), null],
    ['a'.repeat(PASSWORD_MAX_LENGTH + 1), /at most 200/],
  ])('passwordProblem(%j)', (password, expected) => {
    const problem = passwordProblem(password);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  const now = new Date('2021-03-10T12:00:00Z');
  const later = new Date('2021-03-11T12:00:00Z');
  const earlier = new Date('2021-03-09T12:00:00Z');
  it.each<[string, { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, InvitationState]>([
    ['fresh', { acceptedAt: null, revokedAt: null, expiresAt: later }, 'pending'],
    ['accepted', { acceptedAt: earlier, revokedAt: null, expiresAt: later }, 'accepted'],
    ['accepted then expired', { acceptedAt: earlier, revokedAt: null, expiresAt: earlier }, 'accepted'],
    ['revoked', { acceptedAt: null, revokedAt: earlier, expiresAt: later }, 'revoked'],
    ['expired', { acceptedAt: null, revokedAt: null, expiresAt: earlier }, 'expired'],
    ['expiring this instant', { acceptedAt: null, revokedAt: null, expiresAt: now }, 'expired'],
  ])('invitationState: %s', (_, inv, expected) => expect(invitationState(inv, now)).toBe(expected));

  it.each<[Role, Role | null, number, boolean]>([
    ['owner', 'admin', 1, true],
    ['owner', null, 1, true],
    ['owner', 'owner', 1, false],
    ['owner', 'viewer', 2, false],
    ['owner', null, 2, false],
    ['admin', null, 1, false],
    ['admin', 'viewer', 0, false],
    ['recruiter', 'owner', 0, false],
  ])('leavesNoOwner(%s → %s, owners %i) = %s', (current, next, owners, expected) => expect(leavesNoOwner(current, next, owners)).toBe(expected));
});
