import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DateTime } from 'luxon';
import Retell from 'retell-sdk';
import { createPrismaClient, PgPool, type PrismaClient } from '@retell-ops/db';
import { QueueProducers, QUEUES } from '@retell-ops/queue';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { RoundTripCounter } from '../support/round-trips';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

const PG = 5432;
const REDIS = 6379;

/**
 * PostgreSQL and Redis round trips of one tool call, counted on the gateway's sockets (in this
 * process): each is socket writes, a reply to wait for and parse, and on the caller's clock. A
 * tool call's reads go with its claim (one), the answer is recorded after it is sent (one), and a
 * booking is one more plus its reminders (one Redis, one re-read) and its live events (one Redis). The code before counted
 * 3, 4, 10 + 2 Redis, 2 and 9 for the five calls below.
 */
describe('round trips per tool call', () => {
  const env = testEnv();
  const ZONE = 'America/New_York';
  const counter = new RoundTripCounter();
  let prisma: PrismaClient;
  let gateway: NestFastifyApplication;
  let url: string;
  let tenant: TestTenant;
  let phone: string;
  let interviewer: string;
  let day: DateTime;
  const hex = () => randomBytes(5).toString('hex');
  const isoAt = (hour: number) => day.set({ hour, minute: 0, second: 0, millisecond: 0 }).toISO({ suppressMilliseconds: true })!;

  async function callTool(tool: string, args: unknown, callId = `call_${hex()}`): Promise<{ ok: boolean; booked?: boolean }> {
    const body = JSON.stringify({ name: tool, call: { call_id: callId, direction: 'inbound', from_number: phone }, args });
    const res = await fetch(`${url}/webhooks/retell/tools/${tenant.slug}/${tool}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-retell-signature': await Retell.sign(body, tenant.retellApiKey) },
      body,
    });
    const json = (await res.json()) as { ok: boolean; booked?: boolean };
    // What the gateway sends after answering (the answer's record) belongs to the call too: wait until its pool is idle.
    const pool = gateway.get(PgPool);
    await waitFor(() => pool.waitingCount === 0 && pool.idleCount === pool.totalCount, { what: "the gateway's queries to finish", intervalMs: 5 });
    return json;
  }

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'trips');
    gateway = await createGateway(env);
    await gateway.listen(0, '127.0.0.1');
    url = (await gateway.getUrl()).replace('[::1]', '127.0.0.1');
    day = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 2 });
    while (day.weekday > 5) day = day.plus({ days: 1 });
    const position = await prisma.position.create({ data: { tenantId: tenant.tenantId, title: `Picker ${hex()}` } });
    phone = `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    await prisma.candidate.create({ data: { tenantId: tenant.tenantId, firstName: 'Ana', phone, timeZone: ZONE, positionId: position.id } });
    interviewer = `Dana ${hex()}`;
    const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [[540, 1020]]]));
    await prisma.interviewer.create({
      data: { tenantId: tenant.tenantId, name: interviewer, timeZone: ZONE, workingHours: weekdays, slotMinutes: 60, positionIds: [position.id] },
    });
    counter.install([PG, REDIS]);
    // Warm: the tenant and tool-settings caches, every pool connection's first use, BullMQ's scripts.
    await callTool('get_candidate', {});
    await callTool('check_interview_slots', { date_from: day.toISODate() });
    await callTool('book_interview', { start: isoAt(9), interviewer });
  }, 60_000);

  afterAll(async () => {
    counter.uninstall();
    await gateway?.close();
    const producers = new QueueProducers(env);
    await producers
      .queue(QUEUES.interviewReminders)
      .obliterate({ force: true })
      .catch(() => undefined);
    await producers.onModuleDestroy();
    if (tenant) await prisma.tenant.delete({ where: { id: tenant.tenantId } });
    await prisma?.$disconnect();
  });

  it('get_candidate 2, check_interview_slots 2, book_interview 4 and 2 Redis (a repeat 1, a taken slot 4)', async () => {
    const counted = async (fn: () => Promise<{ ok: boolean; booked?: boolean }>) => {
      const { result, trips } = await counter.measure(fn);
      return { pg: trips[PG], redis: trips[REDIS], ok: result.ok, booked: result.booked };
    };
    const callId = `call_${hex()}`;
    const counts = {
      get_candidate: await counted(() => callTool('get_candidate', {})),
      check_interview_slots: await counted(() => callTool('check_interview_slots', { date_from: day.toISODate() })),
      book_interview: await counted(() => callTool('book_interview', { start: isoAt(11), interviewer }, callId)),
      'book_interview again': await counted(() => callTool('book_interview', { start: isoAt(11), interviewer }, callId)),
      'book_interview taken': await counted(() => callTool('book_interview', { start: isoAt(11), interviewer })),
    };
    console.log(`round trips per tool call: ${JSON.stringify(counts)}`);
    expect(counts).toEqual({
      // the claim with the reads; the answer recorded
      get_candidate: { pg: 2, redis: 0, ok: true, booked: undefined },
      // the same: the interviewers' interviews come with the reads
      check_interview_slots: { pg: 2, redis: 0, ok: true, booked: undefined },
      // + the booking (lock, clash check, insert, commit: one round trip); its two reminders (one); the re-read that guards them;
      // its live events (one, sent as the answer goes: the agent does not wait on them)
      book_interview: { pg: 4, redis: 2, ok: true, booked: true },
      // the recorded answer, in the claim's round trip
      'book_interview again': { pg: 1, redis: 0, ok: true, booked: true },
      // + the booking, found taken; the interviews around it for the alternatives
      'book_interview taken': { pg: 4, redis: 0, ok: false, booked: false },
    });
  });
});
