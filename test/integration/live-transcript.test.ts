import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { LIVE_TRANSCRIPT_LIMITS } from '@retell-ops/domain';
import { liveStreamKey, liveTranscriptKey } from '@retell-ops/live-events';
import { QUEUES, type CallEventJob } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { bearerApi, postRaw, postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { startPipeline, type InProcessPipeline } from '../support/pipeline';
import { openSse, type SseClient } from '../support/sse';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

const BODY_LIMIT = 2 * 1024 * 1024;

/** A call's turns, alternating agent / user, as Retell's transcript_object lists them. */
const turns = (n: number, say = (i: number) => `turn ${i}`) =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'user' : 'agent', content: say(i), words: [{ word: 'x', start: i, end: i + 0.5 }] }));

/**
 * Retell's transcript_updated and transfer_* through the real gateway, call worker, Redis,
 * PostgreSQL and API: the live transcript is kept (latest only) and streamed, never queued; the
 * transfer events land on the call's timeline without moving its status.
 */
describe('live transcript and transfer events', () => {
  const env = testEnv({ WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  let prisma: PrismaClient;
  let pipeline: InProcessPipeline;
  let app: NestFastifyApplication;
  let apiBase: string;
  let redis: IORedis;
  let A: TestTenant;
  let B: TestTenant;
  const queues = Object.values(QUEUES).map((name) => new Queue<CallEventJob>(name, { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX }));
  const open: SseClient[] = [];

  const hook = () => `${pipeline.gatewayUrl}/webhooks/retell/${A.slug}`;
  const send = (body: unknown, key = A.retellApiKey) => postSigned(hook(), JSON.stringify(body), key);
  const asA = () => bearerApi(apiBase, A.adminApiKey);
  const asB = () => bearerApi(apiBase, B.adminApiKey);
  const sse = async (t: TestTenant) => {
    const c = await openSse(`${apiBase}/api/v1/events`, { authorization: `Bearer ${t.adminApiKey}` });
    open.push(c);
    return c;
  };
  const transcriptUpdated = (l: ReturnType<typeof lifecycle>, n: number, say?: (i: number) => string) => ({
    event: 'transcript_updated',
    call: { ...l.call_started.call, transcript_object: turns(n, say) },
  });
  const callRow = (callId: string) => prisma.call.findFirst({ where: { tenantId: A.tenantId, retellCallId: callId } });
  const eventTypes = async (callId: string) =>
    (await prisma.callEvent.findMany({ where: { tenantId: A.tenantId, call: { retellCallId: callId } }, orderBy: { type: 'asc' } })).map((e) => e.type);
  const allJobs = async () => (await Promise.all(queues.map((q) => q.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'])))).flat();
  const started = async (l: ReturnType<typeof lifecycle>) => {
    expect((await send(l.call_started)).status).toBe(204);
    await waitFor(async () => (await callRow(l.callId))?.status === 'in_progress', { what: `${l.callId} in progress` });
  };

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    redis = new IORedis(env.REDIS_URL);
    A = await createTestTenant(prisma, env, 'transcript-a');
    B = await createTestTenant(prisma, env, 'transcript-b');
    pipeline = await startPipeline(env);
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    apiBase = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
    await pipeline?.stop();
    await Promise.all(queues.map(async (q) => (await q.obliterate({ force: true }), await q.close())));
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:live:*`);
    if (keys.length) await redis.del(...keys);
    await redis?.quit();
    await prisma?.tenant.deleteMany({ where: { id: { in: [A?.tenantId, B?.tenantId].filter(Boolean) } } });
    await prisma?.$disconnect();
  });

  it('keeps only the latest transcript (a late, shorter one never replaces it), streams it to the tenant only, and queues nothing', async () => {
    const l = lifecycle(A.agentId);
    await started(l);
    const a = await sse(A);
    const b = await sse(B);

    expect((await send(transcriptUpdated(l, 2))).status).toBe(204);
    expect((await send(transcriptUpdated(l, 4))).status).toBe(204);
    // Late deliveries of older updates (fewer turns, or the same again): answered, not kept.
    expect((await send(transcriptUpdated(l, 3))).status).toBe(204);
    expect((await send(transcriptUpdated(l, 4))).status).toBe(204);
    expect((await send(transcriptUpdated(l, 5))).status).toBe(204);

    const seen = (await a.take(3, (e) => e.event === 'call.transcript')).map((e) => JSON.parse(e.data));
    expect(seen.map((d) => d.count)).toEqual([2, 4, 5]);
    expect(seen[2]).toEqual({
      id: null,
      callId: l.callId,
      count: 5,
      from: 0,
      utterances: turns(5).map(({ role, content }) => ({ role, content })),
      at: expect.stringMatching(/^\d{4}-/),
    });
    expect(await redis.hget(liveTranscriptKey(env.QUEUE_PREFIX, A.tenantId, l.callId), 'n')).toBe('5');
    expect(await redis.pttl(liveTranscriptKey(env.QUEUE_PREFIX, A.tenantId, l.callId))).toBeGreaterThan(3_600_000);

    const live = await asA()('GET', `/api/v1/calls/${l.callId}/live-transcript`);
    expect(live.status).toBe(200);
    expect(live.json).toMatchObject({ callId: l.callId, status: 'in_progress', source: 'live', count: 5 });
    expect(live.json.utterances.map((u: { content: string }) => u.content)).toEqual(['turn 0', 'turn 1', 'turn 2', 'turn 3', 'turn 4']);
    const row = await callRow(l.callId);
    expect((await asA()('GET', `/api/v1/calls/${row!.id}/live-transcript`)).json.count).toBe(5);

    // Another tenant can neither read it nor see it go by.
    expect((await asB()('GET', `/api/v1/calls/${l.callId}/live-transcript`)).status).toBe(404);
    expect((await asB()('GET', `/api/v1/calls/${row!.id}/live-transcript`)).status).toBe(404);
    expect(b.raw()).not.toContain(l.callId);

    // Never a CallEvent nor a job: only call_started was queued and kept.
    expect(await eventTypes(l.callId)).toEqual(['call_started']);
    expect((await allJobs()).filter((j) => j.data.callId === l.callId).map((j) => j.data.event)).toEqual(['call_started']);
    expect((await callRow(l.callId))!.status).toBe('in_progress');

    // Once the call ended, the stored (final) transcript is the answer.
    expect((await send(l.call_ended)).status).toBe(204);
    await waitFor(async () => (await callRow(l.callId))?.status === 'completed', { what: 'the call to end' });
    const after = await asA()('GET', `/api/v1/calls/${l.callId}/live-transcript`);
    expect(after.json).toMatchObject({ source: 'stored', count: 1, utterances: [{ role: 'agent', content: 'Hi Ana' }] });
  });

  it('names the platform call id in the live event for a call the platform placed', async () => {
    const l = lifecycle(A.agentId);
    const ours = '5b0c7d9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';
    const a = await sse(A);
    const body = { event: 'transcript_updated', call: { ...l.call_started.call, metadata: { rops_call_id: ours }, transcript_object: turns(1) } };
    expect((await send(body)).status).toBe(204);
    const [e] = await a.take(1, (x) => x.event === 'call.transcript' && x.data.includes(l.callId));
    expect(JSON.parse(e.data)).toMatchObject({ id: ours, callId: l.callId, count: 1 });

    // Turns only in a top-level transcript_with_tool_calls (tool calls skipped) are read too.
    const withTools = [...turns(2), { role: 'tool_call_invocation', tool_call_id: 't1', name: 'check_availability', arguments: '{}' }, ...turns(1)];
    expect((await send({ event: 'transcript_updated', call: l.call_started.call, transcript_with_tool_calls: withTools })).status).toBe(204);
    const [next] = await a.take(2, (x) => x.event === 'call.transcript' && x.data.includes(l.callId)).then((all) => all.slice(1));
    expect(JSON.parse(next.data)).toMatchObject({ count: 3, from: 0, utterances: [{ content: 'turn 0' }, { content: 'turn 1' }, { content: 'turn 0' }] });
  });

  it('records transfer_* on the call’s timeline, with the destination, without changing its status', async () => {
    const l = lifecycle(A.agentId);
    await started(l);
    const call = { ...l.call_started.call };
    const destination = { number: '+14155550199', extension: '12' };
    expect((await send({ event: 'transfer_started', call, transfer_destination: destination, transfer_option: { type: 'warm' } })).status).toBe(204);
    expect((await send({ event: 'transfer_bridged', call, transfer_destination: destination })).status).toBe(204);
    // The agent's leg is over: Retell's call object may already say ended; the call is not.
    const legEnded = { ...l.call_ended.call, disconnection_reason: 'call_transfer', transfer_destination: '+14155550199' };
    expect((await send({ event: 'transfer_ended', call: legEnded })).status).toBe(204);
    expect((await send({ event: 'transfer_ended', call: legEnded })).status).toBe(204); // a retry: one event
    await waitFor(async () => (await eventTypes(l.callId)).length === 4, { what: 'the transfer events to be kept' });
    expect(await eventTypes(l.callId)).toEqual(['call_started', 'transfer_bridged', 'transfer_ended', 'transfer_started']);
    expect(await callRow(l.callId)).toMatchObject({ status: 'in_progress', outcome: null, endedAt: null, disconnectionReason: null });

    const timeline = await asA()('GET', `/api/v1/calls/${l.callId}/deliveries`);
    expect(timeline.json).toEqual([
      expect.objectContaining({ event: 'call_started' }),
      expect.objectContaining({ event: 'transfer_started', transferDestination: '+14155550199 ext. 12' }),
      expect.objectContaining({ event: 'transfer_bridged', transferDestination: '+14155550199 ext. 12' }),
      expect.objectContaining({ event: 'transfer_ended', transferDestination: '+14155550199' }),
    ]);
    expect(timeline.json[0]).not.toHaveProperty('transferDestination');

    const log = await asA()('GET', `/api/v1/deliveries?callId=${l.callId}`);
    expect(log.status).toBe(200);
    expect(log.json.data.map((d: { event: string }) => d.event).sort()).toEqual(['call_started', 'transfer_bridged', 'transfer_ended', 'transfer_started']);
    expect(log.json.data.find((d: { event: string }) => d.event === 'transfer_ended')).toMatchObject({ state: 'processed', queue: QUEUES.callTransfers });
    const onlyEnded = await asA()('GET', `/api/v1/deliveries?callId=${l.callId}&event=transfer_ended`);
    expect(onlyEnded.json.data.map((d: { event: string }) => d.event)).toEqual(['transfer_ended']);

    // call_ended still ends it.
    expect((await send(l.call_ended)).status).toBe(204);
    await waitFor(async () => (await callRow(l.callId))?.status === 'completed', { what: 'the call to end' });
  });

  it('keeps each transfer of a call that transfers twice (one per event and destination, retries once)', async () => {
    const l = lifecycle(A.agentId);
    await started(l);
    const call = { ...l.call_started.call };
    const desk = { number: '+14155550111' };
    const manager = { number: '+14155550122', extension: '5' };
    // The first try is not answered; the agent then transfers to someone else. Each delivery is sent twice.
    for (const body of [
      { event: 'transfer_started', call, transfer_destination: desk },
      { event: 'transfer_cancelled', call, transfer_destination: desk },
      { event: 'transfer_started', call, transfer_destination: manager },
      { event: 'transfer_bridged', call, transfer_destination: manager },
    ]) {
      expect((await send(body)).status).toBe(204);
      expect((await send(body)).status).toBe(204);
    }
    await waitFor(async () => (await eventTypes(l.callId)).length === 5, { what: 'the five events to be kept' });
    expect(await eventTypes(l.callId)).toEqual(['call_started', 'transfer_bridged', 'transfer_cancelled', 'transfer_started', 'transfer_started']);

    const timeline = await asA()('GET', `/api/v1/calls/${l.callId}/deliveries`);
    expect(timeline.json.map((d: { event: string; transferDestination?: string }) => [d.event, d.transferDestination ?? null])).toEqual([
      ['call_started', null],
      ['transfer_started', '+14155550111'],
      ['transfer_cancelled', '+14155550111'],
      ['transfer_started', '+14155550122 ext. 5'],
      ['transfer_bridged', '+14155550122 ext. 5'],
    ]);
    const log = await asA()('GET', `/api/v1/deliveries?callId=${l.callId}&event=transfer_started`);
    const jobIds = log.json.data.map((d: { jobId: string; state: string }) => [d.state, d.jobId]);
    expect(jobIds).toHaveLength(2);
    expect(new Set(jobIds.map(([, id]: string[]) => id)).size).toBe(2);
    expect(jobIds.every(([state]: string[]) => state === 'processed')).toBe(true);
    expect(await callRow(l.callId)).toMatchObject({ status: 'in_progress', outcome: null });
  });

  it('handles hostile transcript deliveries: capped when large, refused when too large or malformed, nothing else touched', async () => {
    const l = lifecycle(A.agentId);
    const key = liveTranscriptKey(env.QUEUE_PREFIX, A.tenantId, l.callId);
    const a = await sse(A);

    // Under the body limit but far beyond what a call says: kept capped.
    const huge = transcriptUpdated(l, 400, (i) => `${i} ${'y'.repeat(3000)}`);
    expect(JSON.stringify(huge).length).toBeGreaterThan(1_000_000);
    expect((await send(huge)).status).toBe(204);
    const [e] = await a.take(1, (x) => x.event === 'call.transcript' && x.data.includes(l.callId));
    expect(e.data.length).toBeLessThan(LIVE_TRANSCRIPT_LIMITS.eventBytes + 1000);
    const event = JSON.parse(e.data);
    expect(event.count).toBe(400);
    expect(event.from + event.utterances.length).toBe(400);
    const kept = JSON.parse((await redis.hget(key, 'v'))!);
    expect(kept.count).toBe(400);
    expect(kept.utterances).toHaveLength(LIVE_TRANSCRIPT_LIMITS.keptUtterances);
    expect(kept.utterances[0].content.startsWith('200 ')).toBe(true);
    expect(Math.max(...kept.utterances.map((u: { content: string }) => u.content.length))).toBe(LIVE_TRANSCRIPT_LIMITS.utteranceChars);
    const historyBefore = await redis.xlen(liveStreamKey(env.QUEUE_PREFIX, A.tenantId));

    const tooLarge = transcriptUpdated(l, 800, (i) => `${i} ${'z'.repeat(3000)}`);
    const refused: Array<[string, Promise<{ status: number; text: string }>, number]> = [
      ['over the body limit', send(tooLarge), 413],
      ['not JSON', postSigned(hook(), '{"event":"transcript_updated","call":', A.retellApiKey), 400],
      ['no call id', send({ event: 'transcript_updated', call: { agent_id: A.agentId, transcript_object: turns(900) } }), 400],
      ['call id not a string', send({ event: 'transcript_updated', call: { call_id: 7, agent_id: A.agentId } }), 400],
      ['bad signature', send(transcriptUpdated(l, 900), 'key_not_the_tenants'), 401],
      ['unsigned', postRaw(hook(), JSON.stringify(transcriptUpdated(l, 900))), 401],
    ];
    for (const [what, answer, status] of refused) {
      const res = await answer;
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(res.text.length).toBeLessThan(400); // a fixed reason, nothing echoed
      expect(res.text).not.toContain('turn');
    }
    // Junk turns count as nothing: an update with none of them is older than the kept one.
    expect((await send({ event: 'transcript_updated', call: { ...l.call_started.call, transcript_object: 'not a list' } })).status).toBe(204);
    expect((await send({ event: 'transcript_updated', call: { ...l.call_started.call, transcript_object: [1, null, { role: 'robot' }] } })).status).toBe(204);

    expect(JSON.parse((await redis.hget(key, 'v'))!).count).toBe(400);
    expect(await redis.xlen(liveStreamKey(env.QUEUE_PREFIX, A.tenantId))).toBe(historyBefore);
    expect(await prisma.call.count({ where: { retellCallId: l.callId } })).toBe(0);
    expect((await allJobs()).filter((j) => j.data.callId === l.callId)).toEqual([]);
    // Still serving.
    expect((await send(transcriptUpdated(l, 401))).status).toBe(204);
  });
});
