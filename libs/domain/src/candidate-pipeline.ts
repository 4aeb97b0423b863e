/**
 * A candidate's place in the hiring pipeline and the only moves it may make.
 *
 *   new → screening → interviewing → offered → hired        (the stages, in order)
 *   rejected, withdrawn                                      (closed: the candidate left the pipeline)
 *
 * Two kinds of mover, with different powers:
 *
 * - `analysis`: Retell's post-call analysis, applied automatically. Analysis arrives late, twice
 *   or out of order, so it may only move a candidate forward, only as far as `interviewing`, and
 *   may close (reject / withdraw) only a candidate still in new, screening or interviewing. It
 *   never touches an offered, hired, rejected or withdrawn candidate: a stale call does not undo
 *   an offer, and a replayed "Interview Scheduled" does not reopen a rejected candidate. Offers and
 *   hires are people's decisions, so analysis never makes them.
 * - `person`: a recruiter through the API. A person may move an open candidate to any other
 *   stage except `new` (forward, or back to correct a mistake: an interview cancelled → screening),
 *   may hire only from `offered`, may close any open candidate, and may reopen a rejected or
 *   withdrawn candidate to `screening` (the only way out of a closed state). Nobody leaves `hired`,
 *   and nobody returns to `new` (it means "never contacted").
 *
 * Not moving (from === to) is never a move.
 */
export const CANDIDATE_STATUSES = ['new', 'screening', 'interviewing', 'offered', 'hired', 'rejected', 'withdrawn'] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

export const CANDIDATE_MOVERS = ['analysis', 'person'] as const;
export type CandidateMover = (typeof CANDIDATE_MOVERS)[number];

/** The stages a candidate is still moving through. */
export const OPEN_CANDIDATE_STATUSES: readonly CandidateStatus[] = ['new', 'screening', 'interviewing', 'offered'];
/** The end of the pipeline: hired for good; rejected and withdrawn until a person reopens them. */
export const FINAL_CANDIDATE_STATUSES: readonly CandidateStatus[] = ['hired', 'rejected', 'withdrawn'];
/** The open stages analysis may still act on. */
export const ANALYSIS_MOVABLE_STATUSES: readonly CandidateStatus[] = ['new', 'screening', 'interviewing'];

const STAGE_RANK: Partial<Record<CandidateStatus, number>> = { new: 0, screening: 1, interviewing: 2, offered: 3, hired: 4 };
const CLOSED = new Set<CandidateStatus>(['rejected', 'withdrawn']);
const OPEN = new Set<CandidateStatus>(OPEN_CANDIDATE_STATUSES);
const ANALYSIS_FROM = new Set<CandidateStatus>(ANALYSIS_MOVABLE_STATUSES);
const ANALYSIS_MAX_RANK = 2; // interviewing

export function isCandidateStatus(value: unknown): value is CandidateStatus {
  return typeof value === 'string' && (CANDIDATE_STATUSES as readonly string[]).includes(value);
}

export function isFinalCandidateStatus(status: CandidateStatus): boolean {
  return !OPEN.has(status);
}

/** Whether `by` may move a candidate at `from` to `to`. Defaults to the stricter mover, analysis. */
export function canMoveCandidate(from: CandidateStatus, to: CandidateStatus, by: CandidateMover = 'analysis'): boolean {
  if (!isCandidateStatus(from) || !isCandidateStatus(to) || from === to) return false;
  if (by === 'analysis') {
    if (!ANALYSIS_FROM.has(from)) return false;
    if (CLOSED.has(to)) return true;
    const toRank = STAGE_RANK[to];
    return toRank !== undefined && toRank <= ANALYSIS_MAX_RANK && toRank > (STAGE_RANK[from] as number);
  }
  if (by !== 'person') return false;
  if (CLOSED.has(from)) return to === 'screening';
  if (from === 'hired') return false;
  // from is open
  if (to === 'new') return false;
  if (to === 'hired') return from === 'offered';
  return true;
}

/** The status after `by` asks to move a candidate at `current` to `target`: the target, or unchanged. */
export function advanceCandidate(current: CandidateStatus, target: CandidateStatus | undefined, by: CandidateMover = 'analysis'): CandidateStatus {
  if (target === undefined) return current;
  return canMoveCandidate(current, target, by) ? target : current;
}
