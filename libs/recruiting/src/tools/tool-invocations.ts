import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '@retell-ops/db';
import { PgPool } from '@retell-ops/db/pg-pool';

/** The answer to one tool call, as recorded and as sent back: a JSON object. */
export type ToolResult = { ok: boolean } & Record<string, unknown>;

export interface ToolInvocationRow {
  id: string;
  retellCallId: string;
  tool: string;
  args: unknown;
  result: unknown;
  ok: boolean | null;
  durationMs: number | null;
  createdAt: Date;
}

/** JSON with object keys sorted, so the same arguments in another order hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const argsHashOf = (args: unknown) => createHash('sha256').update(canonicalJson(args)).digest('hex');

/** How long a repeat waits for the first request's answer before answering "still working". */
const WAIT_FOR_FIRST_MS = 8_000;
const POLL_MS = 50;

export type Claim = { first: true; id: string } | { first: false; result: ToolResult | null };

/**
 * Each tool call, recorded once per (tenant, call, tool, args): the first request claims the
 * row and runs the tool; the same request again (Retell retries it; an interruption does not
 * cancel it) gets the stored answer, waiting for it while the first is still running.
 * A request without a call id cannot be matched with its retries and is recorded on its own.
 */
@Injectable()
export class ToolInvocations {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pool: PgPool,
  ) {}

  async claim(tenantId: string, callId: string | undefined, tool: string, args: unknown): Promise<Claim> {
    const retellCallId = callId ?? `none:${randomUUID()}`;
    const argsHash = argsHashOf(args);
    // On the caller's critical path: one round trip through the plain pool, no exception for the repeat.
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO "ToolInvocation" ("id", "tenantId", "retellCallId", "tool", "argsHash", "args")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::jsonb)
       ON CONFLICT ("tenantId", "retellCallId", "tool", "argsHash") DO NOTHING RETURNING "id"`,
      [tenantId, retellCallId, tool, argsHash, JSON.stringify(args ?? null)],
    );
    if (rows[0]) return { first: true, id: rows[0].id };
    const key = { tenantId_retellCallId_tool_argsHash: { tenantId, retellCallId, tool, argsHash } };
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const row = await this.prisma.toolInvocation.findUnique({ where: key, select: { id: true, result: true } });
      if (!row) return this.claim(tenantId, callId, tool, args); // the first gave up its claim (it failed): run it again
      if (row.result !== null) return { first: false, result: row.result as ToolResult };
      if (Date.now() > deadline) return { first: false, result: null };
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async complete(id: string, result: ToolResult, durationMs: number): Promise<void> {
    await this.pool.query(`UPDATE "ToolInvocation" SET "result" = $2::jsonb, "ok" = $3, "durationMs" = $4 WHERE "id" = $1`, [
      id,
      JSON.stringify(result),
      result.ok,
      durationMs,
    ]);
  }

  /** The first request failed without an answer: the claim goes, so a retry runs the tool again. */
  async release(id: string): Promise<void> {
    await this.prisma.toolInvocation.deleteMany({ where: { id, ok: null } });
  }

  /** A call's tool calls, oldest first (at most 200). */
  forCall(tenantId: string, retellCallId: string): Promise<ToolInvocationRow[]> {
    return this.prisma.toolInvocation.findMany({
      where: { tenantId, retellCallId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: 200,
      select: { id: true, retellCallId: true, tool: true, args: true, result: true, ok: true, durationMs: true, createdAt: true },
    });
  }
}
