import type { CallStatus } from './call-status';
import { isKnownRetellCallStatus, neverConnected, statusFromRetell } from './retell-call-status';

/**
 * Every disconnection_reason docs/retell.md#disconnection-reason lists (retell-sdk 5.66.1 enum), with the platform
 * status for a call Retell reports as `ended` and as `not_connected`.
 * A reason that means the callee was never reached makes an `ended` call `failed`.
 */
const REASONS: Array<[reason: string, ended: CallStatus, notConnected: CallStatus]> = [
  // Normal endings
  ['user_hangup', 'completed', 'failed'],
  ['agent_hangup', 'completed', 'failed'],
  ['call_transfer', 'completed', 'failed'],
  ['voicemail_reached', 'completed', 'failed'],
  ['ivr_reached', 'completed', 'failed'],
  ['inactivity', 'completed', 'failed'],
  ['max_duration_reached', 'completed', 'failed'],
  // Capacity and billing: the call was never placed
  ['concurrency_limit_reached', 'failed', 'failed'],
  ['no_concurrency_fallback', 'failed', 'failed'],
  ['no_valid_payment', 'failed', 'failed'],
  // Screening
  ['scam_detected', 'failed', 'failed'],
  ['marked_as_spam', 'failed', 'failed'],
  // Dial and telephony failures
  ['dial_busy', 'failed', 'failed'],
  ['dial_failed', 'failed', 'failed'],
  ['dial_no_answer', 'failed', 'failed'],
  ['invalid_destination', 'failed', 'failed'],
  ['telephony_provider_permission_denied', 'failed', 'failed'],
  ['telephony_provider_unavailable', 'failed', 'failed'],
  ['sip_routing_error', 'failed', 'failed'],
  ['user_declined', 'failed', 'failed'],
  // LLM websocket errors: the call connected, then broke; its lifecycle still completed
  ['error_llm_websocket_open', 'completed', 'failed'],
  ['error_llm_websocket_lost_connection', 'completed', 'failed'],
  ['error_llm_websocket_runtime', 'completed', 'failed'],
  ['error_llm_websocket_corrupt_payload', 'completed', 'failed'],
  // Other errors
  ['error_no_audio_received', 'completed', 'failed'],
  ['error_asr', 'completed', 'failed'],
  ['error_retell', 'completed', 'failed'],
  ['error_unknown', 'completed', 'failed'],
  ['error_user_not_joined', 'failed', 'failed'],
  ['error_inbound_webhook', 'failed', 'failed'],
  // Other outcomes
  ['registered_call_timeout', 'failed', 'failed'],
  ['transfer_bridged', 'completed', 'failed'],
  ['transfer_cancelled', 'completed', 'failed'],
  ['manual_stopped', 'completed', 'cancelled'],
  ['call_take_over', 'completed', 'failed'],
  // A reason Retell adds later is kept raw and classified by call_status alone
  ['some_future_reason_2027', 'completed', 'failed'],
];

describe('statusFromRetell: call_status alone', () => {
  it.each([
    ['registered', 'initiated'],
    ['ongoing', 'in_progress'],
    ['ended', 'completed'],
    ['not_connected', 'failed'],
    ['error', 'failed'],
    // Values Retell may add: no status of their own (the fold leaves the status where it was)
    ['completed', undefined],
    ['ENDED', undefined],
    ['ringing', undefined],
    ['a_status_added_in_2027', undefined],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
  ] as Array<[string | null | undefined, CallStatus | undefined]>)('%p -> %p', (callStatus, expected) => {
    expect(statusFromRetell(callStatus)).toBe(expected);
    expect(statusFromRetell(callStatus, null)).toBe(expected);
    expect(isKnownRetellCallStatus(callStatus)).toBe(expected !== undefined);
  });

  it.each(['ended', 'not_connected', 'error'])('an unknown disconnection_reason with %s decides by call_status alone', (callStatus) => {
    expect(statusFromRetell(callStatus, 'a_reason_added_in_2027')).toBe(statusFromRetell(callStatus));
  });
});

describe.each(REASONS)('statusFromRetell with disconnection_reason %s', (reason, ended, notConnected) => {
  it(`ended -> ${ended}`, () => {
    expect(statusFromRetell('ended', reason)).toBe(ended);
  });

  it(`not_connected -> ${notConnected}`, () => {
    expect(statusFromRetell('not_connected', reason)).toBe(notConnected);
  });

  it('error -> failed; live and unknown statuses ignore the reason', () => {
    expect(statusFromRetell('error', reason)).toBe('failed');
    expect(statusFromRetell('registered', reason)).toBe('initiated');
    expect(statusFromRetell('ongoing', reason)).toBe('in_progress');
    expect(statusFromRetell('mystery', reason)).toBeUndefined();
    expect(statusFromRetell(undefined, reason)).toBeUndefined();
  });

  it(`neverConnected is ${ended === 'failed'}`, () => {
    expect(neverConnected(reason)).toBe(ended === 'failed');
  });
});

it.each([undefined, null, ''])('neverConnected(%p) is false', (reason) => {
  expect(neverConnected(reason)).toBe(false);
});

it('the issue examples: dial_no_answer fails, voicemail_reached completes', () => {
  expect(statusFromRetell('ended', 'dial_no_answer')).toBe('failed');
  expect(statusFromRetell('not_connected', 'dial_no_answer')).toBe('failed');
  expect(statusFromRetell('ended', 'voicemail_reached')).toBe('completed');
});
