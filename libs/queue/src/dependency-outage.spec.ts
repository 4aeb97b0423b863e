import { DependencyOutage } from './dependency-outage';

describe('DependencyOutage', () => {
  let now = 0;
  const outage = (max = 30_000) => new DependencyOutage(max, () => now);
  beforeEach(() => (now = 1_000_000));

  it('no outage: reaching a dependency reports nothing', () => {
    const o = outage();
    expect(o.ongoing).toBe(false);
    expect(o.reached()).toBeUndefined();
  });

  it('the first error starts the outage with a 1 s pause; errors in the same pause share its end', () => {
    const o = outage();
    expect(o.unavailable()).toEqual({ delayMs: 1000, started: true });
    now += 300;
    expect(o.unavailable()).toEqual({ delayMs: 700, started: false });
    expect(o.ongoing).toBe(true);
  });

  it.each([
    // [cap, pauses seen by one job retried each time its pause ends]
    [30_000, [1000, 2000, 4000, 8000, 16000, 30000, 30000]],
    [5_000, [1000, 2000, 4000, 5000, 5000]],
    [500, [500, 500, 500]],
  ])('cap %p: each pause that ends on a still-down dependency doubles, to the cap', (cap, expected) => {
    const o = outage(cap);
    const seen: number[] = [];
    for (let i = 0; i < expected.length; i++) {
      const { delayMs } = o.unavailable();
      seen.push(delayMs);
      now += delayMs;
    }
    expect(seen).toEqual(expected);
  });

  it('the first job to reach its dependencies ends the outage once, with how long and how many waits', () => {
    const o = outage();
    o.unavailable();
    o.unavailable();
    now += 1000;
    o.unavailable();
    now += 2500;
    expect(o.reached()).toEqual({ lastedMs: 3500, waits: 3 });
    expect(o.reached()).toBeUndefined();
    expect(o.ongoing).toBe(false);
  });

  it('a new outage starts again from 1 s', () => {
    const o = outage();
    for (let i = 0; i < 4; i++) now += o.unavailable().delayMs;
    o.reached();
    expect(o.unavailable()).toEqual({ delayMs: 1000, started: true });
  });
});
