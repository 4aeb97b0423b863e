import { checkRetellSignature } from '@retell-ops/retell';
import { planDeliveries, signBody, signedRequest, webhookUrl } from './delivery';
import { buildLifecycle, type SimDelivery } from './payloads';

const lifecycle = buildLifecycle('answered', {
  callId: 'call_0123456789abcdef0123456789abcdef',
  agentId: 'agent_sim_default',
  fromNumber: '+14155550100',
  toNumber: '+14155550123',
  startTimestamp: 1_760_000_000_000,
});
const names = (plan: SimDelivery[]) => plan.map((d) => d.event);
const counts = (plan: SimDelivery[]) => names(plan).reduce<Record<string, number>>((acc, e) => ({ ...acc, [e]: (acc[e] ?? 0) + 1 }), {});

describe('planDeliveries', () => {
  it('keeps the natural order by default, once each', () => {
    expect(names(planDeliveries(lifecycle))).toEqual(['call_started', 'call_ended', 'call_analyzed']);
  });

  it('delivers each event `duplicates` times in total, copies side by side', () => {
    const plan = planDeliveries(lifecycle, { duplicates: 3 });
    expect(plan).toHaveLength(9);
    expect(counts(plan)).toEqual({ call_started: 3, call_ended: 3, call_analyzed: 3 });
    expect(plan.slice(0, 3).map((d) => [d.event, d.copy])).toEqual([
      ['call_started', 1],
      ['call_started', 2],
      ['call_started', 3],
    ]);
    expect(plan[1].body).toEqual(plan[0].body);
  });

  it('reverse puts the last event first', () => {
    expect(names(planDeliveries(lifecycle, { reorder: 'reverse' }))).toEqual(['call_analyzed', 'call_ended', 'call_started']);
  });

  it('a seed gives the same order every time and every event stays present', () => {
    for (const seed of [1, 2, 3, 42, 1234567]) {
      const a = planDeliveries(lifecycle, { duplicates: 2, reorder: seed });
      const b = planDeliveries(lifecycle, { duplicates: 2, reorder: seed });
      expect(names(a)).toEqual(names(b));
      expect(counts(a)).toEqual({ call_started: 2, call_ended: 2, call_analyzed: 2 });
    }
  });

  it('a shuffle always moves something out of the natural order', () => {
    const natural = names(planDeliveries(lifecycle));
    const orders = new Set<string>();
    for (let seed = 0; seed < 50; seed++) {
      const order = names(planDeliveries(lifecycle, { reorder: seed }));
      expect(order).not.toEqual(natural);
      orders.add(order.join());
    }
    expect(orders.size).toBeGreaterThan(2); // different seeds give different orders
  });

  it('reorder: true shuffles too', () => {
    const plan = planDeliveries(lifecycle, { reorder: true });
    expect(names(plan)).not.toEqual(['call_started', 'call_ended', 'call_analyzed']);
    expect(counts(plan)).toEqual({ call_started: 1, call_ended: 1, call_analyzed: 1 });
  });

  it('does not modify its input', () => {
    const copy = structuredClone(lifecycle);
    planDeliveries(lifecycle, { duplicates: 2, reorder: 7 });
    expect(lifecycle).toEqual(copy);
  });
});

describe('signing', () => {
  it('matches the official SDK test vector', async () => {
    await expect(signBody('{"event":"call_ended"}', 'test-api-key', 1_700_000_000_000)).resolves.toBe(
      'v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e',
    );
  });

  it('what deliver signs verifies with checkRetellSignature over the same string', async () => {
    for (const delivery of lifecycle) {
      const req = await signedRequest(delivery, 'key_test_roundtrip_0001');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['x-retell-signature']).toMatch(/^v=\d{13},d=[0-9a-f]{64}$/);
      expect(req.body).toBe(JSON.stringify(delivery.body));
      await expect(checkRetellSignature(req.body, 'key_test_roundtrip_0001', req.headers['x-retell-signature'])).resolves.toBe('valid');
      await expect(checkRetellSignature(req.body, 'another_key_0001', req.headers['x-retell-signature'])).resolves.toBe('invalid');
      await expect(
        checkRetellSignature(JSON.stringify(JSON.parse(req.body), null, 1), 'key_test_roundtrip_0001', req.headers['x-retell-signature']),
      ).resolves.toBe('invalid');
    }
  });

  it('a signature older than five minutes does not verify', async () => {
    const req = await signedRequest(lifecycle[0], 'key_test_roundtrip_0001', Date.now() - 6 * 60_000);
    await expect(checkRetellSignature(req.body, 'key_test_roundtrip_0001', req.headers['x-retell-signature'])).resolves.toBe('invalid');
  });
});

describe('webhookUrl', () => {
  it('targets the tenant route when a slug is given', () => {
    expect(webhookUrl('http://127.0.0.1:3000', 'default')).toBe('http://127.0.0.1:3000/webhooks/retell/default');
    expect(webhookUrl('http://127.0.0.1:3000/', undefined)).toBe('http://127.0.0.1:3000/webhooks/retell');
    expect(webhookUrl('http://gw/base/', 'a b')).toBe('http://gw/base/webhooks/retell/a%20b');
  });
});
