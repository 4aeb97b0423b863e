import { countField, rejectedKeys, rejectionFields, type RejectedDelivery } from './rejected-deliveries';

const base: RejectedDelivery = {
  at: 1_700_000_000_000,
  status: 401,
  error: 'unauthorized',
  reason: 'bad signature',
  ip: '10.0.0.1',
  bytes: 12,
  path: '/webhooks/retell',
};

function fields(r: RejectedDelivery): Record<string, string> {
  const list = rejectionFields(r);
  const out: Record<string, string> = {};
  for (let i = 0; i < list.length; i += 2) out[list[i]] = list[i + 1];
  return out;
}

describe('rejectionFields', () => {
  it('keeps what identifies a delivery, and no body field', () => {
    expect(Object.keys(fields(base)).sort()).toEqual(['at', 'bytes', 'callId', 'error', 'ip', 'path', 'reason', 'status', 'tenantId', 'tenantSlug']);
  });

  it.each<[string, Partial<RejectedDelivery>, string, number]>([
    ['a long reason', { reason: 'r'.repeat(10_000) }, 'reason', 201],
    ['a long path', { path: `/webhooks/retell/${'s'.repeat(5000)}` }, 'path', 201],
    ['a long call id', { callId: 'c'.repeat(1000) }, 'callId', 129],
    ['a long ip', { ip: 'i'.repeat(1000) }, 'ip', 65],
    ['a long error', { error: 'e'.repeat(1000) }, 'error', 41],
  ])('cuts %s', (_name, change, field, max) => {
    expect(fields({ ...base, ...change })[field].length).toBeLessThanOrEqual(max);
  });

  it('neutralises control characters (no forged lines)', () => {
    expect(fields({ ...base, reason: 'a\nb\u0000c' }).reason).toBe('a?b?c');
  });

  it('writes a size that is not a count as 0', () => {
    expect(fields({ ...base, bytes: Number.NaN }).bytes).toBe('0');
    expect(fields({ ...base, bytes: -5 }).bytes).toBe('0');
  });
});

describe('countField', () => {
  it.each<[number, string, string]>([
    [401, 'unauthorized', '401 unauthorized'],
    [413, 'payload_too_large', '413 payload_too_large'],
    [400, 'Bad Request!', '400 other'],
    [404, 'x'.repeat(100), '404 other'],
  ])('%i %s → %s', (status, error, field) => {
    expect(countField(status, error)).toBe(field);
  });
});

describe('rejectedKeys', () => {
  it('puts every key under the queue prefix, one counter hash per UTC day', () => {
    expect(rejectedKeys.tenant('rops', 't1')).toBe('rops:rejected:t:t1');
    expect(rejectedKeys.platform('rops')).toBe('rops:rejected:platform');
    expect(rejectedKeys.day('rops', Date.UTC(2026, 0, 2, 23, 59))).toBe('rops:rejected:counts:2026-01-02'); // fixed-date-ok: a key format, not compared with now
  });
});
