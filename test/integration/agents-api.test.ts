import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import Retell from 'retell-sdk';
import { hashApiKey, newApiKeyToken, type AppEnv } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { PIPELINE_ANALYSIS_FIELDS, sortKeysDeep } from '@retell-ops/domain';
import { QUEUES, type CallEventJob } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import type { SimConfig } from '../../apps/retell-sim/src/config/sim-config';
import { createSimApp } from '../../apps/retell-sim/src/create-app';
import { bearerApi, postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

// Issue 13 item 7: agents connected only when Retell knows them, synced, disconnected (and no
// longer routed by the gateway), exported and imported; the tenant's phone numbers. Retell is the
// simulator, in process, which knows the keys of tenants A and B (one Retell workspace).

const hex = (n = 6) => randomBytes(n).toString('hex');
const SIM_KEY = `key_test_sim_${hex()}`;
const SCREENER = `agent_screener_${hex()}`;
const SPARE = `agent_spare_${hex()}`;
const FROM = '+14155550100';
const SECOND_NUMBER = '+14155550177';
const PUBLIC = 'https://hooks.example.com';
const url = (base: string) => base.replace('[::1]', '127.0.0.1');

describe('agents synced with Retell, phone numbers (apps/api, apps/gateway)', () => {
  let sim: NestFastifyApplication;
  let api: NestFastifyApplication;
  let gateway: NestFastifyApplication;
  let env: AppEnv;
  let prisma: PrismaClient;
  let retell: Retell;
  let apiBase: string;
  let A: TestTenant;
  let B: TestTenant;
  let C: TestTenant;
  let viewerKey: string;
  let queues: Queue<CallEventJob>[] = [];
  const apps: NestFastifyApplication[] = [];

  const as = (key: string) => bearerApi(() => apiBase, key);
  const a = () => as(A.adminApiKey);
  const b = () => as(B.adminApiKey);

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: testEnv().DATABASE_URL });
    A = await createTestTenant(prisma, testEnv(), 'agents-a');
    B = await createTestTenant(prisma, testEnv(), 'agents-b');
    C = await createTestTenant(prisma, testEnv(), 'agents-c');
    // C's Retell is a port nobody answers on: Retell unreachable.
    await prisma.tenant.update({ where: { id: C.tenantId }, data: { retellBaseUrl: 'http://127.0.0.1:9' } });
    const config: SimConfig = {
      gatewayUrl: 'http://127.0.0.1:9',
      apiKey: SIM_KEY,
      otherApiKeys: [A.retellApiKey, B.retellApiKey],
      defaultAgentId: 'agent_sim_default',
      defaultFromNumber: FROM,
      defaultToNumber: '+14155550123',
      historyLimit: 10,
      retellApi: {
        agents: [
          { agent_id: SCREENER, agent_name: 'Screener' },
          { agent_id: SPARE, agent_name: 'Spare' },
        ],
        phoneNumbers: [SECOND_NUMBER],
      },
    };
    sim = await createSimApp(config, false);
    await sim.listen(0, '127.0.0.1');
    const simUrl = url(await sim.getUrl());
    retell = new Retell({ apiKey: SIM_KEY, baseURL: simUrl, maxRetries: 0 });
    env = testEnv({ RETELL_BASE_URL: simUrl, RETELL_API_KEY: SIM_KEY, PUBLIC_WEBHOOK_BASE_URL: PUBLIC });
    api = await createApi(env, { bootstrapDefaultTenant: false });
    await api.listen(0, '127.0.0.1');
    apiBase = url(await api.getUrl());
    gateway = await createGateway(env);
    await gateway.listen(0, '127.0.0.1');
    queues = Object.values(QUEUES).map((name) => new Queue<CallEventJob>(name, { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX }));
    viewerKey = newApiKeyToken();
    await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
  });

  afterAll(async () => {
    await Promise.all(queues.map(async (q) => (await q.obliterate({ force: true }), await q.close())));
    await Promise.all([api?.close(), gateway?.close(), sim?.close(), ...apps.map((x) => x.close())]);
    await prisma.tenant.deleteMany({ where: { id: { in: [A, B, C].filter(Boolean).map((t) => t.tenantId) } } });
    await prisma.$disconnect();
  });

  const agentIds = (list: Array<{ retellAgentId: string }>) => list.map((x) => x.retellAgentId);

  describe('connect', () => {
    it('an agent Retell does not know under the key is 422 with Retell’s answer; nothing is stored', async () => {
      const id = `agent_nobody_${hex()}`;
      const res = await a()('POST', '/api/v1/agents', { retellAgentId: id });
      expect(res.status).toBe(422);
      expect(res.json).toMatchObject({ code: 'retell_agent_refused' });
      expect(res.json.message).toBe(`Retell refused agent '${id}' (422): Cannot find requested asset under given api key.`);
      expect(await prisma.agent.findUnique({ where: { retellAgentId: id } })).toBeNull();
    });

    it('an agent Retell knows is connected with what Retell says; another tenant gets 409 and 404', async () => {
      const res = await a()('POST', '/api/v1/agents', { retellAgentId: SCREENER, name: 'ignored: Retell has a name' });
      expect(res.status).toBe(201);
      const llmId = ((await retell.agent.retrieve(SCREENER)).response_engine as { llm_id: string }).llm_id;
      expect(res.json).toEqual({
        retellAgentId: SCREENER,
        connected: true,
        name: 'Screener',
        voiceId: '11labs-Adrian',
        language: 'en-US',
        version: 1,
        llmId,
        webhookUrl: null,
        lastEventAt: null,
        online: false,
        warnings: [
          expect.objectContaining({ code: 'analysis_fields_missing', fields: [...PIPELINE_ANALYSIS_FIELDS] }),
          expect.objectContaining({ code: 'webhook_account_level', message: expect.stringContaining(`${PUBLIC}/webhooks/retell`) }),
        ],
        syncedAt: expect.any(String),
        disconnectedAt: null,
        createdAt: expect.any(String),
      });
      expect((await a()('GET', `/api/v1/agents/${SCREENER}`)).json).toEqual(res.json);
      expect(agentIds((await a()('GET', '/api/v1/agents')).json)).toEqual(expect.arrayContaining([A.agentId, SCREENER]));

      const again = await a()('POST', '/api/v1/agents', { retellAgentId: SCREENER });
      expect(again.status).toBe(201);
      expect(await prisma.agent.count({ where: { retellAgentId: SCREENER } })).toBe(1);

      const theirs = await b()('POST', '/api/v1/agents', { retellAgentId: SCREENER });
      expect(theirs.status).toBe(409);
      expect(theirs.json).toMatchObject({ code: 'agent_of_another_tenant' });
      expect(await prisma.agent.findUniqueOrThrow({ where: { retellAgentId: SCREENER } })).toMatchObject({ tenantId: A.tenantId });
      for (const [method, path] of [
        ['GET', `/api/v1/agents/${SCREENER}`],
        ['DELETE', `/api/v1/agents/${SCREENER}`],
        ['POST', `/api/v1/agents/${SCREENER}/sync`],
        ['GET', `/api/v1/agents/${SCREENER}/export`],
      ]) {
        expect({ method, path, status: (await b()(method, path)).status }).toEqual({ method, path, status: 404 });
      }
      expect(agentIds((await b()('GET', '/api/v1/agents')).json)).not.toContain(SCREENER);
      expect(await prisma.agent.findUniqueOrThrow({ where: { retellAgentId: SCREENER } })).toMatchObject({ disconnectedAt: null });
    });

    it('Retell unreachable is 503 with Retry-After; nothing is stored', async () => {
      const res = await as(C.adminApiKey)('POST', '/api/v1/agents', { retellAgentId: SPARE });
      expect(res.status).toBe(503);
      expect(res.json.message).toMatch(/Retell could not be reached/);
      expect(await prisma.agent.findUnique({ where: { retellAgentId: SPARE } })).toBeNull();
      const sync = await as(C.adminApiKey)('POST', `/api/v1/agents/${C.agentId}/sync`);
      expect(sync.status).toBe(503);
      expect((await as(C.adminApiKey)('GET', '/api/v1/phone-numbers')).status).toBe(503);
    });

    it.each<[string, unknown, RegExp]>([
      ['no retellAgentId', { name: 'x' }, /retellAgentId/],
      ['an unknown field', { retellAgentId: 'agent_x', tenantId: 'x' }, /property tenantId should not exist/],
      ['an id over 256 characters', { retellAgentId: 'a'.repeat(257) }, /shorter than or equal to 256/],
    ])('a body with %s is 400', async (_, body, message) => {
      const res = await a()('POST', '/api/v1/agents', body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.json)).toMatch(message);
    });
  });

  describe('status and sync', () => {
    it('sync reads the agent again; warnings go once Retell has the fields and webhook; online follows its calls', async () => {
      await a()('POST', '/api/v1/agents', { retellAgentId: SCREENER });
      await retell.agent.update(SCREENER, {
        agent_name: 'Screener v2',
        language: 'es-ES',
        webhook_url: `${PUBLIC}/webhooks/retell`,
        post_call_analysis_data: PIPELINE_ANALYSIS_FIELDS.map((name) => ({ type: 'string' as const, name, description: name })),
      });
      const before = (await a()('GET', `/api/v1/agents/${SCREENER}`)).json;
      expect(before.name).toBe('Screener');
      const res = await a()('POST', `/api/v1/agents/${SCREENER}/sync`);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ name: 'Screener v2', language: 'es-ES', webhookUrl: `${PUBLIC}/webhooks/retell`, warnings: [] });

      await retell.agent.update(SCREENER, { webhook_url: 'https://elsewhere.example.com/hook' });
      const all = await a()('POST', '/api/v1/agents/sync');
      expect(all.status).toBe(200);
      const synced = all.json.synced.find((x: { retellAgentId: string }) => x.retellAgentId === SCREENER);
      expect(synced.warnings.map((w: { code: string }) => w.code)).toEqual(['webhook_elsewhere']);
      // the tenant's default agent was registered without Retell: its sync fails alone
      expect(all.json.failed).toEqual([{ retellAgentId: A.agentId, code: 'retell_agent_refused', message: expect.stringMatching(/\(422\)/) }]);

      await prisma.call.create({ data: { tenantId: A.tenantId, agentId: SCREENER, retellCallId: `call_${hex()}` } });
      const online = (await a()('GET', `/api/v1/agents/${SCREENER}`)).json;
      expect(online).toMatchObject({ online: true, lastEventAt: expect.any(String) });
      expect(Date.now() - Date.parse(online.lastEventAt)).toBeLessThan(60_000);
    });

    it('an agent deleted at Retell since: its sync is 422 and what was stored stays', async () => {
      const res = await a()('POST', `/api/v1/agents/${A.agentId}/sync`);
      expect(res.status).toBe(422);
      expect((await a()('GET', `/api/v1/agents/${A.agentId}`)).json).toMatchObject({ connected: true, syncedAt: null, warnings: [{ code: 'not_synced' }] });
    });
  });

  describe('export and import', () => {
    const get = async (id: string) => {
      const res = await fetch(`${apiBase}/api/v1/agents/${id}/export`, { headers: { authorization: `Bearer ${A.adminApiKey}` } });
      return { status: res.status, headers: res.headers, text: await res.text() };
    };

    it('exports one sorted JSON document with no secrets; importing it back changes nothing (round trip equal)', async () => {
      await a()('POST', '/api/v1/agents', { retellAgentId: SCREENER });
      const llmId = ((await retell.agent.retrieve(SCREENER)).response_engine as { llm_id: string }).llm_id;
      await retell.llm.update(llmId, {
        general_prompt: 'Screen the candidate.',
        general_tools: [
          {
            type: 'custom',
            name: 'lookup',
            url: 'https://tools.example.com/x',
            headers: { Authorization: 'Bearer tool-secret-1' },
            speak_after_execution: false,
          },
        ],
      } as never);

      const first = await get(SCREENER);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-disposition')).toBe(`attachment; filename="${SCREENER}.agent.json"`);
      const doc = JSON.parse(first.text);
      expect(first.text).toBe(`${JSON.stringify(sortKeysDeep(doc), null, 2)}\n`);
      expect(doc).toMatchObject({
        format: 'retell-ops.agent/1',
        agent: { agent_id: SCREENER, agent_name: expect.any(String) },
        llm: { llm_id: llmId, general_prompt: 'Screen the candidate.' },
      });
      expect(doc.agent).not.toHaveProperty('last_modification_timestamp');
      expect(first.text).not.toContain('tool-secret-1');
      expect(first.text).not.toContain(A.retellApiKey);
      expect(doc.llm.general_tools[0].headers).toEqual({ Authorization: '<redacted>' });

      const imported = await a()('POST', '/api/v1/agents/import', doc);
      expect(imported.status).toBe(200);
      expect(imported.json).toMatchObject({ created: false, llmCreated: false, agent: { retellAgentId: SCREENER, connected: true } });
      expect((await get(SCREENER)).text).toBe(first.text);
      // the redacted header was restored from the LLM at Retell, not overwritten
      expect(((await retell.llm.retrieve(llmId)).general_tools![0] as { headers: unknown }).headers).toEqual({ Authorization: 'Bearer tool-secret-1' });

      // a changed document updates Retell
      const changed = { ...doc, agent: { ...doc.agent, agent_name: 'From git' }, llm: { ...doc.llm, general_prompt: 'Changed in git.' } };
      expect((await a()('POST', '/api/v1/agents/import', changed)).json.agent).toMatchObject({ name: 'From git' });
      expect((await retell.agent.retrieve(SCREENER)).agent_name).toBe('From git');
      expect((await retell.llm.retrieve(llmId)).general_prompt).toBe('Changed in git.');
    });

    it('a document with no agent_id makes a new agent (and a new LLM without llm_id) at Retell and connects it', async () => {
      const doc = JSON.parse((await get(SCREENER)).text);
      delete doc.agent.agent_id;
      delete doc.llm.llm_id;
      doc.llm.general_tools[0].headers = { Authorization: 'Bearer new-secret' };
      const res = await a()('POST', '/api/v1/agents/import', doc);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ created: true, llmCreated: true, agent: { connected: true } });
      const made = res.json.agent.retellAgentId;
      expect(made).not.toBe(SCREENER);
      const atRetell = await retell.agent.retrieve(made);
      expect((atRetell.response_engine as { llm_id: string }).llm_id).toBe(res.json.agent.llmId);
      expect(res.json.agent.llmId).not.toBe(doc.llm.llm_id);
      expect(await prisma.agent.findUniqueOrThrow({ where: { retellAgentId: made } })).toMatchObject({ tenantId: A.tenantId });
    });

    it('a new LLM cannot be made from redacted header values (400); another tenant’s agent is 409 before Retell changes', async () => {
      const doc = JSON.parse((await get(SCREENER)).text);
      const redacted = await a()('POST', '/api/v1/agents/import', {
        ...doc,
        agent: { ...doc.agent, agent_id: undefined },
        llm: { ...doc.llm, llm_id: undefined },
      });
      expect(redacted.status).toBe(400);
      expect(redacted.json.message).toMatch(/lookup\.Authorization are redacted/);

      const modifiedAt = (await retell.agent.retrieve(SCREENER)).last_modification_timestamp;
      const theirs = await b()('POST', '/api/v1/agents/import', { ...doc, agent: { ...doc.agent, agent_name: 'hijacked' } });
      expect(theirs.status).toBe(409);
      expect((await retell.agent.retrieve(SCREENER)).last_modification_timestamp).toBe(modifiedAt);
    });

    it.each<[string, unknown]>([
      ['a wrong format', { format: 'x', agent: {}, llm: null }],
      ['no agent', { format: 'retell-ops.agent/1', llm: null }],
      ['an agent that is not an object', { format: 'retell-ops.agent/1', agent: 'x', llm: null }],
    ])('an import with %s is 400', async (_, body) => {
      expect((await a()('POST', '/api/v1/agents/import', body)).status).toBe(400);
    });
  });

  describe('phone numbers', () => {
    it('lists the numbers at Retell and points one’s inbound webhook at this platform', async () => {
      const list = await a()('GET', '/api/v1/phone-numbers');
      expect(list.status).toBe(200);
      expect(list.json.map((n: { phoneNumber: string }) => n.phoneNumber).sort()).toEqual([FROM, SECOND_NUMBER].sort());
      const inbound = `${PUBLIC}/webhooks/retell/inbound/${A.slug}`;
      const res = await a()('POST', `/api/v1/phone-numbers/${encodeURIComponent(SECOND_NUMBER)}/inbound-webhook`);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ phoneNumber: SECOND_NUMBER, inboundWebhookUrl: inbound, inboundWebhookHere: true });
      expect((await retell.phoneNumber.retrieve(SECOND_NUMBER)).inbound_webhook_url).toBe(inbound);
      const after = (await a()('GET', '/api/v1/phone-numbers')).json.find((n: { phoneNumber: string }) => n.phoneNumber === SECOND_NUMBER);
      expect(after).toMatchObject({ inboundWebhookHere: true });
      // for B the same URL is A's, not its own
      expect((await b()('GET', '/api/v1/phone-numbers')).json.find((n: { phoneNumber: string }) => n.phoneNumber === SECOND_NUMBER)).toMatchObject({
        inboundWebhookHere: false,
      });
    });

    it.each<[string, string, number]>([
      ['a number Retell does not have', encodeURIComponent('+14155550999'), 422],
      ['not E.164', 'not-a-number', 400],
    ])('%s: its status', async (_, number, status) => {
      expect((await a()('POST', `/api/v1/phone-numbers/${number}/inbound-webhook`)).status).toBe(status);
    });
  });

  describe('roles', () => {
    it.each<[string, string, unknown]>([
      ['POST', '/api/v1/agents', { retellAgentId: SPARE }],
      ['DELETE', `/api/v1/agents/${SCREENER}`, undefined],
      ['POST', `/api/v1/agents/${SCREENER}/sync`, undefined],
      ['POST', '/api/v1/agents/sync', undefined],
      ['POST', '/api/v1/agents/import', { format: 'retell-ops.agent/1', agent: { agent_id: SPARE }, llm: null }],
      ['POST', `/api/v1/phone-numbers/${encodeURIComponent(FROM)}/inbound-webhook`, undefined],
    ])('a viewer is refused %s %s (403) and nothing changes', async (method, path, body) => {
      const res = await as(viewerKey)(method, path, body);
      expect(res.status).toBe(403);
      expect(await prisma.agent.findUnique({ where: { retellAgentId: SPARE } })).toBeNull();
    });

    it.each([['/api/v1/agents'], [`/api/v1/agents/${SCREENER}`], ['/api/v1/phone-numbers']])('a viewer may read %s', async (path) => {
      expect((await as(viewerKey)('GET', path)).status).toBe(200);
    });
  });

  describe('disconnect', () => {
    const webhook = async (base: string, agentId: string, key: string, path = '/webhooks/retell') =>
      postSigned(`${base}${path}`, JSON.stringify(lifecycle(agentId).call_started), key);

    it('stops the gateway routing the agent to the tenant; calls stay; connecting again routes it again', async () => {
      const id = SPARE;
      expect((await a()('POST', '/api/v1/agents', { retellAgentId: id })).status).toBe(201);
      const gw = url(await gateway.getUrl());
      expect((await webhook(gw, id, A.retellApiKey)).status).toBe(204);
      const call = await prisma.call.create({ data: { tenantId: A.tenantId, agentId: id, retellCallId: `call_${hex()}` } });

      expect((await a()('DELETE', `/api/v1/agents/${id}`)).status).toBe(204);
      expect((await a()('DELETE', `/api/v1/agents/${id}`)).status).toBe(204);
      expect((await a()('GET', `/api/v1/agents/${id}`)).json).toMatchObject({ connected: false, online: false, disconnectedAt: expect.any(String) });
      expect(await prisma.call.findUnique({ where: { id: call.id } })).not.toBeNull();

      // A gateway that has not cached the agent refuses it at once (a cached one within 30 s, TENANT_CACHE_LIMITS).
      const fresh = await createGateway(env);
      apps.push(fresh);
      await fresh.listen(0, '127.0.0.1');
      const gw2 = url(await fresh.getUrl());
      const refused = await webhook(gw2, id, A.retellApiKey);
      expect(refused.status).toBe(404);
      expect(JSON.parse(refused.text).reason).toMatch(/disconnected/);
      expect((await webhook(gw2, id, A.retellApiKey, `/webhooks/retell/${A.slug}`)).status).toBe(404);
      // the other agents of the tenant are still routed
      expect((await webhook(gw2, SCREENER, A.retellApiKey)).status).toBe(204);

      // another tenant may now connect it; the row moves, A's calls stay A's
      expect((await b()('POST', '/api/v1/agents', { retellAgentId: id })).status).toBe(201);
      expect((await a()('GET', `/api/v1/agents/${id}`)).status).toBe(404);
      expect(await prisma.call.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ tenantId: A.tenantId });
      // and the gateway routes it to B once its throttled reload sees the change
      await waitFor(async () => ((await webhook(gw2, id, B.retellApiKey)).status === 204 ? true : undefined), {
        timeoutMs: 15_000,
        intervalMs: 500,
        what: 'the reconnected agent routed',
      });
    });
  });
});
