import { randomBytes, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiKey, newApiKeyToken, type AppEnv } from '@retell-ops/config';
import { createPrismaClient, type AuditLog, type PrismaClient } from '@retell-ops/db';
import { SEED_CALL } from '@retell-ops/domain';
import { createApi } from '../../apps/api/src/create-api';
import type { SimConfig } from '../../apps/retell-sim/src/config/sim-config';
import { createSimApp } from '../../apps/retell-sim/src/create-app';
import { FUTURE_YEAR as Y } from '../support/dates';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

// Issue 13 item 6: the audit log. Every mutating operation of the OpenAPI document is made once,
// successfully, and must leave exactly one AuditLog row with the right actor, action and target.
// Retell is the simulator, in process (the Retell key routes check keys with it).

const hex = (n = 6) => randomBytes(n).toString('hex');
const SIM_KEY = `key_test_sim_${hex()}`;
const TENANT_KEY = `key_test_tenant_${hex()}`;
const ROTATED_KEY = `key_test_rotated_${hex()}`;
const OPERATOR_KEY = `op_${hex(20)}`;
/** agents the simulated Retell knows: one per agents case */
const AGENTS = { connect: `agent_aud_c_${hex()}`, disconnect: `agent_aud_d_${hex()}`, sync: `agent_aud_s_${hex()}`, imported: `agent_aud_i_${hex()}` };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Answer {
  status: number;
  json: any;
  headers: Headers;
}

/** One request as the table builds it. */
interface Call {
  method: string;
  path: string;
  body?: unknown;
  /** bearer key (default: tenant A's owner key); null: none */
  bearer?: string | null;
  cookie?: string;
  csrf?: string;
}

interface Expected {
  status: number;
  /** who must appear as the actor */
  actor: 'owner' | 'operator' | 'person';
  /** the person's user id, when actor is 'person' */
  personId?: (prep: any, answer: Answer) => string;
  action: string;
  targetType: string;
  /** the target id, from what the preparation made or from the answer */
  targetId: (prep: any, answer: Answer) => string;
  /** the tenant the row belongs to (default A) */
  tenantId?: (prep: any, answer: Answer) => string;
  /** the same, when the preparation already tells it (so rows can be counted before the request) */
  tenantBefore?: (prep: any) => string;
}

interface Case {
  /** requests made first (their own rows are not counted) */
  prep?: () => Promise<any>;
  request: (prep: any) => Call;
  expect: Expected;
}

describe('audit log (apps/api: AuditInterceptor, GET /api/v1/audit, createdBy)', () => {
  let sim: NestFastifyApplication;
  let api: NestFastifyApplication;
  let env: AppEnv;
  let prisma: PrismaClient;
  let base: string;
  let A: TestTenant;
  let B: TestTenant;
  let ownerKeyId: string;
  let viewerKey: string;
  let viewerKeyId: string;
  const tenantIds: string[] = [];
  /** every secret this file handles: none may appear in any audit row */
  const secrets: string[] = [SIM_KEY, TENANT_KEY, ROTATED_KEY, OPERATOR_KEY];

  async function send(c: Call): Promise<Answer> {
    const headers: Record<string, string> = {};
    const bearer = c.bearer === undefined ? A.adminApiKey : c.bearer;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (c.cookie) headers.cookie = c.cookie;
    if (c.csrf) headers['x-csrf-token'] = c.csrf;
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${c.path}`, { method: c.method, headers, body: c.body === undefined ? undefined : JSON.stringify(c.body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  }
  const asOwner = (method: string, path: string, body?: unknown) => send({ method, path, body });
  const ok = async (method: string, path: string, body?: unknown, bearer?: string) => {
    const res = await send({ method, path, body, bearer });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  };

  async function signIn(): Promise<{ cookie: string; csrf: string; token: string }> {
    const res = await send({ method: 'POST', path: '/api/v1/auth/session', body: { apiKey: A.adminApiKey }, bearer: null });
    expect(res.status).toBe(200);
    const token = /rops_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] as string;
    secrets.push(token, res.json.csrfToken);
    return { cookie: `rops_session=${token}`, csrf: res.json.csrfToken, token };
  }
  const candidate = () => ok('POST', '/api/v1/candidates', { firstName: 'Ana', lastName: `Audit ${hex(3)}`, externalId: `aud-${hex()}` });
  const position = () => ok('POST', '/api/v1/positions', { title: `Auditor ${hex()}` });
  const INTERVIEWER_HOURS = { mon: [[540, 1020]], tue: [[540, 1020]] };
  const interviewer = () => ok('POST', '/api/v1/interviewers', { name: `Auditor ${hex()}`, timeZone: 'America/New_York', workingHours: INTERVIEWER_HOURS });
  const operatorTenant = async () => {
    const res = await send({
      method: 'POST',
      path: '/api/v1/tenants',
      bearer: OPERATOR_KEY,
      body: { name: 'Audited', slug: `aud-${hex(4)}`, retellApiKey: TENANT_KEY },
    });
    expect(res.status).toBe(201);
    tenantIds.push(res.json.tenant.id);
    secrets.push(res.json.apiKey?.key ?? res.json.key ?? '');
    return res.json;
  };
  /** A candidate whose screening call booked an interview (the seed call, another call id, a future time). */
  const interview = async () => {
    const c = await candidate();
    const saved = await ok('POST', `/api/v1/candidates/${c.id}/retell-call-data`, {
      ...SEED_CALL,
      call_id: `call_${hex()}`,
      call_analysis: {
        ...SEED_CALL.call_analysis,
        custom_analysis_data: { outcome: 'Interview Scheduled', scheduled_datetime_iso: `${Y}-01-20T10:00:00-05:00`, candidate_timezone: 'Eastern' },
      },
      metadata: { recruiter: 'Emma Johnson' },
    });
    expect(saved.interview?.id).toMatch(UUID);
    return saved.interview;
  };

  const fromAnswer = (_: unknown, a: Answer) => a.json.id as string;
  const PASSWORD = 'audited person 123';
  const invite = () => ok('POST', '/api/v1/users/invitations', { email: `aud-${hex(4)}@people.test`, role: 'recruiter' });
  /** An invited person who accepted: { userId, email, cookie, csrf } */
  const person = async () => {
    const inv = await invite();
    const res = await send({
      method: 'POST',
      path: '/api/v1/auth/invitations/accept',
      body: { token: inv.token, name: 'Aud Person', password: PASSWORD },
      bearer: null,
    });
    expect(res.status).toBe(200);
    const token = /rops_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] as string;
    secrets.push(inv.token, token, res.json.csrfToken);
    return { userId: res.json.user.id as string, email: res.json.user.email as string, cookie: `rops_session=${token}`, csrf: res.json.csrfToken as string };
  };
  const fromPrep = (p: any) => p.id as string;

  /**
   * How to make each mutating operation of the OpenAPI document succeed, keyed by `METHOD path`
   * as the document spells it. A route added to the API must be added here (the first test
   * names any that is missing).
   */
  const CASES: Record<string, Case> = {
    'POST /api/v1/auth/session': {
      request: () => ({ method: 'POST', path: '/api/v1/auth/session', body: { apiKey: A.adminApiKey }, bearer: null }),
      expect: { status: 200, actor: 'owner', action: 'auth.sign_in', targetType: 'session', targetId: () => expect.stringMatching(UUID) },
    },
    'DELETE /api/v1/auth/session': {
      prep: signIn,
      request: (s) => ({ method: 'DELETE', path: '/api/v1/auth/session', cookie: s.cookie, csrf: s.csrf, bearer: null }),
      expect: {
        status: 204,
        actor: 'owner',
        action: 'auth.sign_out',
        targetType: 'session',
        targetId: () => expect.stringMatching(UUID),
      },
    },
    'POST /api/v1/tenant/retell-key': {
      request: () => ({ method: 'POST', path: '/api/v1/tenant/retell-key', body: { retellApiKey: ROTATED_KEY, overlapMinutes: 5 } }),
      expect: { status: 200, actor: 'owner', action: 'tenant.retell_key.rotate', targetType: 'tenant', targetId: () => A.tenantId },
    },
    'POST /api/v1/agents': {
      request: () => ({ method: 'POST', path: '/api/v1/agents', body: { retellAgentId: AGENTS.connect, name: 'Audit agent' } }),
      expect: { status: 201, actor: 'owner', action: 'agents.connect', targetType: 'agents', targetId: () => AGENTS.connect },
    },
    'DELETE /api/v1/agents/{agentId}': {
      prep: () => ok('POST', '/api/v1/agents', { retellAgentId: AGENTS.disconnect }),
      request: () => ({ method: 'DELETE', path: `/api/v1/agents/${AGENTS.disconnect}` }),
      expect: { status: 204, actor: 'owner', action: 'agents.disconnect', targetType: 'agents', targetId: () => AGENTS.disconnect },
    },
    'POST /api/v1/agents/{agentId}/sync': {
      prep: () => ok('POST', '/api/v1/agents', { retellAgentId: AGENTS.sync }),
      request: () => ({ method: 'POST', path: `/api/v1/agents/${AGENTS.sync}/sync` }),
      expect: { status: 200, actor: 'owner', action: 'agents.sync', targetType: 'agents', targetId: () => AGENTS.sync },
    },
    'POST /api/v1/agents/sync': {
      request: () => ({ method: 'POST', path: '/api/v1/agents/sync' }),
      expect: { status: 200, actor: 'owner', action: 'agents.sync_all', targetType: 'agents', targetId: () => null as unknown as string },
    },
    'POST /api/v1/agents/import': {
      prep: async () => {
        await ok('POST', '/api/v1/agents', { retellAgentId: AGENTS.imported });
        return ok('GET', `/api/v1/agents/${AGENTS.imported}/export`);
      },
      request: (doc) => ({ method: 'POST', path: '/api/v1/agents/import', body: doc }),
      expect: { status: 200, actor: 'owner', action: 'agents.import', targetType: 'agents', targetId: () => AGENTS.imported },
    },
    'POST /api/v1/phone-numbers/{number}/inbound-webhook': {
      request: () => ({ method: 'POST', path: `/api/v1/phone-numbers/${encodeURIComponent('+14155550100')}/inbound-webhook` }),
      expect: { status: 200, actor: 'owner', action: 'phone_numbers.inbound_webhook', targetType: 'phone_numbers', targetId: () => '+14155550100' },
    },
    'PUT /api/v1/inbound-rules': {
      request: () => ({
        method: 'PUT',
        path: '/api/v1/inbound-rules',
        body: { blockedNumbers: ['+1900*'], agentRules: [{ caller: 'known', interviewBooked: true, agentId: 'agent_audit' }] },
      }),
      expect: { status: 200, actor: 'owner', action: 'inbound_rules.update', targetType: 'inbound_rules', targetId: () => null as unknown as string },
    },
    'POST /api/v1/candidates': {
      request: () => ({ method: 'POST', path: '/api/v1/candidates', body: { firstName: 'Bo', lastName: 'Audit', externalId: `aud-${hex()}` } }),
      expect: { status: 201, actor: 'owner', action: 'candidates.create', targetType: 'candidates', targetId: fromAnswer },
    },
    'PATCH /api/v1/candidates/{id}': {
      prep: candidate,
      request: (c) => ({ method: 'PATCH', path: `/api/v1/candidates/${c.id}`, body: { firstName: 'Renamed' } }),
      expect: { status: 200, actor: 'owner', action: 'candidates.update', targetType: 'candidates', targetId: fromPrep },
    },
    'DELETE /api/v1/candidates/{id}': {
      prep: candidate,
      request: (c) => ({ method: 'DELETE', path: `/api/v1/candidates/${c.id}` }),
      expect: { status: 204, actor: 'owner', action: 'candidates.delete', targetType: 'candidates', targetId: fromPrep },
    },
    'POST /api/v1/candidates/{id}/retell-call-data': {
      prep: candidate,
      request: (c) => ({
        method: 'POST',
        path: `/api/v1/candidates/${c.id}/retell-call-data`,
        body: { ...SEED_CALL, call_id: `call_${hex()}`, metadata: { recruiter: 'Emma Johnson' } },
      }),
      expect: { status: 200, actor: 'owner', action: 'candidates.retell_call_data', targetType: 'candidates', targetId: fromPrep },
    },
    'POST /api/v1/positions': {
      request: () => ({ method: 'POST', path: '/api/v1/positions', body: { title: `Auditor ${hex()}` } }),
      expect: { status: 201, actor: 'owner', action: 'positions.create', targetType: 'positions', targetId: fromAnswer },
    },
    'PATCH /api/v1/positions/{id}': {
      prep: position,
      request: (p) => ({ method: 'PATCH', path: `/api/v1/positions/${p.id}`, body: { title: `Renamed ${hex()}` } }),
      expect: { status: 200, actor: 'owner', action: 'positions.update', targetType: 'positions', targetId: fromPrep },
    },
    'DELETE /api/v1/positions/{id}': {
      prep: position,
      request: (p) => ({ method: 'DELETE', path: `/api/v1/positions/${p.id}` }),
      expect: { status: 204, actor: 'owner', action: 'positions.delete', targetType: 'positions', targetId: fromPrep },
    },
    'POST /api/v1/interviewers': {
      request: () => ({
        method: 'POST',
        path: '/api/v1/interviewers',
        body: { name: `Auditor ${hex()}`, timeZone: 'America/New_York', workingHours: INTERVIEWER_HOURS },
      }),
      expect: { status: 201, actor: 'owner', action: 'interviewers.create', targetType: 'interviewers', targetId: fromAnswer },
    },
    'PATCH /api/v1/interviewers/{id}': {
      prep: interviewer,
      request: (i) => ({ method: 'PATCH', path: `/api/v1/interviewers/${i.id}`, body: { slotMinutes: 45 } }),
      expect: { status: 200, actor: 'owner', action: 'interviewers.update', targetType: 'interviewers', targetId: fromPrep },
    },
    'DELETE /api/v1/interviewers/{id}': {
      prep: interviewer,
      request: (i) => ({ method: 'DELETE', path: `/api/v1/interviewers/${i.id}` }),
      expect: { status: 204, actor: 'owner', action: 'interviewers.delete', targetType: 'interviewers', targetId: fromPrep },
    },
    'POST /api/v1/interviews/{id}/reschedule': {
      prep: interview,
      request: (i) => ({ method: 'POST', path: `/api/v1/interviews/${i.id}/reschedule`, body: { scheduledAt: `${Y}-01-21T10:00:00-05:00` } }),
      expect: { status: 200, actor: 'owner', action: 'interviews.reschedule', targetType: 'interviews', targetId: fromPrep },
    },
    'POST /api/v1/interviews/{id}/cancel': {
      prep: interview,
      request: (i) => ({ method: 'POST', path: `/api/v1/interviews/${i.id}/cancel` }),
      expect: { status: 200, actor: 'owner', action: 'interviews.cancel', targetType: 'interviews', targetId: fromPrep },
    },
    'POST /api/v1/api-keys': {
      request: () => ({ method: 'POST', path: '/api/v1/api-keys', body: { name: `audit ${hex(3)}`, role: 'viewer' } }),
      expect: { status: 201, actor: 'owner', action: 'api_keys.create', targetType: 'api_keys', targetId: fromAnswer },
    },
    'DELETE /api/v1/api-keys/{id}': {
      prep: async () => {
        const k = await ok('POST', '/api/v1/api-keys', { name: `revoke me ${hex(3)}`, role: 'viewer' });
        secrets.push(k.key);
        return k;
      },
      request: (k) => ({ method: 'DELETE', path: `/api/v1/api-keys/${k.id}` }),
      expect: { status: 204, actor: 'owner', action: 'api_keys.revoke', targetType: 'api_keys', targetId: fromPrep },
    },
    'POST /api/v1/calls': {
      request: () => ({ method: 'POST', path: '/api/v1/calls', body: { toNumber: '+14155550123', dynamicVariables: { first_name: 'Ana' } } }),
      expect: { status: 202, actor: 'owner', action: 'calls.create', targetType: 'calls', targetId: fromAnswer },
    },
    'DELETE /api/v1/calls/{callId}': {
      prep: () => ok('POST', '/api/v1/calls', { toNumber: '+14155550124', scheduledAt: `${Y}-02-01T10:00:00Z` }),
      request: (c) => ({ method: 'DELETE', path: `/api/v1/calls/${c.id}` }),
      expect: { status: 202, actor: 'owner', action: 'calls.cancel', targetType: 'calls', targetId: fromPrep },
    },
    'POST /api/v1/batches': {
      request: () => ({ method: 'POST', path: '/api/v1/batches', body: { name: 'audit batch', maxConcurrent: 1, targets: [{ toNumber: '+14155550125' }] } }),
      expect: { status: 201, actor: 'owner', action: 'batches.create', targetType: 'batches', targetId: fromAnswer },
    },
    'DELETE /api/v1/batches/{id}': {
      prep: () => ok('POST', '/api/v1/batches', { maxConcurrent: 1, scheduledAt: `${Y}-02-01T10:00:00Z`, targets: [{ toNumber: '+14155550126' }] }),
      request: (b) => ({ method: 'DELETE', path: `/api/v1/batches/${b.id}` }),
      expect: { status: 200, actor: 'owner', action: 'batches.cancel', targetType: 'batches', targetId: fromPrep },
    },
    'POST /api/v1/users/invitations': {
      request: () => ({ method: 'POST', path: '/api/v1/users/invitations', body: { email: `aud-${hex(4)}@people.test`, role: 'viewer' } }),
      expect: { status: 201, actor: 'owner', action: 'users.invitations.create', targetType: 'users', targetId: fromAnswer },
    },
    'DELETE /api/v1/users/invitations/{id}': {
      prep: invite,
      request: (i) => ({ method: 'DELETE', path: `/api/v1/users/invitations/${i.id}` }),
      expect: { status: 204, actor: 'owner', action: 'users.invitations.delete', targetType: 'users', targetId: fromPrep },
    },
    'PATCH /api/v1/users/{userId}': {
      prep: person,
      request: (p) => ({ method: 'PATCH', path: `/api/v1/users/${p.userId}`, body: { role: 'viewer' } }),
      expect: { status: 200, actor: 'owner', action: 'users.update', targetType: 'users', targetId: (p) => p.userId },
    },
    'DELETE /api/v1/users/{userId}': {
      prep: person,
      request: (p) => ({ method: 'DELETE', path: `/api/v1/users/${p.userId}` }),
      expect: { status: 204, actor: 'owner', action: 'users.delete', targetType: 'users', targetId: (p) => p.userId },
    },
    'POST /api/v1/auth/invitations/accept': {
      prep: invite,
      request: (i) => ({
        method: 'POST',
        path: '/api/v1/auth/invitations/accept',
        body: { token: i.token, name: 'Aud Accept', password: PASSWORD },
        bearer: null,
      }),
      expect: {
        status: 200,
        actor: 'person',
        personId: (_i, a) => a.json.user.id,
        action: 'users.invitations.accept',
        targetType: 'session',
        targetId: () => expect.stringMatching(UUID),
      },
    },
    'POST /api/v1/auth/login': {
      prep: person,
      request: (p) => ({ method: 'POST', path: '/api/v1/auth/login', body: { email: p.email, password: PASSWORD }, bearer: null }),
      expect: {
        status: 200,
        actor: 'person',
        personId: (p) => p.userId,
        action: 'auth.sign_in',
        targetType: 'session',
        targetId: () => expect.stringMatching(UUID),
      },
    },
    'POST /api/v1/auth/logout': {
      prep: person,
      request: (p) => ({ method: 'POST', path: '/api/v1/auth/logout', cookie: p.cookie, csrf: p.csrf, bearer: null }),
      expect: {
        status: 204,
        actor: 'person',
        personId: (p) => p.userId,
        action: 'auth.sign_out',
        targetType: 'session',
        targetId: () => expect.stringMatching(UUID),
      },
    },
    'PATCH /api/v1/tenant': {
      request: () => ({ method: 'PATCH', path: '/api/v1/tenant', body: { name: `Audited ${hex(3)}` } }),
      expect: { status: 200, actor: 'owner', action: 'tenant.update', targetType: 'tenant', targetId: () => A.tenantId },
    },
    'POST /api/v1/tenant/relay-secret': {
      request: () => ({ method: 'POST', path: '/api/v1/tenant/relay-secret', body: { overlapMinutes: 0 } }),
      expect: { status: 200, actor: 'owner', action: 'tenant.relay_secret.create', targetType: 'tenant', targetId: () => A.tenantId },
    },
    'DELETE /api/v1/tenant/relay-secret': {
      prep: () => ok('POST', '/api/v1/tenant/relay-secret', {}),
      request: () => ({ method: 'DELETE', path: '/api/v1/tenant/relay-secret' }),
      expect: { status: 204, actor: 'owner', action: 'tenant.relay_secret.delete', targetType: 'tenant', targetId: () => A.tenantId },
    },
    // refused by the use case (nothing to act on): still one row each, with the status
    'POST /api/v1/deliveries/{id}/replay': {
      prep: async () => ({ id: randomUUID() }),
      request: (d) => ({ method: 'POST', path: `/api/v1/deliveries/${d.id}/replay` }),
      expect: { status: 404, actor: 'owner', action: 'deliveries.replay', targetType: 'deliveries', targetId: fromPrep },
    },
    'POST /api/v1/failed-jobs/{queue}/{jobId}/retry': {
      request: () => ({ method: 'POST', path: '/api/v1/failed-jobs/call-ended.v1/no-such-job/retry' }),
      expect: { status: 404, actor: 'owner', action: 'failed_jobs.retry', targetType: 'failed_jobs', targetId: () => 'no-such-job' },
    },
    'POST /api/v1/failed-jobs/{queue}/retry': {
      request: () => ({ method: 'POST', path: '/api/v1/failed-jobs/call-ended.v1/retry', body: { limit: 10 } }),
      expect: { status: 200, actor: 'owner', action: 'failed_jobs.retry', targetType: 'failed_jobs', targetId: () => 'call-ended.v1' },
    },
    'POST /api/v1/reconcile': {
      request: () => ({ method: 'POST', path: '/api/v1/reconcile', body: { from: new Date(Date.now() - 3_600_000).toISOString() } }),
      expect: { status: 202, actor: 'owner', action: 'reconcile.create', targetType: 'reconcile', targetId: fromAnswer },
    },
    'POST /api/v1/tenants': {
      request: () => ({
        method: 'POST',
        path: '/api/v1/tenants',
        bearer: OPERATOR_KEY,
        body: { name: 'Audited', slug: `aud-${hex(4)}`, retellApiKey: TENANT_KEY, timeZone: 'UTC' },
      }),
      expect: {
        status: 201,
        actor: 'operator',
        action: 'tenants.create',
        targetType: 'tenants',
        targetId: (_p, a) => a.json.tenant.id,
        tenantId: (_p, a) => a.json.tenant.id,
      },
    },
    'PATCH /api/v1/tenants/{id}': {
      prep: operatorTenant,
      request: (t) => ({ method: 'PATCH', path: `/api/v1/tenants/${t.tenant.id}`, bearer: OPERATOR_KEY, body: { name: 'Renamed', retellApiKey: TENANT_KEY } }),
      expect: {
        status: 200,
        actor: 'operator',
        action: 'tenants.update',
        targetType: 'tenants',
        targetId: (t) => t.tenant.id,
        tenantId: (t) => t.tenant.id,
        tenantBefore: (t) => t.tenant.id,
      },
    },
  };

  beforeAll(async () => {
    const config: SimConfig = {
      gatewayUrl: 'http://127.0.0.1:9',
      apiKey: SIM_KEY,
      otherApiKeys: [TENANT_KEY, ROTATED_KEY],
      defaultAgentId: 'agent_sim_default',
      defaultFromNumber: '+14155550100',
      defaultToNumber: '+14155550123',
      historyLimit: 10,
      retellApi: { agents: Object.values(AGENTS).map((agent_id) => ({ agent_id, agent_name: `Audited ${agent_id}` })), phoneNumbers: [] },
    };
    sim = await createSimApp(config, false);
    await sim.listen(0, '127.0.0.1');
    env = testEnv({ PLATFORM_ADMIN_KEY: OPERATOR_KEY, RETELL_BASE_URL: (await sim.getUrl()).replace('[::1]', '127.0.0.1'), RETELL_API_KEY: SIM_KEY });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    A = await createTestTenant(prisma, env, 'audit-a');
    B = await createTestTenant(prisma, env, 'audit-b');
    tenantIds.push(A.tenantId, B.tenantId);
    secrets.push(A.adminApiKey, B.adminApiKey, A.retellApiKey, B.retellApiKey);
    await prisma.tenant.update({ where: { id: A.tenantId }, data: { defaultFromNumber: '+14155550100' } });
    ownerKeyId = (await prisma.apiKey.findUniqueOrThrow({ where: { keyHash: hashApiKey(A.adminApiKey) } })).id;
    viewerKey = newApiKeyToken();
    secrets.push(viewerKey);
    viewerKeyId = (await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'audit viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } })).id;
    api = await createApi(env, { bootstrapDefaultTenant: false });
    await api.listen(0, '127.0.0.1');
    base = (await api.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await api?.close();
    await sim?.close();
    if (tenantIds.length) await prisma.tenant.deleteMany({ where: { id: { in: tenantIds } } });
    await prisma?.$disconnect();
  });

  const rowsOf = (tenantId: string) => prisma.auditLog.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

  it('the table covers every mutating operation of the OpenAPI document (add a row for a new route)', async () => {
    const doc = (await send({ method: 'GET', path: '/api/docs/openapi.json', bearer: null })).json;
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops)
        .map((m) => m.toUpperCase())
        .filter((m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m))
        .map((m) => `${m} ${path}`),
    );
    const missing = operations.filter((op) => !CASES[op]);
    const stale = Object.keys(CASES).filter((op) => !operations.includes(op));
    expect({ missingFromTheTable: missing, notInTheDocument: stale }).toEqual({ missingFromTheTable: [], notInTheDocument: [] });
  });

  it.each(Object.keys(CASES))('%s writes exactly one row with its actor, action and target', async (op) => {
    const c = CASES[op];
    const prep = c.prep ? await c.prep() : undefined;
    const call = c.request(prep);
    // the tenant is known before the request except when the request creates it
    const knownTenant = c.expect.tenantBefore?.(prep) ?? (c.expect.tenantId ? undefined : A.tenantId);
    const before = knownTenant ? (await rowsOf(knownTenant)).length : 0;
    const answer = await send(call);
    expect({ op, status: answer.status, body: answer.status !== c.expect.status ? answer.json : undefined }).toEqual({
      op,
      status: c.expect.status,
      body: undefined,
    });
    const tenantId = c.expect.tenantId ? c.expect.tenantId(prep, answer) : A.tenantId;
    const rows = (await rowsOf(tenantId)).slice(before);
    const mine = rows.filter((r) => r.action === c.expect.action);
    expect(rows).toHaveLength(1);
    const actor = {
      owner: { actorType: 'api_key', actorId: ownerKeyId, actorLabel: expect.stringContaining('admin') },
      operator: { actorType: 'platform_operator', actorId: 'platform', actorLabel: 'platform operator' },
      person: { actorType: 'user', actorId: c.expect.personId?.(prep, answer), actorLabel: expect.stringContaining('@people.test') },
    }[c.expect.actor];
    expect(mine[0]).toMatchObject({
      ...actor,
      action: c.expect.action,
      targetType: c.expect.targetType,
      targetId: c.expect.targetId(prep, answer),
      status: c.expect.status,
      method: call.method,
      route: op.split(' ')[1].replace(/\{(\w+)\}/g, ':$1'),
      ip: expect.any(String),
      requestId: expect.any(String),
    });
  });

  it('a viewer trying to place a call: 403, recorded with the viewer as actor and nothing dialled', async () => {
    const before = (await rowsOf(A.tenantId)).length;
    const requests = await prisma.dialRequest.count({ where: { tenantId: A.tenantId } });
    const res = await send({ method: 'POST', path: '/api/v1/calls', bearer: viewerKey, body: { toNumber: '+14155550127' } });
    expect(res.status).toBe(403);
    const rows = (await rowsOf(A.tenantId)).slice(before);
    expect(rows).toEqual([
      expect.objectContaining({
        actorType: 'api_key',
        actorId: viewerKeyId,
        actorLabel: 'audit viewer',
        action: 'calls.create',
        targetType: 'calls',
        targetId: null,
        status: 403,
        summary: { toNumber: '+14155550127' },
      }),
    ]);
    expect(await prisma.dialRequest.count({ where: { tenantId: A.tenantId } })).toBe(requests);
  });

  it('a viewer revoking a key: 403 recorded with the key it targeted', async () => {
    const before = (await rowsOf(A.tenantId)).length;
    const res = await send({ method: 'DELETE', path: `/api/v1/api-keys/${ownerKeyId}`, bearer: viewerKey });
    expect(res.status).toBe(403);
    expect((await rowsOf(A.tenantId)).slice(before)).toEqual([
      expect.objectContaining({ actorId: viewerKeyId, action: 'api_keys.revoke', targetId: ownerKeyId, status: 403 }),
    ]);
  });

  it('bad input: 400, recorded with its status and the fields sent; nothing created', async () => {
    const before = (await rowsOf(A.tenantId)).length;
    const res = await asOwner('POST', '/api/v1/calls', { toNumber: '415-555-0123' });
    expect(res.status).toBe(400);
    expect((await rowsOf(A.tenantId)).slice(before)).toEqual([
      expect.objectContaining({ actorId: ownerKeyId, action: 'calls.create', status: 400, targetId: null, summary: { toNumber: '415-555-0123' } }),
    ]);
  });

  it('a use case refusing (404 for an unknown id) is recorded with its status', async () => {
    const before = (await rowsOf(A.tenantId)).length;
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await asOwner('DELETE', `/api/v1/batches/${missing}`)).status).toBe(404);
    expect((await rowsOf(A.tenantId)).slice(before)).toEqual([expect.objectContaining({ action: 'batches.cancel', targetId: missing, status: 404 })]);
  });

  it('no key (401), an unknown key and a failed sign-in write nothing; reads write nothing', async () => {
    const before = (await rowsOf(A.tenantId)).length;
    const bogus = `rops_${hex(20)}`;
    secrets.push(bogus);
    expect((await send({ method: 'POST', path: '/api/v1/calls', bearer: null, body: { toNumber: '+14155550128' } })).status).toBe(401);
    expect((await send({ method: 'POST', path: '/api/v1/calls', bearer: bogus, body: { toNumber: '+14155550128' } })).status).toBe(401);
    expect((await send({ method: 'POST', path: '/api/v1/auth/session', bearer: null, body: { apiKey: bogus } })).status).toBe(401);
    expect((await asOwner('GET', '/api/v1/calls')).status).toBe(200);
    expect((await rowsOf(A.tenantId)).length).toBe(before);
    expect(await prisma.auditLog.count({ where: { tenantId: null, route: { in: ['/api/v1/calls', '/api/v1/auth/session'] } } })).toBe(0);
  });

  it('a failed audit write loses neither the change nor the answer', async () => {
    const label = `no-audit-${hex()}`;
    const key = newApiKeyToken();
    secrets.push(key);
    await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: label, keyHash: hashApiKey(key), role: 'admin' } });
    const fn = `audit_fail_${hex()}`;
    // A real PostgreSQL refusal of exactly this key's rows (other suites' rows are untouched).
    await prisma.$executeRawUnsafe(
      `CREATE FUNCTION "${fn}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW."actorLabel" LIKE '${label}%' THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END; $$`,
    );
    await prisma.$executeRawUnsafe(`CREATE TRIGGER "${fn}" BEFORE INSERT ON "AuditLog" FOR EACH ROW EXECUTE FUNCTION "${fn}"()`);
    try {
      const res = await send({
        method: 'POST',
        path: '/api/v1/candidates',
        bearer: key,
        body: { firstName: 'Kept', lastName: 'Anyway', externalId: `kept-${hex()}` },
      });
      expect(res.status).toBe(201);
      expect(await prisma.candidate.findUnique({ where: { id: res.json.id } })).not.toBeNull();
      expect(await prisma.auditLog.count({ where: { actorLabel: { startsWith: label } } })).toBe(0);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER "${fn}" ON "AuditLog"`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION "${fn}"()`);
    }
  });

  it('PostgreSQL refuses UPDATE, DELETE and TRUNCATE of audit rows', async () => {
    const [row] = await rowsOf(A.tenantId);
    expect(row).toBeDefined();
    await expect(prisma.$executeRaw`UPDATE "AuditLog" SET "action" = 'tampered' WHERE "id" = ${row.id}::uuid`).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRaw`DELETE FROM "AuditLog" WHERE "id" = ${row.id}::uuid`).rejects.toThrow(/append-only/);
    await expect(prisma.auditLog.deleteMany({ where: { tenantId: A.tenantId } })).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe('TRUNCATE "AuditLog"')).rejects.toThrow(/append-only/);
    expect(await prisma.auditLog.findUnique({ where: { id: row.id } })).toMatchObject({ action: row.action });
  });

  describe('GET /api/v1/audit', () => {
    const list = async (query: string, bearer = A.adminApiKey) => send({ method: 'GET', path: `/api/v1/audit${query}`, bearer });

    it('newest first, every row once across pages, the shape documented', async () => {
      const all = await rowsOf(A.tenantId);
      const seen: any[] = [];
      let cursor: string | null = null;
      do {
        const res = await list(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.json.data);
        cursor = res.json.nextCursor;
      } while (cursor);
      expect(seen.map((e) => e.id)).toEqual([...all].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((r) => r.id));
      expect(seen.find((e) => e.action === 'calls.create' && e.summary?.toNumber === '+14155550123')).toMatchObject({
        actor: { type: 'api_key', id: ownerKeyId, label: expect.any(String) },
        target: { type: 'calls', id: expect.stringMatching(UUID) },
        summary: { toNumber: '+14155550123', dynamicVariables: { first_name: 'Ana' } },
        status: 202,
        method: 'POST',
        route: '/api/v1/calls',
        at: expect.any(String),
      });
    });

    it.each([
      ['action', (r: AuditLog) => r.action === 'calls.create', '?action=calls.create'],
      ['action prefix', (r: AuditLog) => r.action.startsWith('candidates.'), '?action=candidates.'],
      ['status 403', (r: AuditLog) => r.status === 403, '?status=403'],
      ['actor', (r: AuditLog) => r.actorType === 'api_key' && r.actorId === viewerKeyId, () => `?actorType=api_key&actorId=${viewerKeyId}`],
      ['target type', (r: AuditLog) => r.targetType === 'session', '?targetType=session'],
      ['target', (r: AuditLog) => r.targetType === 'tenant' && r.targetId === A.tenantId, () => `?targetType=tenant&targetId=${A.tenantId}`],
    ])('filter by %s', async (_name, keep, query) => {
      const expected = (await rowsOf(A.tenantId)).filter(keep).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(0);
      const res = await list(`${typeof query === 'function' ? query() : query}&limit=200`);
      expect(res.status).toBe(200);
      expect(res.json.data.map((e: { id: string }) => e.id).sort()).toEqual(expected.sort());
    });

    it('from/to bound the time', async () => {
      const rows = await rowsOf(A.tenantId);
      const mid = rows[Math.floor(rows.length / 2)].createdAt;
      const later = (await list(`?from=${mid.toISOString()}&limit=200`)).json.data;
      const earlier = (await list(`?to=${mid.toISOString()}&limit=200`)).json.data;
      expect(later.length + earlier.length).toBe(rows.length);
      expect(later.every((e: { at: string }) => e.at >= mid.toISOString())).toBe(true);
      expect(earlier.every((e: { at: string }) => e.at < mid.toISOString())).toBe(true);
    });

    it('bad filters → 400; a viewer → 403; tenant B sees none of A rows', async () => {
      expect((await list('?status=99')).status).toBe(400);
      expect((await list('?actorType=robot')).status).toBe(400);
      expect((await list('?cursor=nonsense')).status).toBe(400);
      expect((await list('?from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z')).status).toBe(400);
      expect((await list('', viewerKey)).status).toBe(403);
      const b = await list('?limit=200', B.adminApiKey);
      expect(b.status).toBe(200);
      expect(b.json.data.filter((e: { actor: { id: string } }) => e.actor.id === ownerKeyId)).toEqual([]);
    });

    it('the document lists it with its permission', async () => {
      const doc = (await send({ method: 'GET', path: '/api/docs/openapi.json', bearer: null })).json;
      expect(doc.paths['/api/v1/audit'].get['x-permission']).toBe('audit:read');
    });
  });

  describe('who created', () => {
    it('calls and batches show createdBy: the key that placed them; a webhook-only call shows null', async () => {
      const placed = await ok('POST', '/api/v1/calls', { toNumber: '+14155550129' });
      const detail = await ok('GET', `/api/v1/calls/${placed.id}`);
      const owner = { type: 'api_key', id: ownerKeyId, label: expect.stringContaining('admin') };
      expect(detail.createdBy).toEqual(owner);
      const listed = await ok('GET', '/api/v1/calls?limit=200');
      expect(listed.data.find((c: { id: string }) => c.id === placed.id).createdBy).toEqual(owner);

      const batch = await ok('POST', '/api/v1/batches', { maxConcurrent: 1, targets: [{ toNumber: '+14155550130' }] });
      expect(batch.createdBy).toEqual(owner);
      expect((await ok('GET', `/api/v1/batches/${batch.id}`)).createdBy).toEqual(owner);
      const requests = await prisma.dialRequest.findMany({ where: { batchId: batch.id } });
      expect(requests.map((r) => [r.createdByType, r.createdById])).toEqual([['api_key', ownerKeyId]]);

      // a call known only from Retell's webhooks (as the call worker keeps it) has no creator
      const inbound = await prisma.call.create({ data: { tenantId: A.tenantId, retellCallId: `call_in_${hex()}`, direction: 'inbound' } });
      expect((await ok('GET', `/api/v1/calls/${inbound.id}`)).createdBy).toBeNull();
    });

    it('a call placed through a session shows the same key', async () => {
      const s = await signIn();
      const res = await send({ method: 'POST', path: '/api/v1/calls', bearer: null, cookie: s.cookie, csrf: s.csrf, body: { toNumber: '+14155550131' } });
      expect(res.status).toBe(202);
      expect((await ok('GET', `/api/v1/calls/${res.json.id}`)).createdBy).toMatchObject({ type: 'api_key', id: ownerKeyId });
    });
  });

  it('no secret appears in any audit row (keys, tokens, cookies, CSRF tokens, Retell keys)', async () => {
    const rows = await prisma.auditLog.findMany({ where: { tenantId: { in: tenantIds } } });
    expect(rows.length).toBeGreaterThan(20);
    const text = JSON.stringify(rows);
    const found = secrets.filter((s) => s && text.includes(s));
    expect(found).toEqual([]);
    // the fields that held them are there, redacted
    expect(rows.find((r) => r.action === 'tenant.retell_key.rotate')?.summary).toEqual({ retellApiKey: '[redacted]', overlapMinutes: 5 });
    expect(rows.find((r) => r.action === 'auth.sign_in')?.summary).toEqual({ apiKey: '[redacted]' });
  });
});
