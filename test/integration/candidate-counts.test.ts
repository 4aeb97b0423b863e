import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, PgPool, Prisma, type PrismaClient } from '@retell-ops/db';
import { createApi } from '../../apps/api/src/create-api';
import { candidateCountsQuery } from '../../apps/api/src/candidates/candidate-counts';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/** GET /api/v1/candidates/counts: the candidate board's column counts, from the (tenantId, status) index. */
describe('candidate board counts', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let pool: PgPool;
  let app: NestFastifyApplication;
  let base: string;
  let a: TestTenant;
  let b: TestTenant;

  const get = async (path: string, key: string): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, json: await res.json() };
  };
  const addCandidates = (tenantId: string, status: string, n: number) =>
    pool.query(
      `INSERT INTO "Candidate" ("id", "tenantId", "firstName", "status", "updatedAt")
       SELECT gen_random_uuid(), $1, 'C' || i, $2::"CandidateStatus", now() FROM generate_series(1, $3::int) i`,
      [tenantId, status, n],
    );

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 2 });
    [a, b] = await Promise.all([createTestTenant(prisma, env, 'counts-a'), createTestTenant(prisma, env, 'counts-b')]);
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    if (prisma) {
      await prisma.tenant.deleteMany({ where: { id: { in: [a?.tenantId, b?.tenantId].filter(Boolean) } } });
      await prisma.$disconnect();
    }
    await pool?.end();
  }, 180_000);

  it("counts each pipeline status of the caller's tenant only, every status present", async () => {
    await addCandidates(a.tenantId, 'new', 3);
    await addCandidates(a.tenantId, 'interviewing', 2);
    await addCandidates(a.tenantId, 'hired', 1);
    await addCandidates(b.tenantId, 'new', 5);
    const { status, json } = await get('/api/v1/candidates/counts', a.adminApiKey);
    expect(status).toBe(200);
    expect(json).toEqual({ total: 6, byStatus: { new: 3, screening: 0, interviewing: 2, offered: 0, hired: 1, rejected: 0, withdrawn: 0 } });
    expect((await get('/api/v1/candidates/counts', b.adminApiKey)).json.total).toBe(5);
  });

  it('EXPLAIN: 100k candidates in a tenant are counted from the (tenantId, status) index, not a Seq Scan', async () => {
    await addCandidates(a.tenantId, 'screening', 60_000);
    await addCandidates(a.tenantId, 'rejected', 40_000);
    await addCandidates(b.tenantId, 'new', 30_000);
    // An index-only scan needs the pages marked all-visible, which a vacuum does only once no open
    // transaction (another suite's) can still see them otherwise: vacuum until it has.
    let plan = '';
    for (let i = 0; i < 20 && !plan.includes('Index Only Scan'); i++) {
      if (i) await new Promise((r) => setTimeout(r, 1000));
      await pool.query('VACUUM ANALYZE "Candidate"');
      plan = (await prisma.$queryRaw<Array<{ 'QUERY PLAN': string }>>(Prisma.sql`EXPLAIN ${candidateCountsQuery(a.tenantId)}`))
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    }
    expect(plan).toMatch(/Index Only Scan using "Candidate_tenantId_status_idx"/);
    expect(plan).not.toMatch(/Seq Scan/);
    const { json } = await get('/api/v1/candidates/counts', a.adminApiKey);
    expect(json.total).toBe(100_006);
    expect(json.byStatus).toMatchObject({ screening: 60_000, rejected: 40_000 });
  }, 120_000);
});
