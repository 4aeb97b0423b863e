import { summarizeJobPayload } from './job-payload-summary';

describe('summarizeJobPayload', () => {
  it.each<[string, unknown, Record<string, unknown>]>([
    [
      'a call event: the body becomes its size',
      { tenantId: 't', event: 'call_ended', callId: 'call_1', receivedAt: 5, body: '{"x":"é"}' },
      { tenantId: 't', event: 'call_ended', callId: 'call_1', receivedAt: 5, bodyBytes: 10 },
    ],
    ['secrets are left out', { tenantId: 't', retellApiKey: 'key_x', apiToken: 'x', password: 'p', x_signature: 's' }, { tenantId: 't' }],
    ['nested values are left out', { a: { b: 1 }, list: [1, 2], ok: true, none: null }, { ok: true, none: null }],
    ['long strings are cut', { s: 'x'.repeat(500) }, { s: `${'x'.repeat(120)}…` }],
    ['not an object', 'text', {}],
    ['null', null, {}],
    ['an array', [1, 2], {}],
  ])('%s', (_name, data, expected) => {
    expect(summarizeJobPayload(data)).toEqual(expected);
  });

  it('keeps at most 12 fields', () => {
    const data = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, i]));
    expect(Object.keys(summarizeJobPayload(data))).toHaveLength(12);
  });
});
