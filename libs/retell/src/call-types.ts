/**
 * The parts of Retell's call object the platform reads (docs/retell.md#call-object; retell-sdk
 * `resources/call.ts`). Everything but the ids is optional, and enums Retell keeps growing
 * (disconnection_reason) are open strings.
 */
export type RetellCallStatus = 'registered' | 'not_connected' | 'ongoing' | 'ended' | 'error';
export const RETELL_CALL_STATUSES: readonly RetellCallStatus[] = ['registered', 'not_connected', 'ongoing', 'ended', 'error'];

export interface RetellTranscriptUtterance {
  role: 'agent' | 'user' | 'transfer_target';
  content: string;
  words?: Array<{ word: string; start: number; end: number }>;
}

export interface RetellCallAnalysis {
  call_summary?: string;
  in_voicemail?: boolean;
  user_sentiment?: 'Negative' | 'Positive' | 'Neutral' | 'Unknown' | string;
  call_successful?: boolean;
  custom_analysis_data?: unknown;
}

export interface RetellCallCost {
  /** cents */
  combined_cost?: number;
  product_costs?: Array<{ product: string; cost: number; unit_price?: number }>;
  total_duration_seconds?: number;
  total_duration_unit_price?: number;
}

export interface RetellCall {
  call_id: string;
  agent_id: string;
  agent_version?: number;
  agent_name?: string;
  call_type?: 'phone_call' | 'web_call';
  call_status?: RetellCallStatus | string;
  direction?: 'inbound' | 'outbound';
  from_number?: string;
  to_number?: string;
  metadata?: unknown;
  retell_llm_dynamic_variables?: Record<string, string>;
  collected_dynamic_variables?: Record<string, string>;
  start_timestamp?: number;
  end_timestamp?: number;
  duration_ms?: number;
  disconnection_reason?: string;
  transcript?: string;
  transcript_object?: RetellTranscriptUtterance[];
  recording_url?: string;
  public_log_url?: string;
  call_cost?: RetellCallCost;
  call_analysis?: RetellCallAnalysis;
  batch_call_id?: string;
  [key: string]: unknown;
}

export interface RetellWebhookEnvelope {
  event: string;
  call: RetellCall;
  event_timestamp?: number;
}
