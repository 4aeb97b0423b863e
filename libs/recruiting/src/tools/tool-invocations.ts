import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { PgPool } from '@retell-ops/db/pg-pool';

/** The answer to one tool call, as recorded and as sent back: a JSON object. */
export type ToolResult = { ok: boolean } & Record<string, unknown>;

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

/**
 * Makes the statement's own (implicit) transaction commit without waiting for its WAL to reach
 * disk: PostgreSQL reads synchronous_commit when it commits, and `is_local` resets it when that
 * transaction ends, so the pooled connection's next transaction (a booking) is durable as ever.
 * Used for the invocation record only, on the caller's critical path: a database crash in the
 * ~0.6 s before its flush can lose a claim or an answer, and then a retry runs the tool again,
 * which a booking survives (the interview itself commits durably and is found by its call id).
 */
const ASYNC_COMMIT = `(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`;

/** A named (prepared) statement per distinct SQL text: parsed and planned once per connection, not per call. */
const statementName = (sql: string) => `tool_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;

/** How long a repeat waits for the first request's answer before answering "still working". */
const WAIT_FOR_FIRST_MS = 8_000;
const POLL_MS = 50;

/** A read sent in the claim's round trip: a SELECT of one row, its parameters `$1…$n`. */
export interface ReadAlongside {
  sql: string;
  params: unknown[];
}

/** Whose turn it is: this request runs the tool (`first`, with the read sent alongside), or the recorded answer (null: still running). */
export type Claim<R = Record<string, unknown>> = { first: true; id: string; claimedAt: Date; read: R | null } | { first: false; result: ToolResult | null };

/** Records the answer if the claim is still this request's; asynchronous commit, as the claim (ASYNC_COMMIT). */
const COMPLETE_SQL = `UPDATE "ToolInvocation" SET "result" = $3::jsonb, "ok" = $4, "durationMs" = $5
FROM ${ASYNC_COMMIT}
WHERE "id" = $1 AND "claimedAt" = $2 AND "result" IS NULL`;

interface ClaimRow {
  claimId: string | null;
  claimedAt: Date | null;
  earlierResult: ToolResult | null;
}

/**
 * Each tool call, recorded once per (tenant, call, tool, args): the first request claims the
 * row and runs the tool; the same request again (Retell retries it; an interruption does not
 * cancel it) gets the stored answer, waiting for it while the first is still running. A claim
 * that stays unanswered for `TOOL_CLAIM_STALE_MS` (its gateway died) is taken over by the next
 * identical request. A request without a call id cannot be matched with its retries and is
 * recorded on its own. Plain SQL on the pool: this is on the caller's critical path.
 */
@Injectable()
export class ToolInvocations {
  private readonly logger = new Logger('ToolInvocations');
  private readonly staleMs: number;

  constructor(
    private readonly pool: PgPool,
    env: AppEnv,
  ) {
    this.staleMs = env.TOOL_CLAIM_STALE_MS;
  }

  /**
   * Claims the call, with `alongside` read in the same round trip (its row comes back with a claim
   * won; a repeat does not need it). A repeat of a running claim waits for its answer.
   */
  async claim<R = Record<string, unknown>>(
    tenantId: string,
    callId: string | undefined,
    tool: string,
    args: unknown,
    alongside?: ReadAlongside,
  ): Promise<Claim<R>> {
    const key = { tenantId, retellCallId: callId ?? `none:${randomUUID()}`, tool, argsHash: argsHashOf(args) };
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const row = await this.tryClaim(key, args, alongside);
      if (row.claimId) {
        const { claimId, claimedAt, earlierResult: _, ...read } = row;
        return { first: true, id: claimId, claimedAt: claimedAt!, read: alongside ? (read as R) : null };
      }
      if (row.earlierResult !== null) return { first: false, result: row.earlierResult };
      // Running elsewhere (or committed after this statement's snapshot): wait for its answer.
      for (;;) {
        if (Date.now() > deadline) return { first: false, result: null };
        await new Promise((r) => setTimeout(r, POLL_MS));
        const { rows } = await this.pool.query<{ result: ToolResult | null; stale: boolean }>(
          `SELECT "result", "claimedAt" < now() - make_interval(secs => $5::double precision / 1000) AS "stale" FROM "ToolInvocation"
           WHERE "tenantId" = $1::uuid AND "retellCallId" = $2 AND "tool" = $3 AND "argsHash" = $4`,
          [key.tenantId, key.retellCallId, key.tool, key.argsHash, this.staleMs],
        );
        const now = rows[0];
        if (now?.result != null) return { first: false, result: now.result };
        if (!now || now.stale) break; // released after a failure, or abandoned: claim it again
      }
    }
  }

  /**
   * One statement: insert the claim, or take over one that has no answer and is older than the
   * bound (`DO UPDATE … WHERE`, atomic: of two requests taking over one claim, the second finds it
   * fresh); otherwise the answer recorded so far. Then the read alongside, in the same snapshot.
   */
  private async tryClaim(key: { tenantId: string; retellCallId: string; tool: string; argsHash: string }, args: unknown, alongside?: ReadAlongside) {
    const params = [...(alongside?.params ?? [])];
    const p = (value: unknown) => `$${params.push(value)}`;
    const [tenant, call, tool, hash] = [p(key.tenantId), p(key.retellCallId), p(key.tool), p(key.argsHash)];
    const sql = `WITH claimed AS (
  INSERT INTO "ToolInvocation" ("id", "tenantId", "retellCallId", "tool", "argsHash", "args")
  VALUES (gen_random_uuid(), ${tenant}::uuid, ${call}, ${tool}, ${hash}, ${p(JSON.stringify(args ?? null))}::jsonb)
  ON CONFLICT ("tenantId", "retellCallId", "tool", "argsHash") DO UPDATE SET "claimedAt" = now()
    WHERE "ToolInvocation"."result" IS NULL AND "ToolInvocation"."claimedAt" < now() - make_interval(secs => ${p(this.staleMs)}::double precision / 1000)
  RETURNING "id", "claimedAt"
), earlier AS (
  SELECT "result" FROM "ToolInvocation"
  WHERE "tenantId" = ${tenant}::uuid AND "retellCallId" = ${call} AND "tool" = ${tool} AND "argsHash" = ${hash} AND NOT EXISTS (SELECT 1 FROM claimed)
)
SELECT (SELECT "id" FROM claimed) AS "claimId", (SELECT "claimedAt" FROM claimed) AS "claimedAt", (SELECT "result" FROM earlier) AS "earlierResult"${alongside ? ', alongside.*' : ''}
FROM ${ASYNC_COMMIT}${alongside ? ` LEFT JOIN (${alongside.sql}) AS alongside ON true` : ''}`;
    const { rows } = await this.pool.query<ClaimRow & { async_commit?: string } & Record<string, unknown>>({
      name: statementName(sql),
      text: sql,
      values: params,
    });
    const { async_commit: _, ...row } = rows[0];
    return row as ClaimRow & Record<string, unknown>;
  }

  /**
   * Records the answer, if the claim is still this request's (a request that took over a stale
   * claim owns the row from then on). Sent after the answer: a retry meanwhile waits for it.
   */
  async complete(claim: { id: string; claimedAt: Date }, result: ToolResult, durationMs: number): Promise<void> {
    await this.pool.query({
      name: statementName(COMPLETE_SQL),
      text: COMPLETE_SQL,
      values: [claim.id, claim.claimedAt, JSON.stringify(result), result.ok, durationMs],
    });
  }

  /** `complete` without waiting for it; a failure is logged (the claim then goes stale and a retry runs the tool again). */
  completeInBackground(claim: { id: string; claimedAt: Date }, result: ToolResult, durationMs: number): void {
    this.complete(claim, result, durationMs).catch((e: unknown) =>
      this.logger.warn(
        `recording tool answer ${claim.id} failed: ${String((e as Error)?.message ?? e)
          .split('\n')[0]
          .slice(0, 200)}`,
      ),
    );
  }

  /** The first request failed without an answer: the claim goes, so a retry runs the tool again. */
  async release(claim: { id: string; claimedAt: Date }): Promise<void> {
    await this.pool.query(`DELETE FROM "ToolInvocation" WHERE "id" = $1 AND "claimedAt" = $2 AND "result" IS NULL`, [claim.id, claim.claimedAt]);
  }
}
