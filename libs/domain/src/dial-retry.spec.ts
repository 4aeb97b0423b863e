import { verdictAfterAttempt } from './dial-retry';

describe('verdictAfterAttempt', () => {
  it.each([
    ['no_answer', 1, 3, 'retry'],
    ['no_answer', 3, 3, 'failed'],
    ['busy', 2, 3, 'retry'],
    ['busy', 1, 1, 'failed'],
    ['voicemail', 1, 2, 'retry'],
    ['voicemail', 2, 2, 'failed'],
    ['dial_failed', 1, 5, 'failed'],
    ['wrong_number', 1, 5, 'failed'],
    ['declined', 1, 5, 'failed'],
    ['telephony_error', 1, 5, 'failed'],
    ['error', 1, 5, 'failed'],
    ['concurrency_limited', 1, 1, 'requeue'],
    ['stopped', 1, 3, 'cancelled'],
    ['successful', 1, 3, 'completed'],
    ['unsuccessful', 1, 3, 'completed'],
    ['connected', 1, 3, 'completed'],
    ['transferred', 1, 3, 'completed'],
    ['ivr', 1, 3, 'completed'],
    [null, 1, 3, 'failed'],
  ] as const)('%s after attempt %i of %i → %s', (outcome, attempts, max, verdict) => {
    expect(verdictAfterAttempt(outcome, attempts, max)).toBe(verdict);
  });
});
