import { randomBytes } from 'node:crypto';
import { call, sessionOf, type Caller } from '../support/api-client';
import { simNumber, startDialerStack, type DialerStack } from '../support/dialer-stack';
import { openSse, type SseClient } from '../support/sse';
import { waitFor } from '../support/wait';

/**
 * Issue 13's acceptance, end to end on the platform's own processes (API, gateway, call worker,
 * dialer worker, simulator): the platform operator creates tenant B with its own Retell account
 * (a key of another simulated workspace, which signs B's webhooks); B's owner signs in with a
 * password, invites a recruiter, connects an agent (an unknown one 422, A's 409, its own 201);
 * a call on B's agent lands in B only, and A never sees it through any route or its event stream.
 */
const hex = (n = 6) => randomBytes(n).toString('hex');
const OPERATOR_KEY = `op_${hex(20)}`;
const B_RETELL_KEY = `key_test_workspace_b_${hex()}`;
const B_AGENT = `agent_b_${hex()}`;
const PASSWORD = 'tenant b owner 123';

describe('onboarding a second tenant: operator, people, agents, isolation (issue 13)', () => {
  let stack: DialerStack;
  let base: string;
  let a: Caller;
  let slugB: string;
  let ownerKeyB: string;
  let owner: Caller;
  let recruiter: Caller;
  let aEvents: SseClient;
  const api = (caller: Caller, method: string, path: string, body?: unknown) => call(base, method, path, caller, body);

  beforeAll(async () => {
    stack = await startDialerStack({
      envOverrides: { PLATFORM_ADMIN_KEY: OPERATOR_KEY },
      simVars: { RETELL_SIM_WORKSPACE_KEYS: B_RETELL_KEY, RETELL_SIM_AGENTS: B_AGENT },
    });
    base = `http://127.0.0.1:${stack.env.API_PORT}`;
    a = { bearer: stack.env.ADMIN_API_KEY };
    // A watches its event stream from before B exists to the end
    aEvents = await openSse(`${base}/api/v1/events`, { authorization: `Bearer ${stack.env.ADMIN_API_KEY}` });
    expect(aEvents.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    aEvents?.close();
    await stack?.stop();
  });

  it('the platform operator creates tenant B after Retell accepts its key; a tenant key may not', async () => {
    slugB = `tenant-b-${hex(3)}`;
    const body = { name: 'Tenant B', slug: slugB, retellApiKey: B_RETELL_KEY, defaultFromNumber: stack.env.DEFAULT_FROM_NUMBER, timeZone: 'Europe/London' };
    expect((await api(a, 'POST', '/api/v1/tenants', body)).status).toBe(403);
    expect((await api({ bearer: OPERATOR_KEY }, 'POST', '/api/v1/tenants', { ...body, retellApiKey: 'key_test_nobody_knows' })).status).toBe(422);
    const created = await api({ bearer: OPERATOR_KEY }, 'POST', '/api/v1/tenants', body);
    expect(created.status).toBe(201);
    expect(created.json.apiKey.role).toBe('owner');
    ownerKeyB = created.json.apiKey.key;
  });

  it("B's owner signs in with a password and invites a recruiter, who signs in", async () => {
    // the first key (given to B's owner by the operator) invites the owner in person
    const ownerInvite = await api({ bearer: ownerKeyB }, 'POST', '/api/v1/users/invitations', { email: `owner@${slugB}.test`, role: 'owner' });
    expect(ownerInvite.status).toBe(201);
    expect((await api({}, 'POST', '/api/v1/auth/invitations/accept', { token: ownerInvite.json.token, name: 'Bea Owner', password: PASSWORD })).status).toBe(
      200,
    );
    const login = await api({}, 'POST', '/api/v1/auth/login', { email: `owner@${slugB}.test`, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({ tenant: { slug: slugB }, role: 'owner' });
    owner = sessionOf(login);

    const invite = await api(owner, 'POST', '/api/v1/users/invitations', { email: `recruiter@${slugB}.test`, role: 'recruiter' });
    expect(invite.status).toBe(201);
    const accepted = await api({}, 'POST', '/api/v1/auth/invitations/accept', {
      token: invite.json.token,
      name: 'Rex Recruiter',
      password: 'recruiter pass 123',
    });
    expect(accepted.status).toBe(200);
    recruiter = sessionOf(accepted);
    expect((await api(recruiter, 'GET', '/api/v1/me')).json).toMatchObject({ role: 'recruiter', tenant: { slug: slugB } });
    expect((await api(recruiter, 'POST', '/api/v1/batches', { maxConcurrent: 1, targets: [simNumber('0')] })).status).toBe(403);
    const members = await api(owner, 'GET', '/api/v1/users');
    expect(JSON.stringify(members.json)).toContain(`recruiter@${slugB}.test`);
  });

  it('connecting agents: an unknown one 422 (Retell refuses), A’s 409, its own 201', async () => {
    expect((await api(owner, 'POST', '/api/v1/agents', { retellAgentId: `agent_nobody_${hex()}` })).status).toBe(422);
    expect((await api(owner, 'POST', '/api/v1/agents', { retellAgentId: stack.env.DEFAULT_AGENT_ID })).status).toBe(409);
    const connected = await api(owner, 'POST', '/api/v1/agents', { retellAgentId: B_AGENT });
    expect(connected.status).toBe(201);
    expect(connected.json).toMatchObject({ retellAgentId: B_AGENT, connected: true });
  });

  it("a call on B's agent lands only in B; A never sees it, by any route or its event stream", async () => {
    const bEvents = await openSse(`${base}/api/v1/events`, { cookie: owner.cookie! });
    expect(bEvents.status).toBe(200);
    const placed = await api(owner, 'POST', '/api/v1/calls', { toNumber: simNumber('0'), agentId: B_AGENT });
    expect(placed.status).toBe(202);
    const id = placed.json.id as string;
    const done = await waitFor(
      async () => {
        const c = await api(owner, 'GET', `/api/v1/calls/${id}`);
        return c.json?.status === 'completed' && c.json.summary ? c.json : undefined;
      },
      { what: "B's call completed and analysed (its webhooks verified with B's key)", timeoutMs: 60_000 },
    );
    const retellCallId = done.callId as string;
    expect(retellCallId).toMatch(/^call_/);
    const row = await stack.prisma.call.findUniqueOrThrow({ where: { id } });
    expect(row.tenantId).not.toBe(stack.tenantId);
    expect(await stack.prisma.call.count({ where: { retellCallId } })).toBe(1);
    expect(await stack.prisma.callEvent.count({ where: { tenantId: stack.tenantId, call: { retellCallId } } })).toBe(0);

    // A, through every route that could show it
    for (const path of [`/api/v1/calls/${id}`, `/api/v1/calls/${id}/deliveries`, `/api/v1/agents/${B_AGENT}`]) {
      expect({ path, status: (await api(a, 'GET', path)).status }).toEqual({ path, status: 404 });
    }
    for (const path of [
      '/api/v1/calls?limit=100',
      `/api/v1/calls?phone=${encodeURIComponent(done.toNumber)}`,
      '/api/v1/agents',
      '/api/v1/agents/activity',
      '/api/v1/stats',
      `/api/v1/deliveries?callId=${retellCallId}`,
      '/api/v1/audit?limit=100',
      '/api/v1/users',
    ]) {
      const res = await api(a, 'GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      for (const secret of [id, retellCallId, B_AGENT, slugB]) expect({ path, leaks: res.text.includes(secret) }).toEqual({ path, leaks: false });
    }
    expect(await api(a, 'DELETE', `/api/v1/calls/${id}`).then((r) => r.status)).toBe(404);

    // B sees it, and its own event stream would have carried it; A's stream never did
    expect((await api(recruiter, 'GET', '/api/v1/calls?limit=100')).text).toContain(id);
    await bEvents.take(1, (e) => e.data.includes(id));
    bEvents.close();
    const aRaw = aEvents.raw();
    for (const secret of [id, retellCallId, B_AGENT]) expect(aRaw.includes(secret)).toBe(false);
  }, 90_000);
});
