import { readFileSync } from 'node:fs';
import path from 'node:path';
import { can, PERMISSIONS, ROLES } from '@retell-ops/domain';

/** docs/people-and-roles.md shows the permission table: it must say what libs/domain/src/permissions.ts says. */
describe('the permission table in docs/people-and-roles.md', () => {
  const doc = readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'people-and-roles.md'), 'utf8');
  const lines = doc.split('\n');
  const header = lines.findIndex((l) => /^\|\s*permission\s*\|/.test(l));
  const columns = lines[header]
    .split('|')
    .slice(2, -1)
    .map((c) => c.trim());
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    rows.set(cells[0].replace(/`/g, ''), cells.slice(1));
  }

  it('has a column per role and a row per permission, in the code order', () => {
    expect(columns).toEqual([...ROLES]);
    expect([...rows.keys()]).toEqual([...PERMISSIONS]);
  });

  it.each(PERMISSIONS)('%s: the roles marked yes are the roles that hold it', (permission) => {
    expect(rows.get(permission)).toEqual(ROLES.map((r) => (can(r, permission) ? 'yes' : '')));
  });
});
