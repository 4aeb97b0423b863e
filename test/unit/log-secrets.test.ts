import { secretsIn } from '../support/log-secrets';

describe('the log secret scan every started app goes through when stopped', () => {
  it.each([
    ['a platform API key', '{"msg":"refused rops_0123456789abcdef0123456789abcdef01234567"}', /platform API key/],
    ['a session token', 'cookie rops_session=abc; token rops_AbCdEfGhIjKlMnOpQrStUv', /platform API key/],
    ['a test Retell key', 'signing with key_test_dial_0123456789abcdef', /Retell API key/],
    ['a development Retell key', 'key_dev_alice_laptop here', /Retell API key/],
    ['a Retell signature', 'x-retell-signature: v=1600000000000,d=' + 'a'.repeat(64), /Retell signature/],
    ['a bearer credential', 'authorization: Bearer op_0123456789abcdef0123', /bearer credential/],
  ])('finds %s', (_name, text, kind) => expect(secretsIn(text).join('\n')).toMatch(kind));

  it.each([
    ['redacted values', '{"authorization":"[redacted]","msg":"Bearer [redacted] refused [redacted]"}'],
    ['the published development admin key (README)', 'Admin API key     rops_dev_admin_key_change_me'],
    ['names and prefixes', 'API key bootstrap admin (rops_0123) · RETELL_API_KEY is a development key · rops_session cookie'],
    ['job and call ids', 'call_ended.9fab47fa-bfa7-4723-87ea-0300f3f36fbd.call_5228295e9dff1247c3348b553e33a919'],
  ])('passes %s', (_name, text) => expect(secretsIn(text)).toEqual([]));

  it('reports a bounded number of cut samples', () => {
    const found = secretsIn(Array.from({ length: 50 }, (_, i) => `rops_${String(i).padStart(40, '0')}`).join(' '));
    expect(found).toHaveLength(5);
    for (const f of found) expect(f.length).toBeLessThan(70);
  });
});
