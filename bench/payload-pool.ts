import { createHmac, randomBytes } from 'node:crypto';
import { benchPayload, SIM_EVENTS, type SimEvent } from '../apps/retell-sim/src/payloads';
import { signBody } from '../apps/retell-sim/src/delivery';

/**
 * Pre-signed webhook deliveries for the load generators. Bodies are the simulator's realistic
 * ≈2 KB call_started, ≈10 KB call_ended and ≈20 KB call_analyzed payloads; each pool has its own
 * call ids, so no (call, event) is ever sent twice unless a run outlasts its pool (counted).
 *
 * Order: triple t is call_started of call t, call_ended of call t-LAG and call_analyzed of call
 * t-2·LAG, so the three events of one call reach the workers a few hundred deliveries apart (as
 * in reality, where they are minutes apart) instead of racing each other for the same row lock.
 */
const LAG = 200;
const TEMPLATE_CALL_ID = `call_${'0'.repeat(32)}`;
/** Retell rejects signatures more than 5 minutes off; a pool older than this is re-signed before use. */
export const MAX_POOL_AGE_MS = 4 * 60_000;

interface Template {
  event: SimEvent;
  parts: string[];
}

let templates: Template[] | undefined;
let templateAgent: string | undefined;

function templatesFor(agentId: string): Template[] {
  if (templates && templateAgent === agentId) return templates;
  const startTimestamp = Date.now() - 120_000;
  templates = SIM_EVENTS.map((event) => ({
    event,
    parts: JSON.stringify(benchPayload(event, { agentId, callId: TEMPLATE_CALL_ID, startTimestamp })).split(TEMPLATE_CALL_ID),
  }));
  templateAgent = agentId;
  return templates;
}

/** Body sizes of the three templates (bytes), for the report. */
export function templateSizes(agentId: string): Record<SimEvent, number> {
  const out = {} as Record<SimEvent, number>;
  for (const t of templatesFor(agentId)) out[t.event] = Buffer.byteLength(t.parts.join(TEMPLATE_CALL_ID));
  return out;
}

export interface Delivery {
  body: Buffer;
  signature: string;
  /** a path of its own (paced() posts to the run's URL otherwise) */
  path?: string;
  /** groups the answers' latencies in paced()'s `byTag` (e.g. the tool) */
  tag?: string;
}

export class RequestPool {
  private next = 0;
  /** how many deliveries were sent a second time because the run outlasted the pool */
  duplicates = 0;

  constructor(
    readonly items: Delivery[],
    readonly signedAt: number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  take(): Delivery {
    if (this.next >= this.items.length) {
      this.duplicates++;
      return this.items[this.next++ % this.items.length];
    }
    return this.items[this.next++];
  }

  get taken(): number {
    return this.next;
  }

  get fresh(): boolean {
    return Date.now() - this.signedAt < MAX_POOL_AGE_MS;
  }
}

/**
 * Builds and signs `count` deliveries for the tenant whose Retell key is `apiKey` and whose agent
 * is `agentId`. Signed with node:crypto's HMAC (same bytes as the SDK's WebCrypto `sign`, checked
 * against `signBody` on the first delivery), because the SDK's costs ~120 µs each.
 */
export async function buildPool(count: number, apiKey: string, agentId: string): Promise<RequestPool> {
  const tpl = templatesFor(agentId);
  const run = randomBytes(4).toString('hex');
  const ts = Date.now();
  const items: Delivery[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const e = k % 3;
    const call = Math.floor(k / 3) - e * LAG + 2 * LAG; // ≥ 0, unique per (call, event) in this pool
    const callId = `call_${run}${call.toString(16).padStart(24, '0')}`;
    const body = tpl[e].parts.join(callId);
    const digest = createHmac('sha256', apiKey)
      .update(body + ts)
      .digest('hex');
    items[k] = { body: Buffer.from(body, 'utf8'), signature: `v=${ts},d=${digest}` };
  }
  if (count > 0) {
    const expected = await signBody(items[0].body.toString('utf8'), apiKey, ts);
    if (expected !== items[0].signature) throw new Error('pool signature differs from the SDK signature');
  }
  return new RequestPool(items, ts);
}
