import { Passwords } from './passwords';

describe('Passwords (argon2id)', () => {
  const passwords = new Passwords();

  it('hashes with argon2id and a salt: the same password twice gives two hashes, both verify', async () => {
    const [a, b] = [await passwords.hash('correct horse battery'), await passwords.hash('correct horse battery')];
    expect(a).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse battery');
    await expect(passwords.verify(a, 'correct horse battery')).resolves.toBe(true);
    await expect(passwords.verify(b, 'correct horse battery')).resolves.toBe(true);
  });

  it.each([
    ['a wrong password', 'correct horse batterx'],
    ['an empty one', ''],
    ['a prefix', 'correct horse'],
  ])('refuses %s', async (_, attempt) => {
    const h = await passwords.hash('correct horse battery');
    await expect(passwords.verify(h, attempt)).resolves.toBe(false);
  });

  it('a malformed stored hash matches nothing (no throw)', async () => {
    await expect(passwords.verify('not a hash', 'anything')).resolves.toBe(false);
    await expect(passwords.verify('', '')).resolves.toBe(false);
  });

  it('the dummy verify answers false, whatever is sent', async () => {
    await passwords.onModuleInit();
    await expect(passwords.dummyVerify('correct horse battery')).resolves.toBe(false);
    await expect(passwords.dummyVerify('')).resolves.toBe(false);
  });
});
