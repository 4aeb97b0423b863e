import { createHmac } from 'node:crypto';
import { relayHeaderProblem, relaySignedBy, signRelay } from './relay-signature';

const SECRET = 'rrs_test_secret_0123456789';
const NOW = 1_765_046_400_000;
const ts = String(NOW / 1000);
const body = Buffer.from('{"event":"call_started","call":{"call_id":"c1"}}');
const sig = (secret = SECRET, t = ts, b: Buffer | string = body) => signRelay(secret, t, b);

describe('relay signature', () => {
  it('is HMAC-SHA256 over timestamp + "." + body, hex, after sha256=', () => {
    const hex = createHmac('sha256', SECRET).update(`${ts}.${body.toString()}`).digest('hex');
    expect(sig()).toBe(`sha256=${hex}`);
  });

  it.each([
    ['the right secret, now', {}, true],
    ['the right secret, 299 s old', { t: String(NOW / 1000 - 299) }, true],
    ['the right secret, 299 s ahead', { t: String(NOW / 1000 + 299) }, true],
    ['301 s old', { t: String(NOW / 1000 - 301) }, false],
    ['301 s ahead', { t: String(NOW / 1000 + 301) }, false],
    ['another secret', { secret: 'rrs_other' }, false],
    ['another body', { b: Buffer.from('{"event":"call_ended"}') }, false],
  ] as const)('%s → %s', (_name, change, expected) => {
    const c = change as { secret?: string; t?: string; b?: Buffer };
    const t = c.t ?? ts;
    const signature = signRelay(c.secret ?? SECRET, t, c.b ?? body);
    expect(relaySignedBy(SECRET, body, { timestamp: t, signature }, NOW)).toBe(expected);
  });

  it('refuses a signature for another timestamp than the header says', () => {
    expect(relaySignedBy(SECRET, body, { timestamp: String(NOW / 1000 - 1), signature: sig() }, NOW)).toBe(false);
  });

  it.each([
    [{ timestamp: ts, signature: undefined }, 'x-relay-signature header is missing'],
    [{ timestamp: ts, signature: 'sha1=abc' }, 'x-relay-signature header is malformed (sha256=<64 hex>)'],
    [{ timestamp: ts, signature: [sig(), sig()] }, 'x-relay-signature header is malformed (sha256=<64 hex>)'],
    [{ timestamp: undefined, signature: sig() }, 'x-relay-timestamp header is missing'],
    [{ timestamp: '17650464000000', signature: sig() }, 'x-relay-timestamp header is malformed (unix seconds)'],
    [{ timestamp: '1.5', signature: sig() }, 'x-relay-timestamp header is malformed (unix seconds)'],
    [{ timestamp: ts, signature: sig() }, undefined],
  ])('header shape %j → %s', (h, problem) => {
    expect(relayHeaderProblem(h)).toBe(problem);
    if (problem) expect(relaySignedBy(SECRET, body, h, NOW)).toBe(false);
  });
});
