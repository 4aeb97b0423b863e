import { Prisma } from '@retell-ops/db';
import { InvalidInputError } from '@retell-ops/domain';
import type { DatedCursor } from '../common/keyset-page';
import type { CandidateFilterQuery } from './candidate.dto';

const MAX_QUERY_WORDS = 8;

/** The words the search looks in, joined as the Candidate_search_trgm_idx index has them. */
const SEARCH_TEXT = Prisma.raw(
  `lower(c."firstName" || ' ' || coalesce(c."lastName", '') || ' ' || coalesce(c."email", '') || ' ' || coalesce(c."phone", '') || ' ' || coalesce(c."externalId", ''))`,
);

/** A word as a LIKE pattern that matches it anywhere, its own % _ and \ taken literally. */
const anywhere = (word: string) => `%${word.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;

/** The list's filters, checked; bad input throws before anything is read. */
export function candidateFilterOf(q: CandidateFilterQuery): CandidateFilterQuery & { words: string[] } {
  const words = (q.q ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length > MAX_QUERY_WORDS) throw new InvalidInputError(`q may hold at most ${MAX_QUERY_WORDS} words`, { field: 'q' });
  return { ...q, words };
}

/**
 * The WHERE of a tenant's candidates under the list's filters, past a keyset cursor: each word of
 * q must appear in the name, email, phone or external id (trigram index), the position text in
 * positionApplied or the linked position's title.
 */
export function candidateWhere(tenantId: string, f: ReturnType<typeof candidateFilterOf>, cursor?: DatedCursor): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`c."tenantId" = ${tenantId}::uuid`];
  if (f.status) parts.push(Prisma.sql`c."status" = ${f.status}::"CandidateStatus"`);
  if (f.positionId) parts.push(Prisma.sql`c."positionId" = ${f.positionId}::uuid`);
  if (f.qualified !== undefined) parts.push(Prisma.sql`c."qualified" = ${f.qualified}`);
  if (f.interest) parts.push(Prisma.sql`c."interestLevel" = ${f.interest}`);
  const position = f.position?.trim();
  if (position) {
    const like = anywhere(position);
    parts.push(
      Prisma.sql`(c."positionApplied" ILIKE ${like} OR EXISTS (SELECT 1 FROM "Position" p WHERE p."id" = c."positionId" AND p."title" ILIKE ${like}))`,
    );
  }
  for (const w of f.words) parts.push(Prisma.sql`${SEARCH_TEXT} LIKE ${anywhere(w)}`);
  if (cursor) parts.push(Prisma.sql`c."createdAt" <= ${cursor.at} AND (c."createdAt" < ${cursor.at} OR c."id" < ${cursor.id}::uuid)`);
  return Prisma.join(parts, ' AND ');
}

/** The ids of one page of candidates, newest first. */
export function candidatePageIdsSql(tenantId: string, f: ReturnType<typeof candidateFilterOf>, cursor: DatedCursor | undefined, rows: number): Prisma.Sql {
  return Prisma.sql`SELECT c."id" FROM "Candidate" c WHERE ${candidateWhere(tenantId, f, cursor)} ORDER BY c."createdAt" DESC, c."id" DESC LIMIT ${rows}`;
}
