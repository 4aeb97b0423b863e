import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliver, dropDeliveries, planDeliveries } from './delivery';
import { buildLifecycle } from './payloads';
import { seededRandom } from './random';

const lifecycle = (n: number) =>
  buildLifecycle('answered', {
    callId: `call_${String(n).padStart(32, '0')}`,
    agentId: 'agent_sim_default',
    fromNumber: '+14155550100',
    toNumber: '+14155550123',
    startTimestamp: 1_760_000_000_000,
  });

describe('dropDeliveries', () => {
  it('drops about the share asked of the chosen events only, every copy of an event together', () => {
    const plan = Array.from({ length: 500 }, (_, i) => planDeliveries(lifecycle(i), { duplicates: 2 })).flat();
    const { sent, dropped } = dropDeliveries(plan, { rate: 0.2, random: seededRandom(3) });
    expect(sent.length + dropped.length).toBe(plan.length);
    expect(dropped.every((d) => d.event === 'call_ended' || d.event === 'call_analyzed')).toBe(true);
    const droppedEvents = dropped.length / 2; // two copies each
    expect(droppedEvents).toBeGreaterThan(1000 * 0.15);
    expect(droppedEvents).toBeLessThan(1000 * 0.25);
    const key = (d: (typeof plan)[number]) => `${d.body.call.call_id}/${d.event}`;
    const sentKeys = new Set(sent.map(key));
    expect(dropped.some((d) => sentKeys.has(key(d)))).toBe(false);
  });

  it('dropEvents narrows it; rate 0 drops nothing; rate 1 drops every chosen event', () => {
    const plan = planDeliveries(lifecycle(1));
    expect(dropDeliveries(plan, { rate: 0 }).dropped).toEqual([]);
    expect(dropDeliveries(plan, { rate: 1, events: ['call_analyzed'] }).dropped.map((d) => d.event)).toEqual(['call_analyzed']);
    expect(dropDeliveries(plan, { rate: 1 }).sent.map((d) => d.event)).toEqual(['call_started']);
  });
});

describe('deliver with Retell-style retries', () => {
  let server: Server;
  let answers: number[];
  let seen: number;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen++;
        const status = answers.shift() ?? 204;
        if (status === 0) return; // never answers: the client's timeout fires
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen = 0;
  });

  const one = planDeliveries(lifecycle(2)).slice(0, 1);

  it('tries again after a 5xx and a timeout, and stops at the first 2xx', async () => {
    answers = [503, 0, 204];
    const [r] = await deliver(one, { gatewayUrl: url, apiKey: 'key_test_x', retries: 3, retryDelayMs: 0, timeoutMs: 300 });
    expect(r).toMatchObject({ status: 204, tries: 3 });
    expect(seen).toBe(3);
  });

  it('gives up after 1 + retries tries and reports the last answer', async () => {
    answers = [500, 500, 500, 500, 500];
    const [r] = await deliver(one, { gatewayUrl: url, apiKey: 'key_test_x', retries: 3, retryDelayMs: 0 });
    expect(r).toMatchObject({ status: 500, tries: 4 });
    expect(seen).toBe(4);
  });

  it('without retries sends once', async () => {
    answers = [500];
    const [r] = await deliver(one, { gatewayUrl: url, apiKey: 'key_test_x' });
    expect(r).toMatchObject({ status: 500, tries: 1 });
    expect(seen).toBe(1);
  });
});
