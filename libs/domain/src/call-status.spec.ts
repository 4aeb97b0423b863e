import {
  advanceStatus,
  CALL_STATUSES,
  canTransition,
  isTerminal,
  reportsCallStatus,
  settleStatus,
  statusRank,
  TERMINAL_STATUSES,
  type CallStatus,
} from './call-status';

/**
 * The allowed moves, written out by hand rather than derived from the ranks under test.
 * Row = from, column = to, in CALL_STATUSES order:
 * scheduled, queued, initiated, ringing, in_progress, completed, failed, cancelled.
 */
const ORDER: CallStatus[] = ['scheduled', 'queued', 'initiated', 'ringing', 'in_progress', 'completed', 'failed', 'cancelled'];
const MOVES: Record<CallStatus, (0 | 1)[]> = {
  //           sch que ini rin inp com fai can
  scheduled: [0, 1, 1, 1, 1, 1, 1, 1],
  queued: [0, 0, 1, 1, 1, 1, 1, 1],
  initiated: [0, 0, 0, 1, 1, 1, 1, 1],
  ringing: [0, 0, 0, 0, 1, 1, 1, 1],
  in_progress: [0, 0, 0, 0, 0, 1, 1, 1],
  completed: [0, 0, 0, 0, 0, 0, 0, 0],
  failed: [0, 0, 0, 0, 0, 0, 0, 0],
  cancelled: [0, 0, 0, 0, 0, 0, 0, 0],
};
const TERMINAL = new Set<CallStatus>(['completed', 'failed', 'cancelled']);

const PAIRS: Array<[CallStatus, CallStatus, boolean]> = ORDER.flatMap((from) =>
  ORDER.map((to, i): [CallStatus, CallStatus, boolean] => [from, to, MOVES[from][i] === 1]),
);

it('the table covers exactly the exported statuses', () => {
  expect([...CALL_STATUSES]).toEqual(ORDER);
  expect(PAIRS).toHaveLength(64);
  expect([...TERMINAL_STATUSES].sort()).toEqual([...TERMINAL].sort());
});

describe('statusRank / isTerminal', () => {
  it.each([
    ['scheduled', 0, false],
    ['queued', 1, false],
    ['initiated', 2, false],
    ['ringing', 3, false],
    ['in_progress', 4, false],
    ['completed', 5, true],
    ['failed', 5, true],
    ['cancelled', 5, true],
  ] as Array<[CallStatus, number, boolean]>)('%s has rank %d, terminal %s', (status, rank, terminal) => {
    expect(statusRank(status)).toBe(rank);
    expect(isTerminal(status)).toBe(terminal);
  });
});

describe('canTransition (forward only; terminal states never move)', () => {
  it.each(PAIRS)('%s -> %s: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });
});

describe('advanceStatus (forward or unchanged)', () => {
  it.each(PAIRS)('%s reported %s (allowed: %s)', (current, incoming, allowed) => {
    expect(advanceStatus(current, incoming)).toBe(allowed ? incoming : current);
  });

  it.each(ORDER.filter((s) => TERMINAL.has(s)))('%s never goes back to a non-terminal state', (terminal) => {
    for (const s of ORDER.filter((x) => !TERMINAL.has(x))) expect(advanceStatus(terminal, s)).toBe(terminal);
  });
});

describe('settleStatus (forward, and a reported terminal replaces a terminal)', () => {
  const expected = (current: CallStatus, reported: CallStatus): CallStatus => {
    if (TERMINAL.has(current) && TERMINAL.has(reported)) return reported;
    return MOVES[current][ORDER.indexOf(reported)] ? reported : current;
  };

  it.each(PAIRS)('%s settled with reported %s', (current, reported) => {
    expect(settleStatus(current, reported)).toBe(expected(current, reported));
  });

  it.each([
    ['completed', 'failed', 'failed'],
    ['failed', 'completed', 'completed'],
    ['cancelled', 'completed', 'completed'],
    ['completed', 'in_progress', 'completed'],
    ['failed', 'ringing', 'failed'],
    ['cancelled', 'scheduled', 'cancelled'],
    ['queued', 'completed', 'completed'],
    ['in_progress', 'initiated', 'in_progress'],
  ] as Array<[CallStatus, CallStatus, CallStatus]>)('spot check: %s + %s = %s', (current, reported, result) => {
    expect(settleStatus(current, reported)).toBe(result);
  });

  it.each(ORDER)('%s with nothing reported stays put', (current) => {
    expect(settleStatus(current, undefined)).toBe(current);
  });

  it.each(ORDER.filter((s) => !TERMINAL.has(s)))('settling from %s is order-independent for any two reports', (start) => {
    for (const a of ORDER) {
      for (const b of ORDER) {
        // A report that would replace a terminal with another terminal decides by order by
        // design (Retell's later report wins); order independence holds whenever the two
        // reports do not both name a terminal state.
        if (TERMINAL.has(a) && TERMINAL.has(b)) continue;
        expect(settleStatus(settleStatus(start, a), b)).toBe(settleStatus(settleStatus(start, b), a));
      }
    }
  });
});

describe('reportsCallStatus', () => {
  it.each<[string, boolean]>([
    ['call_started', true],
    ['call_ended', true],
    ['call_analyzed', true],
    ['transfer_started', false],
    ['transfer_bridged', false],
    ['transfer_cancelled', false],
    ['transfer_ended', false],
    ['transcript_updated', false],
    ['call.ended', false],
  ])('%s → %s', (event, expected) => {
    expect(reportsCallStatus(event)).toBe(expected);
  });
});
