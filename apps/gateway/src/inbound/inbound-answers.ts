import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppEnv, createRedis } from '@retell-ops/config';
import {
  buildInboundAnswer,
  chatInboundAnswer,
  decideInbound,
  defaultInboundAnswer,
  inboundDeliveryKey,
  INBOUND_ANSWER_KINDS,
  type InboundAnswer,
  type InboundAnswerKind,
  type InboundCandidate,
  type InboundDecision,
} from '@retell-ops/domain';
import { metrics } from '@retell-ops/metrics';
import { inboundKeys, keepFirstInboundAnswer, recordInboundDecision } from '@retell-ops/queue';
import { checkInboundEnvelope } from '@retell-ops/retell';
import { reply, type IngestResult } from '../webhooks/ingest-result';
import { firstLine } from '../tenants/tenant-cache';
import { InboundLookup, type InboundProfile } from './inbound-lookup';

interface Decided {
  kind: InboundAnswerKind;
  answer: InboundAnswer;
  candidateId: string | null;
  reason: string | null;
}

type Tenant = { id: string; slug: string };

/** The Redis write that keeps the first answer gets at least this long, however much of the budget the lookup used. */
const MIN_STORE_MS = 50;
const WARN_EVERY_MS = 10_000;

class BudgetSpent extends Error {}

/** `work`, or a BudgetSpent rejection after `ms`; the work itself keeps going (and fills the caches). */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const spent = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new BudgetSpent()), ms)));
  return Promise.race([work, spent]).finally(() => clearTimeout(timer));
}

/**
 * Answers Retell's `call_inbound` for one verified tenant (docs/live-calls.md#inbound-calls): the
 * caller's candidate and the tenant's rules, read from per-process caches within
 * INBOUND_ANSWER_BUDGET_MS; past the budget or on a database error, the plain default answer
 * (200, never an error: an error leaves the caller ringing through Retell's retries). The first
 * answer to a delivery is kept in Redis, so Retell's retries get that same answer, and each
 * decision is appended to the tenant's capped log.
 */
@Injectable()
export class InboundAnswers implements OnModuleDestroy {
  private readonly logger = new Logger('InboundCalls');
  private readonly redis: IORedis;
  private lastWarning = 0;

  constructor(
    private readonly env: AppEnv,
    private readonly lookup: InboundLookup,
  ) {
    this.redis = createRedis(env.REDIS_URL, 'producer');
    this.redis.on('error', () => undefined); // each failed command is counted where it fails
  }

  /** The answer to one parsed, signature-verified `call_inbound` or `chat_inbound` delivery of `tenant`. */
  async answer(tenant: Tenant, parsed: unknown): Promise<IngestResult> {
    const started = performance.now();
    const checked = checkInboundEnvelope(parsed);
    if (!checked.ok) {
      const event = (parsed as { event?: unknown } | null)?.event === 'chat_inbound' ? 'chat_inbound' : 'call_inbound';
      return reply.reject(400, 'bad_request', `invalid ${event}: ${checked.reason}`, { tenant: tenant.slug, tenantId: tenant.id, event });
    }
    const { inbound, eventTimestamp, event } = checked;
    const budget = this.env.INBOUND_ANSWER_BUDGET_MS;

    let decided: Decided;
    try {
      decided = await within(this.decide(tenant.id, inbound.from_number), budget);
    } catch (e) {
      const reason = e instanceof BudgetSpent ? 'timeout' : 'database';
      metrics.inboundDegraded.inc({ reason });
      this.warn(`tenant ${tenant.slug}: caller not looked up (${reason === 'timeout' ? `over ${budget} ms` : firstLine(e as Error)}); answered the default`);
      decided = this.fallback(tenant.id, inbound.from_number, reason);
    }

    let body = JSON.stringify(event === 'chat_inbound' ? chatInboundAnswer(decided.answer) : decided.answer);
    let kind = decided.kind;
    let replayed = false;
    try {
      const key = inboundKeys.answer(this.env.QUEUE_PREFIX, tenant.id, inboundDeliveryKey(inbound, eventTimestamp, event));
      const left = Math.max(MIN_STORE_MS, budget - (performance.now() - started));
      const before = await within(keepFirstInboundAnswer(this.redis, key, stored(kind, body)), left);
      if (before !== null) {
        ({ kind, json: body } = unstored(before));
        replayed = true;
      }
    } catch (e) {
      metrics.inboundDegraded.inc({ reason: 'redis' });
      this.warn(`tenant ${tenant.slug}: the answer could not be kept for retries (${e instanceof BudgetSpent ? 'Redis too slow' : firstLine(e as Error)})`);
    }

    metrics.inboundAnswers.inc({ kind, replayed: String(replayed) });
    metrics.inboundAnswerSeconds.observe({ kind }, (performance.now() - started) / 1000);
    void recordInboundDecision(
      this.redis,
      this.env.QUEUE_PREFIX,
      tenant.id,
      {
        at: Date.now(),
        kind,
        replayed,
        fromNumber: inbound.from_number,
        toNumber: inbound.to_number,
        candidateId: replayed ? null : decided.candidateId,
        agentId: replayed || event === 'chat_inbound' ? null : (decided.answer.call_inbound.override_agent_id ?? null),
        reason: replayed ? 'retry of a delivery already answered' : decided.reason,
        callId: inbound.id ?? null,
        channel: event === 'chat_inbound' ? 'chat' : 'call',
      },
      () => undefined,
    );
    return { status: 200, answer: body, tenant: tenant.slug, tenantId: tenant.id, event, callId: inbound.id };
  }

  private async decide(tenantId: string, fromNumber: string): Promise<Decided> {
    const profile = await this.lookup.profile(tenantId);
    const rules = profile?.rules;
    // Rejection needs no candidate: the lookup is skipped for a blocked number.
    const blocked = rules ? decideInbound({ blockedNumbers: rules.blockedNumbers, agentRules: [] }, { fromNumber }) : { reject: false as const };
    if (blocked.reject) return this.decided(profile, null, blocked);
    const candidate = await this.lookup.candidate(tenantId, fromNumber);
    const decision = rules
      ? decideInbound(rules, { fromNumber, candidate: candidate ? { status: candidate.status, interviewBooked: candidate.nextInterview !== null } : undefined })
      : ({ reject: false } as const);
    return this.decided(profile, candidate, decision);
  }

  private decided(profile: InboundProfile | null, candidate: InboundCandidate | null, decision: InboundDecision): Decided {
    const { kind, answer } = buildInboundAnswer({ tenant: profile, candidate, decision });
    const reason = decision.reject ? `blocked by ${decision.blockedBy}` : decision.rule !== undefined ? `agent rule ${decision.rule + 1}` : null;
    return { kind, answer, candidateId: candidate?.id ?? null, reason };
  }

  /** Past the budget: a number the cached rules block is still rejected; anyone else gets the default answer. */
  private fallback(tenantId: string, fromNumber: string, why: 'timeout' | 'database'): Decided {
    const profile = this.lookup.peekProfile(tenantId) ?? null;
    const blocked = profile ? decideInbound({ blockedNumbers: profile.rules.blockedNumbers, agentRules: [] }, { fromNumber }) : null;
    if (blocked?.reject) return this.decided(profile, null, blocked);
    return {
      kind: 'degraded',
      answer: defaultInboundAnswer(profile),
      candidateId: null,
      reason: why === 'timeout' ? 'lookup over the time budget' : 'database unavailable',
    };
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(message);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}

/** What Redis keeps for a delivery: the kind, a space, the answer's JSON (a retry is counted and logged as the first answer's kind). */
const stored = (kind: InboundAnswerKind, json: string) => `${kind} ${json}`;

function unstored(value: string): { kind: InboundAnswerKind; json: string } {
  const at = value.indexOf(' ');
  const kind = value.slice(0, at) as InboundAnswerKind;
  return { kind: (INBOUND_ANSWER_KINDS as readonly string[]).includes(kind) ? kind : 'degraded', json: value.slice(at + 1) };
}
