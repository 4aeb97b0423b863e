import type { AppEnv } from '@retell-ops/config';
import type { QueueProducers } from '@retell-ops/queue';
import { ReminderScheduler } from '@retell-ops/recruiting';

/**
 * Which reminders the scheduler adds, read against a clock the test sets: only those still
 * ahead, each due exactly at its instant (BullMQ's timestamp + delay), under ids that name the
 * interview instant. The queue is a recorder: what reaches Redis is the integration tests' part.
 */
describe('ReminderScheduler', () => {
  const HOUR = 3_600_000;
  const NOW = Date.now();
  const added: Array<{ id: string; offset: string; timestamp: number; delay: number }> = [];
  const producers = {
    add: async (_queue: string, data: { offset: string }, opts: { jobId: string; timestamp: number; delay: number }) => {
      added.push({ id: opts.jobId, offset: data.offset, timestamp: opts.timestamp, delay: opts.delay });
    },
  } as unknown as QueueProducers;
  const scheduler = (now: number) => new ReminderScheduler(producers, { INTERVIEW_REMINDERS: '24h,1h' } as AppEnv, { now: () => now });

  beforeEach(() => {
    added.length = 0;
  });

  it.each<[string, number, string[]]>([
    ['two days ahead: both', 48 * HOUR, ['24h', '1h']],
    ['just over a day ahead: both', 24 * HOUR + 1, ['24h', '1h']],
    ['exactly a day ahead: the 24 h one is due now, so only the 1 h one', 24 * HOUR, ['1h']],
    ['two hours ahead: only the 1 h one', 2 * HOUR, ['1h']],
    ['exactly an hour ahead: none', HOUR, []],
    ['ten minutes ahead: none', 10 * 60_000, []],
    ['in the past: none', -HOUR, []],
  ])('%s', async (_name, ahead, offsets) => {
    const at = NOW + ahead;
    const n = await scheduler(NOW).schedule({ id: 'i1', tenantId: 't1', scheduledAt: new Date(at) });
    expect(n).toBe(offsets.length);
    expect(added.map((a) => a.offset)).toEqual(offsets);
    for (const a of added) {
      expect(a.timestamp + a.delay).toBe(at - (a.offset === '24h' ? 24 * HOUR : HOUR));
      expect(a.id).toBe(`reminder.i1.${a.offset}.${at}`);
    }
  });

  it('measures from its clock, not the system one', async () => {
    const at = NOW + 2 * HOUR;
    // A clock a day behind the real one still sees the 24 h reminder ahead.
    await scheduler(NOW - 24 * HOUR).schedule({ id: 'i2', tenantId: 't1', scheduledAt: new Date(at) });
    expect(added.map((a) => [a.offset, a.timestamp + a.delay])).toEqual([
      ['24h', at - 24 * HOUR],
      ['1h', at - HOUR],
    ]);
  });

  it('an interview without a time gets none', async () => {
    expect(await scheduler(NOW).schedule({ id: 'i3', tenantId: 't1', scheduledAt: null })).toBe(0);
    expect(added).toEqual([]);
  });
});
