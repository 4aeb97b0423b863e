import { randomBytes } from 'node:crypto';
import { constantTimeEqual, hashApiKey, newApiKeyToken, SecretBox } from './secret-box';

const RAW_KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const HEX_KEY = RAW_KEY.toString('hex');
const B64_KEY = RAW_KEY.toString('base64');

/** Rewrites one base64url part of a sealed secret with its first byte flipped. */
function flipByte(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[0] ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('SecretBox', () => {
  const box = new SecretBox(HEX_KEY);

  it.each([
    ['a Retell API key', 'key_0f1e2d3c4b5a69788796a5b4c3d2e1f0'],
    ['an empty string', ''],
    ['accents and emoji', 'contraseña 🔐 ñandú'],
    ['dots and newlines', 'a.b.c\nd.e'],
    ['a long secret', 'x'.repeat(100_000)],
  ])('round-trips %s', (_name, plain) => {
    const sealed = box.encrypt(plain);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/);
    expect(sealed).not.toContain(plain || '\u0000');
    expect(box.decrypt(sealed)).toBe(plain);
  });

  it('two encryptions of the same text differ (random IV) and both decrypt', () => {
    const a = box.encrypt('same secret');
    const b = box.encrypt('same secret');
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
    expect(box.decrypt(a)).toBe('same secret');
    expect(box.decrypt(b)).toBe('same secret');
  });

  it.each([
    ['the IV', 1],
    ['the auth tag', 2],
    ['the ciphertext', 3],
  ] as const)('a flipped byte in %s makes decrypt throw', (_name, part) => {
    const sealed = box.encrypt('key_0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(() => box.decrypt(flipByte(sealed, part))).toThrow();
  });

  it.each([
    ['a truncated tag', (s: string) => s.replace(/^(v1\.[^.]+\.)[^.]{4}/, '$1')],
    ['a ciphertext with one extra byte', (s: string) => `${s}AA`],
    ['an empty ciphertext', (s: string) => s.replace(/[^.]*$/, '')],
    ['a swapped ciphertext from another secret', (s: string) => s.replace(/[^.]*$/, box.encrypt('other secret!!!!!!!!!!!!!!!!!!!!!!').split('.')[3])],
  ])('%s makes decrypt throw', (_name, tamper) => {
    const sealed = box.encrypt('key_0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(() => box.decrypt(tamper(sealed))).toThrow();
  });

  it.each([
    ['empty', ''],
    ['plaintext', 'key_0f1e2d3c4b5a69788796a5b4c3d2e1f0'],
    ['another version', 'v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA'],
    ['missing parts', 'v1.AAAAAAAAAAAAAAAA'],
    ['missing iv', 'v1..AAAAAAAAAAAAAAAAAAAAAA.AAAA'],
  ])('refuses a value that is not sealed: %s', (_name, value) => {
    expect(() => box.decrypt(value)).toThrow();
  });

  it('a different key cannot decrypt', () => {
    const sealed = box.encrypt('key_0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    const other = new SecretBox(randomBytes(32).toString('hex'));
    expect(() => other.decrypt(sealed)).toThrow();
  });

  it.each([
    ['lowercase hex', HEX_KEY],
    ['uppercase hex', HEX_KEY.toUpperCase()],
    ['base64', B64_KEY],
    ['base64 without padding', B64_KEY.replace(/=+$/, '')],
    ['base64url', RAW_KEY.toString('base64url')],
  ])('accepts the same 32-byte key as %s', (_name, key) => {
    const sealed = new SecretBox(key).encrypt('shared');
    expect(box.decrypt(sealed)).toBe('shared');
    expect(new SecretBox(key).decrypt(box.encrypt('shared'))).toBe('shared');
  });

  it.each([
    ['empty', ''],
    ['16 bytes of hex', randomBytes(16).toString('hex')],
    ['31 bytes of base64', randomBytes(31).toString('base64')],
    ['33 bytes of base64', randomBytes(33).toString('base64')],
    ['a passphrase', 'correct horse battery staple'],
  ])('refuses a key that is not 32 bytes: %s', (_name, key) => {
    expect(() => new SecretBox(key)).toThrow('encryption key must be 32 bytes');
  });
});

describe('hashApiKey', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('is SHA-256 hex: %p', (token, hex) => {
    expect(hashApiKey(token)).toBe(hex);
  });

  it.each([
    ['an admin token', 'rops_dev_admin_key_change_me'],
    ['a generated token', newApiKeyToken()],
    ['a token with accents', 'rops_ñandú'],
  ])('is stable and 64 lowercase hex for %s', (_name, token) => {
    expect(hashApiKey(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(token)).toBe(hashApiKey(token));
    expect(hashApiKey(`${token}x`)).not.toBe(hashApiKey(token));
  });
});

describe('newApiKeyToken / constantTimeEqual', () => {
  it('tokens are prefixed, url-safe and distinct', () => {
    const tokens = Array.from({ length: 50 }, () => newApiKeyToken());
    for (const t of tokens) expect(t).toMatch(/^rops_[A-Za-z0-9_-]{32}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', '', true],
    ['ñ', 'n', false],
  ])('%p vs %p -> %p', (a, b, equal) => {
    expect(constantTimeEqual(a, b)).toBe(equal);
  });
});
