import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiKey } from '@retell-ops/config';
import { createPrismaClient, PgPool, type PrismaClient } from '@retell-ops/db';
import { Calls } from '@retell-ops/call-records';
import { createApi } from '../../apps/api/src/create-api';
import { lifecycle } from '../support/payloads';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/**
 * The dashboard's session (apps/api/src/auth): sign-in with an API key sets an httpOnly cookie
 * backed by a Session row; the cookie authenticates reads, writes need X-CSRF-Token; logout and
 * key revocation end it. Also the read-only routes the dashboard added (deliveries, agents with
 * their last call, phone search) and the SPA fallback beside the JSON routes.
 */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: () => any;
}

describe('dashboard session and views (apps/api)', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let pool: PgPool;
  let app: NestFastifyApplication;
  let base: string;
  let A: TestTenant;
  let B: TestTenant;
  let viewerKey: string;
  let lifeA: ReturnType<typeof lifecycle>;

  async function request(
    method: string,
    path: string,
    opts: { cookie?: string; csrf?: string; bearer?: string; body?: unknown; accept?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    if (opts.accept) headers.accept = opts.accept;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  }

  /** Signs in; answers the cookie pair to send back and the body. */
  async function signIn(apiKey: string): Promise<{ cookie: string; setCookie: string; body: any }> {
    const res = await request('POST', '/api/v1/auth/session', { body: { apiKey } });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    return { cookie: setCookie.split(';')[0], setCookie, body: res.json() };
  }

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 2 });
    A = await createTestTenant(prisma, env, 'dash-a');
    B = await createTestTenant(prisma, env, 'dash-b');
    viewerKey = `rops_${randomBytes(20).toString('hex')}`;
    await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    lifeA = lifecycle(A.agentId);
    const recorder = new Calls(pool);
    for (const event of ['call_started', 'call_ended'] as const) {
      await recorder.recordDeliveryAlone({ tenantId: A.tenantId, event, callId: lifeA.callId, receivedAt: Date.now(), body: JSON.stringify(lifeA[event]) });
    }
  });

  afterAll(async () => {
    await app?.close();
    await prisma.tenant.deleteMany({ where: { id: { in: [A?.tenantId, B?.tenantId].filter(Boolean) } } });
    await prisma.$disconnect();
    await pool.end();
  });

  it('signs in with an API key: body, and a cookie httpOnly, SameSite=Strict, Path=/, with a Max-Age (not Secure under NODE_ENV=test)', async () => {
    const { setCookie, body } = await signIn(A.adminApiKey);
    expect(body).toEqual({
      tenant: { id: A.tenantId, name: expect.any(String), slug: A.slug },
      role: 'owner',
      permissions: expect.arrayContaining(['users:manage', 'calls:write']),
      csrfToken: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now() + 11 * 3_600_000);
    expect(setCookie).toMatch(/^rops_session=[A-Za-z0-9_-]{40,};/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(setCookie).toMatch(/;\s*Path=\/(;|$)/);
    expect(setCookie).toMatch(/;\s*Max-Age=43200/);
    expect(setCookie).not.toMatch(/Secure/i);
  });

  it('stores only a hash of the cookie value', async () => {
    const { cookie } = await signIn(A.adminApiKey);
    const token = cookie.split('=')[1];
    const rows = await prisma.session.findMany({ where: { tenantId: A.tenantId } });
    expect(rows.some((r) => r.tokenHash === hashApiKey(token))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('the cookie authenticates GETs of the API and of the session itself', async () => {
    const { cookie, body } = await signIn(A.adminApiKey);
    const calls = await request('GET', '/api/v1/calls', { cookie });
    expect(calls.status).toBe(200);
    expect(calls.json().data.map((c: any) => c.callId)).toContain(lifeA.callId);
    const me = await request('GET', '/api/v1/auth/session', { cookie });
    expect(me.status).toBe(200);
    expect(me.json()).toEqual(body);
  });

  it('GET /api/v1/auth/session without a cookie, or with an unknown one, is 401', async () => {
    expect((await request('GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await request('GET', '/api/v1/auth/session', { cookie: 'rops_session=nope' })).status).toBe(401);
    expect((await request('GET', '/api/v1/calls', { cookie: 'rops_session=nope' })).status).toBe(401);
  });

  it('refuses a cookie-authenticated write without the CSRF token, or with a wrong one (403), and accepts it with the token', async () => {
    const { cookie, body } = await signIn(A.adminApiKey);
    // A write that needs no Retell (creating an agent asks Retell first; see agents-api.test.ts).
    const position = { title: `CSRF check ${randomBytes(4).toString('hex')}` };
    const none = await request('POST', '/api/v1/positions', { cookie, body: position });
    expect(none.status).toBe(403);
    expect(none.json().message).toMatch(/missing X-CSRF-Token/);
    const wrong = await request('POST', '/api/v1/positions', { cookie, csrf: 'x'.repeat(32), body: position });
    expect(wrong.status).toBe(403);
    expect(wrong.json().message).toMatch(/wrong X-CSRF-Token/);
    expect(await prisma.position.count({ where: { title: position.title } })).toBe(0);
    const ok = await request('POST', '/api/v1/positions', { cookie, csrf: body.csrfToken, body: position });
    expect(ok.status).toBe(201);
  });

  it('a bearer request needs no CSRF token', async () => {
    const res = await request('POST', '/api/v1/positions', { bearer: A.adminApiKey, body: { title: `Bearer check ${randomBytes(4).toString('hex')}` } });
    expect(res.status).toBe(201);
  });

  it('a viewer session reads, and is refused writes even with the token', async () => {
    const { cookie, body } = await signIn(viewerKey);
    expect(body.role).toBe('viewer');
    expect((await request('GET', '/api/v1/calls', { cookie })).status).toBe(200);
    const res = await request('POST', '/api/v1/calls', { cookie, csrf: body.csrfToken, body: { toNumber: '+14155550123' } });
    expect(res.status).toBe(403);
  });

  it('logout (204) ends the session server-side: the same cookie is refused afterwards', async () => {
    const { cookie, body } = await signIn(A.adminApiKey);
    expect((await request('DELETE', '/api/v1/auth/session', { cookie })).status).toBe(403); // CSRF applies to logout too
    const out = await request('DELETE', '/api/v1/auth/session', { cookie, csrf: body.csrfToken });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^rops_session=;/);
    expect((await request('GET', '/api/v1/calls', { cookie })).status).toBe(401);
    expect((await request('GET', '/api/v1/auth/session', { cookie })).status).toBe(401);
    const row = await prisma.session.findUnique({ where: { tokenHash: hashApiKey(cookie.split('=')[1]) } });
    expect(row?.revokedAt).toBeInstanceOf(Date);
  });

  it('revoking the API key ends the sessions made from it at once', async () => {
    const key = `rops_${randomBytes(20).toString('hex')}`;
    const made = await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'to revoke', keyHash: hashApiKey(key), role: 'admin' } });
    const { cookie } = await signIn(key);
    expect((await request('GET', '/api/v1/calls', { cookie })).status).toBe(200);
    await prisma.apiKey.update({ where: { id: made.id }, data: { revokedAt: new Date() } });
    expect((await request('GET', '/api/v1/calls', { cookie })).status).toBe(401);
    expect((await request('GET', '/api/v1/auth/session', { cookie })).status).toBe(401);
    expect((await request('POST', '/api/v1/auth/session', { body: { apiKey: key } })).status).toBe(401);
  });

  it('an expired session is refused', async () => {
    const { cookie } = await signIn(A.adminApiKey);
    await prisma.session.update({ where: { tokenHash: hashApiKey(cookie.split('=')[1]) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await request('GET', '/api/v1/calls', { cookie })).status).toBe(401);
  });

  it.each([
    ['no body', undefined],
    ['an empty key', { apiKey: '' }],
    ['a number', { apiKey: 42 }],
    ['an unknown field', { apiKey: 'x', extra: 1 }],
  ])('sign-in with %s is 400 with a reason', async (_name, body) => {
    const res = await request('POST', '/api/v1/auth/session', { body: body ?? {} });
    expect(res.status).toBe(400);
    expect([res.json().message].flat().join(' ')).toMatch(/apiKey|extra/);
  });

  it('sign-in with a wrong key is 401 and sets no cookie', async () => {
    const res = await request('POST', '/api/v1/auth/session', { body: { apiKey: 'rops_wrong' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it("a session sees only its own tenant's calls", async () => {
    const { cookie } = await signIn(B.adminApiKey);
    const res = await request('GET', '/api/v1/calls', { cookie });
    expect(res.json().data.map((c: any) => c.callId)).not.toContain(lifeA.callId);
    expect((await request('GET', `/api/v1/calls/${lifeA.callId}`, { cookie })).status).toBe(404);
  });

  it("GET /api/v1/calls/:callId/deliveries lists the call's deliveries, 404 for another tenant", async () => {
    const res = await request('GET', `/api/v1/calls/${lifeA.callId}/deliveries`, { bearer: A.adminApiKey });
    expect(res.status).toBe(200);
    expect(res.json().map((d: any) => d.event)).toEqual(['call_started', 'call_ended']);
    for (const d of res.json()) {
      expect(Date.parse(d.receivedAt)).not.toBeNaN();
      expect(Date.parse(d.processedAt)).not.toBeNaN();
    }
    expect((await request('GET', `/api/v1/calls/${lifeA.callId}/deliveries`, { bearer: B.adminApiKey })).status).toBe(404);
    expect((await request('GET', `/api/v1/calls/${lifeA.callId}/deliveries`)).status).toBe(401);
  });

  it('GET /api/v1/agents/activity gives each agent with its latest call', async () => {
    const res = await request('GET', '/api/v1/agents/activity', { bearer: A.adminApiKey });
    expect(res.status).toBe(200);
    const mine = res.json().find((a: any) => a.retellAgentId === A.agentId);
    expect(mine.lastCall).toMatchObject({ callId: lifeA.callId, status: expect.any(String) });
    const theirs = await request('GET', '/api/v1/agents/activity', { bearer: B.adminApiKey });
    expect(theirs.json().map((a: any) => a.retellAgentId)).not.toContain(A.agentId);
    expect(theirs.json().find((a: any) => a.retellAgentId === B.agentId).lastCall).toBeNull();
  });

  it('GET /api/v1/calls?phone= finds calls by a part of either number; a bad value is 400', async () => {
    const call = await prisma.call.findFirstOrThrow({ where: { tenantId: A.tenantId, retellCallId: lifeA.callId } });
    const digits = (call.toNumber ?? call.fromNumber)!.slice(-6);
    const hit = await request('GET', `/api/v1/calls?phone=${digits}`, { bearer: A.adminApiKey });
    expect(hit.json().data.map((c: any) => c.callId)).toContain(lifeA.callId);
    const miss = await request('GET', '/api/v1/calls?phone=000000000', { bearer: A.adminApiKey });
    expect(miss.json().data.map((c: any) => c.callId)).not.toContain(lifeA.callId);
    const bad = await request('GET', '/api/v1/calls?phone=abc', { bearer: A.adminApiKey });
    expect(bad.status).toBe(400);
    expect(bad.json().message.join(' ')).toMatch(/phone must be/);
  });

  it('the OpenAPI document lists the new routes', async () => {
    const paths = Object.keys((await request('GET', '/api/docs/openapi.json')).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/auth/session', '/api/v1/calls/{callId}/deliveries', '/api/v1/agents/activity']));
  });

  it('serves the SPA for HTML navigations outside /api, and leaves JSON routes alone', async () => {
    const page = await request('GET', '/calls/some-call', { accept: 'text/html,application/xhtml+xml' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('<div id="root">');
    const asset = page.text.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeDefined();
    const js = await request('GET', asset!);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    // An unknown API path is still the API's JSON 404, even for a browser.
    const api404 = await request('GET', '/api/v1/nothing-here', { accept: 'text/html' });
    expect(api404.status).toBe(404);
    expect(api404.headers.get('content-type')).toMatch(/json/);
    // A non-HTML client gets the JSON 404 outside /api too.
    expect((await request('GET', '/calls/some-call', { accept: 'application/json' })).status).toBe(404);
    expect((await request('GET', '/health', { accept: 'text/html' })).headers.get('content-type')).toMatch(/json/);
  });
});
