import { ApiProperty } from '@nestjs/swagger';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@retell-ops/db';
import { CANDIDATE_STATUSES, type CandidateStatus } from '@retell-ops/domain';

/** Counted from the (tenantId, status) index alone (an index-only scan once the table is vacuumed). */
export const candidateCountsQuery = (tenantId: string) =>
  Prisma.sql`SELECT "status"::text AS "status", count(*)::int AS "n" FROM "Candidate" WHERE "tenantId" = ${tenantId}::uuid GROUP BY "status"`;

export class CandidateCounts {
  @ApiProperty({ description: 'Every candidate of the tenant' }) total: number;
  @ApiProperty({
    description: 'Candidates per pipeline status, every status present (0 when none)',
    example: Object.fromEntries(CANDIDATE_STATUSES.map((s) => [s, 0])),
  })
  byStatus: Record<CandidateStatus, number>;
}

/** The candidate board's column counts. */
@Injectable()
export class CandidateCounter {
  constructor(private readonly prisma: PrismaService) {}

  async counts(tenantId: string): Promise<CandidateCounts> {
    const rows = await this.prisma.$queryRaw<Array<{ status: CandidateStatus; n: number }>>(candidateCountsQuery(tenantId));
    const byStatus = Object.fromEntries(CANDIDATE_STATUSES.map((s) => [s, 0])) as Record<CandidateStatus, number>;
    for (const r of rows) byStatus[r.status] = r.n;
    return { total: rows.reduce((n, r) => n + r.n, 0), byStatus };
  }
}
