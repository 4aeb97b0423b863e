import { randomBytes, randomUUID } from 'node:crypto';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiKey } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { can, isRole, PERMISSIONS, type Permission, type Role } from '@retell-ops/domain';
import { createApi } from '../../apps/api/src/create-api';
import { ROUTE_ACCESS } from '../../apps/api/src/auth/permissions.decorator';
import { call, sessionOf, type ApiAnswer, type Caller } from '../support/api-client';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/**
 * Roles against the API as it is documented (GET /api/docs/openapi.json), so a route another
 * engineer adds is walked too:
 *  (a) every operation declares x-permission, and every route Fastify registered under /api is in
 *      the document or deliberately excluded below (each Nest handler declares its access);
 *  (b) a viewer (key and person) is refused (403) every mutating operation, and nothing of the
 *      tenant's rows changed; public and platform-operator routes follow their own rules;
 *  (c) every role is refused (403) exactly the operations whose permission the table denies it,
 *      and spot checks that recruiter and admin get what the table gives.
 */

/** Routes under /api that are deliberately not operations of the document, and why. */
const EXCLUDED_FROM_DOCUMENT: Array<[RegExp, string]> = [[/^\/api\/docs(\/.*)?$/, 'the Swagger UI and the OpenAPI document themselves']];

/**
 * Public operations that change something: each has its own tests (a viewer's key means nothing
 * to them). A new one fails the walk until it is listed here on purpose.
 */
const PUBLIC_MUTATIONS: Record<string, string> = {
  'POST /api/v1/auth/session': 'sign-in with an API key (dashboard-session.test.ts)',
  'DELETE /api/v1/auth/session': 'sign-out of the cookie session, CSRF-checked (dashboard-session.test.ts)',
  'POST /api/v1/auth/login': 'sign-in with email and password (people-api.test.ts)',
  'POST /api/v1/auth/logout': 'sign-out, CSRF-checked (people-api.test.ts)',
  'POST /api/v1/auth/invitations/accept': 'an invitation link used once (people-api.test.ts)',
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']);

interface Operation {
  method: string;
  /** OpenAPI template, /api/v1/users/{userId} */
  path: string;
  permission: string | undefined;
}

/** Columns that change on a read (bookkeeping kept to the minute), left out of the fingerprint. */
const VOLATILE_COLUMNS = new Set(['lastUsedAt', 'lastSeenAt']);

describe('roles: the OpenAPI walk (apps/api)', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let base: string;
  let T: TestTenant;
  let operations: Operation[];
  const registered: Array<{ method: string; url: string }> = [];
  const callers: Partial<Record<`${Role}:${'key' | 'person'}`, Caller>> = {};
  /** ids of real rows of the tenant, so a refused DELETE or PATCH names a row it would have changed */
  const fixtures: Record<string, string> = {};
  const api = (method: string, path: string, caller: Caller, body?: unknown): Promise<ApiAnswer> => call(base, method, path, caller, body);

  async function keyFor(role: Role): Promise<string> {
    const token = `rops_${randomBytes(20).toString('hex')}`;
    await prisma.apiKey.create({ data: { tenantId: T.tenantId, name: `${role} walk key`, keyHash: hashApiKey(token), role } });
    return token;
  }

  async function personFor(role: Role): Promise<Caller> {
    const email = `walk-${role}-${randomBytes(4).toString('hex')}@roles.test`;
    const inv = await api('POST', '/api/v1/users/invitations', { bearer: T.adminApiKey }, { email, role });
    expect(inv.status).toBe(201);
    const accepted = await api('POST', '/api/v1/auth/invitations/accept', {}, { token: inv.json.token, name: `Walker ${role}`, password: 'walk the walk 123' });
    expect(accepted.status).toBe(200);
    fixtures[`user:${role}`] = accepted.json.user.id;
    return sessionOf(accepted);
  }

  /** A path of the document with its parameters filled from the tenant's rows (a random UUID when none fits). */
  function concrete(op: Operation): string {
    const resource = op.path.split('/')[3] ?? '';
    return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      if (resource === 'users') return op.path.includes('/invitations/') ? fixtures.invitation : fixtures['user:viewer'];
      return fixtures[resource] ?? fixtures[name] ?? randomUUID();
    });
  }

  /** Every row of the tenant (and of its people), volatile bookkeeping left out: equal before and after means nothing changed. */
  async function fingerprint(): Promise<Record<string, string>> {
    const columns = await prisma.$queryRaw<Array<{ table_name: string; column_name: string }>>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_%' ORDER BY table_name, ordinal_position`;
    const byTable = new Map<string, string[]>();
    for (const c of columns) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name]);
    const out: Record<string, string> = {};
    for (const [table, cols] of byTable) {
      // refused attempts are recorded there on purpose (docs/audit-log.md); the audit test checks those rows
      if (table === 'AuditLog') continue;
      // derived from Call by the stats rollup, which any call worker sharing the database runs at any moment
      if (table === 'CallDayStat' || table === 'StatDirtyDay') continue;
      const kept = cols.filter((c) => !VOLATILE_COLUMNS.has(c));
      const select = kept.map((c) => `"${c}"::text`).join(` || '|' || `);
      let where: string | undefined;
      if (cols.includes('tenantId')) where = `"tenantId" = '${T.tenantId}'`;
      else if (table === 'Tenant') where = `id = '${T.tenantId}'`;
      else if (table === 'User') where = `id IN (SELECT "userId" FROM "Membership" WHERE "tenantId" = '${T.tenantId}')`;
      if (!where) continue;
      const [row] = await prisma.$queryRawUnsafe<Array<{ n: bigint; h: string | null }>>(
        `SELECT count(*) AS n, md5(string_agg(coalesce(${select}, ''), ',' ORDER BY coalesce(${select}, ''))) AS h FROM "${table}" WHERE ${where}`,
      );
      out[table] = `${row.n}:${row.h}`;
    }
    return out;
  }

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    T = await createTestTenant(prisma, env, 'roles');
    await prisma.tenant.update({ where: { id: T.tenantId }, data: { defaultFromNumber: '+14155550100' } });
    app = await createApi(env, { bootstrapDefaultTenant: false });
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRoute', (r: { method: string | string[]; url: string }) => {
        for (const method of [r.method].flat()) registered.push({ method, url: r.url });
      });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    const doc = (await (await fetch(`${base}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
    operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([m]) => HTTP_METHODS.has(m))
        .map(([m, op]) => ({ method: m.toUpperCase(), path, permission: op['x-permission'] })),
    );

    for (const role of ['admin', 'recruiter', 'viewer'] as const) {
      callers[`${role}:key`] = { bearer: await keyFor(role) };
      callers[`${role}:person`] = await personFor(role);
    }
    callers['owner:key'] = { bearer: T.adminApiKey };
    callers['owner:person'] = await personFor('owner');

    // a row of each kind, for the path parameters
    const owner = { bearer: T.adminApiKey };
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const candidate = await api('POST', '/api/v1/candidates', owner, { firstName: 'Walk', lastName: 'Candidate', phone: '+14155550170' });
    const position = await api('POST', '/api/v1/positions', owner, { title: 'Walker' });
    const dial = await api('POST', '/api/v1/calls', owner, { toNumber: '+14155550171', scheduledAt: later });
    const batch = await api('POST', '/api/v1/batches', owner, { maxConcurrent: 1, scheduledAt: later, targets: ['+14155550172'] });
    const key = await api('POST', '/api/v1/api-keys', owner, { name: 'walked', role: 'viewer' });
    const invitation = await api('POST', '/api/v1/users/invitations', owner, { email: `pending-${randomBytes(4).toString('hex')}@roles.test`, role: 'viewer' });
    expect([candidate.status, position.status, dial.status, batch.status, key.status, invitation.status]).toEqual([201, 201, 202, 201, 201, 201]);
    const interview = await prisma.interview.create({
      data: { tenantId: T.tenantId, candidateId: candidate.json.id, status: 'scheduled', scheduledAt: new Date(Date.now() + 86_400_000), timeZone: 'UTC' },
    });
    Object.assign(fixtures, {
      candidates: candidate.json.id,
      positions: position.json.id,
      calls: dial.json.id,
      batches: batch.json.id,
      'api-keys': key.json.id,
      interviews: interview.id,
      tenants: T.tenantId,
      invitation: invitation.json.id,
    });
  });

  afterAll(async () => {
    await app?.close();
    if (prisma && T) {
      await prisma.user.deleteMany({ where: { memberships: { some: { tenantId: T.tenantId } } } });
      await prisma.tenant.delete({ where: { id: T.tenantId } });
    }
    await prisma?.$disconnect();
  });

  describe('(a) the document and the registered routes', () => {
    it('the document has operations, and the walk has its callers', () => {
      expect(operations.length).toBeGreaterThan(40);
      expect(Object.keys(callers)).toHaveLength(8);
    });

    it('every operation declares x-permission: a permission of the table, public or platform-operator', () => {
      const undeclared = operations.filter(
        (op) => !(op.permission === 'public' || op.permission === 'platform-operator' || PERMISSIONS.includes(op.permission as Permission)),
      );
      expect(undeclared.map((op) => `${op.method} ${op.path} → ${String(op.permission)}`)).toEqual([]);
    });

    it('every route registered under /api is an operation of the document or deliberately excluded', () => {
      const documented = new Set(operations.map((op) => `${op.method} ${op.path}`));
      const apiRoutes = registered.filter((r) => r.url === '/api' || r.url.startsWith('/api/'));
      expect(apiRoutes.length).toBeGreaterThan(40);
      const missing = apiRoutes
        .filter((r) => !EXCLUDED_FROM_DOCUMENT.some(([re]) => re.test(r.url)))
        .map((r) => ({ ...r, path: r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}') }))
        // Fastify adds a HEAD beside each GET: it is the GET's
        .filter((r) => !(r.method === 'HEAD' && documented.has(`GET ${r.path}`)))
        .filter((r) => !documented.has(`${r.method} ${r.path}`))
        .map((r) => `${r.method} ${r.url}`);
      expect(missing).toEqual([]);
    });

    it('every Nest handler declares its access (RequirePermission, PublicRoute or PlatformOperatorRoute), documented or not', () => {
      const undeclared: string[] = [];
      let handlers = 0;
      for (const mod of app.get(ModulesContainer).values()) {
        for (const wrapper of mod.controllers.values()) {
          const cls = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
          if (!cls) continue;
          for (const name of Object.getOwnPropertyNames(cls.prototype)) {
            const handler = cls.prototype[name];
            if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
            handlers++;
            const access = Reflect.getMetadata(ROUTE_ACCESS, handler) ?? Reflect.getMetadata(ROUTE_ACCESS, cls);
            if (!access)
              undeclared.push(
                `${cls.name}.${name} (${RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler)]} ${Reflect.getMetadata(PATH_METADATA, handler)})`,
              );
          }
        }
      }
      expect(handlers).toBeGreaterThan(40);
      expect(undeclared).toEqual([]);
    });

    it('public operations that change something are exactly the listed ones', () => {
      const publicMutations = operations.filter((op) => op.permission === 'public' && MUTATING.has(op.method)).map((op) => `${op.method} ${op.path}`);
      expect(publicMutations.sort()).toEqual(Object.keys(PUBLIC_MUTATIONS).sort());
    });
  });

  describe('(b) a viewer is refused every mutating operation, and nothing changes', () => {
    it.each(['key', 'person'] as const)('viewer %s: 403 on every POST/PUT/PATCH/DELETE (public ones excepted), tenant rows unchanged', async (kind) => {
      const viewer = callers[`viewer:${kind}`]!;
      await api('GET', '/api/v1/me', viewer); // any first-use bookkeeping happens before the fingerprint
      const before = await fingerprint();
      const walked: string[] = [];
      const wrong: string[] = [];
      for (const op of operations.filter((o) => MUTATING.has(o.method) && o.permission !== 'public')) {
        if (op.permission !== 'platform-operator') expect([op.path, can('viewer', op.permission as Permission)]).toEqual([op.path, false]);
        const res = await api(op.method, concrete(op), viewer, {});
        walked.push(`${op.method} ${op.path}`);
        // platform-operator routes take only the operator's bearer key: a cookie session is not even a candidate (401)
        const refused = op.permission === 'platform-operator' && kind === 'person' ? [401, 403] : [403];
        if (!refused.includes(res.status)) wrong.push(`${op.method} ${op.path} → ${res.status} ${res.text.slice(0, 200)}`);
      }
      expect(wrong).toEqual([]);
      expect(walked.length).toBeGreaterThan(20);
      expect(await fingerprint()).toEqual(before);
    });

    it('platform-operator operations refuse every tenant key and person session (403), the owner included', async () => {
      const ops = operations.filter((o) => o.permission === 'platform-operator');
      expect(ops.length).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (const op of ops) {
        for (const [who, caller] of Object.entries(callers)) {
          const res = await api(op.method, concrete(op), caller!, MUTATING.has(op.method) ? {} : undefined);
          // a session's cookie is no operator key: 401 (no bearer) is a refusal too
          if (res.status !== 403 && res.status !== 401) wrong.push(`${who} ${op.method} ${op.path} → ${res.status}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });

  describe('(c) each role gets exactly what the table gives', () => {
    const roles: Role[] = ['owner', 'admin', 'recruiter', 'viewer'];
    it.each(roles.flatMap((r) => (['key', 'person'] as const).map((k) => [r, k] as const)))(
      '%s (%s): 403 on every operation whose permission the role lacks; nothing changes',
      async (role, kind) => {
        const caller = callers[`${role}:${kind}`]!;
        const before = await fingerprint();
        const denied = operations.filter((o) => isPermission(o.permission) && !can(role, o.permission));
        const wrong: string[] = [];
        for (const op of denied) {
          const res = await api(op.method, concrete(op), caller, MUTATING.has(op.method) ? {} : undefined);
          if (res.status !== 403) wrong.push(`${op.method} ${op.path} → ${res.status}`);
        }
        expect(wrong).toEqual([]);
        if (role === 'owner') expect(denied).toEqual([]);
        else expect(denied.length).toBeGreaterThan(0);
        expect(await fingerprint()).toEqual(before);
      },
    );

    it.each(['key', 'person'] as const)(
      'recruiter (%s): candidates and interviews yes; batches, API keys, users no; a call needs a candidateId',
      async (kind) => {
        const r = callers[`recruiter:${kind}`]!;
        const later = new Date(Date.now() + 3_600_000).toISOString();
        expect((await api('GET', '/api/v1/candidates', r)).status).toBe(200);
        const created = await api('POST', '/api/v1/candidates', r, { firstName: 'Rita', phone: '+14155550180' });
        expect(created.status).toBe(201);
        expect((await api('PATCH', `/api/v1/candidates/${created.json.id}`, r, { lastName: 'Recruited' })).status).toBe(200);
        expect((await api('GET', '/api/v1/interviews', r)).status).toBe(200);
        expect((await api('GET', `/api/v1/interviews/${fixtures.interviews}`, r)).status).toBe(200);
        expect((await api('GET', '/api/v1/batches', r)).status).toBe(403);
        expect((await api('POST', '/api/v1/batches', r, { maxConcurrent: 1, scheduledAt: later, targets: ['+14155550181'] })).status).toBe(403);
        expect((await api('GET', '/api/v1/api-keys', r)).status).toBe(403);
        expect((await api('POST', '/api/v1/api-keys', r, { name: 'nope', role: 'viewer' })).status).toBe(403);
        expect((await api('GET', '/api/v1/users', r)).status).toBe(403);
        const requests = await prisma.dialRequest.count({ where: { tenantId: T.tenantId } });
        const bare = await api('POST', '/api/v1/calls', r, { toNumber: '+14155550182', scheduledAt: later });
        expect(bare.status).toBe(403);
        expect(bare.json.message).toMatch(/candidateId/);
        expect(await prisma.dialRequest.count({ where: { tenantId: T.tenantId } })).toBe(requests);
        const toCandidate = await api('POST', '/api/v1/calls', r, { toNumber: '+14155550180', candidateId: created.json.id, scheduledAt: later });
        expect(toCandidate.status).toBe(202);
        expect(await prisma.dialRequest.count({ where: { tenantId: T.tenantId } })).toBe(requests + 1);
      },
    );

    it.each(['key', 'person'] as const)('admin (%s): calls, batches, candidates, agents yes; API keys, users, settings no', async (kind) => {
      const a = callers[`admin:${kind}`]!;
      const later = new Date(Date.now() + 3_600_000).toISOString();
      expect((await api('POST', '/api/v1/calls', a, { toNumber: '+14155550183', scheduledAt: later })).status).toBe(202);
      expect((await api('POST', '/api/v1/batches', a, { maxConcurrent: 1, scheduledAt: later, targets: ['+14155550184'] })).status).toBe(201);
      expect((await api('POST', '/api/v1/candidates', a, { firstName: 'Adam' })).status).toBe(201);
      // (connecting asks Retell, which this file does not run: disconnecting one of the tenant's agents shows agents:write)
      const agentId = `agent_walk_${randomBytes(4).toString('hex')}`;
      await prisma.agent.create({ data: { tenantId: T.tenantId, retellAgentId: agentId } });
      expect((await api('DELETE', `/api/v1/agents/${agentId}`, a)).status).toBe(204);
      expect((await api('GET', '/api/v1/api-keys', a)).status).toBe(403);
      expect((await api('GET', '/api/v1/users', a)).status).toBe(403);
      expect((await api('POST', '/api/v1/users/invitations', a, { email: 'x@roles.test', role: 'viewer' })).status).toBe(403);
      expect((await api('POST', '/api/v1/tenant/retell-key', a, { retellApiKey: 'key_nope' })).status).toBe(403);
    });

    it('owner (person): manages users and keys', async () => {
      const o = callers['owner:person']!;
      expect((await api('GET', '/api/v1/users', o)).status).toBe(200);
      expect((await api('GET', '/api/v1/api-keys', o)).status).toBe(200);
    });
  });
});

function isPermission(value: string | undefined): value is Permission {
  return value !== undefined && PERMISSIONS.includes(value as Permission) && !isRole(value);
}
