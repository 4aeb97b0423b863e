import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { hashApiKey } from '@retell-ops/config';
import { randomBytes } from 'node:crypto';
import { createApi } from '../../apps/api/src/create-api';
import { call, sessionOf, type ApiAnswer, type Caller } from '../support/api-client';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/**
 * People (apps/api/src/people): invitations, acceptance, password sign-in, /me, role changes and
 * removals that apply at once, the last owner kept, and logout.
 */
describe('people: invitations, sign-in with a password, members (apps/api)', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let base: string;
  let A: TestTenant;
  let B: TestTenant;
  const owner: Caller = {};
  const uniq = () => randomBytes(4).toString('hex');
  const api = (method: string, path: string, caller: Caller, body?: unknown, headers?: Record<string, string>) =>
    call(base, method, path, caller, body, headers);
  const password = 'correct horse battery staple';

  /** An owner key invites; the person accepts: answers the accept answer and the invitation. */
  async function invite(tenant: TestTenant, email: string, role: string, opts: { name?: string; password?: string } = {}) {
    const inv = await api('POST', '/api/v1/users/invitations', { bearer: tenant.adminApiKey }, { email, role });
    expect(inv.status).toBe(201);
    const accepted = await api(
      'POST',
      '/api/v1/auth/invitations/accept',
      {},
      { token: inv.json.token, name: opts.name ?? 'Ada Lovelace', password: opts.password ?? password },
    );
    return { inv, accepted };
  }

  async function login(email: string, pw = password, tenantSlug?: string): Promise<ApiAnswer> {
    return api('POST', '/api/v1/auth/login', {}, { email, password: pw, ...(tenantSlug ? { tenantSlug } : {}) });
  }

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    A = await createTestTenant(prisma, env, 'people-a');
    B = await createTestTenant(prisma, env, 'people-b');
    owner.bearer = A.adminApiKey;
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    const tenants = [A?.tenantId, B?.tenantId].filter(Boolean);
    await prisma.user.deleteMany({ where: { memberships: { some: { tenantId: { in: tenants } } } } });
    await prisma.user.deleteMany({ where: { email: { contains: '@people.test' } } });
    await prisma.tenant.deleteMany({ where: { id: { in: tenants } } });
    await prisma.$disconnect();
  });

  it('an owner invites: 201 with a one-time token and the dashboard link; only the token hash is stored', async () => {
    const email = `Invitee-${uniq()}@People.Test`;
    const res = await api('POST', '/api/v1/users/invitations', owner, { email, role: 'recruiter', name: 'Grace' }, { origin: 'https://ops.example.com' });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id: expect.any(String),
      token: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      url: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(res.json.url).toBe(`https://ops.example.com/invite/${res.json.token}`);
    const row = await prisma.invitation.findUniqueOrThrow({ where: { id: res.json.id } });
    expect(row.email).toBe(email.toLowerCase());
    expect(row.tokenHash).toBe(hashApiKey(res.json.token));
    expect(JSON.stringify(row)).not.toContain(res.json.token);
    expect(Date.parse(res.json.expiresAt)).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000);
    const list = await api('GET', '/api/v1/users', owner);
    expect(list.status).toBe(200);
    expect(list.json.invitations).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: res.json.id, email: email.toLowerCase(), role: 'recruiter' })]),
    );
    expect(list.text).not.toContain(res.json.token);
  });

  it('bad invitations are 400 with the reason, and store nothing', async () => {
    const before = await prisma.invitation.count({ where: { tenantId: A.tenantId } });
    const bad = await api('POST', '/api/v1/users/invitations', owner, { email: 'not-an-email', role: 'recruiter' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/email must be an email address/);
    const role = await api('POST', '/api/v1/users/invitations', owner, { email: `x${uniq()}@people.test`, role: 'root' });
    expect(role.status).toBe(400);
    expect(role.text).toMatch(/role must be one of/);
    const huge = await api('POST', '/api/v1/users/invitations', owner, { email: `${'a'.repeat(100_000)}@people.test`, role: 'viewer' });
    expect(huge.status).toBe(400);
    expect(await prisma.invitation.count({ where: { tenantId: A.tenantId } })).toBe(before);
  });

  it('accepting creates the person (email lower-cased, password hashed with argon2id), signs in, and the link works once', async () => {
    const email = `Ada-${uniq()}@People.Test`;
    const { inv, accepted } = await invite(A, email, 'recruiter');
    expect(accepted.status).toBe(200);
    expect(accepted.json).toEqual({
      tenant: { id: A.tenantId, name: expect.any(String), slug: A.slug },
      role: 'recruiter',
      permissions: expect.arrayContaining(['candidates:write', 'calls:candidate']),
      csrfToken: expect.any(String),
      expiresAt: expect.any(String),
      user: { id: expect.any(String), email: email.toLowerCase(), name: 'Ada Lovelace' },
      memberships: [{ tenant: { id: A.tenantId, name: expect.any(String), slug: A.slug }, role: 'recruiter' }],
    });
    expect(accepted.json.permissions).not.toContain('batches:write');
    expect(accepted.headers.get('set-cookie')).toMatch(/^rops_session=[A-Za-z0-9_-]{40,};.*HttpOnly.*SameSite=Strict/);
    const user = await prisma.user.findUniqueOrThrow({ where: { email: email.toLowerCase() } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(password);

    const again = await api('POST', '/api/v1/auth/invitations/accept', {}, { token: inv.json.token, name: 'Mallory', password: 'another password 1' });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('invitation_accepted');
    expect(again.json.message).toMatch(/already been used/);

    const unknown = await api('POST', '/api/v1/auth/invitations/accept', {}, { token: randomBytes(32).toString('base64url'), name: 'X', password });
    expect(unknown.status).toBe(404);
  });

  it('the same link used twice at once makes one member', async () => {
    const email = `race-${uniq()}@people.test`;
    const inv = await api('POST', '/api/v1/users/invitations', owner, { email, role: 'viewer' });
    const answers = await Promise.all(
      [0, 1, 2].map(() => api('POST', '/api/v1/auth/invitations/accept', {}, { token: inv.json.token, name: 'Racer', password })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    expect(await prisma.membership.count({ where: { tenantId: A.tenantId, user: { email } } })).toBe(1);
  });

  it('a short password is refused with the policy; a withdrawn or expired invitation says so', async () => {
    const short = await api('POST', '/api/v1/users/invitations', owner, { email: `short-${uniq()}@people.test`, role: 'viewer' });
    const weak = await api('POST', '/api/v1/auth/invitations/accept', {}, { token: short.json.token, name: 'Shorty', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.text).toMatch(/password must be at least 10 characters/);

    const withdrawn = await api('DELETE', `/api/v1/users/invitations/${short.json.id}`, owner);
    expect(withdrawn.status).toBe(204);
    const after = await api('POST', '/api/v1/auth/invitations/accept', {}, { token: short.json.token, name: 'Shorty', password });
    expect(after.status).toBe(409);
    expect(after.json.code).toBe('invitation_revoked');
    expect((await api('GET', '/api/v1/users', owner)).json.invitations.map((i: any) => i.id)).not.toContain(short.json.id);

    const old = await api('POST', '/api/v1/users/invitations', owner, { email: `old-${uniq()}@people.test`, role: 'viewer' });
    await prisma.invitation.update({ where: { id: old.json.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await api('POST', '/api/v1/auth/invitations/accept', {}, { token: old.json.token, name: 'Late', password });
    expect(expired.status).toBe(409);
    expect(expired.json.code).toBe('invitation_expired');
  });

  it('login: 200 with the session body and cookie; a wrong password and an unknown email get the same 401', async () => {
    const email = `login-${uniq()}@people.test`;
    await invite(A, email, 'admin');
    const res = await login(email.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ tenant: { id: A.tenantId }, role: 'admin', user: { email }, memberships: [{ role: 'admin' }] });
    const session = sessionOf(res);
    const get = await api('GET', '/api/v1/auth/session', session);
    expect(get.status).toBe(200);
    expect(get.json).toEqual(res.json);

    const wrong = await login(email, 'wrong password!!');
    const unknown = await login(`nobody-${uniq()}@people.test`, password);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.message).toBe(unknown.json.message);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const hugePassword = await login(email, 'x'.repeat(100_000));
    expect(hugePassword.status).toBe(400);
  });

  it('a refused sign-in is logged with the email, bounded, and never the password', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const secret = `secret-${uniq()}-password`;
      const email = `${'e'.repeat(200)}-${uniq()}@people.test`;
      expect((await login(email, secret)).status).toBe(401);
      const lines = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('password sign-in'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(email.slice(0, 80));
      expect(lines[0]).not.toContain(email);
      expect(lines[0]).not.toContain(secret);
    } finally {
      warn.mockRestore();
    }
  });

  it('a person in two tenants picks one with tenantSlug (default: the first); each session sees only its tenant', async () => {
    const email = `two-${uniq()}@people.test`;
    await invite(A, email, 'viewer');
    // an existing person accepts B's invitation with their password (the name they send is ignored)
    const invB = await api('POST', '/api/v1/users/invitations', { bearer: B.adminApiKey }, { email, role: 'admin' });
    const wrongPw = await api('POST', '/api/v1/auth/invitations/accept', {}, { token: invB.json.token, name: 'Other', password: 'not the password' });
    expect(wrongPw.status).toBe(401);
    const acceptedB = await api('POST', '/api/v1/auth/invitations/accept', {}, { token: invB.json.token, name: 'Other', password });
    expect(acceptedB.status).toBe(200);
    expect(acceptedB.json.tenant.id).toBe(B.tenantId);
    expect(acceptedB.json.user.name).toBe('Ada Lovelace');
    expect(await prisma.user.count({ where: { email } })).toBe(1);

    const first = await login(email);
    expect(first.json.tenant.id).toBe(A.tenantId);
    expect(first.json.role).toBe('viewer');
    expect(first.json.memberships.map((m: any) => [m.tenant.slug, m.role])).toEqual([
      [A.slug, 'viewer'],
      [B.slug, 'admin'],
    ]);
    const inB = await login(email, password, B.slug);
    expect(inB.json.tenant.id).toBe(B.tenantId);
    expect(inB.json.role).toBe('admin');
    const me = await api('GET', '/api/v1/me', sessionOf(inB));
    expect(me.json.tenant.id).toBe(B.tenantId);
    const notMember = await login(email, password, `nowhere-${uniq()}`);
    expect(notMember.status).toBe(403);
  });

  it('GET /api/v1/me answers for a person (session) and for a key (bearer)', async () => {
    const email = `me-${uniq()}@people.test`;
    const { accepted } = await invite(A, email, 'recruiter', { name: 'Me Myself' });
    const me = await api('GET', '/api/v1/me', sessionOf(accepted));
    expect(me.status).toBe(200);
    expect(me.json).toEqual({
      kind: 'user',
      user: { id: accepted.json.user.id, email, name: 'Me Myself' },
      apiKey: null,
      tenant: { id: A.tenantId, name: expect.any(String), slug: A.slug },
      role: 'recruiter',
      permissions: accepted.json.permissions,
      memberships: [{ tenant: expect.objectContaining({ id: A.tenantId }), role: 'recruiter' }],
    });
    const key = await api('GET', '/api/v1/me', owner);
    expect(key.status).toBe(200);
    expect(key.json).toMatchObject({
      kind: 'api-key',
      user: null,
      apiKey: { id: expect.any(String), name: expect.any(String) },
      role: 'owner',
      memberships: [],
    });
    expect(key.json.permissions).toContain('users:manage');
    expect((await api('GET', '/api/v1/me', {})).status).toBe(401);
  });

  it("a role change applies to the person's next request; removal ends their sessions in that tenant at once", async () => {
    const email = `change-${uniq()}@people.test`;
    const { accepted } = await invite(A, email, 'viewer');
    const session = sessionOf(accepted);
    const userId = accepted.json.user.id;
    const candidate = { firstName: 'Role', lastName: 'Test', phone: '+14155550142' };
    expect((await api('POST', '/api/v1/candidates', session, candidate)).status).toBe(403);

    const patched = await api('PATCH', `/api/v1/users/${userId}`, owner, { role: 'recruiter' });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ userId, role: 'recruiter' });
    const me = await api('GET', '/api/v1/me', session);
    expect(me.json.role).toBe('recruiter');
    expect((await api('GET', '/api/v1/auth/session', session)).json.role).toBe('recruiter');
    expect((await api('POST', '/api/v1/candidates', session, candidate)).status).toBe(201);

    const removed = await api('DELETE', `/api/v1/users/${userId}`, owner);
    expect(removed.status).toBe(204);
    expect((await api('GET', '/api/v1/me', session)).status).toBe(401);
    expect(await prisma.session.count({ where: { userId, tenantId: A.tenantId, revokedAt: null } })).toBe(0);
    const again = await login(email);
    expect(again.status).toBe(403);
    expect(again.json.code).toBe('no_membership');
    expect((await api('DELETE', `/api/v1/users/${userId}`, owner)).status).toBe(404);
  });

  it('the last owner cannot be demoted or removed (409); with a second owner they can', async () => {
    const t = await createTestTenant(prisma, env, 'people-owners');
    try {
      const o1 = await invite(t, `owner1-${uniq()}@people.test`, 'owner');
      const id1 = o1.accepted.json.user.id;
      const s1 = sessionOf(o1.accepted);
      const demote = await api('PATCH', `/api/v1/users/${id1}`, s1, { role: 'admin' });
      expect(demote.status).toBe(409);
      expect(demote.json.code).toBe('last_owner');
      const remove = await api('DELETE', `/api/v1/users/${id1}`, { bearer: t.adminApiKey });
      expect(remove.status).toBe(409);
      expect(await prisma.membership.findUniqueOrThrow({ where: { tenantId_userId: { tenantId: t.tenantId, userId: id1 } } })).toMatchObject({ role: 'owner' });

      const o2 = await invite(t, `owner2-${uniq()}@people.test`, 'owner');
      expect((await api('PATCH', `/api/v1/users/${id1}`, s1, { role: 'admin' })).status).toBe(200);
      // now o1 is an admin: users:manage is gone at once
      expect((await api('GET', '/api/v1/users', s1)).status).toBe(403);
      const id2 = o2.accepted.json.user.id;
      expect((await api('DELETE', `/api/v1/users/${id2}`, sessionOf(o2.accepted))).status).toBe(409);
    } finally {
      await prisma.user.deleteMany({ where: { memberships: { some: { tenantId: t.tenantId } } } });
      await prisma.tenant.delete({ where: { id: t.tenantId } });
    }
  });

  it('people of one tenant are not found from another', async () => {
    const { accepted } = await invite(A, `iso-${uniq()}@people.test`, 'viewer');
    const fromB = await api('PATCH', `/api/v1/users/${accepted.json.user.id}`, { bearer: B.adminApiKey }, { role: 'admin' });
    expect(fromB.status).toBe(404);
    expect((await api('DELETE', `/api/v1/users/${accepted.json.user.id}`, { bearer: B.adminApiKey })).status).toBe(404);
    expect((await api('GET', '/api/v1/users', { bearer: B.adminApiKey })).json.members.map((m: any) => m.userId)).not.toContain(accepted.json.user.id);
  });

  it('an admin may not manage people; the users routes need users:manage', async () => {
    const { accepted } = await invite(A, `adm-${uniq()}@people.test`, 'admin');
    const admin = sessionOf(accepted);
    expect((await api('GET', '/api/v1/users', admin)).status).toBe(403);
    expect((await api('POST', '/api/v1/users/invitations', admin, { email: `x-${uniq()}@people.test`, role: 'viewer' })).status).toBe(403);
  });

  it('logout (204, needs X-CSRF-Token) ends the person session', async () => {
    const email = `out-${uniq()}@people.test`;
    await invite(A, email, 'viewer');
    const session = sessionOf(await login(email));
    const noCsrf = await api('POST', '/api/v1/auth/logout', { cookie: session.cookie });
    expect(noCsrf.status).toBe(403);
    expect((await api('GET', '/api/v1/me', session)).status).toBe(200);
    const out = await api('POST', '/api/v1/auth/logout', session);
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await api('GET', '/api/v1/me', session)).status).toBe(401);
    expect((await api('POST', '/api/v1/auth/logout', session)).status).toBe(401);
  });
});
