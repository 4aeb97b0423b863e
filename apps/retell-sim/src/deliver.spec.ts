import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRetellSignature } from '@retell-ops/retell';
import { deliver, planDeliveries } from './delivery';
import { buildLifecycle } from './payloads';

const API_KEY = 'key_test_deliver_0001';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  signature: string;
}

describe('deliver', () => {
  let server: Server;
  let gatewayUrl: string;
  let received: Received[];
  let answer: (r: Received) => { status: number; body: string };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const raw = Buffer.concat(chunks);
          // verify over the raw bytes as received, the way a correct gateway must
          const signature = await checkRetellSignature(raw.toString('utf8'), API_KEY, req.headers['x-retell-signature']);
          const r = { method: req.method!, url: req.url!, headers: req.headers, raw, signature };
          received.push(r);
          const { status, body } = answer(r);
          res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    received = [];
    answer = (r) => (r.signature === 'valid' ? { status: 204, body: '' } : { status: 401, body: 'bad signature' });
  });

  const lifecycle = () =>
    buildLifecycle('answered', {
      agentId: 'agent_sim_default',
      fromNumber: '+14155550100',
      toNumber: '+14155550123',
      metadata: { note: 'Größe – ünïcödé ✓' },
    });

  it('POSTs each delivery, signed over the exact bytes sent, to the tenant route', async () => {
    const plan = planDeliveries(lifecycle(), { duplicates: 2, reorder: 11 });
    const results = await deliver(plan, { gatewayUrl, tenantSlug: 'acme', apiKey: API_KEY });

    expect(received).toHaveLength(6);
    for (const [i, r] of received.entries()) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/webhooks/retell/acme');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.signature).toBe('valid');
      expect(r.raw.toString('utf8')).toBe(JSON.stringify(plan[i].body));
      expect(Number(r.headers['content-length'])).toBe(r.raw.length);
    }
    expect(results.map((r) => [r.event, r.copy, r.status])).toEqual(plan.map((p) => [p.event, p.copy, 204]));
    expect(results.every((r) => r.callId === plan[0].body.call.call_id)).toBe(true);
  });

  it('uses /webhooks/retell without a tenant and reports non-2xx answers without retrying', async () => {
    answer = (r) => (JSON.parse(r.raw.toString()).event === 'call_ended' ? { status: 500, body: 'boom' } : { status: 200, body: 'ok' });
    const results = await deliver(planDeliveries(lifecycle()), { gatewayUrl, apiKey: API_KEY });
    expect(received.map((r) => r.url)).toEqual(['/webhooks/retell', '/webhooks/retell', '/webhooks/retell']);
    expect(results.map((r) => [r.event, r.status, r.body])).toEqual([
      ['call_started', 200, 'ok'],
      ['call_ended', 500, 'boom'],
      ['call_analyzed', 200, 'ok'],
    ]);
  });

  it('a gateway holding the wrong key rejects every delivery', async () => {
    const results = await deliver(planDeliveries(lifecycle()), { gatewayUrl, apiKey: 'key_someone_else_01' });
    expect(received.every((r) => r.signature === 'invalid')).toBe(true);
    expect(results.map((r) => r.status)).toEqual([401, 401, 401]);
  });

  it('reports status 0 with an error when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const results = await deliver(planDeliveries(lifecycle()).slice(0, 1), { gatewayUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY });
    expect(results[0]).toMatchObject({ status: 0, error: expect.stringMatching(/fetch failed/) });
  });

  it('spaces deliveries by delayMs', async () => {
    const started = Date.now();
    await deliver(planDeliveries(lifecycle()), { gatewayUrl, apiKey: API_KEY, delayMs: 60 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    expect(received).toHaveLength(3);
  });
});
