import { Injectable } from '@nestjs/common';
import { PgPool, Prisma } from '@retell-ops/db';
import type { CsvValue } from '@retell-ops/domain';
import type { DatedCursor } from '../common/keyset-page';
import { callWhere, type CallFilter } from './call-query';

export const CALL_EXPORT_HEADER = [
  'id',
  'callId',
  'occurredAt',
  'status',
  'outcome',
  'direction',
  'agentId',
  'fromNumber',
  'toNumber',
  'startedAt',
  'endedAt',
  'durationMs',
  'costCents',
  'sentiment',
  'successful',
  'disconnectionReason',
  'candidateId',
  'dialRequestId',
] as const;

const BATCH_ROWS = 5000;

interface ExportRow {
  id: string;
  occurredAt: Date;
  cells: CsvValue[];
}

/**
 * The calls of a filter as CSV rows, newest first, in keyset batches on the list's indexes:
 * each batch is one short query, so no transaction or cursor stays open while the client reads.
 */
@Injectable()
export class CallExport {
  constructor(private readonly pool: PgPool) {}

  async *batches(tenantId: string, filter: CallFilter): AsyncGenerator<CsvValue[][]> {
    let cursor: DatedCursor | undefined;
    for (;;) {
      const rows = await this.batch(tenantId, filter, cursor);
      if (rows.length) yield rows.map((r) => r.cells);
      if (rows.length < BATCH_ROWS) return;
      const last = rows[rows.length - 1];
      cursor = { at: last.occurredAt, id: last.id };
    }
  }

  private async batch(tenantId: string, filter: CallFilter, cursor: DatedCursor | undefined): Promise<ExportRow[]> {
    const sql = Prisma.sql`SELECT c."id", c."retellCallId", c."occurredAt", c."status", c."outcome", c."direction", c."agentId", c."fromNumber", c."toNumber",
        c."startedAt", c."endedAt", c."durationMs", c."costCents"::float8 AS "costCents", c."sentiment", c."successful", c."disconnectionReason",
        c."candidateId", c."dialRequestId"
      FROM "Call" c WHERE ${callWhere(tenantId, filter, cursor)} ORDER BY c."occurredAt" DESC, c."id" DESC LIMIT ${BATCH_ROWS}`;
    const { rows } = await this.pool.query({ text: sql.text, values: sql.values, rowMode: 'array' });
    return (rows as CsvValue[][]).map((r) => ({ id: r[0] as string, occurredAt: r[2] as Date, cells: r }));
  }
}
