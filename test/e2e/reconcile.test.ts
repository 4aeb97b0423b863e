import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Retell from 'retell-sdk';
import type { PrismaClient } from '@retell-ops/db';
import type { RetellCall } from '@retell-ops/retell';
import { simNumber, startDialerStack, type DialerStack } from '../support/dialer-stack';
import { waitFor } from '../support/wait';

/**
 * Issue 14's acceptance, on the real services as `npm start` runs them: 100 calls dialled through
 * the simulator, which drops 20% of the final webhooks (call_ended, call_analyzed). One
 * reconciliation run (POST /api/v1/reconcile) leaves every call complete and equal to what the
 * simulator holds, with no duplicate event, and no dial request left live.
 */
describe('end to end: reconciliation repairs dropped webhooks', () => {
  const CALLS = 100;
  let stack: DialerStack;
  let prisma: PrismaClient;
  let tenantId: string;
  let retell: Retell;

  beforeAll(async () => {
    stack = await startDialerStack({
      simVars: { RETELL_SIM_CONCURRENCY: '200', RETELL_SIM_DROP_FINAL_WEBHOOK_SHARE: '0.2', RETELL_SIM_FAULT_SEED: '14' },
      // nothing else repairs the lost webhooks meanwhile: no scheduled run, no reaper
      envOverrides: { RECONCILE_INTERVAL_MS: '0', DIAL_STALE_MS: '3600000' },
    });
    ({ prisma, tenantId } = stack);
    retell = new Retell({ apiKey: stack.env.RETELL_API_KEY, baseURL: stack.simUrl, maxRetries: 0 });
  }, 90000);

  afterAll(() => stack?.stop());

  /** Every call the simulated Retell holds, in full (get-call: list items have no transcript). */
  async function retellCalls(): Promise<RetellCall[]> {
    const listed: RetellCall[] = [];
    let pagination_key: string | undefined;
    do {
      const page = await retell.call.list({ limit: 1000, sort_order: 'ascending', ...(pagination_key && { pagination_key }) });
      listed.push(...(page.items as unknown as RetellCall[]));
      pagination_key = page.has_more ? page.pagination_key : undefined;
    } while (pagination_key);
    return Promise.all(listed.map(async (c) => (await retell.call.retrieve(c.call_id)) as unknown as RetellCall));
  }

  it('100 calls, 20% of final webhooks dropped: one run completes every call, no duplicates, no request left live', async () => {
    // 70 answered (…0), 15 unanswered (…1), 15 voicemail (…3); one attempt each
    const targets = [
      ...Array.from({ length: 70 }, () => ({ toNumber: simNumber('0') })),
      ...Array.from({ length: 15 }, () => ({ toNumber: simNumber('1') })),
      ...Array.from({ length: 15 }, () => ({ toNumber: simNumber('3') })),
    ];
    const batch = await stack.api('POST', '/api/v1/batches', { name: 'reconcile e2e', maxConcurrent: CALLS, maxAttempts: 1, targets });
    expect(batch.status).toBe(201);

    // Retell has finished every call: ended and analysed
    const held = await waitFor(
      async () => {
        const all = await retellCalls();
        return all.length === CALLS && all.every((c) => c.call_analysis) ? all : undefined;
      },
      { what: 'the simulator to finish all 100 calls', timeoutMs: 120000, intervalMs: 1000 },
    );
    const stats = await stack.sim<{ droppedWebhooks: number }>('GET', '/sim/stats');
    expect(stats.droppedWebhooks).toBeGreaterThan(10);
    // every webhook the simulator did send has been recorded (connected calls send three, the others two)
    const sent = held.reduce((n, c) => n + (c.call_status === 'ended' ? 3 : 2), 0) - stats.droppedWebhooks;
    await waitFor(async () => (await prisma.callEvent.count({ where: { tenantId } })) === sent, { what: `${sent} webhook events recorded`, timeoutMs: 60000 });
    // The call worker frees a request's slot after it records its call's end: wait for that step too, so the
    // requests still holding a slot are exactly those whose end the platform never heard of.
    await waitFor(
      async () => {
        const [{ n }] = await prisma.$queryRaw<Array<{ n: number }>>`
          SELECT count(*)::int AS "n" FROM "DialRequest" d JOIN "Call" c ON c."id" = d."currentCallId"
          WHERE d."tenantId" = ${tenantId}::uuid AND d."status"::text IN ('live', 'dialing') AND c."status"::text IN ('completed', 'failed', 'cancelled')`;
        return n === 0;
      },
      { what: 'every slot of a call seen ending to be freed', timeoutMs: 60000 },
    );
    // so some calls are incomplete and some requests still hold their slot
    const liveBefore = await prisma.dialRequest.count({ where: { tenantId, status: { in: ['live', 'dialing'] } } });
    expect(liveBefore).toBeGreaterThan(0);

    const from = new Date(Math.min(...held.map((c) => c.start_timestamp!)) - 60_000).toISOString();
    const asked = await stack.api('POST', '/api/v1/reconcile', { from });
    expect(asked.status).toBe(202);
    expect(asked.json).toMatchObject({ id: expect.any(String), status: 'queued', trigger: 'operator' });
    const run = await waitFor(
      async () => {
        const list = (await stack.api('GET', '/api/v1/reconcile/runs')).json.data as Array<{ id: string; status: string }>;
        const r = list.find((x) => x.id === asked.json.id);
        return r && (r.status === 'succeeded' || r.status === 'failed') ? r : undefined;
      },
      { what: 'the run to finish', timeoutMs: 120000, intervalMs: 500 },
    );
    expect(run).toMatchObject({ status: 'succeeded', callsSeen: CALLS, errors: [] });
    const added = (run as unknown as { eventsAdded: Record<string, number> }).eventsAdded;
    expect(added.call_ended + added.call_analyzed).toBe(stats.droppedWebhooks);
    expect((run as unknown as { requestsFreed: number }).requestsFreed).toBe(liveBefore);

    // every call complete and equal to what Retell holds
    const rows = await prisma.call.findMany({ where: { tenantId, retellCallId: { not: null } } });
    expect(rows).toHaveLength(CALLS);
    const byId = new Map(rows.map((r) => [r.retellCallId, r]));
    for (const c of held) {
      const r = byId.get(c.call_id)!;
      expect({
        retellStatus: r.retellStatus,
        disconnectionReason: r.disconnectionReason,
        startedAt: r.startedAt?.getTime(),
        endedAt: r.endedAt?.getTime(),
        durationMs: r.durationMs,
        transcript: r.transcript,
        summary: r.summary,
        successful: r.successful,
        inVoicemail: r.inVoicemail,
        costCents: r.costCents === null ? null : Number(r.costCents),
      }).toEqual({
        retellStatus: c.call_status,
        disconnectionReason: c.disconnection_reason,
        startedAt: c.start_timestamp,
        endedAt: c.end_timestamp,
        durationMs: c.duration_ms,
        transcript: c.transcript || null,
        summary: c.call_analysis!.call_summary,
        successful: c.call_analysis!.call_successful,
        inVoicemail: c.call_analysis!.in_voicemail,
        costCents: c.call_cost?.combined_cost,
      });
      expect(['completed', 'failed']).toContain(r.status);
    }

    // no duplicate events: each call has its final two (and call_started when it connected), once each
    const events = await prisma.callEvent.findMany({ where: { tenantId }, select: { callId: true, type: true, source: true } });
    expect(new Set(events.map((e) => `${e.callId}/${e.type}`)).size).toBe(events.length);
    expect(events.length).toBe(held.reduce((n, c) => n + (c.call_status === 'ended' ? 3 : 2), 0));
    expect(events.filter((e) => e.source === 'reconcile')).toHaveLength(stats.droppedWebhooks);

    // no dial request left live
    expect(await prisma.dialRequest.count({ where: { tenantId, status: { in: ['live', 'dialing'] } } })).toBe(0);
    const progress = (await stack.api('GET', `/api/v1/batches/${batch.json.id}`)).json.progress;
    expect(progress).toMatchObject({ total: CALLS, live: 0, queued: 0 });
    expect(progress.completed + progress.failed).toBe(CALLS);

    // the operator's CLI, against the same services: a second look finds nothing more to add
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['dist/apps/api/src/ops/cli.js', 'import-calls', '--from', '1 hour ago', '--tenant', stack.env.DEFAULT_TENANT_SLUG],
      {
        env: { ...process.env, ...stack.vars },
      },
    );
    expect(stdout).toMatch(
      new RegExp(
        `^${stack.env.DEFAULT_TENANT_SLUG}: run \\S+ succeeded: \\d+ page\\(s\\), ${CALLS} call\\(s\\) seen, 0 fetched, added call_started=0 call_ended=0 call_analyzed=0, 0 dial slot\\(s\\) freed$`,
        'm',
      ),
    );
    expect(await prisma.reconcileRun.count({ where: { tenantId, trigger: 'cli', status: 'succeeded' } })).toBe(1);
  }, 300000);
});
