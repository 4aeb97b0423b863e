import { randomUUID } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { isUniqueViolation, PrismaService } from '@retell-ops/db';
import {
  collapseDuplicateNumbers,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  isUuid,
  MAX_REPORTED_BAD_ROWS,
  type Actor,
  type BadTargetRow,
  type BatchTargetRow,
} from '@retell-ops/domain';
import { LiveUpdates } from '@retell-ops/live-events';
import { CallRows } from '@retell-ops/call-records';
import { DialRequestStore } from './dial-request-store';
import { DispatchTrigger } from './dispatch-trigger';
import { TENANT_INACTIVE, type DialPriority } from './dial-requests';

/** Rows per chunk: each chunk is its own transaction of two INSERTs (requests, then their first calls). */
export const BATCH_CHUNK_ROWS = 5_000;
/** An accepting batch untouched this long was left by an API that stopped: it is marked failed. */
export const STALE_ACCEPTANCE_MS = 2 * 60_000;

export interface BatchIntakeInput {
  name?: string;
  agentId?: string;
  fromNumber?: string;
  maxConcurrent: number;
  window?: { start: number; end: number; timeZone: string };
  scheduledAt?: Date;
  priority?: DialPriority;
  maxAttempts?: number;
  retryBackoffSec?: number;
  targets: BatchTargetRow[];
  createdBy?: Actor;
  idempotencyKey?: string;
  /** `targets.<row>` for JSON, `line <row>` for CSV: how a refusal names a row */
  rowLabel: (row: number) => string;
}

export interface BatchAccepted {
  batchId: string;
  requests: number;
  /** rows dropped because an earlier row has the same number (at most MAX_REPORTED_BAD_ROWS named) */
  duplicates: { count: number; rows: number[] };
  /** an earlier request with the same Idempotency-Key made this batch */
  replayed: boolean;
  chunks: number;
}

/** Targets that cannot be dialled: nothing was created. */
export class BadTargetsError extends InvalidInputError {
  constructor(
    readonly bad: BadTargetRow[],
    readonly badCount: number,
  ) {
    super(`${badCount} target(s) refused: ${bad[0]?.message ?? ''}`.slice(0, 500), { field: 'targets' });
  }
}

interface Resolved {
  row: number;
  toNumber: string;
  candidateId: string | null;
  dynamicVariables: Record<string, string>;
  metadata: Record<string, unknown>;
}

interface CandidateRow {
  id: string;
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  positionApplied: string | null;
  timeZone: string | null;
}

/**
 * Takes a batch of up to 100,000 targets without one giant transaction: everything is checked
 * first (nothing is written for a bad batch), then the batch row is made as `accepting`, the
 * requests and their first calls go in chunks (each its own transaction), and the batch becomes
 * `active` once the last chunk is in. The dialer only dials active batches. An acceptance that
 * stops halfway is marked `failed` with its requests cancelled (at once on an error, by the
 * dialer's sweep when the API died), and its Idempotency-Key is released so a retry starts anew.
 */
@Injectable()
export class BatchIntake {
  private readonly logger = new Logger('BatchIntake');

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: DialRequestStore,
    private readonly dispatch: DispatchTrigger,
    // Optional so a test can build this without live events; the apps always provide it.
    @Optional() private readonly live?: LiveUpdates,
  ) {}

  async accept(tenantId: string, input: BatchIntakeInput): Promise<BatchAccepted> {
    if (input.idempotencyKey) {
      const earlier = await this.byKey(tenantId, input.idempotencyKey);
      if (earlier) return earlier;
    }
    const tenant = await this.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    if (!tenant.active) throw new ForbiddenError(TENANT_INACTIVE, { code: 'tenant_inactive' });
    const agentId = input.agentId ?? tenant.defaultAgentId;
    const fromNumber = input.fromNumber ?? tenant.defaultFromNumber;
    if (!agentId) throw new InvalidInputError('agentId is required: the tenant has no default agent');
    if (!fromNumber) throw new InvalidInputError('fromNumber is required: the tenant has no default number');
    const agent = await this.prisma.agent.findUnique({ where: { retellAgentId: agentId }, select: { tenantId: true } });
    if (!agent || agent.tenantId !== tenantId) throw new InvalidInputError(`unknown agent '${agentId}' (register it with POST /api/v1/agents)`);

    const { resolved, bad, badCount } = await this.resolve(tenantId, tenant.name, input);
    if (badCount) throw new BadTargetsError(bad, badCount);
    const { kept, duplicateRows } = collapseDuplicateNumbers(resolved);

    const batchId = await this.open(tenantId, input);
    if (typeof batchId !== 'string') return batchId;
    const started = Date.now();
    let chunks = 0;
    try {
      for (let i = 0; i < kept.length; i += BATCH_CHUNK_ROWS) {
        await this.writeChunk(tenantId, batchId, kept.slice(i, i + BATCH_CHUNK_ROWS), { agentId, fromNumber, input });
        chunks++;
      }
      await this.store.activateBatch(batchId);
    } catch (e) {
      this.logger.error(`batch ${batchId}: acceptance failed after ${chunks} chunk(s): ${(e as Error).message.slice(0, 300)}`);
      await this.failAcceptance(batchId).catch(() => undefined);
      throw e;
    }
    this.logger.log(
      `batch ${batchId}: ${kept.length} requests in ${chunks} chunk(s), ${Date.now() - started} ms (${duplicateRows.length} duplicate(s) collapsed)`,
    );
    await this.live?.batch(tenantId, batchId);
    await this.dispatch.poke(tenantId);
    return {
      batchId,
      requests: kept.length,
      duplicates: { count: duplicateRows.length, rows: duplicateRows.slice(0, MAX_REPORTED_BAD_ROWS) },
      replayed: false,
      chunks,
    };
  }

  /**
   * Marks an accepting batch failed: its requests and their unplaced calls are cancelled (none was
   * dialled: the dialer only takes active batches) and its Idempotency-Key is released.
   */
  async failAcceptance(batchId: string): Promise<boolean> {
    return this.prisma.$transaction(
      async (tx) => {
        if (!(await this.store.failAcceptingBatch(tx, batchId))) return false;
        await CallRows.cancelUnplacedOfBatch(tx, batchId);
        return true;
      },
      { timeout: 120_000 },
    );
  }

  /** The dialer's sweep: accepting batches nobody has written to for STALE_ACCEPTANCE_MS are failed. */
  async failStaleAcceptances(olderThanMs = STALE_ACCEPTANCE_MS): Promise<number> {
    const stale = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT "id" FROM "Batch" WHERE "status" = 'accepting' AND "updatedAt" < now() - make_interval(secs => ${olderThanMs / 1000})`;
    let failed = 0;
    for (const b of stale) if (await this.failAcceptance(b.id)) failed++;
    if (failed) this.logger.warn(`${failed} batch(es) left accepting by a stopped API were marked failed`);
    return failed;
  }

  private async byKey(tenantId: string, key: string): Promise<BatchAccepted | undefined> {
    const b = await this.prisma.batch.findUnique({ where: { tenantId_idempotencyKey: { tenantId, idempotencyKey: key } }, select: { id: true, status: true } });
    if (!b) return undefined;
    if (b.status === 'accepting') throw new ConflictError(`a batch with this Idempotency-Key is still being accepted (${b.id}); ask again shortly`);
    const requests = await this.prisma.dialRequest.count({ where: { batchId: b.id } });
    return { batchId: b.id, requests, duplicates: { count: 0, rows: [] }, replayed: true, chunks: 0 };
  }

  /** The batch row, accepting; or the earlier batch if another request took the same key meanwhile. */
  private async open(tenantId: string, input: BatchIntakeInput): Promise<string | BatchAccepted> {
    try {
      return await this.store.createAcceptingBatch(this.prisma, {
        tenantId,
        name: input.name,
        maxConcurrent: input.maxConcurrent,
        windowStart: input.window?.start,
        windowEnd: input.window?.end,
        timeZone: input.window?.timeZone,
        idempotencyKey: input.idempotencyKey,
        ...(input.createdBy && { createdByType: input.createdBy.type, createdById: input.createdBy.id, createdByLabel: input.createdBy.label }),
      });
    } catch (e) {
      if (input.idempotencyKey && isUniqueViolation(e)) {
        const earlier = await this.byKey(tenantId, input.idempotencyKey);
        if (earlier) return earlier;
      }
      throw e;
    }
  }

  /** Candidates looked up in chunks; each target's number, variables and metadata as a single call would get them. */
  private async resolve(
    tenantId: string,
    companyName: string,
    input: BatchIntakeInput,
  ): Promise<{ resolved: Resolved[]; bad: BadTargetRow[]; badCount: number }> {
    const refs = [...new Set(input.targets.flatMap((t) => (t.candidateId ? [t.candidateId] : [])))];
    const byRef = new Map<string, CandidateRow>();
    for (let i = 0; i < refs.length; i += BATCH_CHUNK_ROWS) {
      const part = refs.slice(i, i + BATCH_CHUNK_ROWS);
      const ids = part.filter(isUuid);
      const rows = await this.prisma.$queryRaw<CandidateRow[]>`
        SELECT "id", "externalId", "firstName", "lastName", "phone", "email", "positionApplied", "timeZone" FROM "Candidate"
        WHERE "tenantId" = ${tenantId}::uuid AND ("id" = ANY(${ids}::uuid[]) OR "externalId" = ANY(${part}::text[]))`;
      for (const c of rows) {
        if (c.externalId && !byRef.has(c.externalId)) byRef.set(c.externalId, c);
        byRef.set(c.id, c);
      }
    }
    const resolved: Resolved[] = [];
    const bad: BadTargetRow[] = [];
    let badCount = 0;
    const refuse = (row: number, message: string) => {
      badCount++;
      if (bad.length < MAX_REPORTED_BAD_ROWS) bad.push({ row, message: `${input.rowLabel(row)}: ${message}` });
    };
    for (const t of input.targets) {
      const candidate = t.candidateId ? byRef.get(t.candidateId) : undefined;
      if (t.candidateId && !candidate) {
        refuse(t.row, `unknown candidate '${t.candidateId}'`);
        continue;
      }
      const toNumber = t.toNumber ?? candidate?.phone;
      if (!toNumber) {
        refuse(t.row, `candidate '${t.candidateId}' has no phone number`);
        continue;
      }
      resolved.push({
        row: t.row,
        toNumber,
        candidateId: candidate?.id ?? null,
        dynamicVariables: { company_name: companyName, ...(candidate ? candidateVariables(candidate) : {}), ...(t.dynamicVariables ?? {}) },
        metadata: { ...(candidate ? { candidate_id: candidate.id } : {}), ...(t.metadata ?? {}) },
      });
    }
    return { resolved, bad, badCount };
  }

  /** One chunk: its requests and their first calls (ids made here, so one INSERT each), and the batch touched. */
  private async writeChunk(
    tenantId: string,
    batchId: string,
    rows: Resolved[],
    { agentId, fromNumber, input }: { agentId: string; fromNumber: string; input: BatchIntakeInput },
  ): Promise<void> {
    const requestIds = rows.map(() => randomUUID());
    const callIds = rows.map(() => randomUUID());
    const toNumbers = rows.map((r) => r.toNumber);
    const candidateIds = rows.map((r) => r.candidateId);
    const variables = rows.map((r) => JSON.stringify(r.dynamicVariables));
    const metadata = rows.map((r) => JSON.stringify(r.metadata));
    const scheduled = !!input.scheduledAt && input.scheduledAt.getTime() > Date.now();
    const status = scheduled ? 'scheduled' : 'queued';
    const notBefore = input.scheduledAt ?? new Date();
    const rowsOf = { callIds, requestIds, candidateIds, toNumbers, metadata, variables };
    await this.prisma.$transaction(
      async (tx) => {
        await this.store.insertBatchChunk(tx, {
          tenantId,
          batchId,
          agentId,
          fromNumber,
          priority: input.priority ?? 'normal',
          status,
          scheduledAt: input.scheduledAt ?? null,
          notBefore,
          maxAttempts: input.maxAttempts ?? 1,
          retryBackoffSec: input.retryBackoffSec ?? 300,
          createdBy: input.createdBy,
          rows: rowsOf,
        });
        await CallRows.planFirstAttempts(tx, { tenantId, agentId, fromNumber, status, occurredAt: notBefore, rows: rowsOf });
      },
      { timeout: 60_000 },
    );
  }
}

/** A candidate's fields as dynamic variables (strings only, empty ones left out), as a single call gets them. */
function candidateVariables(c: CandidateRow): Record<string, string> {
  return Object.fromEntries(
    Object.entries({
      candidate_id: c.externalId ?? c.id,
      first_name: c.firstName,
      last_name: c.lastName,
      candidate_name: [c.firstName, c.lastName].filter(Boolean).join(' '),
      email: c.email,
      position: c.positionApplied,
      candidate_timezone: c.timeZone,
    }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
}
