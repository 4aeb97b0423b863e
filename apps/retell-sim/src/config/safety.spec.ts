import { DEV_RETELL_API_KEY } from '@retell-ops/config';
import { decideSimSafety, simSafetyFromEnv, type SimSafetyInput } from './safety';

const REAL_KEY = 'key_0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const PER_TEST_KEY = 'key_e2e_9a8b7c6d5e4f';

describe('decideSimSafety: may the simulator run, and where does it listen', () => {
  it.each<[string, SimSafetyInput, { host: string } | RegExp]>([
    ['nothing set: the development key, loopback', {}, { host: '127.0.0.1' }],
    ['empty strings count as unset', { NODE_ENV: '', RETELL_API_KEY: '', RETELL_SIM_ALLOW_ANY_KEY: '', RETELL_SIM_HOST: '' }, { host: '127.0.0.1' }],
    ['NODE_ENV=development', { NODE_ENV: 'development' }, { host: '127.0.0.1' }],
    ['NODE_ENV=test', { NODE_ENV: 'test' }, { host: '127.0.0.1' }],
    ['other workspaces with test keys', { RETELL_SIM_WORKSPACE_KEYS: 'key_test_b, key_dev_c' }, { host: '127.0.0.1' }],
    ['another workspace with a real-looking key is refused', { RETELL_SIM_WORKSPACE_KEYS: 'key_test_b,key_live123' }, /RETELL_SIM_WORKSPACE_KEYS/],
    ['… unless any key is allowed', { RETELL_SIM_WORKSPACE_KEYS: 'key_live123', RETELL_SIM_ALLOW_ANY_KEY: '1' }, { host: '127.0.0.1' }],
    ['NODE_ENV=production', { NODE_ENV: 'production' }, /does not run under NODE_ENV=production/],
    [
      'NODE_ENV=production even with every allowance',
      { NODE_ENV: 'production', RETELL_SIM_ALLOW_ANY_KEY: '1', RETELL_API_KEY: DEV_RETELL_API_KEY },
      /NODE_ENV=production/,
    ],
    ['the fixed development key', { RETELL_API_KEY: DEV_RETELL_API_KEY }, { host: '127.0.0.1' }],
    ['a key_dev_ key', { RETELL_API_KEY: 'key_dev_alice_laptop' }, { host: '127.0.0.1' }],
    ['a key_test_ key', { RETELL_API_KEY: 'key_test_0123abcd' }, { host: '127.0.0.1' }],
    ['a real-looking key', { RETELL_API_KEY: REAL_KEY }, /RETELL_API_KEY is not a development key.*RETELL_SIM_ALLOW_ANY_KEY=1/],
    ['a per-test key', { RETELL_API_KEY: PER_TEST_KEY }, /not a development key/],
    ['a per-test key, flag 0', { RETELL_API_KEY: PER_TEST_KEY, RETELL_SIM_ALLOW_ANY_KEY: '0' }, /not a development key/],
    ['a per-test key, flag false', { RETELL_API_KEY: PER_TEST_KEY, RETELL_SIM_ALLOW_ANY_KEY: 'false' }, /not a development key/],
    ['a per-test key, flag 1', { RETELL_API_KEY: PER_TEST_KEY, RETELL_SIM_ALLOW_ANY_KEY: '1' }, { host: '127.0.0.1' }],
    ['a real key, flag true', { RETELL_API_KEY: REAL_KEY, RETELL_SIM_ALLOW_ANY_KEY: 'true' }, { host: '127.0.0.1' }],
    ['a real key, flag YES', { RETELL_API_KEY: REAL_KEY, RETELL_SIM_ALLOW_ANY_KEY: 'YES' }, { host: '127.0.0.1' }],
    ['an unreadable flag', { RETELL_SIM_ALLOW_ANY_KEY: 'maybe' }, /RETELL_SIM_ALLOW_ANY_KEY must be 1 or 0/],
    ['RETELL_SIM_HOST=::1', { RETELL_SIM_HOST: '::1' }, { host: '::1' }],
    ['RETELL_SIM_HOST=localhost', { RETELL_SIM_HOST: 'localhost' }, { host: 'localhost' }],
    ['RETELL_SIM_HOST=0.0.0.0 (asked for)', { RETELL_SIM_HOST: '0.0.0.0' }, { host: '0.0.0.0' }],
    ['RETELL_SIM_HOST=::', { RETELL_SIM_HOST: '::' }, { host: '::' }],
    ['RETELL_SIM_HOST=10.0.0.1', { RETELL_SIM_HOST: '10.0.0.1' }, /RETELL_SIM_HOST must be one of/],
  ])('%s', (_name, input, expected) => {
    const decision = decideSimSafety(input);
    if (expected instanceof RegExp) expect(decision).toEqual({ ok: false, reason: expect.stringMatching(expected) });
    else expect(decision).toEqual({ ok: true, host: expected.host, warnings: expect.any(Array) });
  });

  it('a refusal never echoes the key', () => {
    const decision = decideSimSafety({ RETELL_API_KEY: REAL_KEY });
    expect(decision.ok).toBe(false);
    expect(JSON.stringify(decision)).not.toContain(REAL_KEY);
  });

  it.each<[string, SimSafetyInput, string[]]>([
    ['the fixed development key', {}, ['signing webhooks with the development RETELL_API_KEY']],
    ['a key_test_ key', { RETELL_API_KEY: 'key_test_x' }, []],
    [
      'an allowed non-development key',
      { RETELL_API_KEY: REAL_KEY, RETELL_SIM_ALLOW_ANY_KEY: '1' },
      ['signing webhooks with a non-development RETELL_API_KEY (RETELL_SIM_ALLOW_ANY_KEY=1)'],
    ],
    ['every interface', { RETELL_API_KEY: 'key_dev_x', RETELL_SIM_HOST: '0.0.0.0' }, ['listening beyond loopback (RETELL_SIM_HOST=0.0.0.0)']],
  ])('warnings: %s', (_name, input, warnings) => {
    expect(decideSimSafety(input)).toEqual({ ok: true, host: expect.any(String), warnings });
  });

  it('ignores the shared HOST (0.0.0.0 in containers)', () => {
    expect(simSafetyFromEnv({ HOST: '0.0.0.0' })).toEqual({ ok: true, host: '127.0.0.1', warnings: expect.any(Array) });
  });

  it('reads the environment it is given', () => {
    expect(simSafetyFromEnv({ NODE_ENV: 'production' }).ok).toBe(false);
    expect(simSafetyFromEnv({ RETELL_API_KEY: REAL_KEY, RETELL_SIM_ALLOW_ANY_KEY: '1', RETELL_SIM_HOST: '::1' })).toMatchObject({ ok: true, host: '::1' });
  });
});
