import Retell from 'retell-sdk';
import { RetellUnavailable, withRetellBackoff } from './retell-backoff';

const apiError = (status: number, headers: Record<string, string> = {}) => Retell.APIError.generate(status, { message: 'x' }, 'x', new Headers(headers));

describe('withRetellBackoff', () => {
  it('waits out a 429 (its Retry-After) and a 500, then answers', async () => {
    const waits: number[] = [];
    const answers = [apiError(429, { 'retry-after': '2' }), apiError(500), 'ok'];
    const result = await withRetellBackoff(
      'list-calls',
      async () => {
        const a = answers.shift();
        if (a instanceof Error) throw a;
        return a;
      },
      3,
      async (ms) => waits.push(ms),
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([2000, 2000]);
  });

  it('gives up after the retries with RetellUnavailable', async () => {
    const waits: number[] = [];
    const run = withRetellBackoff(
      'get-call',
      async () => {
        throw apiError(503);
      },
      2,
      async (ms) => waits.push(ms),
    );
    await expect(run).rejects.toBeInstanceOf(RetellUnavailable);
    await expect(run).rejects.toThrow('get-call: Retell answered 503 3 time(s); gave up');
    expect(waits).toEqual([1000, 2000]);
  });

  it.each([400, 401, 422])('throws a %s at once', async (status) => {
    let calls = 0;
    const run = withRetellBackoff(
      'get-call',
      async () => {
        calls++;
        throw apiError(status);
      },
      3,
      async () => undefined,
    );
    await expect(run).rejects.toBeInstanceOf(Retell.APIError);
    expect(calls).toBe(1);
  });
});
