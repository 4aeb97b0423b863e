import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppEnv } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { createApi } from '../../apps/api/src/create-api';
import { bearerApi } from '../support/http';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';

// Issue 13 item 9: abuse limits counted in Redis (so they hold across API processes), security
// headers, CORS from CORS_ORIGINS, the API docs off under production unless SWAGGER_ENABLED.

const url = (base: string) => base.replace('[::1]', '127.0.0.1');
const API_LIMIT = 6;
const CALL_CREATE_LIMIT = 2;
const AUTH_LIMIT = 3;
const ALLOWED_ORIGIN = 'https://ops.example.com';

describe('abuse limits, security headers, CORS, Swagger switch (apps/api)', () => {
  let env: AppEnv;
  let prisma: PrismaClient;
  const apps: NestFastifyApplication[] = [];
  let base1: string;
  let base2: string;
  let A: TestTenant;
  let second: AppProcess | undefined;
  const tenants: string[] = [];
  const bootSlug = `limits-boot-${randomBytes(4).toString('hex')}`;

  const start = async (e: AppEnv): Promise<string> => {
    const app = await createApi(e, { bootstrapDefaultTenant: false });
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    return url(await app.getUrl());
  };
  const newKey = async (role = 'admin') =>
    (await bearerApi(() => base1, A.adminApiKey)('POST', '/api/v1/api-keys', { name: `k ${randomBytes(3).toString('hex')}`, role })).json.key as string;

  beforeAll(async () => {
    // Two API processes' worth of apps on one Redis, one key prefix: what two replicas share.
    env = testEnv({
      API_RATE_LIMIT_PER_MINUTE: String(API_LIMIT),
      CALL_CREATE_RATE_LIMIT_PER_MINUTE: String(CALL_CREATE_LIMIT),
      AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_LIMIT),
      CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://admin.example.com`,
    });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    A = await createTestTenant(prisma, env, 'limits');
    tenants.push(A.tenantId);
    base1 = await start(env);
    // the second API is a process of its own (the built app), sharing only Redis and PostgreSQL
    const port = await freePort();
    second = await startApp(
      'api',
      {
        ...envVars(env),
        API_PORT: String(port),
        DEFAULT_TENANT_SLUG: bootSlug,
        DEFAULT_AGENT_ID: `agent_${bootSlug}`,
        ADMIN_API_KEY: `rops_${randomBytes(20).toString('hex')}`,
      },
      /listening on/,
    );
    base2 = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await second?.stop();
    await prisma.tenant.deleteMany({ where: { OR: [{ id: { in: tenants } }, { slug: bootSlug }] } });
    await prisma.$disconnect();
  }, 120_000);

  it('counts one key across two API processes sharing Redis: the request over the limit is 429 with Retry-After and the reason, on either', async () => {
    const key = await newKey();
    const statuses: number[] = [];
    for (let i = 0; i < API_LIMIT; i++) {
      const res = await fetch(`${i % 2 ? base2 : base1}/api/v1/calls`, { headers: { authorization: `Bearer ${key}` } });
      statuses.push(res.status);
    }
    expect(statuses).toEqual(Array(API_LIMIT).fill(200));
    for (const base of [base1, base2]) {
      const res = await fetch(`${base}/api/v1/calls`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await res.json()).toMatchObject({ statusCode: 429, code: 'rate_limited', message: expect.stringContaining('API_RATE_LIMIT_PER_MINUTE') });
    }
    // another key of the same tenant has its own count
    expect((await fetch(`${base2}/api/v1/calls`, { headers: { authorization: `Bearer ${await newKey()}` } })).status).toBe(200);
  });

  it('limits call creation more strictly (POST /api/v1/calls and /api/v1/batches share its count), before the body is even validated', async () => {
    const key = await newKey();
    const api = bearerApi(() => base1, key);
    const api2 = bearerApi(() => base2, key);
    // invalid bodies: 400, but counted
    expect((await api('POST', '/api/v1/calls', { toNumber: 'nope' })).status).toBe(400);
    expect((await api2('POST', '/api/v1/batches', { numbers: 'nope' })).status).toBe(400);
    const third = await api('POST', '/api/v1/calls', { toNumber: 'nope' });
    expect(third.status).toBe(429);
    expect(third.json.message).toContain('CALL_CREATE_RATE_LIMIT_PER_MINUTE');
    expect((await api2('POST', '/api/v1/batches', {})).status).toBe(429);
    // reading is still within the general limit
    expect((await api('GET', '/api/v1/calls')).status).toBe(200);
  });

  it('limits sign-in attempts per client IP on /api/v1/auth/*, whatever key is tried', async () => {
    const ip = `203.0.113.${1 + Math.floor(Math.random() * 200)}`;
    const attempt = (base: string, apiKey: string, from = ip) =>
      fetch(`${base}/api/v1/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ apiKey }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_LIMIT; i++) statuses.push((await attempt(i % 2 ? base2 : base1, `rops_guess_${i}_${randomBytes(8).toString('hex')}`)).status);
    expect(statuses).toEqual(Array(AUTH_LIMIT).fill(401));
    const over = await attempt(base1, A.adminApiKey);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await over.json()) as { message: string }).message).toContain('AUTH_RATE_LIMIT_PER_MINUTE');
    // another address may still sign in
    expect((await attempt(base2, A.adminApiKey, '198.51.100.7')).status).toBe(200);
  });

  it('a client reaching the API directly cannot choose its IP: with TRUST_PROXY=false its X-Forwarded-For is not believed', async () => {
    const direct = await start(testEnv({ AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_LIMIT), TRUST_PROXY: 'false' }));
    const attempt = (i: number) =>
      fetch(`${direct}/api/v1/auth/session`, {
        method: 'POST',
        // a fresh made-up address on every attempt: were it believed, no address would reach the limit
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i + 1}` },
        body: JSON.stringify({ apiKey: `rops_guess_${i}_${randomBytes(8).toString('hex')}` }),
      });
    const statuses: number[] = [];
    for (let i = 0; i <= AUTH_LIMIT; i++) statuses.push((await attempt(i)).status);
    expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(401), 429]);
  });

  it('sends security headers (CSP the dashboard runs under, nosniff, frame and referrer policies) on API answers and the dashboard', async () => {
    for (const path of ['/api/v1/calls', '/health', '/']) {
      const res = await fetch(`${base1}${path}`, { headers: { authorization: `Bearer ${A.adminApiKey}`, accept: 'text/html' } });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect({ path, csp }).toEqual({ path, csp: expect.stringContaining("default-src 'self'") });
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    }
  });

  it('allows CORS for the listed origins only (preflight and answer); none by default', async () => {
    const preflight = (base: string, origin: string) =>
      fetch(`${base}/api/v1/calls`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const allowed = await preflight(base1, ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const get = await fetch(`${base1}/api/v1/calls`, { headers: { origin: 'https://admin.example.com', authorization: `Bearer ${A.adminApiKey}` } });
    expect(get.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(get.headers.get('access-control-allow-credentials')).toBe('true');

    for (const origin of ['https://evil.example.net', 'https://ops.example.com.evil.net', 'http://ops.example.com']) {
      const denied = await preflight(base1, origin);
      expect({ origin, allow: denied.headers.get('access-control-allow-origin') }).toEqual({ origin, allow: null });
      const deniedGet = await fetch(`${base1}/api/v1/calls`, { headers: { origin, authorization: `Bearer ${A.adminApiKey}` } });
      expect({ origin, allow: deniedGet.headers.get('access-control-allow-origin') }).toEqual({ origin, allow: null });
    }

    const noCors = await start(testEnv());
    const res = await preflight(noCors, ALLOWED_ORIGIN);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(
      (await fetch(`${noCors}/api/v1/calls`, { headers: { origin: ALLOWED_ORIGIN, authorization: `Bearer ${A.adminApiKey}` } })).headers.get(
        'access-control-allow-origin',
      ),
    ).toBeNull();
  });

  it('serves the API docs outside production; under production only with SWAGGER_ENABLED=true', async () => {
    const production = (extra: Record<string, string> = {}) =>
      testEnv({
        NODE_ENV: 'production',
        ADMIN_API_KEY: `rops_${randomBytes(20).toString('hex')}`,
        RETELL_API_KEY: `key_${randomBytes(16).toString('hex')}`,
        ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        ...extra,
      });
    const docs = async (base: string) => [(await fetch(`${base}/api/docs`)).status, (await fetch(`${base}/api/docs/openapi.json`)).status];
    expect(await docs(base1)).toEqual([200, 200]);
    expect(await docs(await start(production()))).toEqual([404, 404]);
    expect(await docs(await start(production({ SWAGGER_ENABLED: 'false' })))).toEqual([404, 404]);
    expect(await docs(await start(production({ SWAGGER_ENABLED: 'true' })))).toEqual([200, 200]);
  });
});
