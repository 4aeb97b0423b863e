import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiKey, newApiKeyToken } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { callEventJobId, CALL_EVENT_JOB, lifecycleJobOptions, QueueProducers, QUEUES, type CallEventJob } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { lifecycle } from '../support/payloads';
import { startPipeline, type InProcessPipeline } from '../support/pipeline';
import { privateDatabase, type PrivateDatabase } from '../support/private-database';
import { postRaw, postSigned } from '../support/http';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * The delivery log, rejected deliveries, dead letters (list, retry, bulk retry), replay and the
 * queue board, in process against a private migrated database (the suite breaks and mends its
 * CallEvent table, so a job fails for real), the real Redis, the real gateway and call worker.
 */

const OPERATOR_KEY = `op_${randomBytes(24).toString('hex')}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Answer {
  status: number;
  text: string;
  headers: Headers;
  json: () => any;
}

describe('deliveries, failed jobs, replay and the queue board', () => {
  let db: PrivateDatabase;
  let env: ReturnType<typeof testEnv>;
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let pipeline: InProcessPipeline;
  let producers: QueueProducers;
  let base: string;
  let A: TestTenant;
  let B: TestTenant;
  let viewerKey: string;
  let recruiterKey: string;

  async function request(method: string, path: string, key: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const h: Record<string, string> = { ...headers };
    if (key) h.authorization = `Bearer ${key}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) };
  }
  const get = (path: string, key: string | undefined = A.adminApiKey) => request('GET', path, key);
  const post = (path: string, body?: unknown, key: string | undefined = A.adminApiKey) => request('POST', path, key, body);

  const webhook = (t: TestTenant) => `${pipeline.gatewayUrl}/webhooks/retell/${t.slug}`;
  async function deliver(t: TestTenant, body: unknown): Promise<void> {
    const res = await postSigned(webhook(t), JSON.stringify(body), t.retellApiKey);
    expect(res.status).toBe(204);
  }
  const eventCount = (callId: string) => prisma.callEvent.count({ where: { call: { retellCallId: callId } } });
  const breakEvents = () => prisma.$executeRawUnsafe('ALTER TABLE "CallEvent" RENAME TO "CallEvent_broken"');
  const mendEvents = () => prisma.$executeRawUnsafe('ALTER TABLE "CallEvent_broken" RENAME TO "CallEvent"');

  beforeAll(async () => {
    db = await privateDatabase('deliveries');
    env = testEnv({ DATABASE_URL: db.url, JOB_ATTEMPTS: '1', PLATFORM_ADMIN_KEY: OPERATOR_KEY, WEBHOOK_BODY_LIMIT_BYTES: '65536' });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    pipeline = await startPipeline(env);
    producers = new QueueProducers(env);
    A = await createTestTenant(prisma, env, 'deliv-a');
    B = await createTestTenant(prisma, env, 'deliv-b');
    viewerKey = newApiKeyToken();
    recruiterKey = newApiKeyToken();
    await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
    await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'recruiter', keyHash: hashApiKey(recruiterKey), role: 'recruiter' } });
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await app?.close();
    for (const q of Object.values(QUEUES)) await producers?.queue(q).obliterate({ force: true });
    await producers?.onModuleDestroy();
    await prisma?.$disconnect();
    await db?.drop();
  }, 60_000);

  describe('the delivery log', () => {
    let call: ReturnType<typeof lifecycle>;

    beforeAll(async () => {
      call = lifecycle(A.agentId);
      await deliver(A, call.call_started);
      await deliver(A, call.call_ended);
      await waitFor(async () => (await eventCount(call.callId)) === 2, { what: 'both deliveries kept' });
    });

    it('lists every accepted delivery with its times, state, attempts; filters and pages', async () => {
      const res = await get(`/api/v1/deliveries?callId=${call.callId}`);
      expect(res.status).toBe(200);
      const rows = res.json().data;
      expect(rows.map((r: any) => r.event).sort()).toEqual(['call_ended', 'call_started']);
      for (const r of rows) {
        expect(r).toMatchObject({ callId: call.callId, state: 'processed', kept: true, attempts: 1, lastError: null, queue: expect.stringMatching(/^call-/) });
        expect(r.id).toMatch(UUID);
        expect(Date.parse(r.processedAt)).toBeGreaterThanOrEqual(Date.parse(r.receivedAt));
        expect(r.jobId).toBe(callEventJobId(A.tenantId, call.callId, r.event));
      }
      const ended = await get(`/api/v1/deliveries?callId=${call.callId}&event=call_ended&state=processed`);
      expect(ended.json().data).toHaveLength(1);
      expect(ended.json().data[0].event).toBe('call_ended');

      const first = await get(`/api/v1/deliveries?callId=${call.callId}&limit=1`);
      expect(first.json().data).toHaveLength(1);
      expect(first.json().nextCursor).toEqual(expect.any(String));
      const second = await get(`/api/v1/deliveries?callId=${call.callId}&limit=1&cursor=${first.json().nextCursor}`);
      expect(second.json().data).toHaveLength(1);
      expect(second.json().data[0].id).not.toBe(first.json().data[0].id);
      expect(second.json().nextCursor).toBeNull();

      const future = new Date(Date.now() + 3600_000).toISOString();
      expect((await get(`/api/v1/deliveries?callId=${call.callId}&from=${future}`)).json().data).toHaveLength(0);
      expect((await get(`/api/v1/deliveries?callId=${call.callId}&to=${future}`)).json().data).toHaveLength(2);
      expect((await get(`/api/v1/deliveries?callId=${call.callId}&state=failed`)).json().data).toHaveLength(0);
    });

    it('shows one delivery with its raw payload; another tenant gets 404 and an empty log', async () => {
      const [row] = (await get(`/api/v1/deliveries?callId=${call.callId}&event=call_ended`)).json().data;
      const one = await get(`/api/v1/deliveries/${row.id}`);
      expect(one.status).toBe(200);
      expect(one.json()).toMatchObject({ id: row.id, event: 'call_ended', payload: call.call_ended, actions: [] });
      expect((await get(`/api/v1/deliveries/${row.id}`, B.adminApiKey)).status).toBe(404);
      expect((await get(`/api/v1/deliveries?callId=${call.callId}`, B.adminApiKey)).json().data).toHaveLength(0);
      expect((await get(`/api/v1/deliveries/${row.id}`, viewerKey)).status).toBe(200);
    });

    it('refuses bad input with 400, no key with 401, a recruiter with 403', async () => {
      expect((await get('/api/v1/deliveries?state=lost')).status).toBe(400);
      expect((await get('/api/v1/deliveries?event=call_started&from=yesterday')).status).toBe(400);
      expect((await get('/api/v1/deliveries?cursor=bm9wZQ')).status).toBe(400);
      expect((await get('/api/v1/deliveries', '')).status).toBe(401);
      expect((await get('/api/v1/deliveries', recruiterKey)).status).toBe(403);
    });
  });

  describe('rejected deliveries', () => {
    it('keeps refused deliveries without their bodies: tenant rows for a tenant, counts for the operator', async () => {
      const marker = `secret_body_${randomBytes(6).toString('hex')}`;
      const body = JSON.stringify({ event: 'call_started', call: { call_id: marker, agent_id: A.agentId } });
      expect((await postSigned(webhook(A), body, 'key_wrong_key_of_someone_else')).status).toBe(401);
      expect((await postSigned(webhook(A), `{"not json ${marker}`, A.retellApiKey)).status).toBe(400);
      expect((await postSigned(`${pipeline.gatewayUrl}/webhooks/retell/no-such-tenant-${marker}`, body, A.retellApiKey)).status).toBe(404);
      expect((await postRaw(webhook(A), body)).status).toBe(401);
      expect((await postSigned(webhook(A), `{"pad":"${'x'.repeat(70_000)}"}`, A.retellApiKey)).status).toBe(413);

      const mine = await waitFor(
        async () => {
          const res = await get('/api/v1/deliveries/rejected');
          return res.status === 200 && res.json().data.length >= 2 ? res : undefined;
        },
        { what: "A's rejected rows" },
      );
      expect(mine.json().scope).toBe('tenant');
      const rows = mine.json().data;
      expect(rows.map((r: any) => `${r.status} ${r.error}`)).toEqual(expect.arrayContaining(['401 unauthorized', '400 bad_request']));
      for (const r of rows)
        expect(r).toMatchObject({ tenantId: A.tenantId, tenantSlug: A.slug, ip: expect.any(String), bytes: expect.any(Number), at: expect.any(Number) });
      expect(mine.text).not.toContain(marker.slice(0, 12) + '"'); // no body
      expect(mine.text).not.toContain('not json');
      expect((await get('/api/v1/deliveries/rejected', B.adminApiKey)).json().data).toHaveLength(0);
      expect((await get('/api/v1/deliveries/rejected', viewerKey)).status).toBe(200);
      expect((await get('/api/v1/deliveries/rejected', '')).status).toBe(401);

      const paged = await get('/api/v1/deliveries/rejected?limit=1');
      expect(paged.json().data).toHaveLength(1);
      const next = await get(`/api/v1/deliveries/rejected?limit=1&cursor=${paged.json().nextCursor}`);
      expect(next.json().data[0].id < paged.json().data[0].id).toBe(true);
      expect((await get('/api/v1/deliveries/rejected?cursor=nope')).status).toBe(400);

      const operator = await waitFor(
        async () => {
          const res = await get('/api/v1/deliveries/rejected', OPERATOR_KEY);
          const total = res.json().counts?.total ?? {};
          return total['404 not_found'] >= 1 && total['413 payload_too_large'] >= 1 ? res : undefined;
        },
        { what: 'platform counters' },
      );
      expect(operator.json()).toMatchObject({
        scope: 'platform',
        counts: { total: { '401 unauthorized': expect.any(Number), '400 bad_request': expect.any(Number) } },
      });
      expect(operator.json().counts.days[0].counts['404 not_found']).toBeGreaterThanOrEqual(1);
      expect(operator.json().data.some((r: any) => r.status === 404 && r.tenantId === null)).toBe(true);
      expect(operator.text).not.toContain('"not json');
      const ofA = await get(`/api/v1/deliveries/rejected?tenantId=${A.tenantId}`, OPERATOR_KEY);
      expect(ofA.json().data.length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('dead letters: a job failed by a broken database', () => {
    it('is listed, retried once the database is mended, and recorded once; a second retry is a no-op', async () => {
      const call = lifecycle(A.agentId);
      await breakEvents();
      try {
        await deliver(A, call.call_started);
        const jobId = callEventJobId(A.tenantId, call.callId, 'call_started');
        const listed = await waitFor(
          async () => {
            const res = await get('/api/v1/failed-jobs');
            return res.json().data.find((j: any) => j.jobId === jobId);
          },
          { what: 'the failed job listed' },
        );
        expect(listed).toMatchObject({
          queue: QUEUES.callStarted,
          attemptsMade: 1,
          payload: { tenantId: A.tenantId, event: 'call_started', callId: call.callId },
        });
        expect(listed.reason).toMatch(/CallEvent/);
        expect(listed.payload.bodyBytes).toBeGreaterThan(0);
        expect(listed.payload.body).toBeUndefined();
        const all = await get('/api/v1/failed-jobs');
        expect(all.json().queues.find((q: any) => q.queue === QUEUES.callStarted).failed).toBeGreaterThanOrEqual(1);

        // Another tenant neither sees nor retries it.
        expect((await get('/api/v1/failed-jobs', B.adminApiKey)).json().data.some((j: any) => j.jobId === jobId)).toBe(false);
        expect((await post(`/api/v1/failed-jobs/${QUEUES.callStarted}/${jobId}/retry`, undefined, B.adminApiKey)).status).toBe(404);
        expect((await post(`/api/v1/failed-jobs/${QUEUES.callStarted}/${jobId}/retry`, undefined, viewerKey)).status).toBe(403);
        expect((await get('/api/v1/failed-jobs', viewerKey)).status).toBe(403);
        expect((await post(`/api/v1/failed-jobs/no-such-queue/${jobId}/retry`)).status).toBe(404);
        expect((await get('/api/v1/failed-jobs?queue=no-such-queue')).status).toBe(400);
      } finally {
        await mendEvents();
      }
      const jobId = callEventJobId(A.tenantId, call.callId, 'call_started');
      // Its delivery, not kept, is in the log as failed.
      const failedRows = (await get(`/api/v1/deliveries?callId=${call.callId}&state=failed`)).json().data;
      expect(failedRows).toEqual([expect.objectContaining({ event: 'call_started', state: 'failed', kept: false, processedAt: null, attempts: 1 })]);
      expect((await get(`/api/v1/deliveries/${failedRows[0].id}`)).json().payload).toEqual(call.call_started);
      expect((await post(`/api/v1/deliveries/${failedRows[0].id}/replay`)).status).toBe(409);

      const retried = await post(`/api/v1/failed-jobs/${QUEUES.callStarted}/${jobId}/retry`);
      expect(retried.status).toBe(200);
      expect(retried.json()).toMatchObject({ result: 'retried', state: 'failed', jobId });
      await waitFor(async () => (await eventCount(call.callId)) === 1, { what: 'the retried delivery kept' });
      const again = await post(`/api/v1/failed-jobs/${QUEUES.callStarted}/${jobId}/retry`);
      expect(again.status).toBe(200);
      expect(['completed', 'already_retried']).toContain(again.json().result);

      const actions = await prisma.jobAction.findMany({ where: { tenantId: A.tenantId, jobId } });
      expect(actions.filter((a) => a.result === 'retried')).toHaveLength(1);
      expect(actions.find((a) => a.result === 'retried')).toMatchObject({ kind: 'retry', queue: QUEUES.callStarted, stateBefore: 'failed', role: 'owner' });
      const rows = (await get(`/api/v1/deliveries?callId=${call.callId}`)).json().data;
      expect(rows).toEqual([expect.objectContaining({ state: 'processed', kept: true })]);
      expect((await get('/api/v1/operations/actions')).json().data.some((a: any) => a.id === retried.json().actionId)).toBe(true);
    }, 60_000);

    it('bulk-retries 100 failed jobs of a queue', async () => {
      const calls = Array.from({ length: 100 }, () => lifecycle(A.agentId));
      const queue = producers.queue(QUEUES.callEnded);
      await breakEvents();
      try {
        await queue.addBulk(
          calls.map((c) => {
            const data: CallEventJob = {
              tenantId: A.tenantId,
              event: 'call_ended',
              callId: c.callId,
              receivedAt: Date.now(),
              body: JSON.stringify(c.call_ended),
            };
            return { name: CALL_EVENT_JOB, data, opts: { ...lifecycleJobOptions(1, 200), jobId: callEventJobId(A.tenantId, c.callId, 'call_ended') } };
          }),
        );
        await waitFor(
          async () => {
            const q = (await get(`/api/v1/failed-jobs?queue=${QUEUES.callEnded}`)).json().queues[0];
            return q.failed >= 100;
          },
          { what: '100 failed jobs', timeoutMs: 60_000 },
        );
      } finally {
        await mendEvents();
      }
      expect((await post(`/api/v1/failed-jobs/${QUEUES.callEnded}/retry`, { limit: 5000 })).status).toBe(400);
      const bulk = await post(`/api/v1/failed-jobs/${QUEUES.callEnded}/retry`, { reason: 'callevent', limit: 100 });
      expect(bulk.status).toBe(200);
      expect(bulk.json()).toMatchObject({ matched: 100, retried: 100, skipped: 0 });
      await waitFor(
        async () =>
          (await prisma.callEvent.count({
            where: { tenantId: A.tenantId, type: 'call_ended', call: { retellCallId: { in: calls.map((c) => c.callId) } } },
          })) === 100,
        {
          what: '100 retried deliveries kept',
          timeoutMs: 60_000,
        },
      );
      expect(await prisma.jobAction.count({ where: { bulkId: bulk.json().bulkId, result: 'retried' } })).toBe(100);
      const none = await post(`/api/v1/failed-jobs/${QUEUES.callEnded}/retry`, {});
      expect(none.json()).toMatchObject({ matched: 0, retried: 0 });
    }, 120_000);
  });

  describe('replay', () => {
    it('re-runs a kept delivery through its worker without adding an event, and is recorded', async () => {
      const call = lifecycle(A.agentId);
      await deliver(A, call.call_started);
      await deliver(A, call.call_ended);
      await deliver(A, call.call_analyzed);
      await waitFor(async () => (await eventCount(call.callId)) === 3, { what: 'three deliveries kept' });
      const before = await prisma.call.findFirstOrThrow({ where: { retellCallId: call.callId } });
      const [ended] = (await get(`/api/v1/deliveries?callId=${call.callId}&event=call_ended`)).json().data;

      expect((await post(`/api/v1/deliveries/${ended.id}/replay`, undefined, viewerKey)).status).toBe(403);
      expect((await post(`/api/v1/deliveries/${ended.id}/replay`, undefined, B.adminApiKey)).status).toBe(404);

      const first = await post(`/api/v1/deliveries/${ended.id}/replay`);
      expect(first.status).toBe(202);
      expect(first.json()).toMatchObject({ deliveryId: ended.id, result: expect.stringMatching(/^(replayed)$/), queue: QUEUES.callEnded });
      const job = await producers.queue(QUEUES.callEnded).getJob(first.json().jobId);
      await waitFor(async () => (await job!.getState()) === 'completed', { what: 'the replay ran' });
      const second = await post(`/api/v1/deliveries/${ended.id}/replay`);
      expect(second.json().result).toBe('replayed');
      await waitFor(async () => (await producers.queue(QUEUES.callEnded).getJobState(first.json().jobId)) === 'completed', { what: 'the second replay ran' });

      expect(await eventCount(call.callId)).toBe(3);
      const after = await prisma.call.findFirstOrThrow({ where: { retellCallId: call.callId } });
      const { updatedAt: _a, ...restAfter } = after;
      const { updatedAt: _b, ...restBefore } = before;
      expect(restAfter).toEqual(restBefore);
      const detail = (await get(`/api/v1/deliveries/${ended.id}`)).json();
      expect(detail.actions.filter((a: any) => a.kind === 'replay' && a.result === 'replayed')).toHaveLength(2);
    }, 60_000);

    it('answers already_queued while a replay of the delivery waits', async () => {
      const call = lifecycle(A.agentId);
      await deliver(A, call.call_started);
      await waitFor(async () => (await eventCount(call.callId)) === 1, { what: 'the delivery kept' });
      const [row] = (await get(`/api/v1/deliveries?callId=${call.callId}`)).json().data;
      const queue = producers.queue(QUEUES.callStarted);
      await queue.pause();
      try {
        expect((await post(`/api/v1/deliveries/${row.id}/replay`)).json().result).toBe('replayed');
        expect((await post(`/api/v1/deliveries/${row.id}/replay`)).json().result).toBe('already_queued');
        const waiting = (await get(`/api/v1/deliveries?callId=${call.callId}`)).json().data;
        expect(waiting).toEqual([expect.objectContaining({ id: row.id, state: 'waiting', kept: true })]);
      } finally {
        await queue.resume();
      }
      expect(await eventCount(call.callId)).toBe(1);
    });
  });

  describe('operations', () => {
    it('lists every queue with its depth and the tenant failed count', async () => {
      const res = await get('/api/v1/operations/queues');
      expect(res.status).toBe(200);
      expect(
        res
          .json()
          .queues.map((q: any) => q.queue)
          .sort(),
      ).toEqual(Object.values(QUEUES).sort());
      expect((await get('/api/v1/operations/queues', viewerKey)).status).toBe(403);
    });
  });

  describe('the queue board', () => {
    it('answers 401 without credentials, 403 for a viewer or recruiter, 200 for an admin (key or session)', async () => {
      expect((await get('/admin/queues', '')).status).toBe(401);
      expect((await get('/admin/queues', 'rops_not_a_key')).status).toBe(401);
      expect((await get('/admin/queues', viewerKey)).status).toBe(403);
      expect((await get('/admin/queues', recruiterKey)).status).toBe(403);
      expect((await get('/admin/queues/api/queues', viewerKey)).status).toBe(403);
      const page = await get('/admin/queues');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const api = await get('/admin/queues/api/queues');
      expect(api.status).toBe(200);
      const names = api.json().queues.map((q: any) => q.name);
      expect(names.sort()).toEqual(Object.values(QUEUES).sort());
      expect(api.json().queues.every((q: any) => q.readOnlyMode === true)).toBe(true);
      // Read-only: it shows every tenant's jobs, so it changes none.
      expect((await request('PUT', `/admin/queues/api/queues/${QUEUES.callStarted}/retry/failed`, A.adminApiKey)).status).toBe(405);
      expect((await request('PUT', `/admin/queues/api/queues/${QUEUES.callStarted}/pause`, A.adminApiKey)).status).toBe(405);

      const session = await post('/api/v1/auth/session', { apiKey: A.adminApiKey }, '');
      expect(session.status).toBe(200);
      const cookie = session.headers.get('set-cookie')!.split(';')[0];
      expect((await request('GET', '/admin/queues', undefined, undefined, { cookie })).status).toBe(200);
    });
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await get('/api/docs/openapi.json', '')).json();
    for (const path of [
      '/api/v1/deliveries',
      '/api/v1/deliveries/rejected',
      '/api/v1/deliveries/{id}',
      '/api/v1/deliveries/{id}/replay',
      '/api/v1/failed-jobs',
      '/api/v1/failed-jobs/{queue}/retry',
      '/api/v1/failed-jobs/{queue}/{jobId}/retry',
      '/api/v1/operations/queues',
    ])
      expect(doc.paths[path]).toBeDefined();
  });
});
