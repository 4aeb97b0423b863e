import { can, canGrant, PERMISSIONS, ROLES, type Permission, type Role } from './permissions';

describe('role permissions', () => {
  // prettier-ignore
  const table: [Role, Permission, boolean][] = [
    ['owner', 'users:manage', true],
    ['owner', 'api-keys:manage', true],
    ['owner', 'settings:write', true],
    ['admin', 'calls:write', true],
    ['admin', 'batches:write', true],
    ['admin', 'agents:write', true],
    ['admin', 'candidates:write', true],
    ['admin', 'users:manage', false],
    ['admin', 'api-keys:manage', false],
    ['admin', 'settings:write', false],
    ['recruiter', 'candidates:write', true],
    ['recruiter', 'interviews:write', true],
    ['recruiter', 'calls:candidate', true],
    ['recruiter', 'calls:write', false],
    ['recruiter', 'batches:write', false],
    ['recruiter', 'batches:read', false],
    ['recruiter', 'agents:write', false],
    ['viewer', 'calls:read', true],
    ['viewer', 'stats:read', true],
    ['viewer', 'audit:read', false],
    ['viewer', 'calls:candidate', false],
  ];
  it.each(table)('%s may %s: %s', (role, permission, expected) => expect(can(role, permission)).toBe(expected));

  it.each(ROLES)('%s can write nothing it cannot read about, except viewer writes nothing', (role) => {
    const writes = PERMISSIONS.filter((p) => !p.endsWith(':read') && can(role, p));
    if (role === 'viewer') expect(writes).toEqual([]);
    else expect(writes.length).toBeGreaterThan(0);
  });

  it('an unknown role holds nothing', () => expect(can('root' as Role, 'calls:read')).toBe(false));

  // prettier-ignore
  const grants: [Role, Role, boolean][] = [
    ['owner', 'owner', true], ['owner', 'viewer', true],
    ['admin', 'owner', false], ['admin', 'recruiter', true], ['admin', 'viewer', true],
    ['recruiter', 'admin', false], ['viewer', 'viewer', true], ['viewer', 'recruiter', false],
  ];
  it.each(grants)('%s may grant %s: %s', (granter, granted, expected) => expect(canGrant(granter, granted)).toBe(expected));
});
