/** What the API answers, as the pages read it (the OpenAPI document at /api/docs is the full contract). */

export type Role = 'owner' | 'admin' | 'recruiter' | 'viewer';
/** A permission name as the API's permission table spells it (e.g. 'calls:write'); the session lists the caller's. */
export type Permission = string;

export interface TenantRef {
  id: string;
  name: string;
  slug: string;
}

export interface Membership {
  tenant: TenantRef;
  role: Role;
}

export interface Person {
  id: string;
  email: string;
  name: string;
}

export interface Session {
  tenant: TenantRef;
  role: Role;
  permissions: Permission[];
  csrfToken: string;
  expiresAt: string;
  /** a person signed in with a password (absent for a session made from an API key) */
  user?: Person;
  memberships?: Membership[];
}

/** GET /api/v1/me: who is calling. */
export interface Me {
  kind: 'user' | 'api-key';
  user: Person | null;
  apiKey: { id: string; name: string; prefix: string | null } | null;
  tenant: TenantRef;
  role: Role;
  permissions: Permission[];
  memberships: Membership[];
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface PendingInvitation {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  invitedByUserId: string | null;
  invitedByApiKeyId: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface UsersList {
  members: Member[];
  invitations: PendingInvitation[];
}

export interface InvitationCreated {
  id: string;
  token: string;
  url: string;
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
  /** who placed it; null for a call known only from Retell's webhooks */
  createdBy: Actor | null;
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
  /** transfer_* events only */
  transferDestination?: string | null;
}

export interface LiveUtterance {
  role: 'agent' | 'user' | 'transfer_target';
  content: string;
}

/** GET /api/v1/calls/:id/live-transcript */
export interface LiveTranscript {
  id: string;
  callId: string | null;
  status: string;
  source: 'live' | 'stored' | 'none';
  count: number;
  utterances: LiveUtterance[];
  updatedAt: string | null;
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

export type ActorType = 'user' | 'api_key' | 'platform_operator';

/** Who did something: a person, an API key, or the platform operator; `label` is the email or the key's name and prefix. */
export interface Actor {
  type: ActorType;
  id: string;
  label: string;
}

export const ACTOR_TYPE_LABELS: Record<ActorType, string> = { user: 'person', api_key: 'API key', platform_operator: 'platform operator' };

/** One row of GET /api/v1/audit. */
export interface AuditEntry {
  id: string;
  actor: Actor;
  action: string;
  target: { type: string; id: string | null } | null;
  summary: Record<string, unknown> | null;
  status: number;
  method: string;
  route: string;
  ip: string | null;
  requestId: string | null;
  at: string;
}
