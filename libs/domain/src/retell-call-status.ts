import type { CallStatus } from './call-status';

/**
 * Retell's disconnection_reason values grouped by what they mean for the call. Retell keeps
 * adding reasons, so an unknown one is kept raw and classified by call_status alone.
 */
const NEVER_CONNECTED = new Set([
  'dial_busy',
  'dial_failed',
  'dial_no_answer',
  'invalid_destination',
  'user_declined',
  'concurrency_limit_reached',
  'no_concurrency_fallback',
  'no_valid_payment',
  'scam_detected',
  'marked_as_spam',
  'telephony_provider_permission_denied',
  'telephony_provider_unavailable',
  'sip_routing_error',
  'registered_call_timeout',
  'error_user_not_joined',
  // the number's inbound webhook failed: no agent ever took the call
  'error_inbound_webhook',
]);

/**
 * Maps Retell's call_status + disconnection_reason to the platform status.
 * registered → initiated; ongoing → in_progress; ended → completed, unless the call never
 * connected (a failed dial) → failed; not_connected and error → failed; not_connected after a
 * manual stop → cancelled. Returns undefined for a call_status the platform does not know.
 */
export function statusFromRetell(callStatus: string | undefined | null, disconnectionReason?: string | null): CallStatus | undefined {
  switch (callStatus) {
    case 'registered':
      return 'initiated';
    case 'ongoing':
      return 'in_progress';
    case 'ended':
      return disconnectionReason && NEVER_CONNECTED.has(disconnectionReason) ? 'failed' : 'completed';
    case 'not_connected':
      return disconnectionReason === 'manual_stopped' ? 'cancelled' : 'failed';
    case 'error':
      return 'failed';
    default:
      return undefined;
  }
}

/** Whether the platform knows this call_status (Retell adds values; an unknown one decides nothing). */
export function isKnownRetellCallStatus(callStatus: string | undefined | null): callStatus is string {
  return statusFromRetell(callStatus) !== undefined;
}

export function neverConnected(disconnectionReason: string | null | undefined): boolean {
  return !!disconnectionReason && NEVER_CONNECTED.has(disconnectionReason);
}
