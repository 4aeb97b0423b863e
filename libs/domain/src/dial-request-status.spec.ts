import {
  cancelPlanFor,
  canMoveDialRequest,
  DIAL_REQUEST_GROUPS,
  DIAL_REQUEST_STATUSES,
  dialRequestSourcesOf,
  inDialRequestGroup,
  isDialRequestStatus,
  type DialRequestStatus,
} from './dial-request-status';

/**
 * The allowed moves, written out by hand. Row = from, column = to, in this order:
 * scheduled, queued, dialing, live, retry_wait, completed, failed, cancelled.
 */
const ORDER: DialRequestStatus[] = ['scheduled', 'queued', 'dialing', 'live', 'retry_wait', 'completed', 'failed', 'cancelled'];
const MOVES: Record<DialRequestStatus, (0 | 1)[]> = {
  //          sch que dia liv ret com fai can
  scheduled: [0, 1, 0, 0, 0, 0, 0, 1],
  queued: [0, 0, 1, 0, 0, 0, 0, 1],
  dialing: [0, 1, 0, 1, 1, 1, 1, 1],
  live: [0, 0, 0, 0, 1, 1, 1, 1],
  retry_wait: [0, 1, 0, 0, 0, 0, 0, 1],
  completed: [0, 0, 0, 0, 0, 0, 0, 0],
  failed: [0, 0, 0, 0, 0, 0, 0, 0],
  cancelled: [0, 0, 0, 0, 0, 0, 0, 0],
};
const PAIRS = ORDER.flatMap((from) => ORDER.map((to, i): [DialRequestStatus, DialRequestStatus, boolean] => [from, to, MOVES[from][i] === 1]));

it('the table covers exactly the exported states', () => {
  expect([...DIAL_REQUEST_STATUSES]).toEqual(ORDER);
  expect(PAIRS).toHaveLength(64);
});

describe('canMoveDialRequest', () => {
  it.each(PAIRS)('%s -> %s: %s', (from, to, allowed) => expect(canMoveDialRequest(from, to)).toBe(allowed));

  it.each(ORDER)('%s never moves to itself (a new try is counted by tries, not by a status change)', (s) => expect(canMoveDialRequest(s, s)).toBe(false));

  it.each(DIAL_REQUEST_GROUPS.final)('%s is final: no move out', (s) => expect(ORDER.filter((to) => canMoveDialRequest(s, to))).toEqual([]));
});

describe('dialRequestSourcesOf (the WHERE of a guarded UPDATE)', () => {
  it.each(ORDER)('into %s: exactly the rows of the table that allow it', (to) => {
    const i = ORDER.indexOf(to);
    expect(dialRequestSourcesOf(to)).toEqual(ORDER.filter((from) => MOVES[from][i] === 1));
  });

  it.each<[DialRequestStatus, DialRequestStatus[], DialRequestStatus[]]>([
    ['retry_wait', ['dialing', 'live'], ['dialing', 'live']],
    ['cancelled', ['scheduled', 'queued', 'retry_wait'], ['scheduled', 'queued', 'retry_wait']],
    ['live', ['queued'], []],
    ['queued', ['dialing'], ['dialing']],
    ['queued', ['completed'], []],
  ])('into %s, expecting %j: %j', (to, expected, sources) => expect(dialRequestSourcesOf(to, expected)).toEqual(sources));
});

describe('groups', () => {
  const partition: Array<keyof typeof DIAL_REQUEST_GROUPS> = ['waiting', 'holdingSlot', 'final'];
  it('waiting, holdingSlot and final split the states, each state in one', () => {
    const all = partition.flatMap((g) => [...DIAL_REQUEST_GROUPS[g]]);
    expect([...all].sort()).toEqual([...ORDER].sort());
  });

  it.each<[string, keyof typeof DIAL_REQUEST_GROUPS, boolean]>([
    ['scheduled', 'waiting', true],
    ['retry_wait', 'waiting', true],
    ['dialing', 'waiting', false],
    ['dialing', 'holdingSlot', true],
    ['live', 'holdingSlot', true],
    ['queued', 'holdingSlot', false],
    ['cancelled', 'final', true],
    ['live', 'final', false],
    ['scheduled', 'due', true],
    ['queued', 'due', false],
    ['retry_wait', 'cancellableAtOnce', true],
    ['dialing', 'cancellableAtOnce', false],
    ['dialing', 'cancellableLater', true],
    ['completed', 'cancellableLater', false],
    ['nonsense', 'final', false],
  ])('%s in %s: %s', (s, g, expected) => expect(inDialRequestGroup(s, g)).toBe(expected));

  it('every grouped state is a state', () => {
    for (const g of Object.values(DIAL_REQUEST_GROUPS)) for (const s of g) expect(isDialRequestStatus(s)).toBe(true);
    expect(isDialRequestStatus('ringing')).toBe(false);
  });
});

describe('cancelPlanFor', () => {
  it.each<[DialRequestStatus, ReturnType<typeof cancelPlanFor>]>([
    ['scheduled', 'cancel_now'],
    ['queued', 'cancel_now'],
    ['retry_wait', 'cancel_now'],
    ['dialing', 'cancel_when_linked'],
    ['live', 'stop_live'],
    ['completed', 'already_final'],
    ['failed', 'already_final'],
    ['cancelled', 'already_final'],
  ])('%s → %s', (s, plan) => expect(cancelPlanFor(s)).toBe(plan));

  it('a plan that cancels at once is a legal move', () => {
    for (const s of ORDER) if (cancelPlanFor(s) === 'cancel_now') expect(canMoveDialRequest(s, 'cancelled')).toBe(true);
  });
});
