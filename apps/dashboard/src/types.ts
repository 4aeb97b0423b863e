/** What the API answers, as the pages read it (the OpenAPI document at /api/docs is the full contract). */

export type Role = 'owner' | 'admin' | 'recruiter' | 'viewer';
/** A permission name as the API's permission table spells it (e.g. 'calls:write'); the session lists the caller's. */
export type Permission = string;

export interface Session {
  tenant: { id: string; name: string; slug: string };
  role: Role;
  permissions: Permission[];
  csrfToken: string;
  expiresAt: string;
}

export interface Utterance {
  role: string;
  content: string;
  words?: { start?: number; end?: number }[];
}

export interface Call {
  id: string;
  callId: string | null;
  dialRequestId: string | null;
  attempt: number | null;
  agentId: string | null;
  direction: string | null;
  fromNumber: string | null;
  toNumber: string | null;
  status: string;
  retellStatus: string | null;
  disconnectionReason: string | null;
  outcome: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  transcript: string | null;
  transcriptObject: Utterance[] | null;
  recordingUrl: string | null;
  publicLogUrl: string | null;
  summary: string | null;
  sentiment: string | null;
  successful: boolean | null;
  inVoicemail: boolean | null;
  customAnalysis: Record<string, unknown> | null;
  costCents: number | null;
  dynamicVariables: Record<string, string> | null;
  candidateId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface CallDelivery {
  event: string;
  receivedAt: string;
  processedAt: string | null;
}

export interface Tenant {
  id: string;
  name: string;
  slug: string;
  defaultAgentId: string | null;
  defaultFromNumber: string | null;
}

export interface Agent {
  retellAgentId: string;
  name: string | null;
  /** false once disconnected (GET /api/v1/agents): not offered for new calls */
  connected?: boolean;
  createdAt: string;
  lastCall?: { id: string; callId: string | null; status: string; outcome: string | null; occurredAt: string } | null;
}

export interface BatchProgress {
  total: number;
  queued: number;
  live: number;
  completed: number;
  failed: number;
  cancelled: number;
}
