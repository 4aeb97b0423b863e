import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { checkRetellSignature } from '@retell-ops/retell';
import type { SimConfig } from '../config/sim-config';
import { createSimApp } from '../create-app';

const API_KEY = 'key_test_http_app_0001';

describe('simulator HTTP app', () => {
  let gateway: Server;
  let received: Array<{ url: string; body: any; signature: string }>;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const signature = await checkRetellSignature(raw, API_KEY, req.headers['x-retell-signature']);
        received.push({ url: req.url!, body: JSON.parse(raw), signature });
        res.writeHead(signature === 'valid' ? 202 : 401).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const config: SimConfig = {
      gatewayUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`,
      apiKey: API_KEY,
      defaultAgentId: 'agent_sim_default',
      defaultFromNumber: '+14155550100',
      defaultToNumber: '+14155550123',
      historyLimit: 3,
    };
    app = await createSimApp(config, false);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => gateway.close(resolve));
  });

  beforeEach(() => {
    received = [];
  });

  const post = (payload: object) => app.inject({ method: 'POST', url: '/sim/calls', payload });

  it('GET /health', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('GET /sim/scenarios lists each scenario and its events', async () => {
    const res = await app.inject({ method: 'GET', url: '/sim/scenarios' });
    expect(res.json().scenarios).toEqual([
      { name: 'answered', events: ['call_started', 'call_ended', 'call_analyzed'] },
      { name: 'no_answer', events: ['call_ended', 'call_analyzed'] },
      { name: 'busy', events: ['call_ended', 'call_analyzed'] },
      { name: 'voicemail', events: ['call_started', 'call_ended', 'call_analyzed'] },
      { name: 'booking', events: ['call_started', 'call_ended', 'call_analyzed'], note: expect.stringMatching(/custom tools/) },
      {
        name: 'transfer',
        events: ['call_started', 'transfer_started', 'transfer_bridged', 'transfer_ended', 'call_ended', 'call_analyzed'],
        note: expect.stringMatching(/call_transfer/),
      },
      {
        name: 'transfer_cancelled',
        events: ['call_started', 'transfer_started', 'transfer_cancelled', 'transfer_ended', 'call_ended', 'call_analyzed'],
        note: expect.any(String),
      },
    ]);
    expect(res.json().options).toEqual({ liveTranscript: expect.stringMatching(/transcript_updated/) });
  });

  it('POST /sim/calls plays a signed lifecycle to the tenant route and answers 201', async () => {
    const res = await post({
      scenario: 'answered',
      tenantSlug: 'acme',
      agentId: 'agent_acme',
      toNumber: '+14155550199',
      metadata: { crm_id: 'c-1', tags: ['vip'] },
      dynamicVariables: { customer_name: 'José' },
      duplicates: 2,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      callId: expect.stringMatching(/^call_[0-9a-f]{32}$/),
      scenario: 'answered',
      deliveries: ['call_started', 'call_started', 'call_ended', 'call_ended', 'call_analyzed', 'call_analyzed'].map((event) => ({ event, status: 202 })),
    });
    expect(received).toHaveLength(6);
    for (const r of received) {
      expect(r.url).toBe('/webhooks/retell/acme');
      expect(r.signature).toBe('valid');
      expect(r.body.call).toMatchObject({
        call_id: body.callId,
        agent_id: 'agent_acme',
        to_number: '+14155550199',
        from_number: '+14155550100',
        metadata: { crm_id: 'c-1', tags: ['vip'] },
        retell_llm_dynamic_variables: { customer_name: 'José' },
      });
    }

    const one = await app.inject({ method: 'GET', url: `/sim/calls/${body.callId}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ callId: body.callId, scenario: 'answered', tenantSlug: 'acme', deliveries: expect.any(Array) });
  });

  it('no_answer with reorder delivers only call_ended and call_analyzed, to /webhooks/retell', async () => {
    const res = await post({ scenario: 'no_answer', reorder: true });
    expect(res.statusCode).toBe(201);
    expect(res.json().deliveries.map((d: { event: string }) => d.event)).toEqual(['call_analyzed', 'call_ended']);
    expect(received.map((r) => r.url)).toEqual(['/webhooks/retell', '/webhooks/retell']);
    expect(received[0].body.call).not.toHaveProperty('metadata');
  });

  it.each([
    [{ scenario: 'hung_up' }, /scenario must be one of: answered, no_answer, busy, voicemail, booking, transfer, transfer_cancelled/],
    [{}, /scenario must be one of/],
    [{ scenario: 'busy', duplicates: 6 }, /duplicates must not be greater than 5/],
    [{ scenario: 'busy', duplicates: '2' }, /duplicates must be an integer/],
    [{ scenario: 'busy', delayMs: 20_000 }, /delayMs must not be greater than 10000/],
    [{ scenario: 'busy', dynamicVariables: { n: 42 } }, /dynamicVariables must be an object with string values only/],
    [{ scenario: 'busy', toNumber: '415 555 0123' }, /toNumber must be E.164/],
    [{ scenario: 'busy', tenantSlug: '../x' }, /tenantSlug must be/],
    [{ scenario: 'busy', reorder: 'yes' }, /reorder must be a boolean/],
    [{ scenario: 'busy', metadata: 'x' }, /metadata must be an object/],
    [{ scenario: 'busy', apiKey: 'x' }, /property apiKey should not exist/],
    [{ scenario: 'busy', dropRate: 1.5 }, /dropRate must not be greater than 1/],
    [{ scenario: 'busy', dropEvents: ['call_hung'] }, /dropEvents must list events of/],
    [{ scenario: 'busy', retries: 20 }, /retries must not be greater than 10/],
  ])('POST /sim/calls %j → 400', async (payload, reason) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().message)).toMatch(reason);
    expect(received).toHaveLength(0);
  });

  it('dropRate 1 sends only call_started; get-call and list-calls answer with the whole call, as Retell holds it', async () => {
    const res = await post({ scenario: 'answered', dropRate: 1 });
    expect(res.statusCode).toBe(201);
    const { callId, deliveries, dropped } = res.json();
    expect(deliveries.map((d: { event: string }) => d.event)).toEqual(['call_started']);
    expect(dropped).toEqual(['call_ended', 'call_analyzed']);
    expect(received.map((r) => r.body.event)).toEqual(['call_started']);

    const auth = { authorization: `Bearer ${API_KEY}` };
    const got = await app.inject({ method: 'GET', url: `/v2/get-call/${callId}`, headers: auth });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ call_id: callId, call_status: 'ended', transcript: expect.any(String), call_analysis: expect.any(Object) });
    const listed = await app.inject({
      method: 'POST',
      url: '/v3/list-calls',
      headers: auth,
      payload: { filter_criteria: { call_id: { type: 'string', op: 'eq', value: callId } } },
    });
    expect(listed.json().items).toEqual([expect.objectContaining({ call_id: callId, call_analysis: expect.any(Object) })]);
    expect(listed.json().items[0]).not.toHaveProperty('transcript');
  });

  it('dropEvents narrows the drop to the events named', async () => {
    const res = await post({ scenario: 'busy', dropRate: 1, dropEvents: ['call_analyzed'] });
    expect(res.json().deliveries.map((d: { event: string }) => d.event)).toEqual(['call_ended']);
    expect(res.json().dropped).toEqual(['call_analyzed']);
  });

  it('GET /sim/calls lists played calls newest first, bounded', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await post({ scenario: 'busy' })).json().callId);
    const list = (await app.inject({ method: 'GET', url: '/sim/calls' })).json().items;
    expect(list.map((c: { callId: string }) => c.callId)).toEqual(ids.slice(1).reverse());
    expect((await app.inject({ method: 'GET', url: `/sim/calls/${ids[0]}` })).statusCode).toBe(404);
  });
});
