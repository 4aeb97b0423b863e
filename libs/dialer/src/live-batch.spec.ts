import type { LiveUpdates } from '@retell-ops/live-events';
import { LiveBatch } from './live-batch';

describe('LiveBatch', () => {
  const recorder = () => {
    const sent: Array<[string, string, string[]]> = [];
    const live = {
      dialRequests: async (tenantId: string, ids: readonly string[]) => void sent.push(['requests', tenantId, [...ids].sort()]),
      calls: async (tenantId: string, ids: readonly string[]) => void sent.push(['calls', tenantId, [...ids].sort()]),
    } as unknown as LiveUpdates;
    return { sent, live };
  };

  it.each<[string, Array<[string, string, string]>, Array<[string, string, string[]]>]>([
    [
      'one update',
      [['t1', 'r1', 'c1']],
      [
        ['requests', 't1', ['r1']],
        ['calls', 't1', ['c1']],
      ],
    ],
    [
      'a burst in one tenant is one publish of each kind',
      [
        ['t1', 'r1', 'c1'],
        ['t1', 'r2', 'c2'],
        ['t1', 'r1', 'c1'],
      ],
      [
        ['requests', 't1', ['r1', 'r2']],
        ['calls', 't1', ['c1', 'c2']],
      ],
    ],
    [
      'tenants are kept apart',
      [
        ['t1', 'r1', 'c1'],
        ['t2', 'r2', 'c2'],
      ],
      [
        ['requests', 't1', ['r1']],
        ['calls', 't1', ['c1']],
        ['requests', 't2', ['r2']],
        ['calls', 't2', ['c2']],
      ],
    ],
  ])('%s', async (_name, adds, expected) => {
    const { sent, live } = recorder();
    const batch = new LiveBatch(live, 60_000);
    for (const [t, r, c] of adds) batch.add(t, r, c);
    expect(sent).toEqual([]);
    await batch.flush();
    expect(sent).toEqual(expected);
    await batch.flush();
    expect(sent).toEqual(expected);
  });

  it('flushes by itself after the delay', async () => {
    const { sent, live } = recorder();
    const batch = new LiveBatch(live, 10);
    batch.add('t1', 'r1', 'c1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent).toHaveLength(2);
  });
});
