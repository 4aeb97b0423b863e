import { callerNumberOf, readToolRequest } from './tool-request';
import { checkToolArgs, toolOf } from './tool-schemas';
import { argsHashOf } from './tool-invocations';

describe('readToolRequest', () => {
  const cases: Array<[string, string, unknown, Record<string, unknown>, unknown]> = [
    [
      'default shape: the call and the args',
      'POST',
      {
        name: 'get_candidate',
        call: { call_id: 'c1', direction: 'outbound', from_number: '+1', to_number: '+2', metadata: { candidate_id: '7' } },
        args: { x: '1' },
      },
      {},
      { call: { callId: 'c1', direction: 'outbound', fromNumber: '+1', toNumber: '+2', metadata: { candidate_id: '7' } }, args: { x: '1' } },
    ],
    [
      'args at the root, the call named in the query',
      'POST',
      { date_from: '2021-03-02' },
      { call_id: 'c2', from_number: '+1' },
      { call: { callId: 'c2', fromNumber: '+1' }, args: { date_from: '2021-03-02' } },
    ],
    [
      'GET: args from the query, call keys left out of them',
      'GET',
      undefined,
      { date_from: '2021-03-02', call_id: 'c3', direction: 'inbound' },
      { call: { callId: 'c3', direction: 'inbound' }, args: { date_from: '2021-03-02' } },
    ],
    ['a name without args is the default shape', 'POST', { name: 'get_candidate' }, {}, { call: {}, args: {} }],
    ['an unknown direction is dropped', 'POST', { call: { direction: 'sideways' }, args: {} }, {}, { call: {}, args: {} }],
  ];
  it.each(cases)('%s', (_what, method, body, query, expected) => {
    const read = readToolRequest(method, body, query);
    if (!read.ok) throw new Error(read.reason);
    const call = Object.fromEntries(Object.entries(read.request.call).filter(([, v]) => v !== undefined));
    expect({ call, args: read.request.args }).toEqual(expected);
  });

  it('refuses a body that is not an object', () => {
    expect(readToolRequest('POST', [1], {})).toEqual({ ok: false, reason: 'the body must be a JSON object' });
  });

  it.each([
    ['outbound', { direction: 'outbound' as const, fromNumber: '+1', toNumber: '+2' }, '+2'],
    ['inbound', { direction: 'inbound' as const, fromNumber: '+1', toNumber: '+2' }, '+1'],
    ['unknown direction: the caller', { fromNumber: '+1', toNumber: '+2' }, '+1'],
  ])('the caller of an %s call', (_d, call, number) => expect(callerNumberOf(call)).toBe(number));
});

describe('checkToolArgs', () => {
  const today = '2021-03-02';
  const cases: Array<[Parameters<typeof checkToolArgs>[0], unknown, ReturnType<typeof checkToolArgs>]> = [
    ['check_interview_slots', { date_from: ' 2021-03-04 ', extra: 'dropped' }, { ok: true, args: { date_from: '2021-03-04' } }],
    ['check_interview_slots', {}, { ok: false, error: 'I need the first day to look at as a date like 2021-03-02.' }],
    ['check_interview_slots', { date_from: 'Tuesday' }, { ok: false, error: 'I need the first day to look at as a date like 2021-03-02.' }],
    ['check_interview_slots', { date_from: '2021-03-04', interviewer: 'x'.repeat(201) }, { ok: false, error: 'I could not read the interviewer.' }],
    ['book_interview', { start: '2021-03-04T14:00:00-05:00' }, { ok: true, args: { start: '2021-03-04T14:00:00-05:00' } }],
    ['book_interview', { start: '2021-03-04T14:00:00' }, { ok: false, error: expect.stringContaining('I need the time to book exactly') }],
    ['get_candidate', null, { ok: true, args: {} }],
    ['get_candidate', { candidate_id: 199 }, { ok: true, args: { candidate_id: '199' } }],
    ['get_candidate', 'text', { ok: false, error: 'I could not read the details for that request; please try again.' }],
  ];
  it.each(cases)('%s %j', (tool, args, expected) => expect(checkToolArgs(tool, args, today)).toEqual(expected));
});

describe('tool names and argument hashes', () => {
  it('maps aliases to their tool, and nothing else', () => {
    expect([toolOf('get_customer_info'), toolOf('check_availability'), toolOf('book_appointment'), toolOf('constructor'), toolOf('x')]).toEqual([
      'get_candidate',
      'check_interview_slots',
      'book_interview',
      undefined,
      undefined,
    ]);
  });
  it('hashes the same arguments in any key order the same', () => {
    expect(argsHashOf({ a: 1, b: { c: 2, d: 3 } })).toBe(argsHashOf({ b: { d: 3, c: 2 }, a: 1 }));
    expect(argsHashOf({ a: 1 })).not.toBe(argsHashOf({ a: 2 }));
  });
});
