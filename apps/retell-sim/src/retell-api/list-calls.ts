import type { RetellCall } from '@retell-ops/retell';
import { badRequest } from './retell-errors';
import { bodyObject, isRecord } from './request-validation';

// POST /v3/list-calls (docs/retell.md#list-calls; SDK 5.66.1 `CallListParams`): filters ANDed (agent entries
// ORed), sorted by start_timestamp, cursor-paginated; items omit the transcript fields.

type Op = 'eq' | 'ne' | 'sw' | 'ew' | 'co' | 'gt' | 'ge' | 'lt' | 'le' | 'bt' | 'in' | 'pr' | 'np';
type FilterType = 'string' | 'number' | 'range' | 'enum' | 'boolean' | 'present';

export interface Filter {
  type: FilterType;
  op: Op;
  value?: unknown;
  key?: string;
}

const OPS: Record<FilterType, readonly Op[]> = {
  string: ['eq', 'ne', 'sw', 'ew', 'co'],
  number: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  range: ['bt'],
  enum: ['in'],
  boolean: ['eq'],
  present: ['pr', 'np'],
};

const get =
  (path: string[]) =>
  (call: RetellCall): unknown =>
    path.reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), call);

interface ScalarField {
  kind: 'scalar';
  types: readonly FilterType[];
  read: (call: RetellCall) => unknown;
  /** allowed enum values, when the SDK lists them */
  values?: readonly string[];
}
interface KeyedField {
  kind: 'keyed';
  read: (call: RetellCall) => unknown;
}

const STATUSES = ['registered', 'not_connected', 'ongoing', 'ended', 'error'];

/** Every filter `CallListParams.FilterCriteria` declares, with what it reads from the call. */
const FIELDS: Record<string, ScalarField | KeyedField | { kind: 'agent' } | { kind: 'tool_calls' }> = {
  agent: { kind: 'agent' },
  agent_tag: { kind: 'scalar', types: ['enum'], read: get(['agent_tag']) },
  batch_call_id: { kind: 'scalar', types: ['string'], read: get(['batch_call_id']) },
  call_id: { kind: 'scalar', types: ['string', 'enum'], read: get(['call_id']) },
  call_status: { kind: 'scalar', types: ['enum'], read: get(['call_status']), values: STATUSES },
  call_successful: { kind: 'scalar', types: ['boolean'], read: get(['call_analysis', 'call_successful']) },
  call_type: { kind: 'scalar', types: ['enum'], read: get(['call_type']), values: ['web_call', 'phone_call'] },
  combined_cost: { kind: 'scalar', types: ['number', 'range'], read: get(['call_cost', 'combined_cost']) },
  custom_analysis_data: { kind: 'keyed', read: get(['call_analysis', 'custom_analysis_data']) },
  custom_attributes: { kind: 'keyed', read: get(['custom_attributes']) },
  data_storage_setting: {
    kind: 'scalar',
    types: ['enum'],
    read: get(['data_storage_setting']),
    values: ['everything', 'everything_except_pii', 'basic_attributes_only'],
  },
  direction: { kind: 'scalar', types: ['enum'], read: get(['direction']), values: ['inbound', 'outbound'] },
  disconnection_reason: { kind: 'scalar', types: ['enum'], read: get(['disconnection_reason']) },
  duration_ms: { kind: 'scalar', types: ['number', 'range'], read: get(['duration_ms']) },
  dynamic_variables: { kind: 'keyed', read: get(['retell_llm_dynamic_variables']) },
  e2e_latency_p50: { kind: 'scalar', types: ['number', 'range'], read: get(['latency', 'e2e', 'p50']) },
  end_timestamp: { kind: 'scalar', types: ['number', 'range'], read: get(['end_timestamp']) },
  from_number: { kind: 'scalar', types: ['string'], read: get(['from_number']) },
  in_voicemail: { kind: 'scalar', types: ['boolean'], read: get(['call_analysis', 'in_voicemail']) },
  metadata: { kind: 'keyed', read: get(['metadata']) },
  start_timestamp: { kind: 'scalar', types: ['number', 'range'], read: get(['start_timestamp']) },
  to_number: { kind: 'scalar', types: ['string'], read: get(['to_number']) },
  tool_calls: { kind: 'tool_calls' },
  user_sentiment: { kind: 'scalar', types: ['enum'], read: get(['call_analysis', 'user_sentiment']), values: ['Negative', 'Positive', 'Neutral', 'Unknown'] },
};

export interface AgentFilter {
  agent_id: string;
  version?: number[];
}

export interface Criterion {
  field: string;
  match: (call: RetellCall) => boolean;
}

export interface ListQuery {
  criteria: Criterion[];
  sortOrder: 'ascending' | 'descending';
  limit: number;
  paginationKey?: Cursor;
  skip: number;
  includeTotal: boolean;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

function parseFilter(raw: unknown, where: string, types: readonly FilterType[], keyed: boolean, values?: readonly string[]): Filter {
  if (!isRecord(raw)) throw badRequest(`${where} must be a filter object {type, op, value}.`);
  const type = raw.type as FilterType;
  if (!types.includes(type)) throw badRequest(`${where}.type must be one of: ${types.join(', ')}.`);
  const op = raw.op as Op;
  if (!OPS[type].includes(op)) throw badRequest(`${where}.op must be one of: ${OPS[type].join(', ')} for a ${type} filter.`);
  if (keyed && (typeof raw.key !== 'string' || raw.key === '')) throw badRequest(`${where}.key must name the field to filter on.`);
  const value = raw.value;
  const bad = (what: string) => badRequest(`${where}.value must be ${what}.`);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw bad('a string');
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a number');
      break;
    case 'range':
      if (!Array.isArray(value) || value.length !== 2 || !value.every((n) => typeof n === 'number' && Number.isFinite(n)))
        throw bad('[lower_bound, upper_bound]');
      break;
    case 'enum':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw bad('a list of strings');
      if (values) {
        const unknown = value.find((v) => !values.includes(v as string));
        if (unknown !== undefined) throw bad(`a list of: ${values.join(', ')} (got ${JSON.stringify(unknown)})`);
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('a boolean');
      break;
    case 'present':
      break;
  }
  return { type, op, value, ...(keyed && { key: raw.key as string }) };
}

/** Whether one value passes one filter; an absent value only passes `np`. */
export function test(filter: Filter, actual: unknown): boolean {
  const present = actual !== undefined && actual !== null;
  if (filter.type === 'present') return filter.op === 'pr' ? present : !present;
  if (!present) return false;
  const v = filter.value;
  switch (filter.type) {
    case 'string': {
      if (typeof actual !== 'string') return false;
      const s = v as string;
      return filter.op === 'eq'
        ? actual === s
        : filter.op === 'ne'
          ? actual !== s
          : filter.op === 'sw'
            ? actual.startsWith(s)
            : filter.op === 'ew'
              ? actual.endsWith(s)
              : actual.includes(s);
    }
    case 'number': {
      if (typeof actual !== 'number') return false;
      const n = v as number;
      return { eq: actual === n, ne: actual !== n, gt: actual > n, ge: actual >= n, lt: actual < n, le: actual <= n }[filter.op as 'eq'];
    }
    case 'range': {
      if (typeof actual !== 'number') return false;
      const [lo, hi] = v as [number, number];
      return actual >= lo && actual <= hi;
    }
    case 'enum':
      return typeof actual === 'string' && (v as string[]).includes(actual);
    case 'boolean':
      return actual === v;
  }
  return false;
}

function parseCriteria(raw: unknown): Criterion[] {
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw)) throw badRequest('filter_criteria must be an object.');
  const criteria: Criterion[] = [];
  for (const [field, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    const spec = FIELDS[field];
    const where = `filter_criteria.${field}`;
    if (!spec) throw badRequest(`${where} is not a supported filter (supported: ${Object.keys(FIELDS).join(', ')}).`);
    switch (spec.kind) {
      case 'agent': {
        if (!Array.isArray(value)) throw badRequest(`${where} must be a list of {agent_id, version?}.`);
        const agents = value.map((a, i): AgentFilter => {
          if (!isRecord(a) || typeof a.agent_id !== 'string' || a.agent_id === '') throw badRequest(`${where}[${i}].agent_id must be a non-empty string.`);
          if (a.version !== undefined && a.version !== null && (!Array.isArray(a.version) || !a.version.every((n) => Number.isInteger(n)))) {
            throw badRequest(`${where}[${i}].version must be a list of version numbers.`);
          }
          return { agent_id: a.agent_id, version: (a.version as number[] | undefined | null) ?? undefined };
        });
        if (agents.length === 0) break;
        criteria.push({
          field,
          match: (call) => agents.some((a) => a.agent_id === call.agent_id && (!a.version?.length || a.version.includes(call.agent_version as number))),
        });
        break;
      }
      case 'tool_calls': {
        if (!Array.isArray(value) || !value.every(isRecord)) throw badRequest(`${where} must be a list of tool call filters.`);
        // each filter must match one of the call's tool calls (by name, type `custom`, success); latency is not recorded, so a latency filter matches nothing
        if (value.length) criteria.push({ field, match: (call) => value.every((f) => toolCallsOf(call).some((t) => toolCallMatches(t, f))) });
        break;
      }
      case 'keyed': {
        if (!Array.isArray(value)) throw badRequest(`${where} must be a list of filters, each with a key.`);
        const filters = value.map((f, i) => parseFilter(f, `${where}[${i}]`, Object.keys(OPS) as FilterType[], true));
        criteria.push({
          field,
          match: (call) => {
            const bag = spec.read(call);
            return filters.every((f) => test(f, isRecord(bag) ? bag[f.key!] : undefined));
          },
        });
        break;
      }
      case 'scalar': {
        const filter = parseFilter(value, where, spec.types, false, spec.values);
        criteria.push({ field, match: (call) => test(filter, spec.read(call)) });
        break;
      }
    }
  }
  return criteria;
}

/** Where the previous page stopped: the last item's sort timestamp and creation sequence. */
export interface Cursor {
  ts: number;
  seq: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.ts, c.seq])).toString('base64url');
}

function decodeCursor(key: string): Cursor {
  try {
    const [ts, seq] = JSON.parse(Buffer.from(key, 'base64url').toString('utf8')) as unknown[];
    if (typeof ts === 'number' && typeof seq === 'number' && Number.isFinite(ts) && Number.isInteger(seq)) return { ts, seq };
  } catch {
    // fall through
  }
  throw badRequest('pagination_key is not valid; pass the pagination_key of a previous response.');
}

export function parseListQuery(raw: unknown): ListQuery {
  const body = bodyObject(raw);
  const sortOrder = body.sort_order ?? 'descending';
  if (sortOrder !== 'ascending' && sortOrder !== 'descending') throw badRequest('sort_order must be ascending or descending.');
  const limit = body.limit ?? DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw badRequest(`limit must be an integer from 1 to ${MAX_LIMIT}.`);
  const skip = body.skip ?? 0;
  if (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0) throw badRequest('skip must be an integer ≥ 0.');
  const key = body.pagination_key ?? undefined;
  if (key !== undefined && (typeof key !== 'string' || key === '')) throw badRequest('pagination_key must be a string.');
  if (key !== undefined && body.skip !== undefined && body.skip !== null) throw badRequest('Use either skip or pagination_key, not both.');
  const includeTotal = body.include_total ?? false;
  if (typeof includeTotal !== 'boolean') throw badRequest('include_total must be a boolean.');
  return {
    criteria: parseCriteria(body.filter_criteria),
    sortOrder,
    limit,
    skip,
    includeTotal,
    ...(key !== undefined && { paginationKey: decodeCursor(key) }),
  };
}

/** One stored call as list-calls sees it. */
export interface Listable extends Cursor {
  call: RetellCall;
}

export interface CallListPage {
  items: RetellCall[];
  has_more: boolean;
  pagination_key?: string;
  total?: number;
}

/** v3 list items carry no transcripts (fetch them with get-call). */
const TRANSCRIPT_FIELDS = ['transcript', 'transcript_object', 'transcript_with_tool_calls', 'scrubbed_transcript_with_tool_calls'];

export function listItem(call: RetellCall): RetellCall {
  const item = { ...call };
  for (const f of TRANSCRIPT_FIELDS) delete item[f];
  return item;
}

const compare = (a: Cursor, b: Cursor) => a.ts - b.ts || a.seq - b.seq;

export function listCalls(all: Iterable<Listable>, q: ListQuery): CallListPage {
  const dir = q.sortOrder === 'ascending' ? 1 : -1;
  const matching = [...all].filter((e) => q.criteria.every((c) => c.match(e.call))).sort((a, b) => dir * compare(a, b));
  const after = q.paginationKey ? matching.filter((e) => dir * compare(e, q.paginationKey!) > 0) : matching;
  const rest = after.slice(q.skip);
  const page = rest.slice(0, q.limit);
  const hasMore = rest.length > page.length;
  const last = page[page.length - 1];
  return {
    items: page.map((e) => listItem(e.call)),
    has_more: hasMore,
    ...(hasMore && last && { pagination_key: encodeCursor(last) }),
    ...(q.includeTotal && { total: matching.length }),
  };
}

/** The custom tool calls of a call's transcript_with_tool_calls: name and whether its result was successful. */
function toolCallsOf(call: RetellCall): Array<{ name: string; success: boolean }> {
  const items = Array.isArray(call.transcript_with_tool_calls) ? (call.transcript_with_tool_calls as Array<Record<string, unknown>>) : [];
  const results = new Map(items.filter((i) => i.role === 'tool_call_result').map((i) => [i.tool_call_id, i.successful === true]));
  return items.filter((i) => i.role === 'tool_call_invocation').map((i) => ({ name: String(i.name), success: results.get(i.tool_call_id) ?? false }));
}

function toolCallMatches(t: { name: string; success: boolean }, f: Record<string, unknown>): boolean {
  if (f.latency_ms !== undefined) return false;
  if (f.name !== undefined && f.name !== t.name) return false;
  if (f.type !== undefined && f.type !== 'custom') return false;
  if (isRecord(f.success) && f.success.value !== t.success) return false;
  return true;
}
