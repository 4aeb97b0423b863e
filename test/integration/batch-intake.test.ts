import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { BATCH_CHUNK_ROWS, BatchIntake } from '@retell-ops/dialer';
import { MAX_REPORTED_BAD_ROWS } from '@retell-ops/domain';
import { createApi } from '../../apps/api/src/create-api';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/**
 * Batches at campaign size through the real API and PostgreSQL: 100,000 targets as JSON and as
 * CSV, written in chunks; bad rows named; duplicates collapsed; Idempotency-Key; an acceptance
 * left halfway marked failed. Nothing here dials (no dialer runs; the batches are scheduled ahead).
 */
describe('batch intake at 100,000 targets', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let base: string;
  let tenant: TestTenant;
  const later = () => new Date(Date.now() + 3600_000).toISOString();

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'batch-intake');
    await prisma.tenant.update({ where: { id: tenant.tenantId }, data: { defaultFromNumber: '+14155550100' } });
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    if (tenant) await prisma.tenant.delete({ where: { id: tenant.tenantId } });
    await prisma.$disconnect();
  });

  const post = async (path: string, body: string, contentType: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.adminApiKey}`, 'content-type': contentType, ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const number = (i: number) => `+1415${String(i).padStart(7, '0')}`;
  const countsOf = async (batchId: string) => ({
    requests: await prisma.dialRequest.count({ where: { batchId } }),
    calls: await prisma.call.count({ where: { dialRequest: { batchId }, attempt: 1 } }),
  });

  it('100,000 JSON targets (10 repeated numbers among them) are accepted in chunks, all rows written, duplicates collapsed', async () => {
    const targets: unknown[] = Array.from({ length: 100_000 }, (_, i) =>
      i % 2 ? number(i) : { toNumber: number(i), dynamicVariables: { first_name: `Lead ${i}` }, metadata: { row: String(i) } },
    );
    for (let i = 0; i < 10; i++) targets[99_990 + i] = number(i * 2 + 1); // odd rows are plain strings: the same numbers again
    const body = JSON.stringify({ name: 'hundred thousand', maxConcurrent: 200, scheduledAt: later(), targets });
    expect(body.length).toBeGreaterThan(env.WEBHOOK_BODY_LIMIT_BYTES); // above every other route's limit

    const started = Date.now();
    const res = await post('/api/v1/batches', body, 'application/json');
    const tookMs = Date.now() - started;
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      status: 'active',
      progress: { total: 99_990, queued: 99_990 },
      accepted: { requests: 99_990, duplicates: { count: 10 }, replayed: false, chunks: Math.ceil(99_990 / BATCH_CHUNK_ROWS) },
    });
    expect(res.json.accepted.duplicates.rows).toEqual(Array.from({ length: 10 }, (_, i) => 99_990 + i));
    expect(await countsOf(res.json.id)).toEqual({ requests: 99_990, calls: 99_990 });
    const first = await prisma.dialRequest.findFirstOrThrow({ where: { batchId: res.json.id, toNumber: number(0) }, include: { calls: true } });
    expect(first).toMatchObject({ status: 'scheduled', dynamicVariables: { first_name: 'Lead 0', company_name: expect.any(String) }, metadata: { row: '0' } });
    expect(first.currentCallId).toBe(first.calls[0].id);
    // One request per number, as the batch promised.
    const [{ distinct }] = await prisma.$queryRaw<Array<{ distinct: number }>>`
      SELECT count(DISTINCT "toNumber")::int AS "distinct" FROM "DialRequest" WHERE "batchId" = ${res.json.id}::uuid`;
    expect(distinct).toBe(99_990);
    console.log(`100,000 JSON targets (${(body.length / 1e6).toFixed(1)} MB) accepted in ${tookMs} ms`);
  }, 120_000);

  it('100,000 CSV rows with variable and metadata columns are accepted; the options come as query parameters', async () => {
    const lines = ['phone,first_name,position,metadata.source'];
    for (let i = 0; i < 100_000; i++) lines.push(`${number(200_000 + i)},Ana ${i},"Nurse, night",fair`);
    const csv = `${lines.join('\n')}\n`;
    const started = Date.now();
    const res = await post(`/api/v1/batches?name=csv&maxConcurrent=50&maxAttempts=2&scheduledAt=${encodeURIComponent(later())}`, csv, 'text/csv');
    const tookMs = Date.now() - started;
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: 'csv', maxConcurrent: 50, status: 'active', progress: { total: 100_000 }, accepted: { requests: 100_000 } });
    expect(await countsOf(res.json.id)).toEqual({ requests: 100_000, calls: 100_000 });
    const row = await prisma.dialRequest.findFirstOrThrow({ where: { batchId: res.json.id, toNumber: number(200_007) } });
    expect(row).toMatchObject({ maxAttempts: 2, dynamicVariables: { first_name: 'Ana 7', position: 'Nurse, night' }, metadata: { source: 'fair' } });
    console.log(`100,000 CSV rows (${(csv.length / 1e6).toFixed(1)} MB) accepted in ${tookMs} ms`);
  }, 120_000);

  it('bad CSV rows are refused by line, at most 100 named with the count of all; nothing is written', async () => {
    const before = await prisma.dialRequest.count({ where: { tenantId: tenant.tenantId } });
    const batches = await prisma.batch.count({ where: { tenantId: tenant.tenantId } });
    const lines = ['phone,first_name'];
    for (let i = 0; i < 1000; i++) lines.push(i % 4 === 3 ? `555-${i},Bo` : `${number(400_000 + i)},Bo`);
    lines.push('+14155550199,too,many');
    const res = await post('/api/v1/batches?maxConcurrent=5', lines.join('\n'), 'text/csv');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'invalid_targets', badRowCount: 251 });
    expect(res.json.badRows).toHaveLength(MAX_REPORTED_BAD_ROWS);
    expect(res.json.badRows[0]).toEqual({ row: 5, message: 'line 5: phone "555-3" must be an E.164 number such as +14155550123' });
    expect(await prisma.dialRequest.count({ where: { tenantId: tenant.tenantId } })).toBe(before);
    expect(await prisma.batch.count({ where: { tenantId: tenant.tenantId } })).toBe(batches);

    const noNumber = await post('/api/v1/batches?maxConcurrent=5', 'name,city\nAna,Lyon\n', 'text/csv');
    expect(noNumber.status).toBe(400);
    expect(noNumber.json.message.join(' ')).toMatch(/needs a phone \(or toNumber\) column or a candidate_id column/);
    const badOption = await post('/api/v1/batches?maxConcurrent=0', `phone\n${number(1)}\n`, 'text/csv');
    expect(badOption.status).toBe(400);
    expect([badOption.json.message].flat().join(' ')).toMatch(/maxConcurrent must not be less than 1/);
  });

  it('the large limit is this route only: another route answers 413 above its limit, and 415 to a CSV body', async () => {
    const big = JSON.stringify({ toNumber: number(1), metadata: { pad: 'x'.repeat(env.WEBHOOK_BODY_LIMIT_BYTES) } });
    expect((await post('/api/v1/calls', big, 'application/json')).status).toBe(413);
    expect((await post('/api/v1/calls', `phone\n${number(1)}\n`, 'text/csv')).status).toBe(415);
  });

  it('Idempotency-Key: a retry answers 200 with the same batch; one still accepting is 409', async () => {
    const key = `campaign-${randomUUID()}`;
    const body = JSON.stringify({ maxConcurrent: 2, scheduledAt: later(), targets: [number(500_001), number(500_002)] });
    const first = await post('/api/v1/batches', body, 'application/json', { 'idempotency-key': key });
    const again = await post('/api/v1/batches', body, 'application/json', { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, accepted: { replayed: true, requests: 2 } });
    expect(await prisma.batch.count({ where: { tenantId: tenant.tenantId, idempotencyKey: key } })).toBe(1);

    const busyKey = `campaign-${randomUUID()}`;
    await prisma.batch.create({ data: { tenantId: tenant.tenantId, maxConcurrent: 1, status: 'accepting', idempotencyKey: busyKey } });
    expect((await post('/api/v1/batches', body, 'application/json', { 'idempotency-key': busyKey })).status).toBe(409);
  });

  it('an acceptance left halfway (its API died) is failed by the sweep: requests and calls cancelled, key released for a retry', async () => {
    const key = `campaign-${randomUUID()}`;
    const batch = await prisma.batch.create({
      data: { tenantId: tenant.tenantId, maxConcurrent: 1, status: 'accepting', idempotencyKey: key, updatedAt: new Date('2021-03-01T10:00:00Z') },
    });
    for (const n of [number(600_001), number(600_002)]) {
      const r = await prisma.dialRequest.create({
        data: {
          tenantId: tenant.tenantId,
          batchId: batch.id,
          toNumber: n,
          fromNumber: '+14155550100',
          agentId: tenant.agentId,
          dynamicVariables: {},
          status: 'queued',
        },
      });
      const c = await prisma.call.create({ data: { tenantId: tenant.tenantId, dialRequestId: r.id, attempt: 1, status: 'queued', toNumber: n } });
      await prisma.dialRequest.update({ where: { id: r.id }, data: { currentCallId: c.id } });
    }
    // The row's updatedAt is set by Prisma on every write: put it back in the past for the sweep.
    await prisma.$executeRaw`UPDATE "Batch" SET "updatedAt" = '2021-03-01T10:00:00Z' WHERE "id" = ${batch.id}::uuid`;
    expect(await app.get(BatchIntake).failStaleAcceptances()).toBeGreaterThanOrEqual(1);

    expect(await prisma.batch.findUniqueOrThrow({ where: { id: batch.id } })).toMatchObject({ status: 'failed', idempotencyKey: null });
    const requests = await prisma.dialRequest.findMany({ where: { batchId: batch.id }, include: { calls: true } });
    expect(requests.map((r) => [r.status, r.lastOutcome, r.calls[0].status])).toEqual([
      ['cancelled', 'batch_failed', 'cancelled'],
      ['cancelled', 'batch_failed', 'cancelled'],
    ]);
    const retry = await post('/api/v1/batches', JSON.stringify({ maxConcurrent: 1, scheduledAt: later(), targets: [number(600_001)] }), 'application/json', {
      'idempotency-key': key,
    });
    expect(retry.status).toBe(201);
    expect(retry.json.id).not.toBe(batch.id);
  });
});
