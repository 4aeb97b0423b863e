import { sign, symmetric } from 'retell-sdk/lib/webhook_auth';
import { randomBytes } from 'node:crypto';
import { checkRetellSignature, checkRetellSignatureBytes, signatureHeaderProblem } from './signature';

// Signatures are made with the official SDK (retell-sdk 5.66.1), never re-implemented here.
const KEY = 'key_0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const NOW = 1_760_000_000_000;
const MIN = 60_000;
const BODY = JSON.stringify({
  event: 'call_ended',
  call: {
    call_id: 'call_5f1c2a9b8e7d4c3b2a1f0e9d8c7b6a50',
    agent_id: 'agent_3c2b1a0f9e8d7c6b5a4f3e2d',
    call_status: 'ended',
    disconnection_reason: 'user_hangup',
  },
});

/** Freezes the clock the SDK's verify reads (Date.now) without faking timers, which Web Crypto's promises need. */
const clockAt = (ms: number) => jest.spyOn(Date, 'now').mockReturnValue(ms);
afterEach(() => jest.restoreAllMocks());

describe('SDK test vector (docs/retell.md#signature)', () => {
  const body = '{"event":"call_ended"}';
  const key = 'test-api-key';
  const ts = 1_700_000_000_000;
  const header = 'v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e';

  it('symmetric.sign produces exactly the documented header', async () => {
    await expect(symmetric.sign(body, key, ts)).resolves.toBe(header);
  });

  it('sign() uses the current clock', async () => {
    clockAt(ts);
    await expect(sign(body, key)).resolves.toBe(header);
  });

  it('the documented header verifies when the clock is at its timestamp', async () => {
    clockAt(ts);
    expect(signatureHeaderProblem(header)).toBeUndefined();
    await expect(checkRetellSignature(body, key, header)).resolves.toBe('valid');
  });

  it('and is stale an hour later', async () => {
    clockAt(ts + 60 * MIN);
    await expect(checkRetellSignature(body, key, header)).resolves.toBe('invalid');
  });
});

describe('checkRetellSignature', () => {
  beforeEach(() => clockAt(NOW));

  it('a fresh signature over the exact body is valid', async () => {
    const header = await sign(BODY, KEY);
    expect(header).toMatch(new RegExp(`^v=${NOW},d=[0-9a-f]{64}$`));
    await expect(checkRetellSignature(BODY, KEY, header)).resolves.toBe('valid');
  });

  it.each([
    ['first byte', 0],
    ['a middle byte', Math.floor(BODY.length / 2)],
    ['last byte', BODY.length - 1],
  ])('a body with its %s changed is invalid', async (_name, at) => {
    const header = await sign(BODY, KEY);
    const flipped = String.fromCharCode(BODY.charCodeAt(at) ^ 1);
    const tampered = BODY.slice(0, at) + flipped + BODY.slice(at + 1);
    expect(tampered).toHaveLength(BODY.length);
    expect(tampered).not.toBe(BODY);
    await expect(checkRetellSignature(tampered, KEY, header)).resolves.toBe('invalid');
  });

  it.each([
    ['re-serialised with spaces', JSON.stringify(JSON.parse(BODY), null, 1)],
    ['with a trailing newline', `${BODY}\n`],
    ['empty', ''],
  ])('a body %s is invalid', async (_name, other) => {
    await expect(checkRetellSignature(other, KEY, await sign(BODY, KEY))).resolves.toBe('invalid');
  });

  it.each([
    ['another key', 'key_ffffffffffffffffffffffffffffffff'],
    ['the key with one character changed', `${KEY.slice(0, -1)}1`],
  ])('signed with %s it is invalid', async (_name, otherKey) => {
    const header = await symmetric.sign(BODY, otherKey, NOW);
    await expect(checkRetellSignature(BODY, KEY, header)).resolves.toBe('invalid');
  });

  it.each([
    ['5 min 1 s old', -5 * MIN - 1000, 'invalid'],
    ['5 min + 1 ms old', -5 * MIN - 1, 'invalid'],
    ['exactly 5 min old', -5 * MIN, 'valid'],
    ['4 min old', -4 * MIN, 'valid'],
    ['1 s old', -1000, 'valid'],
    ['stamped now', 0, 'valid'],
    ['4 min in the future', 4 * MIN, 'valid'],
    ['exactly 5 min in the future', 5 * MIN, 'valid'],
    ['5 min 1 s in the future', 5 * MIN + 1000, 'invalid'],
    ['a day old', -24 * 60 * MIN, 'invalid'],
    ['stamped at epoch 0', -NOW, 'invalid'],
  ])('a signature %s is %s (±5 minute window)', async (_name, offset, expected) => {
    const header = await symmetric.sign(BODY, KEY, NOW + offset);
    expect(signatureHeaderProblem(header)).toBeUndefined();
    await expect(checkRetellSignature(BODY, KEY, header)).resolves.toBe(expected);
  });

  it('a timestamp in seconds instead of ms is shape-valid but stale', async () => {
    const header = await symmetric.sign(BODY, KEY, Math.floor(NOW / 1000));
    expect(header).toMatch(/^v=\d{10},d=/);
    expect(signatureHeaderProblem(header)).toBeUndefined();
    await expect(checkRetellSignature(BODY, KEY, header)).resolves.toBe('invalid');
  });

  it('a header replayed with a new timestamp but the old digest is invalid', async () => {
    const old = await symmetric.sign(BODY, KEY, NOW - 10 * MIN);
    const replayed = old.replace(/^v=\d+/, `v=${NOW}`);
    await expect(checkRetellSignature(BODY, KEY, replayed)).resolves.toBe('invalid');
  });
});

describe('header shape', () => {
  const DIGEST = 'a'.repeat(64);

  it.each([
    ['undefined', undefined],
    ['empty', ''],
  ])('%s header -> missing', async (_name, header) => {
    expect(signatureHeaderProblem(header)).toBe('missing');
    await expect(checkRetellSignature(BODY, KEY, header)).resolves.toBe('missing');
  });

  it.each([
    ['no d part', `v=${NOW}`],
    ['no v part', `d=${DIGEST}`],
    ['empty d', `v=${NOW},d=`],
    ['empty v', `v=,d=${DIGEST}`],
    ['uppercase V', `V=${NOW},d=${DIGEST}`],
    ['uppercase D', `v=${NOW},D=${DIGEST}`],
    ['uppercase hex digest', `v=${NOW},d=${'A'.repeat(64)}`],
    ['a space after the comma', `v=${NOW}, d=${DIGEST}`],
    ['a leading space', ` v=${NOW},d=${DIGEST}`],
    ['a trailing newline', `v=${NOW},d=${DIGEST}\n`],
    ['parts swapped', `d=${DIGEST},v=${NOW}`],
    ['semicolon separator', `v=${NOW};d=${DIGEST}`],
    ['63-hex digest', `v=${NOW},d=${'a'.repeat(63)}`],
    ['65-hex digest', `v=${NOW},d=${'a'.repeat(65)}`],
    ['non-hex digest', `v=${NOW},d=${'g'.repeat(64)}`],
    ['base64 digest', `v=${NOW},d=${Buffer.alloc(32, 7).toString('base64')}`],
    ['negative timestamp', `v=-${NOW},d=${DIGEST}`],
    ['fractional timestamp', `v=${NOW}.5,d=${DIGEST}`],
    ['17-digit timestamp', `v=${'9'.repeat(17)},d=${DIGEST}`],
    ['two signatures in one header', `v=${NOW},d=${DIGEST},v=${NOW},d=${DIGEST}`],
    ['an array of two headers', [`v=${NOW},d=${DIGEST}`, `v=${NOW},d=${DIGEST}`]],
    ['an array of one header', [`v=${NOW},d=${DIGEST}`]],
    ['an empty array', []],
  ] as Array<[string, string | string[]]>)('%s -> malformed', async (_name, header) => {
    expect(signatureHeaderProblem(header)).toBe('malformed');
    await expect(checkRetellSignature(BODY, KEY, header)).resolves.toBe('malformed');
  });

  it('a malformed header is refused even when its digest is right for the body', async () => {
    clockAt(NOW);
    const good = await sign(BODY, KEY);
    await expect(checkRetellSignature(BODY, KEY, good)).resolves.toBe('valid');
    for (const bad of [good.toUpperCase(), good.replace(',', ', '), [good, good], ` ${good}`]) {
      await expect(checkRetellSignature(BODY, KEY, bad)).resolves.toBe('malformed');
    }
  });

  it.each([
    ['10-digit (seconds)', `v=${Math.floor(NOW / 1000)},d=${DIGEST}`],
    ['1-digit', `v=0,d=${DIGEST}`],
    ['16-digit', `v=${'1'.repeat(16)},d=${DIGEST}`],
  ])('a %s timestamp is well formed (the clock check decides)', async (_name, header) => {
    clockAt(NOW);
    expect(signatureHeaderProblem(header)).toBeUndefined();
    await expect(checkRetellSignature(BODY, KEY, header)).resolves.toBe('invalid');
  });
});

describe('non-ASCII bodies verify over the exact string', () => {
  beforeEach(() => clockAt(NOW));

  const bodies: Array<[string, string]> = [
    ['Spanish accents', '{"event":"call_ended","call":{"call_id":"c1","transcript":"Agent: ¿Está Señora Muñoz? User: Sí, ¡aquí está! Canción, pingüino."}}'],
    ['emoji', '{"event":"call_ended","call":{"call_id":"c2","transcript":"User: great 👍🏽 see you 🎉 — thanks"}}'],
    ['CJK and RTL', '{"event":"call_ended","call":{"call_id":"c3","transcript":"用户: 你好 / مرحبا"}}'],
  ];

  it.each(bodies)('%s: valid as received', async (_name, body) => {
    await expect(checkRetellSignature(body, KEY, await sign(body, KEY))).resolves.toBe('valid');
  });

  it.each(bodies)('%s: invalid once re-serialised with \\u escapes', async (_name, body) => {
    const header = await sign(body, KEY);
    // eslint-disable-next-line no-control-regex -- the range starts at NUL on purpose: every non-ASCII character
    const escaped = body.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(JSON.parse(escaped)).toEqual(JSON.parse(body));
    await expect(checkRetellSignature(escaped, KEY, header)).resolves.toBe('invalid');
  });

  it('Spanish accents: NFD-normalised text (same glyphs, other code points) is invalid', async () => {
    const body = bodies[0][1];
    expect(body.normalize('NFD')).not.toBe(body);
    await expect(checkRetellSignature(body.normalize('NFD'), KEY, await sign(body, KEY))).resolves.toBe('invalid');
  });

  it('emoji: the body decoded from its UTF-8 bytes verifies; a latin1 decode does not', async () => {
    const body = bodies[1][1];
    const header = await sign(body, KEY);
    const bytes = Buffer.from(body, 'utf8');
    await expect(checkRetellSignature(bytes.toString('utf8'), KEY, header)).resolves.toBe('valid');
    await expect(checkRetellSignature(bytes.toString('latin1'), KEY, header)).resolves.toBe('invalid');
  });
});

describe('checkRetellSignatureBytes agrees with the SDK over the UTF-8 bytes', () => {
  beforeEach(() => clockAt(NOW));
  const bodies: Array<[string, string]> = [
    ['a call event', BODY],
    ['empty', ''],
    ['accents and emoji', JSON.stringify({ call: { transcript: 'Hola, sí, ¿qué tal? 👋🏽 — ok' } })],
    ['a byte-order mark kept in front', `\uFEFF${BODY}`],
    ['escapes as written', '{"a":"\\u00e9 \\n \\"x\\""}'],
    ['1 MB', JSON.stringify({ t: 'x'.repeat(1024 * 1024) })],
  ];
  // How each header is made for a body: [name, header maker]
  const headers: Array<[string, (body: string) => Promise<string>]> = [
    ['fresh, right key', (b) => symmetric.sign(b, KEY, NOW)],
    ['4 min old', (b) => symmetric.sign(b, KEY, NOW - 4 * MIN)],
    ['4 min ahead', (b) => symmetric.sign(b, KEY, NOW + 4 * MIN)],
    ['exactly 5 min old', (b) => symmetric.sign(b, KEY, NOW - 5 * MIN)],
    ['5 min and 1 ms old', (b) => symmetric.sign(b, KEY, NOW - 5 * MIN - 1)],
    ['6 min ahead', (b) => symmetric.sign(b, KEY, NOW + 6 * MIN)],
    ['another key', (b) => symmetric.sign(b, 'key_other', NOW)],
    ['another body', (b) => symmetric.sign(`${b} `, KEY, NOW)],
    ['leading zeros in v', async (b) => (await symmetric.sign(b, KEY, NOW)).replace('v=', 'v=000')],
    ['a random digest', async () => `v=${NOW},d=${randomBytes(32).toString('hex')}`],
    ['v beyond a safe integer', async () => `v=9999999999999999,d=${'a'.repeat(64)}`],
    ['missing', async () => ''],
    ['upper-case hex', async (b) => (await symmetric.sign(b, KEY, NOW)).toUpperCase().replace('V=', 'v=')],
  ];
  const cases = bodies.flatMap(([bodyName, body]) => headers.map(([headerName, make]) => [`${bodyName}, ${headerName}`, body, make] as const));

  it.each(cases)('%s', async (_name, body, make) => {
    const header = await make(body);
    const bySdk = await checkRetellSignature(body, KEY, header);
    expect(checkRetellSignatureBytes(Buffer.from(body, 'utf8'), KEY, header, NOW)).toBe(bySdk);
  });

  it('valid and invalid both occur among the cases (the comparison is not vacuous)', async () => {
    expect(checkRetellSignatureBytes(Buffer.from(BODY), KEY, await symmetric.sign(BODY, KEY, NOW), NOW)).toBe('valid');
    expect(checkRetellSignatureBytes(Buffer.from(BODY), 'key_other', await symmetric.sign(BODY, KEY, NOW), NOW)).toBe('invalid');
    expect(checkRetellSignatureBytes(Buffer.from(BODY), '', await symmetric.sign(BODY, KEY, NOW), NOW)).toBe('invalid');
  });

  it('the SDK test vector', () => {
    const header = 'v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e';
    expect(checkRetellSignatureBytes(Buffer.from('{"event":"call_ended"}'), 'test-api-key', header, 1_700_000_000_000)).toBe('valid');
  });
});
