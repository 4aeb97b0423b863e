// How the simulated LLM fills a tool's arguments: each property the tool's `parameters` schema
// declares is looked up by name (ignoring case and punctuation) in what the call knows (the
// previous answers, dynamic variables, metadata, the caller's number, a date range). Pure.

export type ValuePool = ReadonlyArray<Record<string, unknown>>;

const keyOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Other names an argument may go by (e.g. a slot's `start` passed as `start_time`). */
const ALIASES: Record<string, string[]> = {
  candidateid: ['candidateid', 'customerid', 'id'],
  customerid: ['customerid', 'candidateid', 'id'],
  phone: ['phone', 'phonenumber', 'callernumber', 'fromnumber'],
  phonenumber: ['phonenumber', 'phone', 'callernumber'],
  callernumber: ['callernumber', 'phonenumber', 'phone'],
  start: ['start', 'startiso', 'starttime', 'startsat', 'datetime', 'slotstart', 'iso'],
  starttime: ['starttime', 'start', 'startiso', 'startsat', 'datetime'],
  startiso: ['startiso', 'start', 'starttime', 'startsat', 'datetime'],
  slotstart: ['slotstart', 'start', 'startiso', 'starttime'],
  datetime: ['datetime', 'start', 'startiso', 'starttime'],
  scheduledat: ['scheduledat', 'start', 'startiso', 'starttime'],
  timezone: ['timezone', 'tz', 'candidatetimezone'],
  // how a time is worded for reading out (the platform's tools answer `start_words`)
  spoken: ['spoken', 'startwords', 'words', 'label', 'text', 'display'],
};

/** A flat name → value map of an object: its scalar fields plus those of nested objects one level down (`candidate.id` also as `candidate_id`). */
export function flatten(value: unknown): Record<string, unknown> {
  if (!isObject(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (isScalar(v)) out[keyOf(k)] ??= v;
    else if (isObject(v)) for (const [k2, v2] of Object.entries(v)) if (isScalar(v2)) out[keyOf(`${k}_${k2}`)] ??= v2;
  }
  for (const v of Object.values(value)) if (isObject(v)) for (const [k2, v2] of Object.entries(v)) if (isScalar(v2)) out[keyOf(k2)] ??= v2;
  return out;
}

/** The first value any source of the pool holds for this argument name (or an alias), else undefined. */
export function lookUp(name: string, pool: ValuePool): unknown {
  const names = ALIASES[keyOf(name)] ?? [keyOf(name)];
  // names outer: an exact `candidate_id` anywhere beats a bare `id` in a nearer source
  for (const n of names) for (const source of pool) if (source[n] !== undefined && source[n] !== '') return source[n];
  return undefined;
}

/**
 * The arguments for a tool: with a schema, exactly its properties that the pool can fill (the
 * LLM leaves out what it does not know); without one, `fallback`.
 */
export function fillArgs(parameterNames: readonly string[] | undefined, pool: ValuePool, fallback: Record<string, unknown>): Record<string, unknown> {
  if (!parameterNames) return Object.fromEntries(Object.entries(fallback).filter(([, v]) => v !== undefined));
  const args: Record<string, unknown> = {};
  for (const name of parameterNames) {
    const v = lookUp(name, pool);
    if (v !== undefined) args[name] = v;
  }
  return args;
}
