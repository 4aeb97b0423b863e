import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoOptions, scrubSecrets } from './logging';

describe('log lines carry no secret', () => {
  it.each([
    ['authorization: Bearer rops_0123456789abcdef0123', 'authorization: Bearer [redacted]'],
    ['key rops_dev_admin_key_change_me refused', 'key [redacted] refused'],
    ['retell key key_test_0123456789abcdef in use', 'retell key [redacted] in use'],
    ['signature v=1765000000000,d=0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9 failed', 'signature [redacted] failed'],
    ['hash 6465762d6f6e6c792d656e6372797074696f6e2d6b65792d33322d6279746573', 'hash [redacted]'],
    ['job call_ended.4b1c2d3e-aaaa-bbbb-cccc-0123456789ab.call_abc done', 'job call_ended.4b1c2d3e-aaaa-bbbb-cccc-0123456789ab.call_abc done'],
  ])('%s', (text, scrubbed) => {
    expect(scrubSecrets(text)).toBe(scrubbed);
  });

  it('redacts credential headers and secret-named fields, scrubs messages, and writes one JSON object per line', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const log = pino(pinoOptions({ LOG_LEVEL: 'log', NODE_ENV: 'production' }, 'test-app'), sink);
    log.info(
      {
        req: { headers: { authorization: 'Bearer abc', cookie: 'rops_session=zzz', 'x-retell-signature': 'v=1,d=ff', host: 'h' } },
        apiKey: 'k1',
        nested: { token: 't1' },
      },
      'tried Bearer rops_secret_value_123456',
    );
    log.debug('not at LOG_LEVEL=log');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({
      level: 'info',
      app: 'test-app',
      msg: 'tried Bearer [redacted]',
      apiKey: '[redacted]',
      nested: { token: '[redacted]' },
      req: { headers: { authorization: '[redacted]', cookie: '[redacted]', 'x-retell-signature': '[redacted]', host: 'h' } },
    });
    expect(typeof line.time).toBe('string');
  });
});
