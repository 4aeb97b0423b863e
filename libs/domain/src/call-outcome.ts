/** What happened on the call, apart from its lifecycle status. */
export const CALL_OUTCOMES = [
  'successful',
  'unsuccessful',
  'connected',
  'voicemail',
  'no_answer',
  'busy',
  'declined',
  'wrong_number',
  'dial_failed',
  'ivr',
  'concurrency_limited',
  'billing_error',
  'blocked',
  'telephony_error',
  'stopped',
  'transferred',
  'error',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

const BY_REASON = new Map<string, CallOutcome>(
  Object.entries({
    dial_no_answer: 'no_answer',
    registered_call_timeout: 'no_answer',
    error_user_not_joined: 'no_answer',
    dial_busy: 'busy',
    user_declined: 'declined',
    invalid_destination: 'wrong_number',
    dial_failed: 'dial_failed',
    voicemail_reached: 'voicemail',
    ivr_reached: 'ivr',
    concurrency_limit_reached: 'concurrency_limited',
    no_concurrency_fallback: 'concurrency_limited',
    no_valid_payment: 'billing_error',
    scam_detected: 'blocked',
    marked_as_spam: 'blocked',
    telephony_provider_permission_denied: 'telephony_error',
    telephony_provider_unavailable: 'telephony_error',
    sip_routing_error: 'telephony_error',
    manual_stopped: 'stopped',
    call_transfer: 'transferred',
    transfer_bridged: 'transferred',
    error_llm_websocket_open: 'error',
    error_llm_websocket_lost_connection: 'error',
    error_llm_websocket_runtime: 'error',
    error_llm_websocket_corrupt_payload: 'error',
    error_no_audio_received: 'error',
    error_asr: 'error',
    error_retell: 'error',
    error_unknown: 'error',
    error_inbound_webhook: 'error',
  } satisfies Record<string, CallOutcome>),
);

export interface OutcomeInput {
  callStatus?: string | null;
  disconnectionReason?: string | null;
  inVoicemail?: boolean | null;
  successful?: boolean | null;
}

/**
 * The outcome of a call that has ended, or undefined while it is still live. A reason that
 * names the outcome wins; analysis decides between successful and unsuccessful for a
 * conversation; a voicemail flagged by analysis is a voicemail whatever the hang-up reason.
 */
export function outcomeOf(input: OutcomeInput): CallOutcome | undefined {
  const { callStatus, disconnectionReason, inVoicemail, successful } = input;
  if (callStatus !== 'ended' && callStatus !== 'not_connected' && callStatus !== 'error') return undefined;
  if (inVoicemail === true) return 'voicemail';
  const byReason = disconnectionReason ? BY_REASON.get(disconnectionReason) : undefined;
  if (byReason) return byReason;
  if (callStatus === 'error') return 'error';
  if (callStatus === 'not_connected') return 'dial_failed';
  if (successful === true) return 'successful';
  if (successful === false) return 'unsuccessful';
  return 'connected';
}
