import {
  advanceCandidate,
  ANALYSIS_MOVABLE_STATUSES,
  CANDIDATE_MOVERS,
  CANDIDATE_STATUSES,
  canMoveCandidate,
  FINAL_CANDIDATE_STATUSES,
  isCandidateStatus,
  isFinalCandidateStatus,
  OPEN_CANDIDATE_STATUSES,
  type CandidateMover,
  type CandidateStatus,
} from './candidate-pipeline';

/**
 * The allowed moves, written out by hand rather than derived from the code under test.
 * Row = from, column = to, in CANDIDATE_STATUSES order: new, screening, interviewing, offered, hired, rejected, withdrawn.
 */
const ORDER: CandidateStatus[] = ['new', 'screening', 'interviewing', 'offered', 'hired', 'rejected', 'withdrawn'];
const BY_ANALYSIS: Record<CandidateStatus, (0 | 1)[]> = {
  //            new scr int off hir rej wdr
  new: [0, 1, 1, 0, 0, 1, 1],
  screening: [0, 0, 1, 0, 0, 1, 1],
  interviewing: [0, 0, 0, 0, 0, 1, 1],
  offered: [0, 0, 0, 0, 0, 0, 0],
  hired: [0, 0, 0, 0, 0, 0, 0],
  rejected: [0, 0, 0, 0, 0, 0, 0],
  withdrawn: [0, 0, 0, 0, 0, 0, 0],
};
const BY_PERSON: Record<CandidateStatus, (0 | 1)[]> = {
  //            new scr int off hir rej wdr
  new: [0, 1, 1, 1, 0, 1, 1],
  screening: [0, 0, 1, 1, 0, 1, 1],
  interviewing: [0, 1, 0, 1, 0, 1, 1],
  offered: [0, 1, 1, 0, 1, 1, 1],
  hired: [0, 0, 0, 0, 0, 0, 0],
  rejected: [0, 1, 0, 0, 0, 0, 0],
  withdrawn: [0, 1, 0, 0, 0, 0, 0],
};
const TABLES: Record<CandidateMover, Record<CandidateStatus, (0 | 1)[]>> = { analysis: BY_ANALYSIS, person: BY_PERSON };

const PAIRS: Array<[CandidateMover, CandidateStatus, CandidateStatus, boolean]> = (['analysis', 'person'] as CandidateMover[]).flatMap((by) =>
  ORDER.flatMap((from) => ORDER.map((to, i): [CandidateMover, CandidateStatus, CandidateStatus, boolean] => [by, from, to, TABLES[by][from][i] === 1])),
);
const allowed = (by: CandidateMover, from: CandidateStatus, to: CandidateStatus) => TABLES[by][from][ORDER.indexOf(to)] === 1;

it('the tables cover exactly the exported statuses and movers', () => {
  expect([...CANDIDATE_STATUSES]).toEqual(ORDER);
  expect([...CANDIDATE_MOVERS]).toEqual(['analysis', 'person']);
  expect(PAIRS).toHaveLength(98);
  expect([...OPEN_CANDIDATE_STATUSES]).toEqual(['new', 'screening', 'interviewing', 'offered']);
  expect([...FINAL_CANDIDATE_STATUSES]).toEqual(['hired', 'rejected', 'withdrawn']);
  expect([...ANALYSIS_MOVABLE_STATUSES]).toEqual(['new', 'screening', 'interviewing']);
});

describe('canMoveCandidate (full from × to table, each mover)', () => {
  it.each(PAIRS)('by %s: %s -> %s: %s', (by, from, to, ok) => {
    expect(canMoveCandidate(from, to, by)).toBe(ok);
  });

  it.each(ORDER.flatMap((from) => ORDER.map((to) => [from, to] as const)))('%s -> %s with no mover named uses the analysis rule', (from, to) => {
    expect(canMoveCandidate(from, to)).toBe(allowed('analysis', from, to));
  });

  it.each([
    ['interviewing', 'offered'],
    ['interviewing', 'hired'],
    ['offered', 'interviewing'],
    ['hired', 'interviewing'],
    ['offered', 'rejected'],
    ['hired', 'rejected'],
    ['rejected', 'interviewing'],
    ['withdrawn', 'screening'],
  ] as Array<[CandidateStatus, CandidateStatus]>)('spot check: analysis never moves %s -> %s', (from, to) => {
    expect(canMoveCandidate(from, to, 'analysis')).toBe(false);
  });

  it.each([
    ['offered', 'hired', true],
    ['interviewing', 'hired', false],
    ['rejected', 'screening', true],
    ['rejected', 'interviewing', false],
    ['hired', 'withdrawn', false],
    ['interviewing', 'screening', true],
    ['screening', 'new', false],
    ['rejected', 'withdrawn', false],
  ] as Array<[CandidateStatus, CandidateStatus, boolean]>)('spot check: a person %s -> %s: %s', (from, to, ok) => {
    expect(canMoveCandidate(from, to, 'person')).toBe(ok);
  });

  it.each([
    ['nope', 'new', 'person'],
    ['new', 'nope', 'person'],
    ['new', 'screening', 'robot'],
    [undefined, 'screening', 'analysis'],
    [null, null, 'person'],
  ])('unknown values (%s -> %s by %s) never move', (from, to, by) => {
    expect(canMoveCandidate(from as CandidateStatus, to as CandidateStatus, by as CandidateMover)).toBe(false);
  });
});

describe('advanceCandidate (the target, or unchanged)', () => {
  it.each(PAIRS)('by %s: %s asked for %s (allowed: %s)', (by, current, target, ok) => {
    expect(advanceCandidate(current, target, by)).toBe(ok ? target : current);
  });

  it.each(ORDER)('%s with nothing asked stays put', (current) => {
    expect(advanceCandidate(current, undefined)).toBe(current);
    expect(advanceCandidate(current, undefined, 'person')).toBe(current);
  });

  it.each(['offered', 'hired'] as CandidateStatus[])('a late interviewing / rejected analysis leaves an %s candidate as it is', (current) => {
    expect(advanceCandidate(current, 'interviewing')).toBe(current);
    expect(advanceCandidate(current, 'screening')).toBe(current);
    expect(advanceCandidate(current, 'rejected')).toBe(current);
  });

  it.each(ANALYSIS_MOVABLE_STATUSES)('applying any two analyses to %s gives the same result in either order', (start) => {
    for (const a of ORDER) {
      for (const b of ORDER) {
        // Two different closing reports decide by order (the first closes the candidate); analysis only ever reports `rejected`.
        if (a !== b && (a === 'rejected' || a === 'withdrawn') && (b === 'rejected' || b === 'withdrawn')) continue;
        expect(advanceCandidate(advanceCandidate(start, a), b)).toBe(advanceCandidate(advanceCandidate(start, b), a));
      }
    }
  });

  it('applying the same analysis again changes nothing (replay)', () => {
    for (const start of ORDER) for (const t of ORDER) expect(advanceCandidate(advanceCandidate(start, t), t)).toBe(advanceCandidate(start, t));
  });
});

describe('isCandidateStatus / isFinalCandidateStatus', () => {
  it.each([
    ['new', true, false],
    ['screening', true, false],
    ['interviewing', true, false],
    ['offered', true, false],
    ['hired', true, true],
    ['rejected', true, true],
    ['withdrawn', true, true],
  ] as Array<[CandidateStatus, boolean, boolean]>)('%s: status %s, final %s', (s, is, final) => {
    expect(isCandidateStatus(s)).toBe(is);
    expect(isFinalCandidateStatus(s)).toBe(final);
  });

  it.each([['Interviewing'], [''], [null], [3], [{}]])('%p is not a status', (v) => {
    expect(isCandidateStatus(v)).toBe(false);
  });
});
