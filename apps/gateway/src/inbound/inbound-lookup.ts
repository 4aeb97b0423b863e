import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { AppEnv } from '@retell-ops/config';
import { EMPTY_INBOUND_RULES, parseInboundRules, type CandidateStatus, type InboundCandidate, type InboundRules, type InboundTenant } from '@retell-ops/domain';
import { firstLine, TenantCache } from '../tenants/tenant-cache';

/** What the inbound answer needs of a tenant: its name and zone (dynamic variables) and its rules. */
export interface InboundProfile extends InboundTenant {
  rules: InboundRules;
}

/**
 * Rules are seen within 10 s of a change; a caller's candidate row (a new candidate, a booked
 * interview) within 15 s. Bounded like the tenant caches, misses included.
 */
const PROFILE_LIMITS = { max: 10_000, foundTtlMs: 10_000, missingTtlMs: 5_000 };
const CALLER_LIMITS = { max: 50_000, foundTtlMs: 15_000, missingTtlMs: 15_000 };
/** A lookup PostgreSQL cannot finish in this time is cancelled: a stuck query never holds the pool. */
const STATEMENT_TIMEOUT_MS = 2_000;
const E164 = /^\+[1-9]\d{1,14}$/;

const PROFILE_SQL = `SELECT t."name", t."timeZone", r."rules" FROM "Tenant" t LEFT JOIN "InboundRules" r ON r."tenantId" = t."id" WHERE t."id" = $1`;

// The tenant's most recently changed candidate with this number, and their next scheduled interview.
const CANDIDATE_SQL = `
SELECT c."id", c."firstName", c."lastName", COALESCE(p."title", c."positionApplied") AS "position", c."status"::text AS "status", c."timeZone",
       i."scheduledAt" AS "interviewAt", i."timeZone" AS "interviewZone"
FROM "Candidate" c
LEFT JOIN "Position" p ON p."id" = c."positionId"
LEFT JOIN LATERAL (
  SELECT "scheduledAt", "timeZone" FROM "Interview"
  WHERE "tenantId" = c."tenantId" AND "candidateId" = c."id" AND "status" = 'scheduled' AND "scheduledAt" > now()
  ORDER BY "scheduledAt" LIMIT 1
) i ON true
WHERE c."tenantId" = $1 AND c."phone" = $2
ORDER BY c."updatedAt" DESC
LIMIT 1`;

interface CandidateRow {
  id: string;
  firstName: string;
  lastName: string | null;
  position: string | null;
  status: CandidateStatus;
  timeZone: string | null;
  interviewAt: Date | null;
  interviewZone: string | null;
}

/**
 * The gateway's reads for the inbound-call webhook, cached per process: a tenant's profile and a
 * caller's candidate. Plain SQL on a pool of its own (with a statement timeout), so slow lookups
 * never hold the connections the webhook route's tenant lookups use. An entry that expired is
 * served while PostgreSQL fails (TenantCache), and `peekProfile` gives it when a lookup is slow.
 */
@Injectable()
export class InboundLookup implements OnModuleDestroy {
  private readonly logger = new Logger('InboundLookup');
  private readonly pool: Pool;
  private readonly profiles: TenantCache<InboundProfile>;
  private readonly callers: TenantCache<InboundCandidate>;

  constructor(env: AppEnv) {
    this.pool = new Pool({
      connectionString: env.DATABASE_URL,
      max: 4,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      connectionTimeoutMillis: STATEMENT_TIMEOUT_MS,
    });
    this.pool.on('error', () => undefined); // an idle client's error surfaces on its next use
    const stale = (e: Error) => this.logger.warn(`inbound lookup failed, serving the cached entry: ${firstLine(e)}`);
    this.profiles = new TenantCache((tenantId) => this.loadProfile(tenantId), stale, PROFILE_LIMITS);
    this.callers = new TenantCache((key) => this.loadCandidate(key), stale, CALLER_LIMITS);
  }

  profile(tenantId: string): Promise<InboundProfile | null> {
    return this.profiles.get(tenantId);
  }

  /** The profile held in the cache, even expired, without asking PostgreSQL. */
  peekProfile(tenantId: string): InboundProfile | undefined {
    return this.profiles.peek(tenantId);
  }

  /** The tenant's candidate with this number; null for a number that is not E.164 or no candidate's. */
  async candidate(tenantId: string, phone: string): Promise<InboundCandidate | null> {
    if (!E164.test(phone)) return null;
    return this.callers.get(`${tenantId} ${phone}`);
  }

  private async loadProfile(tenantId: string): Promise<InboundProfile | null> {
    const { rows } = await this.pool.query<{ name: string; timeZone: string | null; rules: unknown }>(PROFILE_SQL, [tenantId]);
    const row = rows[0];
    if (!row) return null;
    const checked = parseInboundRules(row.rules);
    if (!checked.ok) this.logger.error(`tenant ${tenantId}: stored inbound rules are invalid (${checked.reason}); answering without rules`);
    return { name: row.name, timeZone: row.timeZone, rules: checked.ok ? checked.rules : EMPTY_INBOUND_RULES };
  }

  private async loadCandidate(key: string): Promise<InboundCandidate | null> {
    const [tenantId, phone] = key.split(' ');
    const { rows } = await this.pool.query<CandidateRow>(CANDIDATE_SQL, [tenantId, phone]);
    const c = rows[0];
    if (!c) return null;
    return {
      id: c.id,
      firstName: c.firstName,
      lastName: c.lastName,
      position: c.position,
      status: c.status,
      timeZone: c.timeZone,
      nextInterview: c.interviewAt ? { at: c.interviewAt, timeZone: c.interviewZone } : null,
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
