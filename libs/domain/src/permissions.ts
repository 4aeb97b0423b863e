/**
 * Who may do what in a tenant: one table, deny by default. Every API route declares one
 * permission (see apps/api/src/auth/permissions.decorator.ts); a role holds exactly the
 * permissions listed for it here and nothing else.
 */
export const ROLES = ['owner', 'admin', 'recruiter', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  // reads
  'calls:read',
  'batches:read',
  'candidates:read',
  'interviews:read',
  'positions:read',
  'agents:read',
  'stats:read',
  'events:read',
  'tenant:read',
  'deliveries:read',
  'operations:read',
  'audit:read',
  // writes
  'calls:write', // place or cancel any call
  'calls:candidate', // place a call to a candidate (recruiters), cancel it
  'batches:write',
  'candidates:write',
  'interviews:write',
  'positions:write',
  'agents:write',
  'operations:write', // retry failed jobs, replay deliveries, reconcile
  'settings:write', // tenant settings, the Retell key, relay secret, tools
  'api-keys:manage',
  'users:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READS: Permission[] = PERMISSIONS.filter((p) => p.endsWith(':read'));

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set<Permission>([
    ...READS,
    'calls:write',
    'calls:candidate',
    'batches:write',
    'candidates:write',
    'interviews:write',
    'positions:write',
    'agents:write',
    'operations:write',
  ]),
  recruiter: new Set<Permission>([
    'calls:read',
    'candidates:read',
    'interviews:read',
    'positions:read',
    'agents:read',
    'stats:read',
    'events:read',
    'tenant:read',
    'calls:candidate',
    'candidates:write',
    'interviews:write',
  ]),
  viewer: new Set<Permission>(READS.filter((p) => p !== 'audit:read' && p !== 'operations:read')),
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.has(permission) ?? false;
}

/** A role may hand out (to a key or a person) only roles whose permissions it holds itself. */
export function canGrant(granter: Role, granted: Role): boolean {
  for (const p of ROLE_PERMISSIONS[granted]) if (!can(granter, p)) return false;
  return true;
}

/** The permissions a role holds, in the table's order. */
export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => can(role, p));
}
