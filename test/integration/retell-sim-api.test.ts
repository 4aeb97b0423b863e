import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { checkRetellSignature } from '@retell-ops/retell';
import Retell, { AuthenticationError, BadRequestError, UnprocessableEntityError } from 'retell-sdk';
import type { SimConfig } from '../../apps/retell-sim/src/config/sim-config';
import { createSimApp } from '../../apps/retell-sim/src/create-app';
import { waitFor } from '../support/wait';

// Conformance of the simulator's Retell REST API, driven through the official SDK (retell-sdk
// 5.66.1) exactly as the platform uses it, with the webhooks it plays received and verified here.

const API_KEY = 'key_test_retell_sim_api_0001';
const DEFAULT_AGENT = 'agent_sim_default';
const OTHER_AGENT = 'agent_sim_other';
const FROM = '+14155550100';
const LIMIT = 5;
const RING_MS = 150;
const TALK_MS = 700;
const ANALYSIS_MS = 350;

interface Hook {
  url: string;
  event: string;
  body: any;
  signature: string;
  at: number;
}

type Call = Record<string, any> & { call_id: string };

describe('retell-sim: Retell REST API through the official SDK', () => {
  let gateway: Server;
  let hooks: Hook[] = [];
  let app: NestFastifyApplication;
  let simUrl: string;
  let client: Retell;

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const signature = await checkRetellSignature(raw, API_KEY, req.headers['x-retell-signature']);
        const body = JSON.parse(raw);
        hooks.push({ url: req.url!, event: body.event, body, signature, at: Date.now() });
        res.writeHead(signature === 'valid' ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const config: SimConfig = {
      gatewayUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`,
      apiKey: API_KEY,
      defaultAgentId: DEFAULT_AGENT,
      defaultFromNumber: FROM,
      defaultToNumber: '+14155550123',
      historyLimit: 10,
      retellApi: {
        concurrencyLimit: LIMIT,
        ringMs: RING_MS,
        talkMs: TALK_MS,
        analysisMs: ANALYSIS_MS,
        agents: [{ agent_id: OTHER_AGENT, agent_name: 'Other agent' }],
      },
    };
    app = await createSimApp(config, false);
    await app.listen(0, '127.0.0.1');
    simUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    client = new Retell({ apiKey: API_KEY, baseURL: simUrl, maxRetries: 0 });
  });

  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => gateway.close(resolve));
  });

  beforeEach(async () => {
    const res = await fetch(`${simUrl}/sim/reset`, { method: 'POST' });
    expect(res.status).toBe(204);
    hooks = [];
  });

  // ── helpers ──────────────────────────────────────────────────────────────────────────────

  const hooksOf = (callId: string) => hooks.filter((h) => h.body.call?.call_id === callId);
  const eventsOf = (callId: string) => hooksOf(callId).map((h) => h.event);
  const hook = (callId: string, event: string) =>
    waitFor(() => hooksOf(callId).find((h) => h.event === event), { timeoutMs: 10_000, intervalMs: 10, what: `${event} of ${callId}` });
  const analyzed = (callId: string) => hook(callId, 'call_analyzed');
  const stats = async (): Promise<any> => (await fetch(`${simUrl}/sim/stats`)).json();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const create = (to: string, extra: Record<string, unknown> = {}) => client.call.createPhoneCall({ from_number: FROM, to_number: to, ...extra });
  const list = (params: Record<string, unknown>) => client.call.list(params as Parameters<Retell['call']['list']>[0]);
  const ids = (items: Array<{ call_id: string }>) => items.map((c) => c.call_id);

  /** Creates calls at most `LIMIT` at a time and waits until each is analysed. */
  async function playAll(specs: Array<{ to: string; extra?: Record<string, unknown> }>): Promise<Call[]> {
    const done: Call[] = [];
    for (let i = 0; i < specs.length; i += LIMIT) {
      const group = await Promise.all(specs.slice(i, i + LIMIT).map((s) => create(s.to, s.extra)));
      for (const c of group) await analyzed(c.call_id);
      done.push(...(await Promise.all(group.map((c) => client.call.retrieve(c.call_id)))));
    }
    return done;
  }

  async function expectRetellError<T extends Error>(
    promise: Promise<unknown>,
    type: new (...a: any[]) => T,
    status: number,
    message: RegExp | string,
  ): Promise<void> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(type);
    const e = err as { status: number; error: { status: string; message: string } };
    expect(e.status).toBe(status);
    expect(e.error).toEqual({ status: 'error', message: expect.any(String) });
    if (typeof message === 'string') expect(e.error.message).toBe(message);
    else expect(e.error.message).toMatch(message);
  }

  // ── create-phone-call and get-call ───────────────────────────────────────────────────────

  it('create-phone-call answers 201 with a registered PhoneCallResponse', async () => {
    const { data, response } = await create('+14155550170', {
      metadata: { candidate_id: 'c-42', tags: ['vip'] },
      retell_llm_dynamic_variables: { customer_name: 'José' },
      custom_sip_headers: { 'X-Campaign': 'spring' },
    }).withResponse();
    expect(response.status).toBe(201);
    expect(data).toEqual({
      call_id: expect.stringMatching(/^call_[0-9a-f]{32}$/),
      call_type: 'phone_call',
      agent_id: DEFAULT_AGENT,
      agent_version: 1,
      agent_name: expect.any(String),
      call_status: 'registered',
      from_number: FROM,
      to_number: '+14155550170',
      direction: 'outbound',
      data_storage_setting: 'everything',
      opt_in_signed_url: false,
      metadata: { candidate_id: 'c-42', tags: ['vip'] },
      retell_llm_dynamic_variables: { customer_name: 'José' },
      custom_sip_headers: { 'X-Campaign': 'spring' },
    });
    expect(data).not.toHaveProperty('start_timestamp');
    const other = await create('+14155550171', { override_agent_id: OTHER_AGENT, override_agent_version: 1 });
    expect(other).toMatchObject({ agent_id: OTHER_AGENT, agent_name: 'Other agent', agent_version: 1, call_status: 'registered' });
    expect(other).not.toHaveProperty('metadata');
    expect(other).not.toHaveProperty('retell_llm_dynamic_variables');
  });

  it('an answered call: get-call at each stage, and call_started → call_ended → call_analyzed signed and shaped as Retell sends them', async () => {
    // this call's own talk and analysis times (metadata sim_*_ms), long enough to look at each stage
    const metadata = { candidate_id: 'c-1', sim_talk_ms: 1500, sim_analysis_ms: 800 };
    const dynamic = { customer_name: 'José', slot: 'Thursday 3 PM' };
    const created = await create('+14155550180', { metadata, retell_llm_dynamic_variables: dynamic });
    const id = created.call_id;

    const registered = await client.call.retrieve(id);
    expect(registered).toEqual(created);

    const started = await hook(id, 'call_started');
    const ongoing = (await client.call.retrieve(id)) as Call;
    expect(ongoing.call_status).toBe('ongoing');
    expect(ongoing).toEqual(started.body.call);
    expect(ongoing.start_timestamp).toBeGreaterThanOrEqual(started.at - 5_000);
    for (const absent of ['end_timestamp', 'duration_ms', 'disconnection_reason', 'transcript', 'call_cost', 'call_analysis'])
      expect(ongoing).not.toHaveProperty(absent);

    const endedHook = await hook(id, 'call_ended');
    const ended = (await client.call.retrieve(id)) as Call;
    expect(ended).toEqual(endedHook.body.call);
    expect(ended).toMatchObject({
      call_status: 'ended',
      disconnection_reason: expect.stringMatching(/^(agent|user)_hangup$/),
      transcript: expect.stringContaining('Agent: '),
    });
    expect(ended).not.toHaveProperty('call_analysis');
    expect(ended.duration_ms).toBe(ended.end_timestamp - ended.start_timestamp);
    expect(ended.duration_ms).toBeGreaterThanOrEqual(1500 - 50);
    expect(ended.transcript_object.length).toBeGreaterThan(0);
    expect(ended.call_cost).toMatchObject({ combined_cost: expect.any(Number), product_costs: expect.any(Array) });
    expect(ended.recording_url).toEqual(expect.stringContaining(id));

    const analyzedHook = await analyzed(id);
    const final = (await client.call.retrieve(id)) as Call;
    expect(final).toEqual(analyzedHook.body.call);
    expect(final.call_analysis).toMatchObject({
      call_successful: true,
      in_voicemail: false,
      user_sentiment: 'Positive',
      custom_analysis_data: expect.any(Object),
    });
    expect({ ...final, call_analysis: undefined }).toEqual({ ...ended, call_analysis: undefined });

    expect(eventsOf(id)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
    const delivered = hooksOf(id);
    for (const h of delivered) {
      expect(h.signature).toBe('valid');
      expect(h.url).toBe('/webhooks/retell');
      expect(Object.keys(h.body).sort()).toEqual(['call', 'event', 'event_timestamp']);
      expect(h.body.call).toMatchObject({
        call_id: id,
        call_type: 'phone_call',
        agent_id: DEFAULT_AGENT,
        from_number: FROM,
        to_number: '+14155550180',
        direction: 'outbound',
        metadata,
        retell_llm_dynamic_variables: dynamic,
      });
    }
    expect(delivered.map((h) => h.body.event_timestamp)).toEqual([...delivered.map((h) => h.body.event_timestamp)].sort((a, b) => a - b));
    expect(delivered[0].body.call.call_status).toBe('ongoing');
    expect(delivered[0].body.call).not.toHaveProperty('transcript');
    expect(delivered[2].at - delivered[1].at).toBeGreaterThanOrEqual(800 - 50);
  });

  it('a call that never connects sends call_ended and call_analyzed only (not_connected, duration 0)', async () => {
    const { call_id } = await create('+14155550181');
    await analyzed(call_id);
    expect(eventsOf(call_id)).toEqual(['call_ended', 'call_analyzed']);
    const call = (await client.call.retrieve(call_id)) as Call;
    expect(call).toMatchObject({
      call_status: 'not_connected',
      disconnection_reason: 'dial_no_answer',
      duration_ms: 0,
      transcript: '',
      call_analysis: { call_successful: false },
    });
    expect(call).not.toHaveProperty('recording_url');
    expect(hooksOf(call_id).every((h) => h.signature === 'valid')).toBe(true);
  });

  // ── scenarios ────────────────────────────────────────────────────────────────────────────

  const EXPECTED: Record<string, { status: string; reason: RegExp; started: boolean; voicemail: boolean }> = {
    answered: { status: 'ended', reason: /^(agent|user)_hangup$/, started: true, voicemail: false },
    no_answer: { status: 'not_connected', reason: /^dial_no_answer$/, started: false, voicemail: false },
    busy: { status: 'not_connected', reason: /^dial_busy$/, started: false, voicemail: false },
    voicemail: { status: 'ended', reason: /^voicemail_reached$/, started: true, voicemail: true },
    dial_failed: { status: 'not_connected', reason: /^dial_failed$/, started: false, voicemail: false },
    invalid_destination: { status: 'not_connected', reason: /^invalid_destination$/, started: false, voicemail: false },
  };

  function expectScenario(call: Call, scenario: string): void {
    const e = EXPECTED[scenario];
    expect({ scenario, status: call.call_status, reason: call.disconnection_reason }).toEqual({
      scenario,
      status: e.status,
      reason: expect.stringMatching(e.reason),
    });
    expect(call.call_analysis.in_voicemail).toBe(e.voicemail);
    expect(eventsOf(call.call_id)).toEqual(e.started ? ['call_started', 'call_ended', 'call_analyzed'] : ['call_ended', 'call_analyzed']);
  }

  it('the scenario follows the last digit of to_number: 0 answered, 1 no_answer, 2 busy, 3 voicemail, 4 dial_failed, 5 invalid_destination, 6-9 answered', async () => {
    const byDigit = ['answered', 'no_answer', 'busy', 'voicemail', 'dial_failed', 'invalid_destination', 'answered', 'answered', 'answered', 'answered'];
    const calls = await playAll(byDigit.map((_, d) => ({ to: `+1415555021${d}` })));
    calls.forEach((call, d) => expectScenario(call, byDigit[d]));
  });

  it('metadata.sim_scenario overrides the number', async () => {
    const scenarios = Object.keys(EXPECTED);
    // +…1 would be no_answer by number, +…0 answered
    const calls = await playAll(
      scenarios.map((s, i) => ({ to: i % 2 ? '+14155550221' : '+14155550220', extra: { metadata: { sim_scenario: s, candidate_id: `c-${i}` } } })),
    );
    calls.forEach((call, i) => {
      expectScenario(call, scenarios[i]);
      expect(call.metadata).toEqual({ sim_scenario: scenarios[i], candidate_id: `c-${i}` });
    });
  });

  it('metadata.sim_custom_analysis becomes custom_analysis_data of an answered call', async () => {
    const custom = { interview_scheduled: true, scheduled_datetime_iso: new Date(Date.now() + 7 * 86_400_000).toISOString(), outcome: 'Interview Scheduled' };
    const { call_id } = await create('+14155550230', { metadata: { sim_custom_analysis: custom } });
    const h = await analyzed(call_id);
    expect(h.body.call.call_analysis.custom_analysis_data).toEqual(custom);
  });

  // ── list-calls ───────────────────────────────────────────────────────────────────────────

  it('list-calls (v3): each filter, both sort orders, pagination and include_total; items carry no transcript', async () => {
    const [a, b, c, d] = await playAll([
      { to: '+14155550240', extra: { metadata: { candidate_id: 'c-1', campaign: 'spring' } } },
      { to: '+14155550241', extra: { override_agent_id: OTHER_AGENT, metadata: { candidate_id: 'c-2' } } },
      { to: '+14155550242', extra: { from_number: '+14155550999' } },
      { to: '+14155550246', extra: { metadata: { candidate_id: 'c-1' }, retell_llm_dynamic_variables: { tier: 'gold' } } },
    ]);
    expect(c.from_number).toBe('+14155550999');

    const all = await client.call.list();
    expect(all.has_more).toBe(false);
    expect(all).not.toHaveProperty('pagination_key');
    expect(all).not.toHaveProperty('total');
    expect(new Set(ids(all.items))).toEqual(new Set(ids([a, b, c, d])));
    const starts = all.items.map((i) => i.start_timestamp!);
    expect(starts).toEqual([...starts].sort((x, y) => y - x));
    for (const item of all.items) {
      for (const f of ['transcript', 'transcript_object', 'transcript_with_tool_calls']) expect(item).not.toHaveProperty(f);
      expect(item).toHaveProperty('call_analysis');
    }
    expect(all.items.find((i) => i.call_id === a.call_id)).toHaveProperty('recording_url');

    const asc = await list({ sort_order: 'ascending' });
    expect(ids(asc.items)).toEqual(ids(all.items).reverse());

    const f = async (filter_criteria: Record<string, unknown>) => new Set(ids((await list({ filter_criteria })).items));
    expect(await f({ agent: [{ agent_id: OTHER_AGENT }] })).toEqual(new Set([b.call_id]));
    expect(await f({ agent: [{ agent_id: OTHER_AGENT, version: [2] }] })).toEqual(new Set());
    expect(await f({ agent: [{ agent_id: OTHER_AGENT, version: [1] }, { agent_id: 'agent_nobody' }] })).toEqual(new Set([b.call_id]));
    expect(await f({ agent: [{ agent_id: DEFAULT_AGENT }] })).toEqual(new Set([a.call_id, c.call_id, d.call_id]));
    expect(await f({ call_status: { type: 'enum', op: 'in', value: ['not_connected'] } })).toEqual(new Set([b.call_id, c.call_id]));
    expect(await f({ call_status: { type: 'enum', op: 'in', value: ['ended', 'ongoing'] } })).toEqual(new Set([a.call_id, d.call_id]));
    expect(await f({ direction: { type: 'enum', op: 'in', value: ['outbound'] } })).toEqual(new Set(ids([a, b, c, d])));
    expect(await f({ direction: { type: 'enum', op: 'in', value: ['inbound'] } })).toEqual(new Set());
    expect(await f({ from_number: { type: 'string', op: 'eq', value: '+14155550999' } })).toEqual(new Set([c.call_id]));
    expect(await f({ to_number: { type: 'string', op: 'eq', value: '+14155550240' } })).toEqual(new Set([a.call_id]));
    expect(await f({ disconnection_reason: { type: 'enum', op: 'in', value: ['dial_busy', 'dial_no_answer'] } })).toEqual(new Set([b.call_id, c.call_id]));
    expect(await f({ metadata: [{ type: 'string', op: 'eq', key: 'candidate_id', value: 'c-1' }] })).toEqual(new Set([a.call_id, d.call_id]));
    expect(
      await f({
        metadata: [
          { type: 'string', op: 'eq', key: 'candidate_id', value: 'c-1' },
          { type: 'string', op: 'eq', key: 'campaign', value: 'spring' },
        ],
      }),
    ).toEqual(new Set([a.call_id]));
    expect(await f({ metadata: [{ type: 'string', op: 'eq', key: 'candidate_id', value: 'c-404' }] })).toEqual(new Set());
    expect(await f({ dynamic_variables: [{ type: 'string', op: 'eq', key: 'tier', value: 'gold' }] })).toEqual(new Set([d.call_id]));
    const lo = Math.min(...starts);
    const hi = Math.max(...starts);
    expect(await f({ start_timestamp: { type: 'range', op: 'bt', value: [lo, hi] } })).toEqual(new Set(ids([a, b, c, d])));
    expect(await f({ start_timestamp: { type: 'range', op: 'bt', value: [0, lo - 1] } })).toEqual(new Set());
    expect(await f({ start_timestamp: { type: 'number', op: 'gt', value: hi } })).toEqual(new Set());
    expect(await f({ batch_call_id: { type: 'string', op: 'eq', value: 'batch_call_none' } })).toEqual(new Set());
    // filters are ANDed
    expect(await f({ agent: [{ agent_id: DEFAULT_AGENT }], call_status: { type: 'enum', op: 'in', value: ['not_connected'] } })).toEqual(new Set([c.call_id]));

    // pagination: one item per page, in the same order as the full list, total on every page
    const paged: string[] = [];
    let key: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await list({ limit: 1, include_total: true, ...(key && { pagination_key: key }) });
      expect(res.total).toBe(4);
      expect(res.items).toHaveLength(1);
      paged.push(res.items[0].call_id);
      expect(res.has_more).toBe(paged.length < 4);
      key = res.pagination_key;
      if (!res.has_more) {
        expect(key).toBeUndefined();
        break;
      }
      expect(typeof key).toBe('string');
    }
    expect(paged).toEqual(ids(all.items));
    const filteredTotal = await list({ limit: 1, include_total: true, filter_criteria: { call_status: { type: 'enum', op: 'in', value: ['ended'] } } });
    expect(filteredTotal).toMatchObject({ total: 2, has_more: true, items: [expect.any(Object)] });
    const skipped = await list({ skip: 3, sort_order: 'ascending' });
    expect(ids(skipped.items)).toEqual([ids(asc.items)[3]]);

    await expectRetellError(list({ limit: 1001 }), BadRequestError, 400, /limit/);
    await expectRetellError(list({ limit: 0 }), BadRequestError, 400, /limit/);
    await expectRetellError(list({ sort_order: 'sideways' }), BadRequestError, 400, /sort_order/);
    await expectRetellError(list({ pagination_key: 'nonsense' }), BadRequestError, 400, /pagination_key/);
    await expectRetellError(list({ skip: 1, pagination_key: key ?? 'x' }), BadRequestError, 400, /skip or pagination_key|pagination_key/);
    await expectRetellError(list({ filter_criteria: { call_status: { type: 'enum', op: 'in', value: ['done'] } } }), BadRequestError, 400, /call_status/);
    await expectRetellError(list({ filter_criteria: { metadata: [{ type: 'string', op: 'eq', value: 'x' }] } }), BadRequestError, 400, /key/);
    await expectRetellError(list({ filter_criteria: { colour: { type: 'string', op: 'eq', value: 'x' } } }), BadRequestError, 400, /colour/);
  });

  // ── stop-call ────────────────────────────────────────────────────────────────────────────

  it('stop-call: 204; an ongoing call ends with manual_stopped', async () => {
    const { call_id } = await create('+14155550250', { metadata: { sim_talk_ms: 10_000 } });
    await hook(call_id, 'call_started');
    const res = await client.call.stop(call_id).asResponse();
    expect(res.status).toBe(204);
    const ended = (await client.call.retrieve(call_id)) as Call;
    expect(ended).toMatchObject({ call_status: 'ended', disconnection_reason: 'manual_stopped' });
    expect(ended.duration_ms).toBeLessThan(10_000);
    expect(ended.transcript_object.length).toBeGreaterThan(0);
    const h = await analyzed(call_id);
    expect(h.body.call).toMatchObject({ disconnection_reason: 'manual_stopped', call_analysis: { call_successful: false } });
    expect(eventsOf(call_id)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
    expect((await stats()).byDisconnectionReason).toEqual({ manual_stopped: 1 });

    // a finished call cannot be stopped again; an unknown one is Retell's 422
    await expectRetellError(client.call.stop(call_id), BadRequestError, 400, /not ongoing/);
    await expectRetellError(
      client.call.stop('call_0000000000000000000000000000dead'),
      UnprocessableEntityError,
      422,
      'Cannot find requested asset under given api key.',
    );
  });

  it('stop-call on a registered (still ringing) call: not_connected + manual_stopped, no call_started', async () => {
    const { call_id } = await create('+14155550250', { metadata: { sim_ring_ms: 10_000 } });
    await client.call.stop(call_id);
    const call = (await client.call.retrieve(call_id)) as Call;
    expect(call).toMatchObject({ call_status: 'not_connected', disconnection_reason: 'manual_stopped', duration_ms: 0 });
    await analyzed(call_id);
    await sleep(RING_MS + TALK_MS);
    expect(eventsOf(call_id)).toEqual(['call_ended', 'call_analyzed']);
    expect(await stats()).toMatchObject({ live: 0, created: 1, ended: 1 });
  });

  // ── batch calls ──────────────────────────────────────────────────────────────────────────

  it('create-batch-call: 201, every task becomes a call carrying batch_call_id; list-calls finds them by batch_call_id', async () => {
    const { data: batch, response } = await client.batchCall
      .createBatchCall({
        from_number: FROM,
        name: 'Spring screening',
        tasks: [
          { to_number: '+14155550260', retell_llm_dynamic_variables: { customer_name: 'Ana' }, metadata: { candidate_id: 'b-1' } },
          { to_number: '+14155550261', metadata: { candidate_id: 'b-2' } },
          { to_number: '+14155550263', override_agent_id: OTHER_AGENT },
        ],
      })
      .withResponse();
    expect(response.status).toBe(201);
    expect(batch).toEqual({
      batch_call_id: expect.stringMatching(/^batch_call_[0-9a-f]+$/),
      name: 'Spring screening',
      from_number: FROM,
      scheduled_timestamp: expect.any(Number),
      total_task_count: 3,
    });
    expect(Math.abs(batch.scheduled_timestamp - Date.now())).toBeLessThan(5_000);

    const byBatch = { batch_call_id: { type: 'string', op: 'eq', value: batch.batch_call_id } };
    const found = await waitFor(
      async () => {
        const res = await list({ filter_criteria: byBatch, sort_order: 'ascending', include_total: true });
        return res.items.length === 3 && res.items.every((i) => i.call_analysis) ? res : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'three analysed batch calls' },
    );
    expect(found.total).toBe(3);
    const byTo = Object.fromEntries((found.items as Call[]).map((i) => [i.to_number, i]));
    expect(byTo['+14155550260']).toMatchObject({
      batch_call_id: batch.batch_call_id,
      from_number: FROM,
      metadata: { candidate_id: 'b-1' },
      retell_llm_dynamic_variables: { customer_name: 'Ana' },
      call_status: 'ended',
    });
    expect(byTo['+14155550261']).toMatchObject({ batch_call_id: batch.batch_call_id, metadata: { candidate_id: 'b-2' }, call_status: 'not_connected' });
    expect(byTo['+14155550263']).toMatchObject({ batch_call_id: batch.batch_call_id, agent_id: OTHER_AGENT, disconnection_reason: 'voicemail_reached' });
    for (const item of found.items) {
      for (const h of hooksOf(item.call_id)) expect(h.body.call.batch_call_id).toBe(batch.batch_call_id);
      await analyzed(item.call_id);
    }
    const single = await create('+14155550260');
    expect(single).not.toHaveProperty('batch_call_id');
  });

  it('a batch keeps reserved_concurrency free and dials the rest as slots free up; a future trigger_timestamp waits', async () => {
    const tasks = Array.from({ length: 6 }, (_, i) => ({ to_number: `+1415555027${i}`, metadata: { sim_scenario: 'no_answer' } }));
    const trigger = Date.now() + 1000;
    const batch = await client.batchCall.createBatchCall({ from_number: FROM, tasks, reserved_concurrency: LIMIT - 2, trigger_timestamp: trigger });
    expect(batch).toMatchObject({ scheduled_timestamp: trigger, total_task_count: 6, name: expect.any(String) });
    const byBatch = { filter_criteria: { batch_call_id: { type: 'string', op: 'eq', value: batch.batch_call_id } }, include_total: true };
    expect((await list(byBatch)).total).toBe(0);
    expect(await stats()).toMatchObject({ queued: 6, created: 0 });

    await waitFor(async () => (await stats()).ended === 6 || undefined, { timeoutMs: 15_000, intervalMs: 20, what: 'six batch calls ended' });
    const calls = (await list(byBatch)).items as Call[];
    expect(calls).toHaveLength(6);
    expect(Math.min(...calls.map((c) => c.start_timestamp))).toBeGreaterThanOrEqual(trigger);
    expect(calls.every((c) => c.disconnection_reason === 'dial_no_answer')).toBe(true);
    expect(await stats()).toMatchObject({ maxConcurrentObserved: 2, created: 6, ended: 6, live: 0, queued: 0, byDisconnectionReason: { dial_no_answer: 6 } });
  });

  // ── concurrency ──────────────────────────────────────────────────────────────────────────

  it('get-concurrency reports the calls live now', async () => {
    const idle = await client.concurrency.retrieve();
    expect(idle).toEqual({
      current_concurrency: 0,
      concurrency_limit: LIMIT,
      base_concurrency: LIMIT,
      purchased_concurrency: 0,
      concurrency_purchase_limit: expect.any(Number),
      remaining_purchase_limit: expect.any(Number),
      concurrency_burst_enabled: false,
      concurrency_burst_limit: 0,
      reserved_inbound_concurrency: 0,
    });
    expect(idle.remaining_purchase_limit).toBe(idle.concurrency_purchase_limit! - idle.purchased_concurrency!);
    const long = { metadata: { sim_talk_ms: 10_000 } };
    const calls = await Promise.all(['+14155550280', '+14155550286', '+14155550287'].map((to) => create(to, long)));
    // ringing calls count
    expect((await client.concurrency.retrieve()).current_concurrency).toBe(3);
    for (const c of calls) await hook(c.call_id, 'call_started');
    expect((await client.concurrency.retrieve()).current_concurrency).toBe(3);
    await client.call.stop(calls[0].call_id);
    expect((await client.concurrency.retrieve()).current_concurrency).toBe(2);
    // a call that ends on its own frees its slot too
    const short = await create('+14155550281');
    await hook(short.call_id, 'call_ended');
    expect((await client.concurrency.retrieve()).current_concurrency).toBe(2);
    for (const c of calls.slice(1)) await client.call.stop(c.call_id);
    expect((await client.concurrency.retrieve()).current_concurrency).toBe(0);
  });

  it('a call created at the limit ends at once as not_connected with concurrency_limit_reached', async () => {
    // answered numbers (…0, …6-9), so all stay live while talking
    const live = await Promise.all(
      ['+14155550290', '+14155550296', '+14155550297', '+14155550298', '+14155550299'].map((to) => create(to, { metadata: { sim_talk_ms: 10_000 } })),
    );
    expect((await client.concurrency.retrieve()).current_concurrency).toBe(LIMIT);
    const excess = await create('+14155550290');
    expect(excess.call_status).toBe('registered');
    const call = (await client.call.retrieve(excess.call_id)) as Call;
    expect(call).toMatchObject({ call_status: 'not_connected', disconnection_reason: 'concurrency_limit_reached', duration_ms: 0 });
    const h = await analyzed(excess.call_id);
    expect(h.body.call.call_analysis).toMatchObject({ call_successful: false });
    expect(eventsOf(excess.call_id)).toEqual(['call_ended', 'call_analyzed']);
    expect(await stats()).toMatchObject({
      maxConcurrentObserved: LIMIT,
      live: LIMIT,
      created: LIMIT + 1,
      ended: 1,
      byDisconnectionReason: { concurrency_limit_reached: 1 },
    });

    // a slot frees up when a call ends: stop one, and the next call goes through
    await client.call.stop(live[0].call_id);
    const next = await create('+14155550290');
    await hook(next.call_id, 'call_started');
    expect((await client.call.retrieve(next.call_id)).call_status).toBe('ongoing');
  });

  // ── agents ───────────────────────────────────────────────────────────────────────────────

  it('get-agent: an AgentResponse for known agents, 422 (UnprocessableEntityError) for others', async () => {
    const agent = await client.agent.retrieve(DEFAULT_AGENT);
    expect(agent).toMatchObject({
      agent_id: DEFAULT_AGENT,
      version: 1,
      last_modification_timestamp: expect.any(Number),
      response_engine: { type: 'retell-llm', llm_id: expect.any(String) },
      voice_id: expect.any(String),
      webhook_events: ['call_started', 'call_ended', 'call_analyzed'],
    });
    expect(await client.agent.retrieve(OTHER_AGENT, { version: 1 })).toMatchObject({ agent_id: OTHER_AGENT, agent_name: 'Other agent', version: 1 });
    await expectRetellError(client.agent.retrieve('agent_nobody'), UnprocessableEntityError, 422, 'Cannot find requested asset under given api key.');
    await expectRetellError(
      client.agent.retrieve(DEFAULT_AGENT, { version: 7 }),
      UnprocessableEntityError,
      422,
      'Cannot find requested asset under given api key.',
    );
  });

  it('list-agents, create-agent, update-agent: the SDK parses each answer; unknown ids are 422, a bad body 400', async () => {
    const llm = await client.llm.create({ general_prompt: 'Screen the candidate.', begin_message: 'Hi!' });
    expect(llm).toMatchObject({
      llm_id: expect.stringMatching(/^llm_/),
      version: 0,
      last_modification_timestamp: expect.any(Number),
      general_prompt: 'Screen the candidate.',
    });
    const made = await client.agent.create({ response_engine: { type: 'retell-llm', llm_id: llm.llm_id }, voice_id: '11labs-Adrian', agent_name: 'Made here' });
    expect(made).toMatchObject({ agent_id: expect.stringMatching(/^agent_/), version: 0, agent_name: 'Made here', response_engine: { llm_id: llm.llm_id } });
    expect(await client.agent.retrieve(made.agent_id)).toEqual(made);

    const updated = await client.agent.update(made.agent_id, {
      webhook_url: 'https://hooks.example.com/webhooks/retell',
      post_call_analysis_data: [{ type: 'string', name: 'outcome', description: 'How it went' }],
    });
    expect(updated).toMatchObject({ agent_id: made.agent_id, agent_name: 'Made here', webhook_url: 'https://hooks.example.com/webhooks/retell' });
    expect(updated.last_modification_timestamp).toBeGreaterThan(made.last_modification_timestamp);

    const all = await client.agent.list({ limit: 1000 });
    expect(all.has_more).toBe(false);
    expect(all.items.map((a) => a.agent_id)).toEqual(expect.arrayContaining([DEFAULT_AGENT, OTHER_AGENT, made.agent_id]));
    expect(all.items[0]).toMatchObject({
      agent_id: made.agent_id,
      agent_name: 'Made here',
      channel: 'voice',
      tags: {},
      user_modified_timestamp: expect.any(Number),
    });
    const first = await client.agent.list({ limit: 1, sort_order: 'ascending' });
    expect(first).toMatchObject({ items: [{ agent_id: DEFAULT_AGENT }], has_more: true, pagination_key: DEFAULT_AGENT });
    const second = await client.agent.list({ limit: 1, sort_order: 'ascending', pagination_key: first.pagination_key });
    expect(second.items.map((a) => a.agent_id)).toEqual([OTHER_AGENT]);
    expect((await client.agent.list({ filter_criteria: { query: 'made here' } } as never)).items.map((a) => a.agent_id)).toEqual([made.agent_id]);

    await expectRetellError(
      client.agent.update('agent_nobody', { agent_name: 'x' }),
      UnprocessableEntityError,
      422,
      'Cannot find requested asset under given api key.',
    );
    await expectRetellError(client.agent.create({ voice_id: 'x' } as never), BadRequestError, 400, /response_engine and voice_id are required/);
    await expectRetellError(
      client.agent.create({ response_engine: { type: 'retell-llm', llm_id: 'llm_nobody' }, voice_id: 'x' }),
      BadRequestError,
      400,
      /llm_id is not a Retell LLM/,
    );
  });

  it('get/create/update-retell-llm: LlmResponse answers; unknown ids are 422', async () => {
    const agent = await client.agent.retrieve(DEFAULT_AGENT);
    const llmId = (agent.response_engine as { llm_id: string }).llm_id;
    const llm = await client.llm.retrieve(llmId);
    expect(llm).toMatchObject({
      llm_id: llmId,
      version: 0,
      model: 'gpt-4.1',
      general_prompt: expect.any(String),
      last_modification_timestamp: expect.any(Number),
    });
    const updated = await client.llm.update(llmId, { general_prompt: 'New prompt', general_tools: [{ type: 'end_call', name: 'end_call' }] });
    expect(updated).toMatchObject({ llm_id: llmId, general_prompt: 'New prompt', general_tools: [{ type: 'end_call', name: 'end_call' }], model: 'gpt-4.1' });
    expect(await client.llm.retrieve(llmId)).toEqual(updated);
    await expectRetellError(client.llm.retrieve('llm_nobody'), UnprocessableEntityError, 422, 'Cannot find requested asset under given api key.');
    await expectRetellError(
      client.llm.update('llm_nobody', { general_prompt: 'x' }),
      UnprocessableEntityError,
      422,
      'Cannot find requested asset under given api key.',
    );
  });

  it('list/get/update-phone-number: PhoneNumberResponse answers; the inbound webhook URL is kept; unknown numbers are 422', async () => {
    const list = await client.phoneNumber.list();
    expect(list).toMatchObject({ has_more: false });
    expect(list.items.map((n) => n.phone_number)).toEqual([FROM]);
    expect(list.items[0]).toMatchObject({
      phone_number: FROM,
      phone_number_type: 'retell-twilio',
      phone_number_pretty: '+1 (415) 555-0100',
      inbound_agents: [{ agent_id: DEFAULT_AGENT, weight: 1 }],
      last_modification_timestamp: expect.any(Number),
    });
    const updated = await client.phoneNumber.update(FROM, { inbound_webhook_url: 'https://hooks.example.com/webhooks/retell/inbound/acme' });
    expect(updated).toMatchObject({ phone_number: FROM, inbound_webhook_url: 'https://hooks.example.com/webhooks/retell/inbound/acme' });
    expect(await client.phoneNumber.retrieve(FROM)).toEqual(updated);
    await expectRetellError(client.phoneNumber.update(FROM, { inbound_webhook_url: 'not a url' }), BadRequestError, 400, /inbound_webhook_url must be a URL/);
    await expectRetellError(client.phoneNumber.retrieve('+14155559999'), UnprocessableEntityError, 422, 'Cannot find requested asset under given api key.');
    await expectRetellError(
      client.phoneNumber.update('+14155559999', { nickname: 'x' }),
      UnprocessableEntityError,
      422,
      'Cannot find requested asset under given api key.',
    );
  });

  // ── errors ───────────────────────────────────────────────────────────────────────────────

  it('a wrong or missing API key is 401 (AuthenticationError) with Retell’s body', async () => {
    const wrong = new Retell({ apiKey: 'key_wrong', baseURL: simUrl, maxRetries: 0 });
    await expectRetellError(wrong.call.retrieve('call_x'), AuthenticationError, 401, 'API key is missing or invalid.');
    await expectRetellError(
      wrong.call.createPhoneCall({ from_number: FROM, to_number: '+14155550300' }),
      AuthenticationError,
      401,
      'API key is missing or invalid.',
    );
    await expectRetellError(wrong.concurrency.retrieve(), AuthenticationError, 401, 'API key is missing or invalid.');
    const missing = await fetch(`${simUrl}/get-concurrency`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ status: 'error', message: 'API key is missing or invalid.' });
    expect((await stats()).created).toBe(0);
  });

  it('bad bodies are 400 (BadRequestError) naming the field; nothing is dialled', async () => {
    const bad = (body: Record<string, unknown>) => client.call.createPhoneCall(body as never);
    await expectRetellError(bad({ from_number: FROM, to_number: '415 555 0123' }), BadRequestError, 400, /to_number must be a valid E\.164/);
    await expectRetellError(bad({ from_number: '14155550100', to_number: '+14155550123' }), BadRequestError, 400, /from_number must be a valid E\.164/);
    await expectRetellError(bad({ from_number: FROM }), BadRequestError, 400, /to_number is required/);
    await expectRetellError(bad({ to_number: '+14155550123' }), BadRequestError, 400, /from_number is required/);
    await expectRetellError(
      bad({ from_number: FROM, to_number: '+14155550123', retell_llm_dynamic_variables: { age: 42 } }),
      BadRequestError,
      400,
      /retell_llm_dynamic_variables\.age must be a string/,
    );
    await expectRetellError(
      bad({ from_number: FROM, to_number: '+14155550123', retell_llm_dynamic_variables: 'x' }),
      BadRequestError,
      400,
      /retell_llm_dynamic_variables/,
    );
    await expectRetellError(
      bad({ from_number: FROM, to_number: '+14155550123', custom_sip_headers: { 'X-N': 1 } }),
      BadRequestError,
      400,
      /custom_sip_headers/,
    );
    await expectRetellError(
      bad({ from_number: FROM, to_number: '+14155550123', metadata: { sim_scenario: 'hung_up' } }),
      BadRequestError,
      400,
      /sim_scenario must be one of/,
    );
    await expectRetellError(bad({ from_number: FROM, to_number: '+14155550123', metadata: { sim_talk_ms: -1 } }), BadRequestError, 400, /sim_talk_ms/);
    const batch = (body: Record<string, unknown>) => client.batchCall.createBatchCall(body as never);
    await expectRetellError(batch({ from_number: FROM, tasks: [] }), BadRequestError, 400, /tasks must be a non-empty array/);
    await expectRetellError(
      batch({ from_number: FROM, tasks: [{ to_number: '+14155550123' }, { to_number: '555' }] }),
      BadRequestError,
      400,
      /tasks\[1\]\.to_number/,
    );
    await expectRetellError(
      batch({ from_number: FROM, tasks: [{ to_number: '+14155550123', retell_llm_dynamic_variables: { n: true } }] }),
      BadRequestError,
      400,
      /tasks\[0\]\.retell_llm_dynamic_variables\.n/,
    );
    await expectRetellError(
      batch({ from_number: FROM, tasks: [{ to_number: '+14155550123' }], reserved_concurrency: LIMIT }),
      BadRequestError,
      400,
      /reserved_concurrency/,
    );
    expect(await stats()).toMatchObject({ created: 0, queued: 0 });

    // ignore_e164_validation relaxes from_number only
    const pseudo = await client.call.createPhoneCall({ from_number: 'internal-7', to_number: '+14155550300', ignore_e164_validation: true });
    expect(pseudo.from_number).toBe('internal-7');
    await client.call.stop(pseudo.call_id);
  });

  it('unknown routes are 404, unknown ids 422, unparseable JSON 400 — all in Retell’s error body', async () => {
    const auth = { authorization: `Bearer ${API_KEY}` };
    const notFound = await fetch(`${simUrl}/v2/no-such-endpoint`, { headers: auth });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ status: 'error', message: expect.stringContaining('/v2/no-such-endpoint') });
    await expectRetellError(client.call.retrieve('call_unknown'), UnprocessableEntityError, 422, 'Cannot find requested asset under given api key.');
    const broken = await fetch(`${simUrl}/v2/create-phone-call`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"from_number":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ status: 'error', message: expect.any(String) });
    const notObject = await fetch(`${simUrl}/v2/create-phone-call`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '[1,2]',
    });
    expect(notObject.status).toBe(400);
    expect(await notObject.json()).toEqual({ status: 'error', message: 'Request body must be a JSON object.' });
    // the simulator's own routes keep their error body
    const sim = await fetch(`${simUrl}/sim/calls/unknown`);
    expect(sim.status).toBe(404);
    expect(await sim.json()).toMatchObject({ statusCode: 404 });
  });

  it('POST /sim/reset clears the store and counters', async () => {
    const { call_id } = await create('+14155550310', { metadata: { sim_ring_ms: 1000 } });
    expect(await stats()).toMatchObject({ created: 1, live: 1 });
    await fetch(`${simUrl}/sim/reset`, { method: 'POST' });
    expect(await stats()).toEqual({
      maxConcurrentObserved: 0,
      live: 0,
      created: 0,
      ended: 0,
      byDisconnectionReason: {},
      queued: 0,
      rateLimited: 0,
      droppedWebhooks: 0,
      toolCalls: { calls: 0, attempts: 0, retries: 0, succeeded: 0, failed: 0, timedOut: 0, truncated: 0 },
      inbound: { asked: 0, attempts: 0, rejected: 0, answered: 0, fallback: 0, disconnected: 0 },
    });
    await expectRetellError(client.call.retrieve(call_id), UnprocessableEntityError, 422, 'Cannot find requested asset under given api key.');
    await sleep(1200);
    expect(hooksOf(call_id)).toEqual([]);
  });
});
