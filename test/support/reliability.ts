import { randomBytes } from 'node:crypto';
import { Queue, type JobType } from 'bullmq';
import type { Call, PrismaClient } from '@retell-ops/db';
import { LIFECYCLE_EVENTS, QUEUE_FOR_EVENT, type CallEventJob, type LifecycleEvent } from '@retell-ops/queue';
import { foldCallEvents, type CallRecordFields, type RetellWebhookEnvelope } from '@retell-ops/retell';
import { buildLifecycle, type SimScenario } from '../../apps/retell-sim/src/payloads';

/** The scenarios whose webhooks are the three lifecycle events only (no tool calls, no transfers): what these suites count. */
const LIFECYCLE_SCENARIOS: readonly SimScenario[] = ['answered', 'no_answer', 'busy', 'voicemail'];
import { seededRandom, shuffle } from '../../apps/retell-sim/src/random';
import { postSigned, type Answer } from './http';
import type { TestTenant } from './tenants';
import { waitFor } from './wait';

// Shared machinery of the reliability suites: seeded plans of realistic, duplicated and
// reordered deliveries, bounded concurrent sending, queue inspection, and the ledger that says
// whether anything was lost, duplicated or folded differently from a clean delivery.

export { seededRandom, shuffle };

/** The seed of a run: SOAK_SEED / RELIABILITY_SEED when given (to replay a failure), else random. */
export function runSeed(): number {
  const given = process.env.RELIABILITY_SEED ?? process.env.SOAK_SEED;
  return given ? Number(given) >>> 0 : randomBytes(4).readUInt32BE(0);
}

export interface PlannedCall {
  callId: string;
  scenario: SimScenario;
  /** the clean lifecycle, one body per event, in Retell's order */
  clean: Array<{ event: LifecycleEvent; body: RetellWebhookEnvelope; bytes: string }>;
}

export interface PlannedDelivery {
  callId: string;
  event: LifecycleEvent;
  /** the exact bytes; every copy of one event carries the same bytes, as a Retell retry does */
  bytes: string;
  /** 1 for the first copy of its event, 2 and 3 for duplicates */
  copy: number;
  /** which URL it goes to: the tenant slug route, or the agent-routed one */
  route: 'slug' | 'agent';
}

export interface Plan {
  seed: number;
  calls: PlannedCall[];
  /** every delivery, duplicated and in a random order */
  deliveries: PlannedDelivery[];
}

const FIRST_NAMES = ['Ana', 'Bo', 'Chiara', 'Dmitri', 'Eun-ji', 'Femi', 'Grete', 'Hamid', 'Ines', 'José'];

/**
 * Calls of every scenario (answered, no_answer, busy, voicemail, in turn) built by the simulator's
 * `buildLifecycle`, each event sent 1 to `maxCopies` times, all deliveries shuffled together.
 * Calls are added until there are at least `minCalls` calls and `minDeliveries` deliveries.
 */
export function planDeliveries(
  tenant: TestTenant,
  opts: { seed: number; minCalls: number; minDeliveries?: number; maxCopies?: number; scenarios?: readonly SimScenario[]; agentRoute?: boolean },
): Plan {
  const random = seededRandom(opts.seed);
  const scenarios = opts.scenarios ?? LIFECYCLE_SCENARIOS;
  const maxCopies = opts.maxCopies ?? 3;
  const calls: PlannedCall[] = [];
  const deliveries: PlannedDelivery[] = [];
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  while (calls.length < opts.minCalls || deliveries.length < (opts.minDeliveries ?? 0)) {
    const scenario = scenarios[calls.length % scenarios.length]; // an even mix; the shuffle below mixes them up
    const callId = `call_${hex(32)}`;
    const withExtras = random() < 0.7;
    const lifecycle = buildLifecycle(scenario, {
      callId,
      agentId: tenant.agentId,
      fromNumber: '+14155550100',
      toNumber: `+1415555${String(Math.floor(random() * 10_000)).padStart(4, '0')}`,
      direction: random() < 0.85 ? 'outbound' : 'inbound',
      ...(withExtras && {
        metadata: { candidate_id: `cand-${hex(6)}`, attempt: 1 + Math.floor(random() * 3) },
        dynamicVariables: { first_name: FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)] },
      }),
      transcriptTurns: 2 + Math.floor(random() * 10),
    });
    const clean = lifecycle.map((d) => ({ event: d.event as LifecycleEvent, body: d.body, bytes: JSON.stringify(d.body) }));
    calls.push({ callId, scenario, clean });
    for (const c of clean) {
      const copies = 1 + Math.floor(random() * maxCopies);
      for (let copy = 1; copy <= copies; copy++) {
        deliveries.push({ callId, event: c.event, bytes: c.bytes, copy, route: opts.agentRoute !== false && random() < 0.5 ? 'agent' : 'slug' });
      }
    }
  }
  return { seed: opts.seed, calls, deliveries: shuffle(deliveries, random) };
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function boundedAll<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await task(items[i], i);
    }
  });
  await Promise.all(lanes);
  return results;
}

export interface SendResult {
  delivery: PlannedDelivery;
  status: number;
  text: string;
  retryAfter?: string;
}

/** Posts every delivery to the gateway, signed at send time, `concurrency` in flight. Never throws on HTTP errors. */
export async function sendDeliveries(gatewayUrl: string, tenant: TestTenant, deliveries: readonly PlannedDelivery[], concurrency = 32): Promise<SendResult[]> {
  return boundedAll(deliveries, concurrency, async (delivery) => {
    const url = delivery.route === 'agent' ? `${gatewayUrl}/webhooks/retell` : `${gatewayUrl}/webhooks/retell/${tenant.slug}`;
    let res: Answer;
    try {
      res = await postSigned(url, delivery.bytes, tenant.retellApiKey);
    } catch (e) {
      return { delivery, status: 0, text: `request failed: ${(e as Error).message}` };
    }
    return { delivery, status: res.status, text: res.text };
  });
}

/** Status → how many deliveries got it, e.g. `{ 204: 1480 }`. */
export function statusHistogram(results: readonly SendResult[]): Record<number, number> {
  const h: Record<number, number> = {};
  for (const r of results) h[r.status] = (h[r.status] ?? 0) + 1;
  return h;
}

/** The three lifecycle queues of a prefix, for inspection. */
export function lifecycleQueues(redisUrl: string, prefix: string): Record<LifecycleEvent, Queue<CallEventJob>> {
  const make = (e: LifecycleEvent) => new Queue<CallEventJob>(QUEUE_FOR_EVENT[e], { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix });
  return { call_started: make('call_started'), call_ended: make('call_ended'), call_analyzed: make('call_analyzed') };
}

export async function queueCounts(
  queues: Record<LifecycleEvent, Queue<CallEventJob>>,
): Promise<Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'prioritized' | 'waiting-children', number>> {
  const per = await Promise.all(
    LIFECYCLE_EVENTS.map((e) => queues[e].getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children')),
  );
  const sum = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, prioritized: 0, 'waiting-children': 0 };
  for (const c of per) for (const k of Object.keys(sum) as Array<keyof typeof sum>) sum[k] += c[k] ?? 0;
  return sum;
}

/**
 * Waits until no lifecycle job of `prefix` is waiting, active, delayed or prioritized: whatever a
 * delivery already acknowledged was going to do has been done (a condition, not a sleep).
 */
export async function waitForIdleLifecycleQueues(redisUrl: string, prefix: string): Promise<void> {
  const queues = lifecycleQueues(redisUrl, prefix);
  try {
    await waitFor(
      async () => {
        const c = await queueCounts(queues);
        return c.waiting + c.active + c.delayed + c.prioritized === 0 || undefined;
      },
      { what: 'the lifecycle queues to be idle' },
    );
  } finally {
    await closeQueues(queues, false);
  }
}

/** Every job of every lifecycle queue in the given states (all states by default). */
export async function allJobs(
  queues: Record<LifecycleEvent, Queue<CallEventJob>>,
  types: JobType[] = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'paused'],
) {
  const lists = await Promise.all(LIFECYCLE_EVENTS.map((e) => queues[e].getJobs(types, 0, -1)));
  return lists.flat().filter(Boolean);
}

export async function closeQueues(queues: Record<LifecycleEvent, Queue<CallEventJob>>, obliterate = true): Promise<void> {
  await Promise.all(
    Object.values(queues).map(async (q) => {
      if (obliterate) await q.obliterate({ force: true }).catch(() => undefined);
      await q.close().catch(() => undefined);
    }),
  );
}

/** How many (call, event) pairs of `callIds` the worker has recorded and finished. */
export async function processedPairs(prisma: PrismaClient, tenantId: string, callIds?: readonly string[]): Promise<number> {
  return prisma.callEvent.count({
    where: { tenantId, processedAt: { not: null }, ...(callIds && { call: { retellCallId: { in: [...callIds] } } }) },
  });
}

export interface Ledger {
  calls: number;
  expectedPairs: number;
  /** (call, event) pairs expected but with no CallEvent, and calls with no Call row */
  lost: string[];
  /** pairs with more than one CallEvent, and call ids with more than one Call row */
  duplicated: string[];
  /** CallEvents or Calls for this tenant that no planned delivery explains */
  unexpected: string[];
  /** CallEvents not marked processed */
  unprocessed: string[];
  /** calls whose row differs from the fold of their clean events: call id → field differences */
  mismatched: Record<string, Record<string, { row: unknown; reference: unknown }>>;
}

/** The Call columns the fold decides, as plain JSON (dates as epoch ms, cents as numbers). */
function normalise(fields: Partial<Record<keyof CallRecordFields, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof Date) out[k] = v.getTime();
    else if (k === 'costCents') out[k] = v === null || v === undefined ? null : Math.round(Number(String(v)) * 10_000) / 10_000;
    else out[k] = v === undefined ? null : JSON.parse(JSON.stringify(v));
  }
  return out;
}

const FOLD_KEYS: Array<keyof CallRecordFields> = Object.keys(foldCallEvents([], 'queued')) as Array<keyof CallRecordFields>;

/** What the row of a call must be: the fold of its clean events from the worker's starting status. */
export function referenceRow(call: PlannedCall): Record<string, unknown> {
  return normalise(
    foldCallEvents(
      call.clean.map((c) => ({ type: c.event, call: c.body.call })),
      'queued',
    ),
  );
}

function rowFields(row: Call): Record<string, unknown> {
  const picked: Partial<Record<keyof CallRecordFields, unknown>> = {};
  for (const k of FOLD_KEYS) picked[k] = (row as unknown as Record<string, unknown>)[k];
  return normalise(picked);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Compares PostgreSQL with the plan: every planned call has exactly one Call row, every planned
 * (call, event) exactly one processed CallEvent, nothing else exists for the tenant, and each
 * row equals the fold of the call's clean events (one clean delivery each).
 */
export async function ledger(prisma: PrismaClient, tenantId: string, calls: readonly PlannedCall[]): Promise<Ledger> {
  const callRows = await prisma.$queryRaw<Array<{ retellCallId: string; n: bigint }>>`
    SELECT "retellCallId", count(*) AS n FROM "Call" WHERE "tenantId" = ${tenantId}::uuid GROUP BY 1`;
  const eventRows = await prisma.$queryRaw<Array<{ retellCallId: string; type: string; n: bigint; processed: bigint }>>`
    SELECT c."retellCallId", e."type", count(*) AS n, count(e."processedAt") AS processed
    FROM "CallEvent" e JOIN "Call" c ON c."id" = e."callId"
    WHERE e."tenantId" = ${tenantId}::uuid GROUP BY 1, 2`;

  const planned = new Map(calls.map((c) => [c.callId, c]));
  const expectedPairs = new Set(calls.flatMap((c) => c.clean.map((e) => `${c.callId}/${e.event}`)));
  const result: Ledger = { calls: calls.length, expectedPairs: expectedPairs.size, lost: [], duplicated: [], unexpected: [], unprocessed: [], mismatched: {} };

  const callCount = new Map(callRows.map((r) => [r.retellCallId, Number(r.n)]));
  for (const id of planned.keys()) if (!callCount.has(id)) result.lost.push(`call ${id}`);
  for (const [id, n] of callCount) {
    if (!planned.has(id)) result.unexpected.push(`call ${id}`);
    if (n > 1) result.duplicated.push(`call ${id} ×${n}`);
  }
  const pairCount = new Map(eventRows.map((r) => [`${r.retellCallId}/${r.type}`, r]));
  for (const pair of expectedPairs) if (!pairCount.has(pair)) result.lost.push(pair);
  for (const [pair, r] of pairCount) {
    if (!expectedPairs.has(pair)) result.unexpected.push(pair);
    if (Number(r.n) > 1) result.duplicated.push(`${pair} ×${Number(r.n)}`);
    if (Number(r.processed) < Number(r.n)) result.unprocessed.push(pair);
  }

  const ids = [...planned.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await prisma.call.findMany({ where: { tenantId, retellCallId: { in: ids.slice(i, i + 500) } } });
    for (const row of rows) {
      const got = rowFields(row);
      const want = referenceRow(planned.get(row.retellCallId!)!);
      const diff: Record<string, { row: unknown; reference: unknown }> = {};
      for (const k of FOLD_KEYS) if (!sameJson(got[k], want[k])) diff[k] = { row: got[k], reference: want[k] };
      if (Object.keys(diff).length) result.mismatched[row.retellCallId!] = diff;
    }
  }
  return result;
}

/** The ledger's verdict in one line, for the test log. */
export function ledgerSummary(l: Ledger): string {
  return `${l.calls} calls, ${l.expectedPairs} (call,event) pairs: lost ${l.lost.length}, duplicated ${l.duplicated.length}, unexpected ${l.unexpected.length}, unprocessed ${l.unprocessed.length}, rows differing from the clean fold ${Object.keys(l.mismatched).length}`;
}

/** The parts of a ledger that must be empty, shortened so a failure stays readable. */
export function ledgerProblems(l: Ledger): Record<string, unknown> {
  const head = <T>(xs: T[]) => (xs.length > 10 ? [...xs.slice(0, 10), `… ${xs.length - 10} more`] : xs);
  const mismatched = Object.entries(l.mismatched);
  return {
    lost: head(l.lost),
    duplicated: head(l.duplicated),
    unexpected: head(l.unexpected),
    unprocessed: head(l.unprocessed),
    mismatched: Object.fromEntries(mismatched.slice(0, 3)),
    mismatchedCount: mismatched.length,
  };
}

export const NO_PROBLEMS = { lost: [], duplicated: [], unexpected: [], unprocessed: [], mismatched: {}, mismatchedCount: 0 };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
