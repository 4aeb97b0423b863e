/**
 * Events Retell documents (docs/retell.md#events) that this platform acknowledges without keeping:
 * answered 200 so Retell does not retry them. Anything else that is not a lifecycle event is
 * not a Retell event at all (e.g. dot-style `call.ended`) and is refused.
 */
export const IGNORED_RETELL_EVENTS = new Set([
  // transcript_updated is kept as the call's live transcript (LiveTranscriptStore); transfer_* are queued.
  'chat_started',
  'chat_ended',
  'chat_analyzed',
]);
