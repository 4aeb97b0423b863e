import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { getJson, postRaw, postSigned, type Answer } from '../support/http';
import { freePort, startApp, type AppProcess } from '../support/processes';
import {
  boundedAll,
  closeQueues,
  ledger,
  ledgerProblems,
  ledgerSummary,
  lifecycleQueues,
  NO_PROBLEMS,
  planDeliveries,
  runSeed,
  statusHistogram,
  type SendResult,
} from '../support/reliability';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * An attacker who knows only the URL (and a tenant's slug and agent id, which are no secret):
 * 300 unsigned 4 MB deliveries, most naming an agent id of their own (some far too long, some
 * not an id at all), 8 in flight, against the built gateway
 * running as its own process. What is measured is the gateway's resident memory from
 * /proc/<pid>/status, sampled throughout. Meanwhile a tenant's real, signed deliveries keep
 * arriving, interleaved with the flood, and must all be accepted and recorded.
 */
const UNSIGNED = 300;
const BODY_BYTES = 4 * 1024 * 1024;
const IN_FLIGHT = 8;
/**
 * 1.2 GB of bodies arrive, none may be kept. The gateway loads no Prisma (its tool routes run on
 * the plain pool): about 125 MB at rest, 210–270 MB at the flood's peak measured. With Prisma it
 * was 210 MB at rest and this bound had to be 400 MB.
 */
const RSS_LIMIT_MB = 300;

type Kind =
  | 'no header'
  | 'wrong HMAC, agent route'
  | 'wrong HMAC, slug route'
  | "wrong HMAC, the tenant's own agent id"
  | 'wrong HMAC, 2 MB agent id'
  | 'wrong HMAC, agent id not an id';

/** The i-th hostile request: a call_ended padded to 4 MB, its own agent id (or a real one), and how it is (not) signed. */
function hostile(i: number, realAgentId: string): { kind: Kind; agentId: string; unique: string; body: string; signature?: string; route: 'agent' | 'slug' } {
  const unique = randomBytes(10).toString('hex');
  const kinds: Kind[] = [
    'no header',
    'wrong HMAC, agent route',
    'no header',
    'wrong HMAC, slug route',
    'wrong HMAC, agent route',
    'wrong HMAC, 2 MB agent id',
    'no header',
    'wrong HMAC, agent id not an id',
    "wrong HMAC, the tenant's own agent id",
  ];
  const kind = kinds[i % kinds.length];
  const agentId =
    kind === 'wrong HMAC, 2 MB agent id'
      ? `agent_${unique}${'a'.repeat(2 * 1024 * 1024)}`
      : kind === 'wrong HMAC, agent id not an id'
        ? `agent ${unique} <b>"x"</b>\n`
        : kind === "wrong HMAC, the tenant's own agent id"
          ? realAgentId
          : `agent_${unique}`;
  const head = JSON.stringify({ event: 'call_ended', call: { call_id: `call_${unique}`, agent_id: agentId, call_status: 'ended', transcript: '' } });
  const body = head.replace('"transcript":""', `"transcript":"${'x'.repeat(BODY_BYTES - Buffer.byteLength(head))}"`);
  const signature = kind === 'no header' ? undefined : `v=${Date.now()},d=${randomBytes(32).toString('hex')}`;
  return { kind, agentId, unique, body, signature, route: kind === 'wrong HMAC, slug route' ? 'slug' : 'agent' };
}

function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

describe('hostile gateway: unsigned 4 MB deliveries with distinct agent ids', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let tenant: TestTenant;
  let gateway: AppProcess;
  let worker: AppProcess;
  let base: string;
  const queues = lifecycleQueues(env.REDIS_URL, env.QUEUE_PREFIX);

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'hostile');
    // A second tenant, so no fallback applies: an unregistered agent is simply unknown.
    await createTestTenant(prisma, env, 'hostile-other');
    const port = await freePort();
    gateway = await startApp('gateway', { ...envVars(env), GATEWAY_PORT: String(port) }, /listening on/);
    worker = await startApp('call-worker', envVars(env), /consuming/);
    base = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await worker?.stop();
    await closeQueues(queues);
    await prisma?.$disconnect();
  });

  it(`stays under ${RSS_LIMIT_MB} MB, answers each 401 or 404 without echoing it, and accepts every signed delivery meanwhile`, async () => {
    const pid = gateway.child.pid!;
    // Within the body limit, so each is answered on its signature and tenant, not with 413.
    expect(env.WEBHOOK_BODY_LIMIT_BYTES).toBeGreaterThan(BODY_BYTES);
    const baseline = rssMb(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      const now = rssMb(pid);
      if (now > peak) peak = now;
    }, 25);

    const seed = runSeed();
    const plan = planDeliveries(tenant, { seed, minCalls: 20, maxCopies: 1, scenarios: ['answered'] });
    expect(plan.deliveries).toHaveLength(60);

    let unsignedDone = 0;
    const unsigned = boundedAll(
      Array.from({ length: UNSIGNED }, (_, i) => i),
      IN_FLIGHT,
      async (i) => {
        const h = hostile(i, tenant.agentId);
        const url = h.route === 'slug' ? `${base}/webhooks/retell/${tenant.slug}` : `${base}/webhooks/retell`;
        let res: Answer;
        try {
          res = await postRaw(url, h.body, h.signature ? { 'x-retell-signature': h.signature } : {});
        } catch (e) {
          res = { status: 0, text: `request failed: ${(e as Error).message}`, json: () => undefined };
        }
        unsignedDone++;
        return {
          kind: h.kind,
          status: res.status,
          echoed: res.text.includes(h.unique) || res.text.includes(h.agentId.slice(0, 32)),
          text: res.text.slice(0, 300),
        };
      },
    );
    // Each signed delivery waits for its share of the flood, so the two are interleaved throughout.
    const signed = boundedAll(plan.deliveries, 2, async (delivery, i): Promise<SendResult> => {
      await waitFor(() => unsignedDone >= Math.floor((i * UNSIGNED) / plan.deliveries.length), {
        what: 'the flood to progress',
        timeoutMs: 300_000,
        intervalMs: 20,
      });
      const url = delivery.route === 'agent' ? `${base}/webhooks/retell` : `${base}/webhooks/retell/${tenant.slug}`;
      try {
        const res = await postSigned(url, delivery.bytes, tenant.retellApiKey);
        return { delivery, status: res.status, text: res.text };
      } catch (e) {
        return { delivery, status: 0, text: `request failed: ${(e as Error).message}` };
      }
    });
    const [hostileResults, signedResults] = await Promise.all([unsigned, signed]);
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(pid));

    const byKind: Record<string, Record<number, number>> = {};
    for (const r of hostileResults) (byKind[r.kind] ??= {})[r.status] = (byKind[r.kind]?.[r.status] ?? 0) + 1;
    console.log(
      `hostile gateway seed=${seed}: RSS baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB over ${UNSIGNED} unsigned ${BODY_BYTES / 1048576} MB requests; answers ${JSON.stringify(byKind)}; signed ${JSON.stringify(statusHistogram(signedResults))}`,
    );

    expect(hostileResults.filter((r) => r.status !== 401 && r.status !== 404)).toEqual([]);
    expect(hostileResults.filter((r) => r.echoed)).toEqual([]);
    // The missing header is refused before the body is read; a wrong HMAC on the slug route after it.
    expect(byKind['no header']).toEqual({ 401: expect.any(Number) });
    expect(byKind['wrong HMAC, slug route']).toEqual({ 401: expect.any(Number) });
    expect(byKind['wrong HMAC, agent route']).toEqual({ 404: expect.any(Number) });
    expect(byKind["wrong HMAC, the tenant's own agent id"]).toEqual({ 401: expect.any(Number) });
    expect(signedResults.filter((r) => r.status !== 204).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    expect(peak).toBeLessThan(RSS_LIMIT_MB);

    // Every signed delivery is recorded exactly once, the rows as their clean lifecycle folds.
    await waitFor(async () => (await prisma.callEvent.count({ where: { tenantId: tenant.tenantId, processedAt: { not: null } } })) >= plan.deliveries.length, {
      what: 'the signed deliveries to be recorded',
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    const l = await ledger(prisma, tenant.tenantId, plan.calls);
    console.log(`hostile gateway ledger: ${ledgerSummary(l)}`);
    expect(ledgerProblems(l)).toEqual(NO_PROBLEMS);

    // The log holds one bounded line per refusal, never the caller's megabytes.
    const log = gateway.output();
    const longest = Math.max(...log.split('\n').map((line) => line.length));
    expect(longest).toBeLessThan(600);
    expect(log.length).toBeLessThan(UNSIGNED * 600);
    expect((await getJson(`${base}/health`)).status).toBe(200);
  }, 300_000);
});
