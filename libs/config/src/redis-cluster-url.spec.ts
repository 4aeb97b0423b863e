import { isRedisClusterUrl, parseRedisClusterUrl, queuePrefix } from './redis';

describe('redis+cluster:// URLs', () => {
  it.each([
    [
      'redis+cluster://127.0.0.1:7000,127.0.0.1:7001',
      {
        nodes: [
          { host: '127.0.0.1', port: 7000 },
          { host: '127.0.0.1', port: 7001 },
        ],
        tls: false,
      },
    ],
    ['rediss+cluster://r1:6380', { nodes: [{ host: 'r1', port: 6380 }], tls: true }],
    [
      'redis+cluster://r1,r2:7001',
      {
        nodes: [
          { host: 'r1', port: 6379 },
          { host: 'r2', port: 7001 },
        ],
        tls: false,
      },
    ],
    [
      'redis+cluster://:s%40cret@r1:7000,r2:7000/0',
      {
        nodes: [
          { host: 'r1', port: 7000 },
          { host: 'r2', port: 7000 },
        ],
        password: 's@cret',
        tls: false,
      },
    ],
    ['redis+cluster://app:pw@[::1]:7000', { nodes: [{ host: '::1', port: 7000 }], username: 'app', password: 'pw', tls: false }],
  ])('%s', (url, expected) => {
    expect(isRedisClusterUrl(url)).toBe(true);
    expect(parseRedisClusterUrl(url)).toEqual({ username: undefined, password: undefined, ...expected });
  });

  it.each(['redis+cluster://', 'redis+cluster://r1:port', 'redis+cluster://r1:7000,,:'])('refuses %s', (url) => {
    expect(() => parseRedisClusterUrl(url)).toThrow();
  });

  it('a plain redis:// URL is no cluster, and keeps the queue prefix as it was', () => {
    expect(isRedisClusterUrl('redis://127.0.0.1:6379')).toBe(false);
    expect(queuePrefix({ QUEUE_PREFIX: 'rops', REDIS_URL: 'redis://127.0.0.1:6379' })).toBe('rops');
  });

  it("on a cluster the queue prefix is hash-tagged, so a queue's keys share one slot", () => {
    expect(queuePrefix({ QUEUE_PREFIX: 'rops', REDIS_URL: 'redis+cluster://r1:7000' })).toBe('{rops}');
  });
});
