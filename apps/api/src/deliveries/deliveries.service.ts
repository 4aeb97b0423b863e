import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@retell-ops/db';
import { ConflictError, isUuid, NotFoundError } from '@retell-ops/domain';
import { AppEnv } from '@retell-ops/config';
import {
  callOfEventJobId,
  CALL_EVENT_JOB,
  callEventJobId,
  isQueuedCallEvent,
  lifecycleJobOptions,
  QUEUE_FOR_EVENT,
  QUEUED_CALL_EVENTS,
  replayJobId,
  type CallEventJob,
  type QueuedCallEvent,
  type QueueName,
} from '@retell-ops/queue';
import { keysetPage, readCursor, rowsToFetch, type Page } from '../common/keyset-page';
import type { Principal } from '../auth/principal';
import { JobActions, type JobActionView } from '../operations/job-actions';
import { QueueInspector, type JobSummary } from '../operations/queue-inspector';

/** processed: kept in CallEvent, its job done (or no longer in Redis); otherwise the state of its job. */
export const DELIVERY_STATES = ['processed', 'failed', 'waiting', 'active'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface DeliveryQuery {
  limit?: number;
  cursor?: string;
  event?: string;
  callId?: string;
  state?: DeliveryState;
  from?: string;
  to?: string;
}

export interface DeliveryRow {
  /** The CallEvent's id; for a delivery not kept yet (its job waits or failed), an id derived from its job */
  id: string;
  event: QueuedCallEvent;
  /** Retell's call id */
  callId: string;
  /** The platform's call id, once the delivery is kept */
  callRowId: string | null;
  receivedAt: string;
  processedAt: string | null;
  state: DeliveryState;
  queue: QueueName;
  jobId: string;
  attempts: number | null;
  lastError: string | null;
  kept: boolean;
}

export interface DeliveryDetail extends DeliveryRow {
  payload: unknown;
  actions: JobActionView[];
}

export type ReplayResult = 'replayed' | 'already_queued';

export interface ReplayAnswer {
  deliveryId: string;
  queue: QueueName;
  jobId: string;
  result: ReplayResult;
  message: string;
  actionId: string;
}

/** A job of the tenant still in Redis (waiting, running or failed), as the delivery log sees it. */
interface Pending {
  job: JobSummary;
  state: DeliveryState;
  event: QueuedCallEvent;
  /** Set for a delivery's own job */
  callId?: string;
  /** With callId: the job id's key (callEventKey: '' but for a transfer event) */
  key?: string;
  /** Set for a replay's job */
  deliveryId?: string;
}

interface KeptRow {
  id: string;
  type: string;
  receivedAt: Date;
  processedAt: Date | null;
  callRowId: string;
  retellCallId: string;
  dedupeKey: string;
}

const STATE_OF: Record<string, DeliveryState> = { failed: 'failed', active: 'active', waiting: 'waiting', delayed: 'waiting' };

/** A stable uuid for a delivery known only as a job (uuid-shaped sha-256 of the job's queue and id). */
export function jobDeliveryId(queue: string, jobId: string): string {
  const h = createHash('sha256').update(`${queue}|${jobId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One delivery of a call: its event, key (callEventKey) and Retell call id, as one map key. */
const keyOf = (event: string, key: string, callId: string) => JSON.stringify([event, key, callId]);
const pendingKey = (p: Pending) => keyOf(p.event, p.key ?? '', p.callId!);
const keptKey = (k: KeptRow) => keyOf(k.type, k.dedupeKey, k.retellCallId);
const newerFirst = (a: { at: number; id: string }, b: { at: number; id: string }) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * The delivery log: every accepted delivery of a tenant. Kept ones are CallEvent rows (received
 * and processed times; the gateway writes nothing more); the state, attempts and last error come
 * from the delivery's job in Redis, looked up by its deterministic id; deliveries whose job is
 * still waiting, running or failed without a CallEvent come from Redis alone (received time:
 * the job's timestamp). Paged by (receivedAt, id), newest first.
 */
@Injectable()
export class Deliveries {
  constructor(
    private readonly prisma: PrismaService,
    private readonly inspector: QueueInspector,
    private readonly actions: JobActions,
    private readonly env: AppEnv,
  ) {}

  async list(tenantId: string, q: DeliveryQuery): Promise<Page<DeliveryRow>> {
    const cursor = readCursor(q.cursor);
    const take = rowsToFetch(q);
    const pending = await this.pending(tenantId, q.event);
    const own = pending.filter((p) => p.callId);
    const pendingByKey = new Map(own.map((p) => [pendingKey(p), p]));
    const replays = new Map(pending.filter((p) => p.deliveryId).map((p) => [p.deliveryId!, p]));
    const kept = await this.keptFor(tenantId, own);

    // Deliveries known only from Redis: their job waits, runs or failed before a CallEvent was kept.
    const from = q.from ? Date.parse(q.from) : undefined;
    const to = q.to ? Date.parse(q.to) : undefined;
    const inRange = (at: number) => (from === undefined || at >= from) && (to === undefined || at < to);
    const afterCursor = (at: number, id: string) => !cursor || newerFirst({ at: cursor.at.getTime(), id: cursor.id }, { at, id }) > 0;
    const call = q.callId ? await this.callFilter(tenantId, q.callId) : undefined;

    let rows: DeliveryRow[] = [];
    if (!q.state || q.state === 'processed') {
      const excluded = q.state === 'processed' ? own : [];
      const excludedIds = q.state === 'processed' ? [...replays.keys()] : [];
      const found = await this.prisma.$queryRaw<KeptRow[]>`
        SELECT e."id", e."type", e."receivedAt", e."processedAt", c."id" AS "callRowId", c."retellCallId", e."dedupeKey"
        FROM "CallEvent" e JOIN "Call" c ON c."id" = e."callId"
        WHERE e."tenantId" = ${tenantId}::uuid
          ${q.event ? Prisma.sql`AND e."type" = ${q.event}` : Prisma.empty}
          ${call ? Prisma.sql`AND (c."retellCallId" = ${call.retellCallId} OR c."id" = ${call.id}::uuid)` : Prisma.empty}
          ${q.from ? Prisma.sql`AND e."receivedAt" >= ${new Date(q.from)}` : Prisma.empty}
          ${q.to ? Prisma.sql`AND e."receivedAt" < ${new Date(q.to)}` : Prisma.empty}
          ${cursor ? Prisma.sql`AND (e."receivedAt", e."id") < (${cursor.at}, ${cursor.id}::uuid)` : Prisma.empty}
          ${
            excluded.length
              ? Prisma.sql`AND NOT EXISTS (SELECT 1 FROM unnest(${excluded.map((p) => p.event)}::text[], ${excluded.map((p) => p.key ?? '')}::text[], ${excluded.map((p) => p.callId!)}::text[]) AS x("type", "key", "callId")
                  WHERE x."type" = e."type" AND x."key" = e."dedupeKey" AND x."callId" = c."retellCallId")`
              : Prisma.empty
          }
          ${excludedIds.length ? Prisma.sql`AND NOT (e."id" = ANY(${excludedIds}::uuid[]))` : Prisma.empty}
        ORDER BY e."receivedAt" DESC, e."id" DESC
        LIMIT ${take}`;
      rows = found.map((k) => this.keptRow(tenantId, k, pendingByKey.get(keptKey(k)) ?? replays.get(k.id)));
    }
    if (q.state !== 'processed') {
      const keptIds = new Set(rows.map((r) => r.id));
      // Kept deliveries whose job is not done are listed by that job's state.
      const keptPending = [...kept.values()]
        .map((k) => this.keptRow(tenantId, k, pendingByKey.get(keptKey(k))))
        .concat(await this.replayedRows(tenantId, replays));
      const jobOnly = own.filter((p) => !kept.has(pendingKey(p))).map((p) => this.jobRow(p));
      const extra = [...keptPending, ...jobOnly].filter(
        (r) =>
          !keptIds.has(r.id) &&
          (!q.state || r.state === q.state) &&
          (!call || r.callId === call.retellCallId) &&
          inRange(Date.parse(r.receivedAt)) &&
          afterCursor(Date.parse(r.receivedAt), r.id),
      );
      rows = [...rows, ...extra];
    }
    const dedup = new Map(rows.map((r) => [r.id, r]));
    const sorted = [...dedup.values()]
      .sort((a, b) => newerFirst({ at: Date.parse(a.receivedAt), id: a.id }, { at: Date.parse(b.receivedAt), id: b.id }))
      .slice(0, take);
    await this.fillJobFields(sorted.filter((r) => r.attempts === null));
    return keysetPage(
      sorted,
      q,
      (r) => ({ at: new Date(r.receivedAt), id: r.id }),
      (r) => r,
    );
  }

  async get(tenantId: string, id: string): Promise<DeliveryDetail> {
    if (!isUuid(id)) throw new NotFoundError(`no delivery '${id.slice(0, 80)}'`);
    const [kept] = await this.prisma.$queryRaw<Array<KeptRow & { payload: unknown }>>`
      SELECT e."id", e."type", e."receivedAt", e."processedAt", c."id" AS "callRowId", c."retellCallId", e."dedupeKey", e."payload"
      FROM "CallEvent" e JOIN "Call" c ON c."id" = e."callId"
      WHERE e."tenantId" = ${tenantId}::uuid AND e."id" = ${id}::uuid`;
    let row: DeliveryRow;
    let payload: unknown;
    if (kept) {
      const pending = (await this.pending(tenantId, kept.type)).find(
        (p) => (p.callId === kept.retellCallId && p.event === kept.type && (p.key ?? '') === kept.dedupeKey) || p.deliveryId === kept.id,
      );
      row = this.keptRow(tenantId, kept, pending);
      payload = kept.payload;
    } else {
      const pending = (await this.pending(tenantId)).find((p) => p.callId && jobDeliveryId(p.job.queue, p.job.jobId) === id);
      if (!pending) throw new NotFoundError(`no delivery '${id}'`);
      row = this.jobRow(pending);
      const job = await this.inspector.queue(pending.job.queue).getJob(pending.job.jobId);
      payload = parseBody((job?.data as CallEventJob | undefined)?.body);
    }
    await this.fillJobFields(row.attempts === null ? [row] : []);
    const actions = await this.actions.list(tenantId, { jobIds: [row.jobId, replayJobId(tenantId, row.id)], deliveryId: row.id }, 50);
    return { ...row, payload, actions };
  }

  /**
   * Runs a kept delivery through the call worker again, from its stored payload, under the job id
   * `replay.<tenant>.<delivery>`: one pending replay per delivery. The worker's writes are
   * idempotent per (tenant, call, event), so a replay adds no event; it rebuilds the call row and
   * re-runs the follow-ups, themselves deduplicated by their job ids.
   */
  async replay(p: Principal, id: string): Promise<ReplayAnswer> {
    if (!isUuid(id)) throw new NotFoundError(`no delivery '${id.slice(0, 80)}'`);
    const [kept] = await this.prisma.$queryRaw<Array<KeptRow & { payload: unknown }>>`
      SELECT e."id", e."type", e."receivedAt", e."processedAt", c."id" AS "callRowId", c."retellCallId", e."payload"
      FROM "CallEvent" e JOIN "Call" c ON c."id" = e."callId"
      WHERE e."tenantId" = ${p.tenantId}::uuid AND e."id" = ${id}::uuid`;
    if (!kept) {
      const known = (await this.pending(p.tenantId)).some((x) => x.callId && jobDeliveryId(x.job.queue, x.job.jobId) === id);
      if (known) throw new ConflictError('this delivery is not kept yet (its job waits or failed): retry its failed job instead');
      throw new NotFoundError(`no delivery '${id}'`);
    }
    if (!isQueuedCallEvent(kept.type)) throw new ConflictError(`event '${kept.type}' has no worker to replay it`);
    const queueName = QUEUE_FOR_EVENT[kept.type];
    const queue = this.inspector.queue(queueName);
    const jobId = replayJobId(p.tenantId, kept.id);
    const existing = await queue.getJob(jobId);
    const state = existing ? await existing.getState() : 'unknown';
    let result: ReplayResult = 'replayed';
    if (['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state)) result = 'already_queued';
    else {
      if (existing) await existing.remove();
      const job: CallEventJob = {
        tenantId: p.tenantId,
        event: kept.type,
        callId: kept.retellCallId,
        receivedAt: kept.receivedAt.getTime(),
        body: JSON.stringify(kept.payload),
      };
      await queue.add(CALL_EVENT_JOB, job, { ...lifecycleJobOptions(this.env.JOB_ATTEMPTS, this.env.JOB_BACKOFF_MS), jobId });
    }
    const actionId = await this.actions.record(p, { kind: 'replay', queue: queueName, jobId, result, stateBefore: state, deliveryId: kept.id });
    return {
      deliveryId: kept.id,
      queue: queueName,
      jobId,
      result,
      message: result === 'replayed' ? 'the stored event is queued for its worker again' : 'nothing done: a replay of this delivery is already queued',
      actionId,
    };
  }

  /** The tenant's call-event jobs Redis still holds unfinished or failed. */
  private async pending(tenantId: string, event?: string): Promise<Pending[]> {
    const events: readonly QueuedCallEvent[] = event && isQueuedCallEvent(event) ? [event] : QUEUED_CALL_EVENTS;
    // The transfer events share one queue: each queue is read once, a job's event read from its id.
    const queues = [...new Set(events.map((ev) => QUEUE_FOR_EVENT[ev]))];
    const lists = await Promise.all(
      queues.map(async (queue) =>
        (await this.inspector.tenantJobs(queue, tenantId, ['failed', 'active', 'waiting', 'delayed'])).flatMap((job): Pending[] => {
          const state = STATE_OF[job.state] ?? 'waiting';
          const named = job.jobId.slice(0, job.jobId.indexOf('.'));
          const ev = isQueuedCallEvent(named) ? named : events.find((e) => QUEUE_FOR_EVENT[e] === queue)!;
          if (!events.includes(ev)) return [];
          if (job.jobId.startsWith('replay.')) return [{ job, state, event: ev, deliveryId: job.jobId.split('.')[2] }];
          const call = callOfEventJobId(job.jobId);
          return [{ job, state, event: ev, callId: call?.callId, key: call?.key }];
        }),
      ),
    );
    return lists.flat();
  }

  /** The kept CallEvents of these jobs' (event, key, call): one lookup per job on the unique keys of Call and CallEvent. */
  private async keptFor(tenantId: string, jobs: Pending[]): Promise<Map<string, KeptRow>> {
    if (!jobs.length) return new Map();
    const rows = await this.prisma.$queryRaw<KeptRow[]>`
      SELECT e."id", e."type", e."receivedAt", e."processedAt", c."id" AS "callRowId", c."retellCallId", e."dedupeKey"
      FROM unnest(${jobs.map((p) => p.event)}::text[], ${jobs.map((p) => p.key ?? '')}::text[], ${jobs.map((p) => p.callId!)}::text[]) AS k("type", "key", "callId")
      JOIN "Call" c ON c."tenantId" = ${tenantId}::uuid AND c."retellCallId" = k."callId"
      JOIN "CallEvent" e ON e."tenantId" = ${tenantId}::uuid AND e."callId" = c."id" AND e."type" = k."type" AND e."dedupeKey" = k."key"`;
    return new Map(rows.map((r) => [keptKey(r), r]));
  }

  private async replayedRows(tenantId: string, replays: Map<string, Pending>): Promise<DeliveryRow[]> {
    const ids = [...replays.keys()].filter(isUuid);
    if (!ids.length) return [];
    const rows = await this.prisma.$queryRaw<KeptRow[]>`
      SELECT e."id", e."type", e."receivedAt", e."processedAt", c."id" AS "callRowId", c."retellCallId", e."dedupeKey"
      FROM "CallEvent" e JOIN "Call" c ON c."id" = e."callId"
      WHERE e."tenantId" = ${tenantId}::uuid AND e."id" = ANY(${ids}::uuid[])`;
    return rows.map((r) => this.keptRow(tenantId, r, replays.get(r.id)));
  }

  private async callFilter(tenantId: string, callId: string): Promise<{ id: string; retellCallId: string }> {
    const found = await this.prisma.call.findFirst({
      where: { tenantId, OR: [{ retellCallId: callId }, ...(isUuid(callId) ? [{ id: callId }] : [])] },
      select: { id: true, retellCallId: true },
    });
    // A call not kept yet may still have deliveries waiting or failed in Redis.
    return { id: found?.id ?? '00000000-0000-0000-0000-000000000000', retellCallId: found?.retellCallId ?? callId };
  }

  private keptRow(tenantId: string, k: KeptRow, pending: Pending | undefined): DeliveryRow {
    const event = k.type as QueuedCallEvent;
    const queue = QUEUE_FOR_EVENT[event];
    return {
      id: k.id,
      event,
      callId: k.retellCallId,
      callRowId: k.callRowId,
      receivedAt: k.receivedAt.toISOString(),
      processedAt: k.processedAt?.toISOString() ?? null,
      state: pending?.state ?? 'processed',
      queue,
      jobId: pending?.job.jobId ?? callEventJobId(tenantId, k.retellCallId, event, k.dedupeKey),
      attempts: pending ? pending.job.attemptsMade : null,
      lastError: pending?.job.failedReason ?? null,
      kept: true,
    };
  }

  private jobRow(p: Pending): DeliveryRow {
    return {
      id: jobDeliveryId(p.job.queue, p.job.jobId),
      event: p.event,
      callId: p.callId ?? '',
      callRowId: null,
      receivedAt: new Date(p.job.timestamp).toISOString(),
      processedAt: null,
      state: p.state,
      queue: p.job.queue,
      jobId: p.job.jobId,
      attempts: p.job.attemptsMade,
      lastError: p.job.failedReason,
      kept: false,
    };
  }

  /** Attempts and last error of kept deliveries whose job Redis still holds (completed jobs are kept an hour). */
  private async fillJobFields(rows: DeliveryRow[]): Promise<void> {
    const fields = await this.inspector.jobFields(rows.map((r) => ({ queue: r.queue, jobId: r.jobId })));
    for (const r of rows) {
      const f = fields.get(`${r.queue}|${r.jobId}`);
      if (f) {
        r.attempts = f.attemptsMade;
        r.lastError = f.failedReason;
      }
    }
  }
}

function parseBody(body: string | undefined): unknown {
  if (body === undefined) return null;
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}
