import { parseOpsArgs } from './ops-args';

const now = Date.parse('2021-03-06T12:00:00Z');

describe('npm run ops arguments', () => {
  it('import-calls --from "24 hours ago" reads to now, every tenant, waiting', () => {
    expect(parseOpsArgs(['import-calls', '--from', '24 hours ago'], now)).toEqual({
      kind: 'import-calls',
      from: new Date('2021-03-05T12:00:00Z'),
      to: new Date(now),
      wait: true,
      timeoutMs: 600_000,
    });
  });

  it('ISO dates, one tenant, no wait', () => {
    expect(
      parseOpsArgs(
        ['import-calls', '--from', '2021-03-01T00:00:00Z', '--to', '2021-03-02T00:00:00+01:00', '--tenant', 'acme', '--no-wait', '--timeout', '30'],
        now,
      ),
    ).toEqual({
      kind: 'import-calls',
      from: new Date('2021-03-01T00:00:00Z'),
      to: new Date('2021-03-01T23:00:00Z'),
      tenant: 'acme',
      wait: false,
      timeoutMs: 30_000,
    });
  });

  it.each([
    [[], 'help'],
    [['--help'], 'help'],
  ])('%j → help', (argv, kind) => expect(parseOpsArgs(argv, now).kind).toBe(kind));

  it.each([
    [['import-calls'], /--from is required/],
    [['import-calls', '--from', 'yesterday'], /--from: cannot read "yesterday"/],
    [['import-calls', '--from', '1 hour ago', '--to', '2 hours ago'], /--from must be before --to/],
    [['import-calls', '--from', '1 hour ago', '--tenant', '../x'], /--tenant must be a tenant slug/],
    [['import-calls', '--from', '1 hour ago', '--timeout', 'x'], /--timeout must be/],
    [['import-calls', '--from', '1 hour ago', '--bogus'], /Unknown option '--bogus'/],
    [['export-calls'], /unknown command "export-calls"/],
  ])('%j is a usage error', (argv, message) => {
    const cmd = parseOpsArgs(argv, now);
    expect(cmd.kind).toBe('error');
    expect(cmd.kind === 'error' && cmd.message).toMatch(message);
  });

  it('stats:rebuild: every tenant, or one by slug; refuses the import options and a bad slug', () => {
    expect(parseOpsArgs(['stats:rebuild'], now)).toEqual({ kind: 'stats:rebuild' });
    expect(parseOpsArgs(['stats:rebuild', '--tenant', 'acme'], now)).toEqual({ kind: 'stats:rebuild', tenant: 'acme' });
    expect(parseOpsArgs(['stats:rebuild', '--from', '2d ago'], now)).toMatchObject({ kind: 'error' });
    expect(parseOpsArgs(['stats:rebuild', '--tenant', 'no/slug'], now)).toMatchObject({ kind: 'error' });
  });
});
