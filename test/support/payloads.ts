import { randomBytes } from 'node:crypto';

/**
 * When the fixture calls start: 90 s before the suite loaded this module, so they are always
 * recent calls whatever the calendar says, and every call of one suite has the same times (tests
 * compare the rows of two calls field by field).
 */
export const LIFECYCLE_START = Date.now() - 90_000;

/** Small, valid lifecycle deliveries for one call (the simulator builds the realistic ones); it ends 75 s after it starts. */
export function lifecycle(agentId: string, callId = `call_${randomBytes(12).toString('hex')}`, start = LIFECYCLE_START) {
  const base = {
    call_id: callId,
    agent_id: agentId,
    agent_version: 3,
    call_type: 'phone_call',
    direction: 'outbound',
    from_number: '+14155550100',
    to_number: '+14155550123',
    start_timestamp: start,
    metadata: { candidate_ref: 'c-1' },
    retell_llm_dynamic_variables: { first_name: 'Ana' },
  };
  const ended = {
    ...base,
    call_status: 'ended',
    end_timestamp: start + 75_000,
    duration_ms: 75_000,
    disconnection_reason: 'user_hangup',
    transcript: 'Agent: Hi Ana, this is the recruiting assistant.\nUser: Hola, sí, ¿qué tal?',
    transcript_object: [{ role: 'agent', content: 'Hi Ana', words: [{ word: 'Hi', start: 0.1, end: 0.3 }] }],
    recording_url: `https://example.invalid/rec/${callId}.wav`,
    public_log_url: `https://example.invalid/log/${callId}.txt`,
    call_cost: { combined_cost: 34.45, product_costs: [{ product: 'retell_platform', cost: 34.45 }], total_duration_seconds: 75 },
  };
  return {
    callId,
    call_started: { event: 'call_started', call: { ...base, call_status: 'ongoing' } },
    call_ended: { event: 'call_ended', call: ended },
    call_analyzed: {
      event: 'call_analyzed',
      call: {
        ...ended,
        call_analysis: {
          call_summary: 'Ana is interested and booked an interview.',
          user_sentiment: 'Positive',
          call_successful: true,
          in_voicemail: false,
          custom_analysis_data: { interest_level: 'High', qualified: true },
        },
      },
    },
  };
}
