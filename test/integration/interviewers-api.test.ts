import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { createApi } from '../../apps/api/src/create-api';
import { bearerApi } from '../support/http';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/**
 * Renaming an interviewer (PATCH /api/v1/interviewers/:id): interviews name their interviewer as
 * text, and every booking path finds a clash by that name, so the upcoming ones follow the new name.
 */
describe('interviewers API: a rename', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let api: NestFastifyApplication;
  let apiUrl: string;
  let tenant: TestTenant;
  let other: TestTenant;
  const hex = () => randomBytes(4).toString('hex');
  const admin = (t: TestTenant) => bearerApi(() => apiUrl, t.adminApiKey);
  const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [[540, 1020]]]));

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'rename');
    other = await createTestTenant(prisma, env, 'rename-other');
    api = await createApi(env, { bootstrapDefaultTenant: false });
    await api.listen(0, '127.0.0.1');
    apiUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    for (const t of [tenant, other]) if (t) await prisma.tenant.delete({ where: { id: t.tenantId } });
    await prisma?.$disconnect();
  });

  async function interviewer(t: TestTenant, name: string): Promise<string> {
    const created = await admin(t)('POST', '/api/v1/interviewers', { name, timeZone: 'America/New_York', workingHours: weekdays, slotMinutes: 60 });
    expect(created.status).toBe(201);
    return created.json.id;
  }

  async function interviewOf(t: TestTenant, name: string, status: 'scheduled' | 'needs_review' | 'cancelled' | 'completed'): Promise<string> {
    const candidate = await prisma.candidate.create({
      data: { tenantId: t.tenantId, firstName: 'Ana', phone: `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` },
    });
    const at = new Date(Date.now() + 3 * 86_400_000);
    const row = await prisma.interview.create({
      data: { tenantId: t.tenantId, candidateId: candidate.id, status, scheduledAt: at, timeZone: 'America/New_York', durationMinutes: 60, interviewer: name },
    });
    return row.id;
  }

  const namesOf = async (ids: string[]) =>
    (await prisma.interview.findMany({ where: { id: { in: ids } }, select: { id: true, interviewer: true } })).reduce<Record<string, string | null>>(
      (m, r) => ({ ...m, [r.id]: r.interviewer }),
      {},
    );

  it('carries the new name to their scheduled and needs-review interviews (any spelling of the old); past ones and others keep theirs', async () => {
    const old = `Dana ${hex()}`;
    const id = await interviewer(tenant, old);
    const scheduled = await interviewOf(tenant, old.toUpperCase(), 'scheduled');
    const review = await interviewOf(tenant, old, 'needs_review');
    const done = await interviewOf(tenant, old, 'completed');
    const cancelled = await interviewOf(tenant, old, 'cancelled');
    const someoneElse = await interviewOf(tenant, `Lee ${hex()}`, 'scheduled');
    const otherTenant = await interviewOf(other, old, 'scheduled');
    const before = await namesOf([done, cancelled, someoneElse, otherTenant]);

    const renamed = await admin(tenant)('PATCH', `/api/v1/interviewers/${id}`, { name: `Dana Silva ${hex()}` });
    expect(renamed.status).toBe(200);
    const name = renamed.json.name as string;
    expect(await namesOf([scheduled, review])).toEqual({ [scheduled]: name, [review]: name });
    expect(await namesOf([done, cancelled, someoneElse, otherTenant])).toEqual(before);
  });

  it('a rename refused as a duplicate changes no interview; a PATCH without a new name touches none', async () => {
    const first = `Kim ${hex()}`;
    const taken = `Ray ${hex()}`;
    const id = await interviewer(tenant, first);
    await interviewer(tenant, taken);
    const upcoming = await interviewOf(tenant, first, 'scheduled');
    const refused = await admin(tenant)('PATCH', `/api/v1/interviewers/${id}`, { name: taken });
    expect(refused.status).toBe(409);
    expect(await namesOf([upcoming])).toEqual({ [upcoming]: first });

    const updatedAt = (await prisma.interview.findUniqueOrThrow({ where: { id: upcoming } })).updatedAt;
    const same = await admin(tenant)('PATCH', `/api/v1/interviewers/${id}`, { name: first, slotMinutes: 45 });
    expect(same.json).toMatchObject({ name: first, slotMinutes: 45 });
    expect((await prisma.interview.findUniqueOrThrow({ where: { id: upcoming } })).updatedAt).toEqual(updatedAt);
  });
});
