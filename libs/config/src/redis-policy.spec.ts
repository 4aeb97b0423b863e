import { evictionVerdict, maxmemoryPolicyOf } from './redis-policy';

const info = (policy?: string) =>
  [
    '# Memory',
    'used_memory:1046504',
    'maxmemory:0',
    'maxmemory_human:0B',
    ...(policy === undefined ? [] : [`maxmemory_policy:${policy}`]),
    'allocator_frag_ratio:1.00',
    '',
  ].join('\r\n');

describe('maxmemoryPolicyOf', () => {
  it.each([
    [info('noeviction'), 'noeviction'],
    [info('allkeys-lru'), 'allkeys-lru'],
    [info('volatile-ttl'), 'volatile-ttl'],
    [info('noeviction').replace(/\r\n/g, '\n'), 'noeviction'],
    [info(), undefined],
    [info(''), undefined],
    ['', undefined],
    ['# Memory\r\nmaxmemory_policy_other:x\r\n', undefined],
  ])('%j → %p', (text, expected) => {
    expect(maxmemoryPolicyOf(text)).toBe(expected);
  });
});

describe('evictionVerdict', () => {
  it.each<[string | undefined, 'development' | 'test' | 'production', 'ok' | 'warn' | 'refuse']>([
    ['noeviction', 'production', 'ok'],
    ['noeviction', 'development', 'ok'],
    ['noeviction', 'test', 'ok'],
    ['allkeys-lru', 'production', 'refuse'],
    ['allkeys-lru', 'development', 'warn'],
    ['allkeys-lru', 'test', 'warn'],
    ['volatile-lru', 'production', 'refuse'],
    ['allkeys-lfu', 'production', 'refuse'],
    ['volatile-lfu', 'production', 'refuse'],
    ['allkeys-random', 'production', 'refuse'],
    ['volatile-random', 'production', 'refuse'],
    ['volatile-ttl', 'production', 'refuse'],
    ['volatile-ttl', 'development', 'warn'],
    ['NOEVICTION', 'production', 'refuse'],
    // not readable: say so, start as before
    [undefined, 'production', 'warn'],
    [undefined, 'development', 'warn'],
  ])('%p under %s: %s', (policy, nodeEnv, action) => {
    const verdict = evictionVerdict(policy, nodeEnv);
    expect(verdict.action).toBe(action);
    if (verdict.action !== 'ok') expect(verdict.message).toMatch(/noeviction/);
    if (verdict.action !== 'ok' && policy) expect(verdict.message).toContain(`maxmemory-policy is ${policy}`);
    if (verdict.action === 'refuse') expect(verdict.message).toMatch(/Refusing to start under NODE_ENV=production/);
  });
});
