import { Prisma } from '@retell-ops/db';
import { InvalidInputError, isUuid } from '@retell-ops/domain';
import type { DatedCursor } from '../common/keyset-page';
import type { CallFilterQuery } from './list-calls.query';

/** What the call list and the call export select on; dates parsed, checked. */
export interface CallFilter {
  status?: string;
  outcome?: string;
  agentId?: string;
  batchId?: string;
  from?: Date;
  to?: Date;
  phone?: string;
  q?: string;
  /**
   * Set when `q` matches few calls (`FEW_TEXT_MATCHES` or fewer): the matches are then taken from the
   * text index first and sorted, rather than found by walking every call newest first, which for a
   * rare word reads the whole tenant (41 s at 1M calls, against under 1 ms).
   */
  qMatchesFew?: boolean;
}

export const FEW_TEXT_MATCHES = 2000;

const textMatch = (alias: string, q: string): Prisma.Sql =>
  Prisma.sql`${Prisma.raw(alias)}."transcript" IS NOT NULL AND to_tsvector('english', ${Prisma.raw(alias)}."transcript") @@ websearch_to_tsquery('english', ${q})`;

/** Counts the tenant's calls matching `q` through the text index, stopping past FEW_TEXT_MATCHES. */
export function textMatchesSql(tenantId: string, q: string): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS "n" FROM (SELECT 1 FROM "Call" m WHERE m."tenantId" = ${tenantId}::uuid AND ${textMatch('m', q)} LIMIT ${FEW_TEXT_MATCHES + 1}) x`;
}

export function callFilterOf(q: CallFilterQuery): CallFilter {
  const from = q.from ? new Date(q.from) : undefined;
  const to = q.to ? new Date(q.to) : undefined;
  if (from && to && from >= to) throw new InvalidInputError('from must be before to', { field: 'from' });
  const text = q.q?.trim();
  return { status: q.status, outcome: q.outcome, agentId: q.agentId, batchId: q.batchId, from, to, phone: q.phone, q: text || undefined };
}

/**
 * The WHERE of a tenant's calls under a filter, past a keyset cursor. Each part is written the
 * way its index is built (see the call_search_indexes migration): the phone match on the joined
 * numbers (trigram GIN), the text match on the transcript's tsvector (partial GIN); the rest use
 * the btree indexes on (tenantId, occurredAt DESC, id), (tenantId, status|outcome|agentId).
 */
export function callWhere(tenantId: string, f: CallFilter, cursor?: DatedCursor): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`c."tenantId" = ${tenantId}::uuid`];
  if (f.status) parts.push(Prisma.sql`c."status" = ${f.status}::"CallStatus"`);
  if (f.outcome) parts.push(Prisma.sql`c."outcome" = ${f.outcome}`);
  if (f.agentId) parts.push(Prisma.sql`c."agentId" = ${f.agentId}`);
  if (f.batchId) {
    parts.push(
      isUuid(f.batchId)
        ? // = ANY(ARRAY(…)), not IN (…): the planner then starts from the batch's requests and their calls
          // (a few thousand, by index) instead of walking every call newest first (5.9 s → 0.1 s at 1M).
          Prisma.sql`c."dialRequestId" = ANY(ARRAY(SELECT r."id" FROM "DialRequest" r WHERE r."batchId" = ${f.batchId}::uuid AND r."tenantId" = ${tenantId}::uuid))`
        : Prisma.sql`false`,
    );
  }
  if (f.from) parts.push(Prisma.sql`c."occurredAt" >= ${f.from}`);
  if (f.to) parts.push(Prisma.sql`c."occurredAt" < ${f.to}`);
  // The phone is digits with an optional leading +: nothing in it is a LIKE wildcard.
  if (f.phone) parts.push(Prisma.sql`(coalesce(c."toNumber", '') || ' ' || coalesce(c."fromNumber", '')) LIKE ${`%${f.phone}%`}`);
  if (f.q && f.qMatchesFew)
    parts.push(Prisma.sql`c."id" = ANY(ARRAY(SELECT m."id" FROM "Call" m WHERE m."tenantId" = ${tenantId}::uuid AND ${textMatch('m', f.q)}))`);
  else if (f.q) parts.push(textMatch('c', f.q));
  // The first bound alone is what the index can seek to; without it each page would scan from the newest row.
  if (cursor) parts.push(Prisma.sql`c."occurredAt" <= ${cursor.at} AND (c."occurredAt" < ${cursor.at} OR c."id" < ${cursor.id}::uuid)`);
  return Prisma.join(parts, ' AND ');
}

/** The ids of one page of calls, newest first (the list then loads those rows). */
export function callPageIdsSql(tenantId: string, f: CallFilter, cursor: DatedCursor | undefined, rows: number): Prisma.Sql {
  return Prisma.sql`SELECT c."id" FROM "Call" c WHERE ${callWhere(tenantId, f, cursor)} ORDER BY c."occurredAt" DESC, c."id" DESC LIMIT ${rows}`;
}
