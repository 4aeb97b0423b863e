import type { Role } from './permissions';

/**
 * Rules about people (users, memberships, invitations) that need no I/O. The API's people
 * module applies them; hashing and storage live there.
 */

/** Shortest password accepted when one is set (NIST SP 800-63B asks for at least 8; we ask 10). */
export const PASSWORD_MIN_LENGTH = 10;
/** Longest password accepted: bounds the hashing work an attacker can ask for. */
export const PASSWORD_MAX_LENGTH = 200;
export const EMAIL_MAX_LENGTH = 254;
export const PERSON_NAME_MAX_LENGTH = 200;
/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

/** One spelling per address: trimmed and lower-cased, as User.email and Invitation.email store it. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Why a new password is refused, or null when it is accepted. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `password must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (password.length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  if (password.trim().length === 0) return 'password must not be only spaces';
  return null;
}

export type InvitationState = 'pending' | 'accepted' | 'revoked' | 'expired';

/** Where an invitation stands at `now`: only a pending one can be accepted or revoked. */
export function invitationState(inv: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InvitationState {
  if (inv.acceptedAt) return 'accepted';
  if (inv.revokedAt) return 'revoked';
  if (inv.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

/**
 * A tenant keeps at least one person who is owner: a change that would leave none (demoting or
 * removing the last owner) is refused. `nextRole` null means the membership is removed.
 */
export function leavesNoOwner(currentRole: Role, nextRole: Role | null, ownerCount: number): boolean {
  if (currentRole !== 'owner' || nextRole === 'owner') return false;
  return ownerCount <= 1;
}
