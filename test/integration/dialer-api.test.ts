import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { createApi } from '../../apps/api/src/create-api';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { bearerApi } from '../support/http';

/** The dial API's validation and bookkeeping (placing calls is covered end to end with the simulator). */
describe('dialer API', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let base: string;
  let tenant: TestTenant;

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'dialer-api');
    await prisma.tenant.update({ where: { id: tenant.tenantId }, data: { defaultFromNumber: '+14155550100' } });
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    await prisma.tenant.delete({ where: { id: tenant.tenantId } });
    await prisma.$disconnect();
  });

  const send = bearerApi(
    () => base,
    () => tenant.adminApiKey,
  );
  const message = (r: { json: { message?: unknown } }) => [r.json?.message].flat().join(' | ');
  const dialRequests = () => prisma.dialRequest.count({ where: { tenantId: tenant.tenantId } });

  const badCalls: Array<[string, Record<string, unknown>, RegExp]> = [
    ['non-E.164 number', { toNumber: '415-555-0123' }, /toNumber must be an E\.164/],
    ['number without +', { toNumber: '14155550123' }, /toNumber/],
    ['non-string dynamic variable', { toNumber: '+14155550123', dynamicVariables: { first_name: 'Ana', age: 42 } }, /dynamicVariables\.age must be a string/],
    ['null dynamic variable', { toNumber: '+14155550123', dynamicVariables: { note: null } }, /dynamicVariables\.note must be a string/],
    ['dynamic variables not an object', { toNumber: '+14155550123', dynamicVariables: ['a'] }, /dynamicVariables/],
    ['unknown agent', { toNumber: '+14155550123', agentId: 'agent_nobody' }, /unknown agent 'agent_nobody'/],
    ['scheduledAt in the past', { toNumber: '+14155550123', scheduledAt: '2020-01-01T00:00:00Z' }, /scheduledAt must be in the future/],
    ['scheduledAt not a date', { toNumber: '+14155550123', scheduledAt: 'tomorrow' }, /scheduledAt must be an ISO 8601/],
    ['priority not one of high/normal/low', { toNumber: '+14155550123', priority: 'urgent' }, /priority/],
    ['maxAttempts 0', { toNumber: '+14155550123', maxAttempts: 0 }, /maxAttempts/],
    ['unknown field', { toNumber: '+14155550123', colour: 'blue' }, /colour should not exist/],
    ['unknown candidate', { toNumber: '+14155550123', candidateId: 'nobody-42' }, /unknown candidate/],
    ['bad fromNumber', { toNumber: '+14155550123', fromNumber: '0800 123' }, /fromNumber/],
  ];
  it.each(badCalls)('POST /calls: %s → 400, nothing dialled', async (_name, body, reason) => {
    const before = await dialRequests();
    const res = await send('POST', '/api/v1/calls', body);
    expect(res.status).toBe(400);
    expect(message(res)).toMatch(reason);
    expect(await dialRequests()).toBe(before);
  });

  const badBatches: Array<[string, Record<string, unknown>, RegExp]> = [
    ['maxConcurrent 0', { maxConcurrent: 0, targets: [{ toNumber: '+14155550123' }] }, /maxConcurrent must not be less than 1/],
    ['empty batch', { maxConcurrent: 2, targets: [] }, /targets must not be empty/],
    ['a target with neither number nor candidate', { maxConcurrent: 2, targets: [{}] }, /targets\.0 needs toNumber or candidateId/],
    ['a bad number among good ones', { maxConcurrent: 2, targets: [{ toNumber: '+14155550123' }, { toNumber: 'abc' }] }, /toNumber must be an E\.164/],
    [
      'a window that ends before it starts',
      { maxConcurrent: 2, window: { start: '17:00', end: '09:00', timeZone: 'America/New_York' }, targets: [{ toNumber: '+14155550123' }] },
      /window\.start must be before/,
    ],
    [
      'a window in an unknown zone',
      { maxConcurrent: 2, window: { start: '09:00', end: '17:00', timeZone: 'Mars/Base' }, targets: [{ toNumber: '+14155550123' }] },
      /timeZone must be an IANA/,
    ],
    [
      'an unknown candidate among the targets',
      { maxConcurrent: 2, targets: [{ toNumber: '+14155550123' }, { candidateId: 'ghost' }] },
      /unknown candidate 'ghost'/,
    ],
    [
      'a bad plain-string number, named by its index',
      { maxConcurrent: 2, targets: ['+14155550123', { toNumber: '+14155550124' }, '555-0100'] },
      /targets\.2\.toNumber must be an E\.164/,
    ],
    ['a number that is not a string', { maxConcurrent: 2, targets: ['+14155550123', 14155550124] }, /targets\.1\.toNumber must be an E\.164/],
    ['a null target', { maxConcurrent: 2, targets: [null] }, /targets\.0 needs toNumber or candidateId/],
  ];
  it.each(badBatches)('POST /batches: %s → 400, nothing created', async (_name, body, reason) => {
    const before = await dialRequests();
    const batches = await prisma.batch.count({ where: { tenantId: tenant.tenantId } });
    const res = await send('POST', '/api/v1/batches', body);
    expect(res.status).toBe(400);
    expect(message(res)).toMatch(reason);
    expect(await dialRequests()).toBe(before);
    expect(await prisma.batch.count({ where: { tenantId: tenant.tenantId } })).toBe(batches);
  });

  it('a scheduled call answers 202 with our call id and shows as scheduled; cancelling it stops it for good', async () => {
    const at = new Date(Date.now() + 3600_000).toISOString();
    const created = await send('POST', '/api/v1/calls', {
      toNumber: '+14155550123',
      scheduledAt: at,
      dynamicVariables: { first_name: 'Ana' },
      metadata: { ref: 'x1' },
    });
    expect(created.status).toBe(202);
    expect(created.json).toMatchObject({ id: expect.any(String), status: 'scheduled', scheduledAt: new Date(at).toISOString() });
    const call = await send('GET', `/api/v1/calls/${created.json.id}`);
    expect(call.json).toMatchObject({
      id: created.json.id,
      callId: null,
      status: 'scheduled',
      toNumber: '+14155550123',
      attempt: 1,
      dynamicVariables: { first_name: 'Ana', company_name: expect.any(String) },
    });

    const cancelled = await send('DELETE', `/api/v1/calls/${created.json.id}`);
    expect(cancelled).toMatchObject({ status: 202, json: { result: 'cancelled' } });
    expect((await send('GET', `/api/v1/calls/${created.json.id}`)).json.status).toBe('cancelled');
    expect(await prisma.dialRequest.findUniqueOrThrow({ where: { id: created.json.dialRequestId } })).toMatchObject({ status: 'cancelled', attempts: 0 });
  });

  it('merges candidate and tenant fields into the dynamic variables, the caller winning', async () => {
    const candidate = await prisma.candidate.create({
      data: { tenantId: tenant.tenantId, firstName: 'Lena', lastName: 'Ortiz', phone: '+14155550177', externalId: 'ext-77', positionApplied: 'Nurse' },
    });
    const created = await send('POST', '/api/v1/calls', {
      candidateId: 'ext-77',
      toNumber: '+14155550177',
      dynamicVariables: { position: 'Senior Nurse' },
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(created.status).toBe(202);
    const request = await prisma.dialRequest.findUniqueOrThrow({ where: { id: created.json.dialRequestId } });
    expect(request.dynamicVariables).toEqual({
      company_name: expect.any(String),
      candidate_id: 'ext-77',
      first_name: 'Lena',
      last_name: 'Ortiz',
      candidate_name: 'Lena Ortiz',
      position: 'Senior Nurse',
    });
    expect(Object.values(request.dynamicVariables as object).every((v) => typeof v === 'string')).toBe(true);
    expect(request.metadata).toMatchObject({ candidate_id: candidate.id });
    await send('DELETE', `/api/v1/calls/${created.json.id}`);
  });

  it('a batch reports its progress and DELETE cancels what has not started', async () => {
    const created = await send('POST', '/api/v1/batches', {
      name: 'evening list',
      maxConcurrent: 2,
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
      window: { start: '09:00', end: '17:00', timeZone: 'America/Chicago' },
      targets: [{ toNumber: '+14155550101' }, { toNumber: '+14155550102' }, { toNumber: '+14155550103' }],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'evening list',
      status: 'active',
      maxConcurrent: 2,
      window: { start: '09:00', end: '17:00', timeZone: 'America/Chicago' },
      progress: { total: 3, queued: 3, live: 0, completed: 0, failed: 0 },
    });
    const cancelled = await send('DELETE', `/api/v1/batches/${created.json.id}`);
    expect(cancelled.json).toMatchObject({ status: 'cancelled', cancelledNow: 3, progress: { total: 3, queued: 0, cancelled: 3 } });
    expect((await send('GET', '/api/v1/batches/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('targets may be plain E.164 strings, mixed with objects', async () => {
    const created = await send('POST', '/api/v1/batches', {
      maxConcurrent: 1,
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
      targets: ['+14155550111', { toNumber: '+14155550112', dynamicVariables: { first_name: 'Ana' } }],
    });
    expect(created.status).toBe(201);
    expect(created.json.progress).toMatchObject({ total: 2, queued: 2 });
    const requests = await prisma.dialRequest.findMany({ where: { batchId: created.json.id }, orderBy: { toNumber: 'asc' } });
    expect(requests.map((r) => r.toNumber)).toEqual(['+14155550111', '+14155550112']);
    expect(requests[1].dynamicVariables).toMatchObject({ first_name: 'Ana' });
    await send('DELETE', `/api/v1/batches/${created.json.id}`);
  });

  it("GET /batches lists the tenant's batches newest first with progress, paged by cursor", async () => {
    const ids: string[] = [];
    for (const n of ['+14155550131', '+14155550132', '+14155550133']) {
      const b = await send('POST', '/api/v1/batches', {
        name: `list ${n}`,
        maxConcurrent: 1,
        scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
        targets: [n],
      });
      ids.push(b.json.id);
    }
    await send('DELETE', `/api/v1/batches/${ids[0]}`);
    const first = await send('GET', '/api/v1/batches?limit=2');
    expect(first.status).toBe(200);
    expect(first.json.data.map((b: { id: string }) => b.id)).toEqual([ids[2], ids[1]]);
    expect(first.json.data[0]).toMatchObject({ status: 'active', progress: { total: 1, queued: 1, live: 0 }, completedAt: null });
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await send('GET', `/api/v1/batches?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.data[0]).toMatchObject({ id: ids[0], status: 'cancelled', progress: { total: 1, cancelled: 1, queued: 0 } });
    // the same progress as the single view
    expect(second.json.data[0].progress).toEqual((await send('GET', `/api/v1/batches/${ids[0]}`)).json.progress);
    expect((await send('GET', '/api/v1/batches?cursor=nonsense')).status).toBe(400);
    expect((await send('GET', '/api/v1/batches?limit=0')).status).toBe(400);
    for (const id of ids.slice(1)) await send('DELETE', `/api/v1/batches/${id}`);
  });

  it('stats validate their range', async () => {
    expect((await send('GET', '/api/v1/stats?from=2026-02-01&to=2026-01-01')).status).toBe(400);
    const ok = await send('GET', '/api/v1/stats');
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ totals: { calls: expect.any(Number) }, byDay: expect.any(Array), byAgent: expect.any(Array), byBatch: expect.any(Array) });
  });
});
