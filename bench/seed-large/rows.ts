/**
 * The rows the large seed writes, table by table: each table's COPY columns and a generator of
 * its rows from the plan. How a row is stored (e.g. a CallEvent's payload) is decided here only.
 */
import type { CopyValue } from './copy';
import { batchId, batchStart, callFacts, candidateFacts, KIND, positionId, type CallFacts, type TenantPlan } from './plan';
import { Rng, uuidOf } from './random';
import { POSITIONS, transcript } from './vocabulary';

export interface TableRows {
  table: string;
  columns: readonly string[];
  rows: (p: TenantPlan) => Iterable<CopyValue[]>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms));
const AGENT_NAMES = ['Riley', 'Jordan', 'Casey', 'Morgan', 'Avery', 'Quinn', 'Taylor', 'Skyler'];

const agents: TableRows = {
  table: 'Agent',
  columns: ['id', 'tenantId', 'retellAgentId', 'name', 'createdAt', 'updatedAt'],
  *rows(p) {
    for (const [k, agentId] of p.agents.entries()) {
      const at = iso(p.start);
      yield [uuidOf(p.seed, p.t, KIND.agent, k), p.tenantId, agentId, `${AGENT_NAMES[k % AGENT_NAMES.length]} (recruiting screen)`, at, at];
    }
  },
};

const positions: TableRows = {
  table: 'Position',
  columns: ['id', 'tenantId', 'title', 'department', 'isOpen', 'createdAt', 'updatedAt'],
  *rows(p) {
    for (const [i, [title, department]] of POSITIONS.entries())
      yield [positionId(p, i), p.tenantId, title, department, i % 7 !== 6, iso(p.start), iso(p.start)];
  },
};

const candidates: TableRows = {
  table: 'Candidate',
  columns: [
    'id',
    'tenantId',
    'externalId',
    'firstName',
    'lastName',
    'email',
    'phone',
    'timeZone',
    'positionApplied',
    'positionId',
    'status',
    'statusChangedAt',
    'qualified',
    'interestLevel',
    'yearsExperience',
    'callAttempts',
    'createdAt',
    'updatedAt',
  ],
  *rows(p) {
    for (let k = 0; k < p.candidates; k++) {
      const c = candidateFacts(p, k);
      const r = new Rng(p.seed, p.t, KIND.candidate, k, 2);
      const screened = c.status !== 'new';
      const changed = screened ? c.createdAt + Math.floor(r.between(1, 20) * 86_400_000) : null;
      yield [
        c.id,
        p.tenantId,
        c.externalId,
        c.firstName,
        c.lastName,
        c.email,
        c.phone,
        c.timeZone,
        POSITIONS[c.position][0],
        positionId(p, c.position),
        c.status,
        iso(changed === null ? null : Math.min(changed, p.end)),
        screened ? c.status !== 'rejected' : null,
        screened ? r.pick(['High', 'Medium', 'Low', 'Not Interested']) : null,
        screened ? 1 + r.int(15) : null,
        r.int(3),
        iso(c.createdAt),
        iso(changed === null ? c.createdAt : Math.min(changed, p.end)),
      ];
    }
  },
};

const interviews: TableRows = {
  table: 'Interview',
  columns: ['id', 'tenantId', 'candidateId', 'status', 'scheduledAt', 'timeZone', 'durationMinutes', 'interviewer', 'resolvedFrom', 'createdAt', 'updatedAt'],
  *rows(p) {
    for (let k = 0; k < p.candidates; k++) {
      const c = candidateFacts(p, k);
      if (c.status !== 'interviewing' && c.status !== 'offered' && c.status !== 'hired') continue;
      const r = new Rng(p.seed, p.t, KIND.interview, k);
      const at = Math.min(c.createdAt + Math.floor(r.between(3, 25) * 86_400_000), p.end + 14 * 86_400_000);
      const status = at > p.end ? 'scheduled' : c.status === 'interviewing' ? r.pick(['completed', 'scheduled', 'needs_review', 'cancelled']) : 'completed';
      yield [
        uuidOf(p.seed, p.t, KIND.interview, k),
        p.tenantId,
        c.id,
        status,
        status === 'needs_review' ? null : iso(at),
        c.timeZone,
        r.pick([30, 45, 60]),
        r.pick(['Dana Whitfield', 'Sam Ortega', 'Lee Park', 'Chris Abara']),
        'iso',
        iso(c.createdAt),
        iso(c.createdAt),
      ];
    }
  },
};

const batches: TableRows = {
  table: 'Batch',
  columns: ['id', 'tenantId', 'name', 'maxConcurrent', 'status', 'completedAt', 'createdAt', 'updatedAt'],
  *rows(p) {
    for (let b = 0; b < p.batches; b++) {
      const at = batchStart(p, b);
      const done = at + (p.end - p.start) / p.batches;
      const finished = done < p.end;
      yield [
        batchId(p, b),
        p.tenantId,
        `${POSITIONS[b % POSITIONS.length][0]} outreach #${b + 1}`,
        20,
        finished ? 'completed' : 'active',
        finished ? iso(done) : null,
        iso(at),
        iso(finished ? done : at),
      ];
    }
  },
};

function* eachCall(p: TenantPlan): Generator<CallFacts> {
  for (let i = 0; i < p.calls; i++) yield callFacts(p, i);
}

const DIAL_STATUS: Record<string, string> = { completed: 'completed', failed: 'failed', cancelled: 'cancelled', in_progress: 'live' };

const dialRequests: TableRows = {
  table: 'DialRequest',
  columns: [
    'id',
    'tenantId',
    'batchId',
    'candidateId',
    'toNumber',
    'fromNumber',
    'agentId',
    'dynamicVariables',
    'priority',
    'status',
    'notBefore',
    'attempts',
    'maxAttempts',
    'tries',
    'currentCallId',
    'statusChangedAt',
    'lastOutcome',
    'createdAt',
    'updatedAt',
  ],
  *rows(p) {
    for (const c of eachCall(p)) {
      if (!c.dialRequestId) continue;
      const created = iso(c.occurredAt - 60_000);
      const placed = c.status !== 'cancelled';
      const vars = JSON.stringify({ first_name: c.candidate?.firstName ?? 'there', position: c.candidate ? POSITIONS[c.candidate.position][0] : 'the role' });
      yield [
        c.dialRequestId,
        p.tenantId,
        c.batch === null ? null : batchId(p, c.batch),
        c.candidate?.id ?? null,
        c.toNumber,
        c.fromNumber,
        c.agentId,
        vars,
        'normal',
        DIAL_STATUS[c.status],
        created,
        placed ? 1 : 0,
        1,
        placed ? 1 : 0,
        placed ? c.id : null,
        iso(c.endedAt ?? c.occurredAt),
        c.outcome,
        created,
        iso(c.endedAt ?? c.occurredAt),
      ];
    }
  },
};

const calls: TableRows = {
  table: 'Call',
  columns: [
    'id',
    'tenantId',
    'retellCallId',
    'candidateId',
    'dialRequestId',
    'attempt',
    'agentId',
    'agentVersion',
    'callType',
    'direction',
    'fromNumber',
    'toNumber',
    'status',
    'retellStatus',
    'disconnectionReason',
    'outcome',
    'startedAt',
    'endedAt',
    'durationMs',
    'transcript',
    'summary',
    'sentiment',
    'successful',
    'inVoicemail',
    'costCents',
    'occurredAt',
    'createdAt',
    'updatedAt',
  ],
  *rows(p) {
    for (const c of eachCall(p)) {
      const talk =
        c.connected && c.status !== 'in_progress'
          ? transcript(new Rng(p.seed, p.t, KIND.call, c.i, 2), {
              firstName: c.candidate?.firstName ?? 'there',
              position: c.candidate ? POSITIONS[c.candidate.position][0] : 'open',
              city: c.candidate?.city ?? 'your area',
              agentName: AGENT_NAMES[p.agents.indexOf(c.agentId) % AGENT_NAMES.length],
              successful: c.successful === true,
              voicemail: c.voicemail,
            })
          : null;
      yield [
        c.id,
        p.tenantId,
        c.status === 'cancelled' ? null : c.retellCallId,
        c.candidate?.id ?? null,
        c.dialRequestId,
        c.dialRequestId ? 1 : null,
        c.agentId,
        3,
        'phone_call',
        c.direction,
        c.fromNumber,
        c.toNumber,
        c.status,
        c.retellStatus,
        c.disconnectionReason,
        c.outcome,
        iso(c.startedAt),
        iso(c.endedAt),
        c.durationMs,
        talk?.text ?? null,
        talk?.summary ?? null,
        c.sentiment,
        c.successful,
        c.connected ? c.voicemail : null,
        c.costCents,
        iso(c.occurredAt),
        iso(c.occurredAt),
        iso(c.endedAt ?? c.occurredAt),
      ];
    }
  },
};

/**
 * Each event's payload is a small Retell-shaped body (call id, agent, status, numbers, times, and
 * for call_analyzed the analysis flags) rather than the full 2–20 KB delivery, so the database
 * stays a few GB.
 */
const callEvents: TableRows = {
  table: 'CallEvent',
  columns: ['id', 'tenantId', 'callId', 'type', 'receivedAt', 'processedAt', 'payload', 'source'],
  *rows(p) {
    for (const c of eachCall(p)) {
      if (c.status === 'cancelled') continue;
      const call = {
        call_id: c.retellCallId,
        agent_id: c.agentId,
        call_type: 'phone_call',
        direction: c.direction,
        from_number: c.fromNumber,
        to_number: c.toNumber,
        start_timestamp: c.startedAt,
      };
      const events: Array<[string, number, object]> = [['call_started', c.occurredAt, { ...call, call_status: 'ongoing' }]];
      if (c.endedAt !== null) {
        const ended = {
          ...call,
          call_status: c.retellStatus,
          end_timestamp: c.endedAt,
          duration_ms: c.durationMs,
          disconnection_reason: c.disconnectionReason,
        };
        events.push(['call_ended', c.endedAt + 400, ended]);
        events.push([
          'call_analyzed',
          c.endedAt + 6_000,
          {
            ...ended,
            call_analysis: { user_sentiment: c.sentiment, call_successful: c.successful, in_voicemail: c.voicemail },
            call_cost: { combined_cost: c.costCents },
          },
        ]);
      }
      for (const [k, [type, at, body]] of events.entries()) {
        yield [uuidOf(p.seed, p.t, KIND.event, c.i, k), p.tenantId, c.id, type, iso(at), iso(at + 35), JSON.stringify({ event: type, call: body }), 'webhook'];
      }
    }
  },
};

/** In load order (parents before children, though foreign keys are not checked during the load). */
export const TABLES: readonly TableRows[] = [agents, positions, candidates, interviews, batches, dialRequests, calls, callEvents];
