import { Injectable, Logger } from '@nestjs/common';
import type Retell from 'retell-sdk';
import { Calls, type RecordedCall } from '@retell-ops/call-records';
import { AppEnv } from '@retell-ops/config';
import { Prisma, PrismaService } from '@retell-ops/db';
import { DIAL_REQUEST_GROUPS, isFinalAtRetell, missingEvents, nextWatermark, RECONCILE_EVENTS, scheduledRange, type ReconcileEvent } from '@retell-ops/domain';
import type { ReconcileJob } from '@retell-ops/queue';
import type { RetellCall } from '@retell-ops/retell';
import { DialOutcome } from '../dial-outcome';
import { DispatchTrigger } from '../dispatch-trigger';
import { RetellClients } from '../retell-clients';
import { reportReconcileFindings, type ReconcileFindings } from './findings-hook';
import { RetellUnavailable, withRetellBackoff } from './retell-backoff';
import type { ReconcileTrigger } from './reconcile-runs';

/** What the worker does after an event is recorded (live updates, the candidate worker), as for a webhook. */
export type AfterReconciledEvent = (event: ReconcileEvent, recorded: RecordedCall) => Promise<void>;

const MAX_ERRORS = 20;
/** Runs are kept this long (a scheduled run every 5 min is 288 rows a day per tenant); each scheduled run prunes its tenant's older ones. */
export const RECONCILE_RUN_RETENTION_MS = 30 * 86_400_000;
const TERMINAL_CALL = ['completed', 'failed', 'cancelled'];

interface Tally {
  pages: number;
  callsSeen: number;
  callsFetched: number;
  eventsAdded: Record<ReconcileEvent, number>;
  requestsFreed: number;
  errors: string[];
  /** start_timestamp of calls Retell has not finished */
  unfinishedStarts: number[];
}

/**
 * One reconciliation run of one tenant (docs/reconciliation.md): pages Retell's list-calls over a
 * range of start_timestamp, asks get-call for each call whose record here is missing or lacks
 * its final events, and records what Retell holds as the events its webhooks would have carried
 * (`source: reconcile`; the CallEvent unique key dedupes them against webhooks in either order).
 * A placed call that ended frees its dial request's slot. A scheduled run reads from the tenant's
 * watermark and moves it on success; Retell's 429/5xx are waited out a few times, then the run
 * ends failed and the watermark stays.
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger('Reconcile');

  constructor(
    private readonly env: AppEnv,
    private readonly prisma: PrismaService,
    private readonly calls: Calls,
    private readonly clients: RetellClients,
    private readonly outcome: DialOutcome,
    private readonly dispatch: DispatchTrigger,
  ) {}

  /** Runs the job: an operator's queued run, or a scheduled one from the watermark. Undefined when there was nothing to run. */
  async execute(job: ReconcileJob, after?: AfterReconciledEvent, bullJobId?: string): Promise<ReconcileFindings | undefined> {
    const started = Date.now();
    const run = job.runId ? await this.claimRun(job.tenantId, job.runId) : await this.startScheduled(job.tenantId, started, bullJobId);
    if (!run) return undefined;
    const tally: Tally = {
      pages: 0,
      callsSeen: 0,
      callsFetched: 0,
      eventsAdded: { call_started: 0, call_ended: 0, call_analyzed: 0 },
      requestsFreed: 0,
      errors: [],
      unfinishedStarts: [],
    };
    let status: 'succeeded' | 'failed' = 'succeeded';
    try {
      await this.scan(job.tenantId, run.from, run.to, tally, after);
      tally.requestsFreed += await this.freeEndedRequests(job.tenantId);
      if (run.trigger === 'schedule') await this.moveWatermark(job.tenantId, run.to.getTime(), tally);
    } catch (e) {
      status = 'failed';
      tally.errors.push(String((e as Error)?.message ?? e).slice(0, 500));
      if (!(e instanceof RetellUnavailable)) this.logger.warn(`tenant ${job.tenantId} run ${run.id}: ${(e as Error)?.message}`);
    } finally {
      if (tally.requestsFreed || tally.eventsAdded.call_ended) await this.dispatch.poke(job.tenantId).catch(() => undefined);
    }
    const findings: ReconcileFindings = {
      tenantId: job.tenantId,
      runId: run.id,
      trigger: run.trigger,
      status,
      from: run.from,
      to: run.to,
      pages: tally.pages,
      callsSeen: tally.callsSeen,
      callsFetched: tally.callsFetched,
      eventsAdded: tally.eventsAdded,
      requestsFreed: tally.requestsFreed,
      errors: tally.errors.slice(0, MAX_ERRORS),
      durationMs: Date.now() - started,
    };
    await this.prisma.reconcileRun.update({
      where: { id: run.id },
      data: {
        status,
        pages: findings.pages,
        callsSeen: findings.callsSeen,
        callsFetched: findings.callsFetched,
        eventsAdded: findings.eventsAdded,
        requestsFreed: findings.requestsFreed,
        errors: findings.errors,
        finishedAt: new Date(),
      },
    });
    const added = RECONCILE_EVENTS.map((e) => `${e}=${tally.eventsAdded[e]}`).join(' ');
    this.logger.log(
      `tenant ${job.tenantId} run ${run.id} (${run.trigger}) ${status}: ${tally.pages} page(s), ${tally.callsSeen} call(s) seen, ${tally.callsFetched} fetched, added ${added}, ${tally.requestsFreed} slot(s) freed${tally.errors.length ? `; ${tally.errors[0]}` : ''}`,
    );
    reportReconcileFindings(findings);
    return findings;
  }

  /** An operator's run, once: queued → running (a rerun of the job finds it running or finished and does nothing). */
  private async claimRun(tenantId: string, runId: string) {
    const n = await this.prisma.reconcileRun.updateMany({
      where: { id: runId, tenantId, status: 'queued' },
      data: { status: 'running', startedAt: new Date() },
    });
    if (!n.count) return undefined;
    const row = await this.prisma.reconcileRun.findUniqueOrThrow({ where: { id: runId } });
    return { id: row.id, trigger: row.trigger as ReconcileTrigger, from: row.rangeFrom, to: row.rangeTo };
  }

  /** A scheduled run's row, `requestedBy` naming the scheduler's job (one per interval, whichever worker took it). */
  private async startScheduled(tenantId: string, now: number, bullJobId?: string) {
    await this.prisma.reconcileRun.deleteMany({ where: { tenantId, createdAt: { lt: new Date(now - RECONCILE_RUN_RETENTION_MS) } } });
    const state = await this.prisma.reconcileState.findUnique({ where: { tenantId } });
    const { from, to } = scheduledRange(now, state?.watermark.getTime(), this.env.RECONCILE_OVERLAP_MS, this.env.RECONCILE_INITIAL_LOOKBACK_MS);
    const row = await this.prisma.reconcileRun.create({
      data: {
        tenantId,
        trigger: 'schedule',
        status: 'running',
        rangeFrom: new Date(from),
        rangeTo: new Date(to),
        startedAt: new Date(now),
        requestedBy: bullJobId ? `scheduler:${bullJobId}`.slice(0, 200) : 'scheduler',
      },
    });
    return { id: row.id, trigger: 'schedule' as ReconcileTrigger, from: row.rangeFrom, to: row.rangeTo };
  }

  private async scan(tenantId: string, from: Date, to: Date, tally: Tally, after?: AfterReconciledEvent): Promise<void> {
    const client = await this.clients.forTenant(tenantId);
    const owns = await this.ownership(tenantId);
    const retries = this.env.RECONCILE_RETRIES;
    let paginationKey: string | undefined;
    do {
      // docs/retell.md#rest-api: POST /v3/list-calls, sorted by start_timestamp, cursor-paginated; items omit transcripts.
      const page = await withRetellBackoff(
        'list-calls',
        () =>
          client.call.list({
            filter_criteria: { start_timestamp: { type: 'range', op: 'bt', value: [from.getTime(), to.getTime()] } },
            sort_order: 'ascending',
            limit: this.env.RECONCILE_PAGE_SIZE,
            ...(paginationKey && { pagination_key: paginationKey }),
          }),
        retries,
      );
      tally.pages++;
      const items = ((page.items ?? []) as unknown as RetellCall[]).filter((c) => owns(c.agent_id));
      tally.callsSeen += items.length;
      const kept = await this.keptEvents(
        tenantId,
        items.map((c) => c.call_id),
      );
      for (const item of items) await this.reconcileCall(tenantId, client, item, kept.get(item.call_id) ?? new Set(), tally, after);
      paginationKey = page.has_more ? (page.pagination_key ?? undefined) : undefined;
    } while (paginationKey);
  }

  private async reconcileCall(
    tenantId: string,
    client: Retell,
    item: RetellCall,
    kept: Set<string>,
    tally: Tally,
    after?: AfterReconciledEvent,
  ): Promise<void> {
    const listed = { callStatus: item.call_status, analyzed: !!item.call_analysis };
    if (!missingEvents(listed, kept).length) {
      if (!isFinalAtRetell(listed) && typeof item.start_timestamp === 'number') tally.unfinishedStarts.push(item.start_timestamp);
      return;
    }
    // The list item has no transcript: get-call has the whole call, and may have moved on since.
    const call = (await withRetellBackoff(
      `get-call ${item.call_id}`,
      () => client.call.retrieve(item.call_id),
      this.env.RECONCILE_RETRIES,
    )) as unknown as RetellCall;
    tally.callsFetched++;
    const state = { callStatus: call.call_status, analyzed: !!call.call_analysis };
    if (!isFinalAtRetell(state) && typeof call.start_timestamp === 'number') tally.unfinishedStarts.push(call.start_timestamp);
    for (const event of missingEvents(state, kept)) {
      const recorded = await this.calls.recordFromRetell(tenantId, call, event);
      if (recorded.eventAdded) tally.eventsAdded[event]++;
      if (recorded.dialRequestId && (await this.outcome.afterCall(recorded))) tally.requestsFreed++;
      if (recorded.eventAdded && after) await after(event, recorded);
    }
  }

  /**
   * Which listed calls are this tenant's: the gateway's routing rule. Tenants may share one Retell
   * workspace (one account, several keys), and list-calls answers for the whole workspace, so a call
   * is taken only when its agent is connected to this tenant; the only tenant of a deployment takes
   * every call (as its webhooks do).
   */
  private async ownership(tenantId: string): Promise<(agentId: string | undefined) => boolean> {
    if ((await this.prisma.tenant.count({ take: 2 })) < 2) return () => true;
    const agents = await this.prisma.agent.findMany({ where: { tenantId, disconnectedAt: null }, select: { retellAgentId: true } });
    const own = new Set(agents.map((a) => a.retellAgentId));
    return (agentId) => agentId !== undefined && own.has(agentId);
  }

  /** The lifecycle events kept for each of these Retell calls. */
  private async keptEvents(tenantId: string, retellCallIds: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (!retellCallIds.length) return out;
    const rows = await this.prisma.$queryRaw<Array<{ retellCallId: string; type: string }>>`
      SELECT c."retellCallId", e."type" FROM "Call" c JOIN "CallEvent" e ON e."callId" = c."id"
      WHERE c."tenantId" = ${tenantId}::uuid AND c."retellCallId" IN (${Prisma.join(retellCallIds)})`;
    for (const r of rows) {
      const set = out.get(r.retellCallId) ?? new Set<string>();
      set.add(r.type);
      out.set(r.retellCallId, set);
    }
    return out;
  }

  /** Dial requests still holding a slot although their current call has ended here: their outcome runs now. */
  private async freeEndedRequests(tenantId: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<
      Array<{ dialRequestId: string; id: string; retellCallId: string | null; candidateId: string | null; status: string; outcome: string | null }>
    >`
      SELECT d."id" AS "dialRequestId", c."id", c."retellCallId", c."candidateId", c."status"::text AS "status", c."outcome"
      FROM "DialRequest" d JOIN "Call" c ON c."id" = d."currentCallId"
      WHERE d."tenantId" = ${tenantId}::uuid AND d."status"::text IN (${Prisma.join(DIAL_REQUEST_GROUPS.holdingSlot)})
        AND c."status"::text IN (${Prisma.join(TERMINAL_CALL)})`;
    let freed = 0;
    for (const r of rows) {
      const recorded: RecordedCall = { ...r, tenantId, retellCallId: r.retellCallId ?? '', metadata: null, eventAdded: false };
      if (await this.outcome.afterCall(recorded)) freed++;
    }
    return freed;
  }

  private async moveWatermark(tenantId: string, scannedTo: number, tally: Tally): Promise<void> {
    const state = await this.prisma.reconcileState.findUnique({ where: { tenantId } });
    const previous = state?.watermark.getTime() ?? 0;
    const next = new Date(nextWatermark({ scannedTo, unfinishedStarts: tally.unfinishedStarts, previous, maxHoldMs: this.env.RECONCILE_MAX_HOLD_MS }));
    await this.prisma.reconcileState.upsert({ where: { tenantId }, create: { tenantId, watermark: next }, update: { watermark: next } });
  }
}
