import type { RetellCall } from '@retell-ops/retell';
import { encodeCursor, listCalls, parseListQuery, test as passes, type Filter } from './list-calls';

const call = (n: number, extra: Partial<RetellCall> = {}): RetellCall => ({
  call_id: `call_${n}`,
  agent_id: n % 2 ? 'agent_a' : 'agent_b',
  agent_version: 1,
  call_type: 'phone_call',
  call_status: 'ended',
  direction: 'outbound',
  from_number: '+14155550100',
  to_number: `+1415555020${n}`,
  start_timestamp: 1_000 + n,
  transcript: 'Agent: hi\n',
  transcript_object: [],
  ...extra,
});

const entries = Array.from({ length: 5 }, (_, i) => ({ ts: 1_000 + i, seq: i + 1, call: call(i) }));
const run = (body: object) => listCalls(entries, parseListQuery(body));

describe('list-calls filters', () => {
  it.each<[Filter, unknown, boolean]>([
    [{ type: 'string', op: 'eq', value: 'a' }, 'a', true],
    [{ type: 'string', op: 'ne', value: 'a' }, 'b', true],
    [{ type: 'string', op: 'ne', value: 'a' }, undefined, false],
    [{ type: 'string', op: 'sw', value: '+1415' }, '+14155550100', true],
    [{ type: 'string', op: 'ew', value: '00' }, '+14155550100', true],
    [{ type: 'string', op: 'co', value: '555' }, '+14155550100', true],
    [{ type: 'string', op: 'eq', value: '42' }, 42, false],
    [{ type: 'number', op: 'ge', value: 5 }, 5, true],
    [{ type: 'number', op: 'lt', value: 5 }, 5, false],
    [{ type: 'range', op: 'bt', value: [1, 3] }, 3, true],
    [{ type: 'range', op: 'bt', value: [1, 3] }, 4, false],
    [{ type: 'enum', op: 'in', value: ['x', 'y'] }, 'y', true],
    [{ type: 'boolean', op: 'eq', value: false }, false, true],
    [{ type: 'present', op: 'pr' }, 0, true],
    [{ type: 'present', op: 'pr' }, null, false],
    [{ type: 'present', op: 'np' }, undefined, true],
  ])('%j on %j → %s', (filter, value, expected) => {
    expect(passes(filter, value)).toBe(expected);
  });

  it('sorts by start_timestamp (descending by default) and drops transcripts', () => {
    const res = run({});
    expect(res.items.map((c) => c.call_id)).toEqual(['call_4', 'call_3', 'call_2', 'call_1', 'call_0']);
    expect(res.items[0]).not.toHaveProperty('transcript');
    expect(res.items[0]).not.toHaveProperty('transcript_object');
    expect(run({ sort_order: 'ascending' }).items[0].call_id).toBe('call_0');
  });

  it('pages with pagination_key until has_more is false', () => {
    const first = run({ limit: 2, include_total: true });
    expect(first).toMatchObject({ has_more: true, total: 5, pagination_key: encodeCursor({ ts: 1003, seq: 4 }) });
    const second = run({ limit: 2, pagination_key: first.pagination_key });
    expect(second.items.map((c) => c.call_id)).toEqual(['call_2', 'call_1']);
    const third = run({ limit: 2, pagination_key: second.pagination_key });
    expect(third).toEqual({ items: [expect.objectContaining({ call_id: 'call_0' })], has_more: false });
  });

  it('ANDs filters and ORs agent entries', () => {
    const res = run({
      filter_criteria: { agent: [{ agent_id: 'agent_a' }, { agent_id: 'agent_b', version: [2] }], to_number: { type: 'string', op: 'ew', value: '3' } },
    });
    expect(res.items.map((c) => c.call_id)).toEqual(['call_3']);
  });

  it.each([
    [{ limit: 1001 }, /limit/],
    [{ limit: 1.5 }, /limit/],
    [{ skip: -1 }, /skip/],
    [{ include_total: 'yes' }, /include_total/],
    [{ filter_criteria: [] }, /filter_criteria must be an object/],
    [{ filter_criteria: { direction: { type: 'string', op: 'eq', value: 'outbound' } } }, /direction\.type must be one of: enum/],
    [{ filter_criteria: { start_timestamp: { type: 'range', op: 'bt', value: [1] } } }, /lower_bound/],
    [{ filter_criteria: { duration_ms: { type: 'number', op: 'co', value: 1 } } }, /op must be one of/],
    [{ filter_criteria: { agent: [{}] } }, /agent\[0\]\.agent_id/],
  ])('%j → 400 %s', (body, message) => {
    expect(() => parseListQuery(body)).toThrow(message);
  });
});
