import { CALL_OUTCOMES, outcomeOf, type CallOutcome } from './call-outcome';

/**
 * Every disconnection_reason in docs/retell.md#disconnection-reason, with the outcome of an `ended` call that analysis
 * has not judged. `null` means the reason names no outcome, so the call is a plain conversation
 * (`connected`, or successful/unsuccessful once analysis says so).
 */
const REASONS: Array<[reason: string, outcome: CallOutcome | null]> = [
  ['user_hangup', null],
  ['agent_hangup', null],
  ['call_transfer', 'transferred'],
  ['voicemail_reached', 'voicemail'],
  ['ivr_reached', 'ivr'],
  ['inactivity', null],
  ['max_duration_reached', null],
  ['concurrency_limit_reached', 'concurrency_limited'],
  ['no_concurrency_fallback', 'concurrency_limited'],
  ['no_valid_payment', 'billing_error'],
  ['scam_detected', 'blocked'],
  ['marked_as_spam', 'blocked'],
  ['dial_busy', 'busy'],
  ['dial_failed', 'dial_failed'],
  ['dial_no_answer', 'no_answer'],
  ['invalid_destination', 'wrong_number'],
  ['telephony_provider_permission_denied', 'telephony_error'],
  ['telephony_provider_unavailable', 'telephony_error'],
  ['sip_routing_error', 'telephony_error'],
  ['user_declined', 'declined'],
  ['error_llm_websocket_open', 'error'],
  ['error_llm_websocket_lost_connection', 'error'],
  ['error_llm_websocket_runtime', 'error'],
  ['error_llm_websocket_corrupt_payload', 'error'],
  ['error_no_audio_received', 'error'],
  ['error_asr', 'error'],
  ['error_retell', 'error'],
  ['error_unknown', 'error'],
  ['error_user_not_joined', 'no_answer'],
  ['error_inbound_webhook', 'error'],
  ['registered_call_timeout', 'no_answer'],
  ['transfer_bridged', 'transferred'],
  ['transfer_cancelled', null],
  ['manual_stopped', 'stopped'],
  ['call_take_over', null],
];

describe.each(REASONS)('outcomeOf: ended with %s', (reason, named) => {
  it(`-> ${named ?? 'connected'} without analysis`, () => {
    expect(outcomeOf({ callStatus: 'ended', disconnectionReason: reason })).toBe(named ?? 'connected');
    expect(outcomeOf({ callStatus: 'ended', disconnectionReason: reason, inVoicemail: null, successful: null })).toBe(named ?? 'connected');
  });

  it.each([
    [true, 'successful'],
    [false, 'unsuccessful'],
  ] as Array<[boolean, CallOutcome]>)('call_successful %s -> %s unless the reason names an outcome', (successful, judged) => {
    expect(outcomeOf({ callStatus: 'ended', disconnectionReason: reason, successful })).toBe(named ?? judged);
  });

  it('in_voicemail true overrides the reason', () => {
    expect(outcomeOf({ callStatus: 'ended', disconnectionReason: reason, inVoicemail: true })).toBe('voicemail');
    expect(outcomeOf({ callStatus: 'ended', disconnectionReason: reason, inVoicemail: true, successful: true })).toBe('voicemail');
    expect(outcomeOf({ callStatus: 'not_connected', disconnectionReason: reason, inVoicemail: true })).toBe('voicemail');
  });

  it('in_voicemail false changes nothing', () => {
    expect(outcomeOf({ callStatus: 'ended', disconnectionReason: reason, inVoicemail: false })).toBe(named ?? 'connected');
  });

  it(`not_connected -> ${named ?? 'dial_failed'}`, () => {
    expect(outcomeOf({ callStatus: 'not_connected', disconnectionReason: reason })).toBe(named ?? 'dial_failed');
    // analysis cannot turn a call that never connected into a conversation
    expect(outcomeOf({ callStatus: 'not_connected', disconnectionReason: reason, successful: true })).toBe(named ?? 'dial_failed');
  });

  it(`error status -> ${named ?? 'error'}`, () => {
    expect(outcomeOf({ callStatus: 'error', disconnectionReason: reason })).toBe(named ?? 'error');
  });

  it.each(['ongoing', 'registered'])('a live call (%s) has no outcome yet', (callStatus) => {
    expect(outcomeOf({ callStatus, disconnectionReason: reason, inVoicemail: true, successful: true })).toBeUndefined();
  });
});

describe('outcomeOf: user_hangup / agent_hangup decided by analysis', () => {
  it.each([
    ['user_hangup', true, 'successful'],
    ['user_hangup', false, 'unsuccessful'],
    ['user_hangup', undefined, 'connected'],
    ['user_hangup', null, 'connected'],
    ['agent_hangup', true, 'successful'],
    ['agent_hangup', false, 'unsuccessful'],
    ['agent_hangup', undefined, 'connected'],
    ['agent_hangup', null, 'connected'],
  ] as Array<[string, boolean | null | undefined, CallOutcome]>)('%s, call_successful %p -> %s', (disconnectionReason, successful, expected) => {
    expect(outcomeOf({ callStatus: 'ended', disconnectionReason, successful })).toBe(expected);
  });
});

describe('outcomeOf: status without a known reason', () => {
  it.each([
    // live or unknown: no outcome yet
    [{ callStatus: 'ongoing' }, undefined],
    [{ callStatus: 'registered' }, undefined],
    [{ callStatus: undefined }, undefined],
    [{ callStatus: null }, undefined],
    [{ callStatus: 'some_new_status', disconnectionReason: 'dial_no_answer' }, undefined],
    [{ callStatus: 'ongoing', inVoicemail: true }, undefined],
    // error
    [{ callStatus: 'error' }, 'error'],
    [{ callStatus: 'error', disconnectionReason: 'a_future_reason' }, 'error'],
    [{ callStatus: 'error', successful: true }, 'error'],
    // not_connected with an unknown or no reason
    [{ callStatus: 'not_connected' }, 'dial_failed'],
    [{ callStatus: 'not_connected', disconnectionReason: 'a_future_reason' }, 'dial_failed'],
    [{ callStatus: 'not_connected', disconnectionReason: '' }, 'dial_failed'],
    // ended with an unknown or no reason
    [{ callStatus: 'ended' }, 'connected'],
    [{ callStatus: 'ended', disconnectionReason: 'a_future_reason' }, 'connected'],
    [{ callStatus: 'ended', disconnectionReason: 'a_future_reason', successful: true }, 'successful'],
    [{ callStatus: 'ended', disconnectionReason: 'a_future_reason', successful: false }, 'unsuccessful'],
    [{ callStatus: 'ended', disconnectionReason: 'a_future_reason', inVoicemail: true }, 'voicemail'],
  ] as Array<[Parameters<typeof outcomeOf>[0], CallOutcome | undefined]>)('%p -> %p', (input, expected) => {
    expect(outcomeOf(input)).toBe(expected);
  });

  // disconnection_reason is an open string from the webhook body: prototype names are unknown reasons.
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('reason %p is unknown, not a prototype member', (disconnectionReason) => {
    expect(outcomeOf({ callStatus: 'ended', disconnectionReason })).toBe('connected');
    expect(outcomeOf({ callStatus: 'not_connected', disconnectionReason })).toBe('dial_failed');
  });

  it('every outcome it returns is one of CALL_OUTCOMES', () => {
    for (const [reason] of REASONS) {
      for (const callStatus of ['ended', 'not_connected', 'error']) {
        for (const successful of [true, false, undefined]) {
          const outcome = outcomeOf({ callStatus, disconnectionReason: reason, successful });
          expect(CALL_OUTCOMES).toContain(outcome);
        }
      }
    }
  });
});
