import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppEnv } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { createApi } from '../../apps/api/src/create-api';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import type { SimConfig } from '../../apps/retell-sim/src/config/sim-config';
import { createSimApp } from '../../apps/retell-sim/src/create-app';
import { bearerApi, postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { startPipeline, type InProcessPipeline } from '../support/pipeline';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * Issue 13 acceptance, "key rotation under load": deliveries signed with the tenant's old Retell
 * key keep arriving, many in flight, through two gateways (replicas that both cached the old
 * key) while the key is rotated with a one-minute overlap. Every delivery answered before the
 * overlap ends must be accepted and kept (the CallEvent rows are counted: none dropped); once
 * the overlap has passed (really passed: no clock is moved), the old key is refused 401 by both
 * gateways and the new one accepted.
 */
const IN_FLIGHT = 12;
const BURST_MS = 4_000;
const OVERLAP_MINUTES = 1;

const url = (base: string) => base.replace('[::1]', '127.0.0.1');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sent {
  callId: string;
  key: 'old' | 'new';
  sentAt: number;
  answeredAt: number;
  status: number;
}

describe('Retell key rotation under load (gateway ×2, call worker, API)', () => {
  let sim: NestFastifyApplication;
  let api: NestFastifyApplication;
  let gateway2: NestFastifyApplication;
  let pipeline: InProcessPipeline;
  let env: AppEnv;
  let prisma: PrismaClient;
  let T: TestTenant;
  let gateways: string[];
  const NEW_KEY = `key_test_rotated_${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    const config: SimConfig = {
      gatewayUrl: 'http://127.0.0.1:9',
      apiKey: `key_test_sim_${randomBytes(8).toString('hex')}`,
      otherApiKeys: [NEW_KEY],
      defaultAgentId: 'agent_sim_default',
      defaultFromNumber: '+14155550100',
      defaultToNumber: '+14155550123',
      historyLimit: 10,
    };
    sim = await createSimApp(config, false);
    await sim.listen(0, '127.0.0.1');
    env = testEnv({ RETELL_BASE_URL: url(await sim.getUrl()), RETELL_API_KEY: config.apiKey });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    T = await createTestTenant(prisma, env, 'rotation-load');
    api = await createApi(env, { bootstrapDefaultTenant: false });
    await api.listen(0, '127.0.0.1');
    pipeline = await startPipeline(env);
    gateway2 = await createGateway(env);
    await gateway2.listen(0, '127.0.0.1');
    gateways = [pipeline.gatewayUrl, url(await gateway2.getUrl())];
  }, 60_000);

  afterAll(async () => {
    await pipeline?.stop();
    await Promise.all([api?.close(), gateway2?.close(), sim?.close()]);
    await prisma.tenant.deleteMany({ where: { id: T?.tenantId } });
    await prisma.$disconnect();
  });

  const sent: Sent[] = [];
  let n = 0;
  /** One delivery of a call never seen before, signed with `key`, to the gateways in turn (slug and agent routes alike). */
  const deliver = async (key: 'old' | 'new'): Promise<Sent> => {
    const i = n++;
    const { call_started } = lifecycle(T.agentId);
    const base = gateways[i % 2];
    const target = i % 3 === 0 ? `${base}/webhooks/retell` : `${base}/webhooks/retell/${T.slug}`;
    const sentAt = Date.now();
    const res = await postSigned(target, JSON.stringify(call_started), key === 'old' ? T.retellApiKey : NEW_KEY);
    const s = { callId: call_started.call.call_id, key, sentAt, answeredAt: Date.now(), status: res.status };
    sent.push(s);
    return s;
  };
  /** IN_FLIGHT senders, each sending one delivery after another until `until()` says stop. */
  const load = (key: () => 'old' | 'new', until: () => boolean) =>
    Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (!until()) await deliver(key());
      }),
    );

  it(
    'accepts and keeps every old-key delivery inside the overlap, none dropped; refuses the old key after it',
    async () => {
      // both replicas cache the tenant with its old key
      for (const g of gateways)
        expect((await postSigned(`${g}/webhooks/retell/${T.slug}`, JSON.stringify(lifecycle(T.agentId).call_started), T.retellApiKey)).status).toBe(204);
      const warm = 2;

      // the burst: old-key deliveries keep flowing; the key is rotated in the middle of it
      const burstEnds = Date.now() + BURST_MS;
      const burst = load(
        () => 'old',
        () => Date.now() > burstEnds,
      );
      await sleep(BURST_MS / 3);
      const rotated = await bearerApi(url(await api.getUrl()), T.adminApiKey)('POST', '/api/v1/tenant/retell-key', {
        retellApiKey: NEW_KEY,
        overlapMinutes: OVERLAP_MINUTES,
      });
      const rotatedAt = Date.now();
      await burst;
      expect(rotated.status).toBe(200);
      const until = Date.parse(rotated.json.previousRetellKeyUntil);

      // a trickle of old-key deliveries (and new-key ones) through to the end of the overlap and past it
      while (Date.now() < until + 3_000) {
        await Promise.all([deliver('old'), deliver('new')]);
        await sleep(Date.now() < until - 5_000 ? 1_000 : 150);
      }
      // after the overlap: the old key is refused by both replicas, the new one accepted
      const after = await Promise.all(Array.from({ length: 20 }, (_, i) => deliver(i % 2 ? 'old' : 'new')));
      expect(after.filter((s) => s.key === 'old').map((s) => s.status)).toEqual(Array(10).fill(401));
      expect(after.filter((s) => s.key === 'new').map((s) => s.status)).toEqual(Array(10).fill(204));

      const insideOverlap = sent.filter((s) => s.key === 'old' && s.answeredAt < until);
      const pastOverlap = sent.filter((s) => s.key === 'old' && s.sentAt > until);
      const beforeRotation = insideOverlap.filter((s) => s.answeredAt < rotatedAt);
      // the load really straddled the rotation, with many deliveries in flight on each side
      expect(beforeRotation.length).toBeGreaterThan(IN_FLIGHT);
      expect(insideOverlap.length - beforeRotation.length).toBeGreaterThan(IN_FLIGHT);
      expect(pastOverlap.length).toBeGreaterThan(10);
      expect(insideOverlap.filter((s) => s.status !== 204)).toEqual([]);
      expect(pastOverlap.filter((s) => s.status !== 401)).toEqual([]);
      expect(sent.filter((s) => s.key === 'new' && s.status !== 204)).toEqual([]);

      console.log(
        `key rotation under load: ${beforeRotation.length} old-key deliveries before the rotation, ${insideOverlap.length - beforeRotation.length} after it inside the overlap (all 204), ${pastOverlap.length} past it (all 401), ${sent.filter((s) => s.key === 'new').length} new-key (all 204)`,
      );
      // none dropped: every accepted delivery is a kept event, and nothing else is
      const accepted = sent.filter((s) => s.status === 204).map((s) => s.callId);
      expect(new Set(accepted).size).toBe(accepted.length);
      await waitFor(async () => (await prisma.callEvent.count({ where: { tenantId: T.tenantId } })) >= accepted.length + warm, {
        timeoutMs: 60_000,
        what: `${accepted.length + warm} CallEvent rows`,
      });
      expect(await prisma.callEvent.count({ where: { tenantId: T.tenantId } })).toBe(accepted.length + warm);
      const kept = await prisma.call.findMany({ where: { tenantId: T.tenantId }, select: { retellCallId: true } });
      expect(kept).toHaveLength(accepted.length + warm);
      const keptIds = new Set(kept.map((k) => k.retellCallId));
      expect(accepted.filter((id) => !keptIds.has(id))).toEqual([]);
    },
    OVERLAP_MINUTES * 60_000 + 90_000,
  );
});
