import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DEV_DEFAULTS, hashApiKey, type AppEnv } from '@retell-ops/config';
import { BOOTSTRAP_KEY_NAME, createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { createApi } from '../../apps/api/src/create-api';
import { getJson, type Answer } from '../support/http';
import { testEnv } from '../support/test-env';

/**
 * The bootstrap admin key on the real PostgreSQL: the API at start makes ADMIN_API_KEY the one
 * bootstrap key of the default tenant (an older one is revoked), and under NODE_ENV=production
 * the development admin key is refused even when a row for it is still in the database.
 */
describe('bootstrap admin key (apps/api at start)', () => {
  const prisma: PrismaClient = createPrismaClient({ databaseUrl: testEnv().DATABASE_URL, poolSize: 2 });
  const slugs: string[] = [];
  let app: NestFastifyApplication | undefined;

  const newKey = () => `rops_${randomBytes(20).toString('hex')}`;

  /** Starts the API in-process as main.ts does (the default tenant bootstrapped at start). */
  async function start(env: AppEnv): Promise<string> {
    app = await createApi(env);
    await app.listen(0, '127.0.0.1');
    return (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }
  async function stop(): Promise<void> {
    await app?.close();
    app = undefined;
  }
  const tenantAs = (base: string, key: string): Promise<Answer> => getJson(`${base}/api/v1/tenant`, key);
  const reason = (res: Answer) => String(res.json().message);

  afterEach(stop);
  afterAll(async () => {
    await prisma.tenant.deleteMany({ where: { slug: { in: slugs } } });
    await prisma.$disconnect();
  });

  it('start with key A, restart with key B: A is 401, B works; back to A: A works, B is 401', async () => {
    const slug = `boot-${randomBytes(5).toString('hex')}`;
    slugs.push(slug);
    const [A, B] = [newKey(), newKey()];
    const envWith = (ADMIN_API_KEY: string) => testEnv({ DEFAULT_TENANT_SLUG: slug, ADMIN_API_KEY, DEFAULT_AGENT_ID: `agent_${slug}` });

    let base = await start(envWith(A));
    const first = await tenantAs(base, A);
    expect(first.status).toBe(200);
    expect(first.json()).toMatchObject({ slug });
    await stop();

    // A key the tenant's admins made themselves is not a bootstrap key: rotations leave it alone.
    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug } });
    const own = newKey();
    await prisma.apiKey.create({ data: { tenantId: tenant.id, name: 'ops team', keyHash: hashApiKey(own), role: 'admin' } });

    base = await start(envWith(B));
    const withA = await tenantAs(base, A);
    expect({ status: withA.status, reason: reason(withA) }).toEqual({ status: 401, reason: 'API key is unknown or revoked, or has expired' });
    expect((await tenantAs(base, B)).json()).toMatchObject({ slug });
    expect((await tenantAs(base, own)).status).toBe(200);
    const rows = await prisma.apiKey.findMany({ where: { tenantId: tenant.id }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((k) => ({ hash: k.keyHash, name: k.name, revoked: k.revokedAt !== null }))).toEqual([
      { hash: hashApiKey(A), name: BOOTSTRAP_KEY_NAME, revoked: true },
      { hash: hashApiKey(own), name: 'ops team', revoked: false },
      { hash: hashApiKey(B), name: BOOTSTRAP_KEY_NAME, revoked: false },
    ]);
    const revokedAt = rows[0].revokedAt;
    await stop();

    // The same key again: nothing changes (A keeps its revocation time).
    base = await start(envWith(B));
    expect((await tenantAs(base, B)).status).toBe(200);
    expect((await tenantAs(base, A)).status).toBe(401);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { keyHash: hashApiKey(A) } })).revokedAt).toEqual(revokedAt);
    await stop();

    // Rolling ADMIN_API_KEY back to A makes A the bootstrap key again.
    base = await start(envWith(A));
    expect((await tenantAs(base, A)).status).toBe(200);
    expect((await tenantAs(base, B)).status).toBe(401);
    expect((await tenantAs(base, own)).status).toBe(200);
  }, 60000);

  it('production: the development admin key is 401 even though the database still holds it; in test it works', async () => {
    const slug = `boot-prod-${randomBytes(5).toString('hex')}`;
    slugs.push(slug);
    const realAdmin = newKey();
    const prodEnv = testEnv({
      NODE_ENV: 'production',
      DEFAULT_TENANT_SLUG: slug,
      DEFAULT_AGENT_ID: `agent_${slug}`,
      ADMIN_API_KEY: realAdmin,
      RETELL_API_KEY: `key_${randomBytes(16).toString('hex')}`,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    });
    let base = await start(prodEnv);
    // A database first started in development: the development key's row is there, valid.
    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug } });
    const devHash = hashApiKey(DEV_DEFAULTS.ADMIN_API_KEY);
    await prisma.apiKey.upsert({
      where: { keyHash: devHash },
      create: { tenantId: tenant.id, name: 'left from development', keyHash: devHash, role: 'admin' },
      update: { revokedAt: null },
    });

    const dev = await tenantAs(base, DEV_DEFAULTS.ADMIN_API_KEY);
    expect({ status: dev.status, reason: reason(dev) }).toEqual({ status: 401, reason: 'the development admin API key is refused under NODE_ENV=production' });
    expect(dev.text).not.toContain(DEV_DEFAULTS.ADMIN_API_KEY);
    expect((await tenantAs(base, realAdmin)).status).toBe(200);
    await stop();

    // The same row outside production: the key is valid, so the 401 above is the production rule.
    base = await start(testEnv({ DEFAULT_TENANT_SLUG: slug, DEFAULT_AGENT_ID: `agent_${slug}`, ADMIN_API_KEY: realAdmin }));
    expect((await tenantAs(base, DEV_DEFAULTS.ADMIN_API_KEY)).status).toBe(200);
  }, 60000);
});
