import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import Retell from 'retell-sdk';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { countingFetch, metricsAnswer } from '@retell-ops/metrics';
import { appMain } from '../../tools/processes';
import { postRaw, type Answer } from '../support/http';
import { lifecycle } from '../support/payloads';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { freePort, spawnApp, type AppProcess } from '../support/processes';
import { parsePrometheus, type Scrape } from '../support/prometheus';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * Metrics, JSON logs and health of the built apps, as run in production: the gateway, the call
 * worker (with its METRICS_PORT) and the API, spawned with their stdout kept. After real traffic
 * /metrics is scraped and parsed; the logs are read back line by line and scanned for secrets.
 */

const METRIC_FAMILIES = [
  'rops_webhooks_received_total',
  'rops_webhook_signature_failures_total',
  'rops_webhook_ingest_seconds',
  'rops_webhook_enqueue_seconds',
  'rops_job_duration_seconds',
  'rops_job_failures_total',
  'rops_dial_place_results_total',
  'rops_dial_outcomes_total',
  'rops_dialer_live_calls',
  'rops_dialer_concurrency_limit',
  'rops_retell_api_requests_total',
  'rops_retell_api_errors_total',
  'rops_retell_api_seconds',
  'rops_reconcile_findings_total',
  'rops_queue_jobs',
  'rops_queue_depth',
  'rops_queue_failed',
  'rops_queue_oldest_waiting_seconds',
];

const ALL_QUEUES = [
  'call-started.v1',
  'call-ended.v1',
  'call-analyzed.v1',
  'candidate-screening.v1',
  'interview-scheduling.v1',
  'interview-reminders.v1',
  'dial-dispatch.v1',
  'dial-place.v1',
];

async function scrape(url: string, token?: string): Promise<Scrape> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

/** Every line a process wrote, parsed as JSON (a line that is not JSON fails the test). */
function jsonLines(app: AppProcess): Array<Record<string, unknown>> {
  return app
    .output()
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`${app.name} wrote a line that is not JSON: ${line.slice(0, 300)}`);
      }
    });
}

describe('observability of the built apps: /metrics, JSON logs, /ready', () => {
  const metricsToken = `mt_${randomBytes(16).toString('hex')}`;
  const env = testEnv({ LOG_LEVEL: 'debug', METRICS_TOKEN: metricsToken });
  let prisma: PrismaClient;
  let tenant: TestTenant;
  let gateway: AppProcess;
  let worker: AppProcess;
  let api: AppProcess;
  let gatewayUrl: string;
  let workerOpsUrl: string;
  let apiUrl: string;
  /** Every credential this suite sent or configured: none may appear in any log line. */
  const secrets: string[] = [metricsToken, env.ENCRYPTION_KEY, env.ADMIN_API_KEY];
  const sentSignatures: string[] = [];
  const wrongKey = `key_${randomBytes(16).toString('hex')}`;
  const cookie = `rops_session=${randomBytes(24).toString('hex')}`;
  let calls: Array<ReturnType<typeof lifecycle>>;

  const signedPost = async (body: string, key: string): Promise<Answer> => {
    const signature = await symmetric.sign(body, key, Date.now());
    sentSignatures.push(signature);
    return postRaw(`${gatewayUrl}/webhooks/retell/${tenant.slug}`, body, { 'x-retell-signature': signature });
  };

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'obs');
    calls = Array.from({ length: 4 }, () => lifecycle(tenant.agentId));
    secrets.push(tenant.retellApiKey, tenant.adminApiKey, wrongKey, cookie.split('=')[1]);
    const [gatewayPort, opsPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const vars = envVars(env);
    const start = (name: string, extra: Record<string, string>, ready: RegExp) =>
      spawnApp({ name, script: appMain(name), env: { ...vars, ...extra, NO_COLOR: '1' }, ready, timeoutMs: 60_000, keepChars: 8 * 1024 * 1024 });
    [gateway, worker, api] = await Promise.all([
      start('gateway', { GATEWAY_PORT: String(gatewayPort), LOG_LEVEL: 'log' }, /listening on/),
      start('call-worker', { METRICS_PORT: String(opsPort) }, /metrics and health on/),
      start('api', { API_PORT: String(apiPort), LOG_LEVEL: 'log' }, /listening on/),
    ]);
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    workerOpsUrl = `http://127.0.0.1:${opsPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}`;
  }, 90_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), worker?.stop(), api?.stop()]);
    await prisma?.$disconnect();
  });

  it('counts every delivery the gateway answered, by event and status, and times ingest and enqueue', async () => {
    const answers: number[] = [];
    for (const l of calls) {
      for (const event of ['call_started', 'call_ended', 'call_analyzed'] as const) {
        answers.push((await signedPost(JSON.stringify(l[event]), tenant.retellApiKey)).status);
      }
    }
    answers.push((await signedPost(JSON.stringify(calls[0].call_ended), tenant.retellApiKey)).status); // a duplicate
    answers.push((await signedPost(JSON.stringify({ event: 'chat_ended', call: { call_id: 'call_x' } }), tenant.retellApiKey)).status);
    for (let i = 0; i < 2; i++) answers.push((await signedPost(JSON.stringify(calls[1].call_ended), wrongKey)).status);
    for (let i = 0; i < 2; i++) answers.push((await postRaw(`${gatewayUrl}/webhooks/retell/${tenant.slug}`, '{}')).status);
    expect(answers).toEqual([...Array(13).fill(204), 200, 401, 401, 401, 401]);

    const m = await scrape(`${gatewayUrl}/metrics`, metricsToken);
    expect(m.sum('rops_webhooks_received_total')).toBe(answers.length);
    expect({
      started: m.sum('rops_webhooks_received_total', { event: 'call_started', status: '204' }),
      ended: m.sum('rops_webhooks_received_total', { event: 'call_ended', status: '204' }),
      analyzed: m.sum('rops_webhooks_received_total', { event: 'call_analyzed', status: '204' }),
      ignored: m.sum('rops_webhooks_received_total', { event: 'chat_ended', status: '200' }),
      unauthorized: m.sum('rops_webhooks_received_total', { status: '401' }),
    }).toEqual({ started: 4, ended: 5, analyzed: 4, ignored: 1, unauthorized: 4 });
    expect(m.sum('rops_webhook_signature_failures_total', { reason: 'mismatch' })).toBe(2);
    expect(m.sum('rops_webhook_signature_failures_total', { reason: 'bad_header' })).toBe(2);
    // Timed in the route handler: every delivery but the two refused before their body was read.
    expect(m.sum('rops_webhook_ingest_seconds_count')).toBe(answers.length - 2);
    expect(m.sum('rops_webhook_enqueue_seconds_count', { result: 'ok' })).toBe(13);
    expect(m.sum('rops_webhook_enqueue_seconds_bucket', { result: 'ok', le: '+Inf' })).toBe(13);
    for (const family of METRIC_FAMILIES) expect({ family, declared: m.families.has(family) }).toEqual({ family, declared: true });
    expect(m.has('rops_process_cpu_seconds_total')).toBe(true);
  });

  it('the call worker serves job durations on its METRICS_PORT, and /health and /ready', async () => {
    const m = await waitFor(
      async () => {
        const s = await scrape(`${workerOpsUrl}/metrics`, metricsToken);
        return s.sum('rops_job_duration_seconds_count', { outcome: 'completed' }) >= 12 && s;
      },
      { what: 'the worker to record the 12 deliveries', timeoutMs: 30_000 },
    );
    for (const queue of ['call-started.v1', 'call-ended.v1', 'call-analyzed.v1']) {
      expect(m.sum('rops_job_duration_seconds_count', { queue, outcome: 'completed' })).toBeGreaterThanOrEqual(4);
    }
    expect(m.sum('rops_job_duration_seconds_count', { outcome: 'failed' })).toBe(0);
    expect((await fetch(`${workerOpsUrl}/metrics`)).status).toBe(401); // METRICS_TOKEN is set
    const health = await fetch(`${workerOpsUrl}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${workerOpsUrl}/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', queues: 'up', redis: 'up', postgres: 'up' }]);
  });

  it('the API serves the queue gauges for every queue, behind METRICS_TOKEN, and /ready checks PostgreSQL and Redis', async () => {
    expect((await fetch(`${apiUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${apiUrl}/metrics`, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);
    const m = await scrape(`${apiUrl}/metrics`, metricsToken);
    for (const queue of ALL_QUEUES) {
      expect({ queue, depth: m.has('rops_queue_depth', { queue }), failed: m.has('rops_queue_failed', { queue }) }).toEqual({
        queue,
        depth: true,
        failed: true,
      });
      expect(m.has('rops_queue_oldest_waiting_seconds', { queue })).toBe(true);
      expect(m.has('rops_queue_jobs', { queue, state: 'active' })).toBe(true);
    }
    // This suite's queues (its own prefix) hold nothing waiting once the worker is through.
    expect(m.sum('rops_queue_depth', { queue: 'call-ended.v1' })).toBe(0);
    const ready = await fetch(`${apiUrl}/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', postgres: 'up', redis: 'up' }]);
  });

  it('counts Retell API requests by operation and status, with ids out of the labels', async () => {
    const server: Server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/v2/get-call/')) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error_message: 'not found' }));
      } else {
        res.end(JSON.stringify({ concurrency_limit: 20, current_concurrency: 1 }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    try {
      const client = new Retell({ apiKey: wrongKey, baseURL: `http://127.0.0.1:${port}`, maxRetries: 0, fetch: countingFetch() });
      await expect(client.call.retrieve('call_0123456789abcdef')).rejects.toThrow();
      await client.concurrency.retrieve();
      const m = parsePrometheus((await metricsAnswer(undefined, undefined)).body);
      expect(m.sum('rops_retell_api_requests_total', { operation: 'GET /v2/get-call/:id', status: '404' })).toBeGreaterThanOrEqual(1);
      expect(m.sum('rops_retell_api_errors_total', { operation: 'GET /v2/get-call/:id', status: '404' })).toBeGreaterThanOrEqual(1);
      expect(m.sum('rops_retell_api_requests_total', { operation: 'GET /get-concurrency', status: '200' })).toBeGreaterThanOrEqual(1);
      expect(m.samples.some((s) => Object.values(s.labels).some((v) => v.includes('0123456789abcdef')))).toBe(false);
    } finally {
      server.close();
    }
  });

  it('logs JSON lines: the worker path carries job id, queue, tenant and call; API lines carry request id and tenant', async () => {
    const workerLines = jsonLines(worker);
    for (const l of calls) {
      const lines = workerLines.filter((line) => line.callId === l.callId);
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const line of lines)
        expect(line).toMatchObject({ app: 'call-worker', tenantId: tenant.tenantId, jobId: expect.any(String), queue: expect.any(String) });
    }

    const res = await fetch(`${apiUrl}/api/v1/calls?limit=1`, {
      headers: { authorization: `Bearer ${tenant.adminApiKey}`, cookie, 'x-request-id': 'obs-test-1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('obs-test-1');
    const refused = await fetch(`${apiUrl}/api/v1/calls`, { headers: { authorization: `Bearer rops_${randomBytes(20).toString('hex')}` } });
    expect(refused.status).toBe(401);
    const line = await waitFor(() => jsonLines(api).find((l) => l.reqId === 'obs-test-1' && l.msg === 'request completed'), { what: 'the request line' });
    expect(line).toMatchObject({ app: 'api', level: 'info', tenantId: tenant.tenantId, res: { statusCode: 200 } });
    expect((line.req as { headers: Record<string, string> }).headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]' });
    await waitFor(() => jsonLines(api).some((l) => l.level === 'warn' && (l.res as { statusCode?: number } | undefined)?.statusCode === 401), {
      what: 'the 401 line',
    });

    // The gateway logged its refusals as JSON with their fields, and nothing per accepted delivery.
    const gatewayLines = jsonLines(gateway);
    expect(gatewayLines.filter((l) => l.context === 'RetellWebhooks' && l.status === 401)).toHaveLength(4);
    expect(gatewayLines.filter((l) => typeof l.msg === 'string' && /call_started|call_ended|call_analyzed|204/.test(l.msg as string))).toEqual([]);
  });

  it('no log line of any process holds a key, token, cookie or signature this suite used', () => {
    const logs = [gateway, worker, api].map((app) => ({ app: app.name, text: app.output() }));
    const all = [...secrets, ...sentSignatures, ...sentSignatures.map((s) => s.split(',d=')[1])].filter((s) => s && s.length >= 16);
    expect(all.length).toBeGreaterThan(20);
    const found = logs.flatMap(({ app, text }) => all.filter((secret) => text.includes(secret)).map((secret) => `${app}: ${secret.slice(0, 12)}…`));
    expect(found).toEqual([]);
  });
});

describe('worker /ready follows its Redis', () => {
  let redis: PrivateRedis;
  let worker: AppProcess | undefined;

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await worker?.stop();
    await redis.stop();
  });

  it('answers 200 while its workers run and Redis answers, 503 with redis down while it does not, 200 again after', async () => {
    const port = await freePort();
    const vars = envVars(testEnv({ REDIS_URL: redis.url, METRICS_PORT: String(port) }));
    worker = await spawnApp({
      name: 'candidate-worker',
      script: appMain('candidate-worker'),
      env: vars,
      readyUrl: `http://127.0.0.1:${port}/health`,
      timeoutMs: 60_000,
    });
    const ready = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    };
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready', queues: 'up', redis: 'up', postgres: 'up' } });

    await redis.stop();
    const down = await waitFor(async () => ((await ready()).status === 503 ? ready() : undefined), { what: '/ready to turn 503', timeoutMs: 20_000 });
    expect(down.body).toMatchObject({ status: 'not_ready', redis: 'down', postgres: 'up' });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200); // alive, just not ready

    await redis.start();
    await waitFor(async () => (await ready()).status === 200, { what: '/ready back to 200', timeoutMs: 30_000 });
  }, 90_000);
});
