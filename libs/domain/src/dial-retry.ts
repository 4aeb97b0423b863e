import type { CallOutcome } from './call-outcome';

export type AttemptVerdict =
  /** unanswered: dial again after the backoff */
  | 'retry'
  /** Retell had no free line: dial again soon, without counting the attempt */
  | 'requeue'
  | 'completed'
  | 'failed'
  | 'cancelled';

const UNANSWERED = new Set<string>(['no_answer', 'busy', 'voicemail']);
const FAILED = new Set<string>(['dial_failed', 'wrong_number', 'declined', 'blocked', 'billing_error', 'telephony_error', 'error']);

/**
 * What a dial request does after one of its calls ends. Unanswered (no answer, busy, voicemail)
 * is redialled until maxAttempts; a number that cannot be dialled (dial_failed,
 * invalid_destination → wrong_number, …) is never retried.
 */
export function verdictAfterAttempt(outcome: CallOutcome | string | null, attempts: number, maxAttempts: number): AttemptVerdict {
  if (outcome === 'concurrency_limited') return 'requeue';
  if (outcome === 'stopped') return 'cancelled';
  if (outcome && UNANSWERED.has(outcome)) return attempts < maxAttempts ? 'retry' : 'failed';
  if (!outcome || FAILED.has(outcome)) return 'failed';
  return 'completed';
}
