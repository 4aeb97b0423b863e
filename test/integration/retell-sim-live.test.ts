import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Retell, { BadRequestError } from 'retell-sdk';
import type { SimConfig } from '../../apps/retell-sim/src/config/sim-config';
import { createSimApp } from '../../apps/retell-sim/src/create-app';
import { waitFor } from '../support/wait';

// The simulator during a call: the agent's custom-function requests, the inbound-call webhook,
// transcript_updated and the transfer events, received by small fake servers here and checked
// with the official SDK's verify.

const API_KEY = 'key_test_retell_sim_live_0001';
const FROM = '+14155550100';
const INBOUND_NUMBER = '+14155550177';
const BARE_NUMBER = '+14155550178';

interface Received {
  method: string;
  url: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  body: any;
  verified: boolean;
  at: number;
}

type Handler = (req: Received, attempt: number) => Promise<{ status: number; body?: unknown }> | { status: number; body?: unknown };

/** A server that records every request (verified with Retell.verify over the raw bytes) and answers with the handler for its path. */
async function fakeServer(handlers: () => Record<string, Handler>) {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url!, 'http://x').pathname;
      const verified = await Retell.verify(raw, API_KEY, String(req.headers['x-retell-signature'] ?? ''));
      const r: Received = {
        method: req.method!,
        url: req.url!,
        path,
        headers: req.headers,
        raw,
        body: raw ? JSON.parse(raw) : undefined,
        verified,
        at: Date.now(),
      };
      received.push(r);
      const handler = handlers()[path];
      const attempt = received.filter((x) => x.path === path).length;
      const answer = handler ? await handler(r, attempt) : { status: verified ? 204 : 401 };
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DAY = 86_400_000;
/** Two slots two and three days ahead, at 14:00 and 10:30 New York time (fixed offset -05:00: any date will do for the simulator). */
const slotIso = (days: number, hhmm: string) => `${new Date(Date.now() + days * DAY).toISOString().slice(0, 10)}T${hhmm}:00-05:00`;

describe('retell-sim: during the call (tools, inbound, transcript_updated, transfers)', () => {
  let gateway: Awaited<ReturnType<typeof fakeServer>>;
  let tools: Awaited<ReturnType<typeof fakeServer>>;
  let app: NestFastifyApplication;
  let simUrl: string;
  let client: Retell;
  let toolHandlers: Record<string, Handler> = {};
  let hookHandlers: Record<string, Handler> = {};
  const slots = [
    { start: slotIso(2, '14:00'), spoken: 'Tuesday at 2 PM Eastern', interviewer_id: 'int-7' },
    { start: slotIso(3, '10:30'), spoken: 'Wednesday at 10:30 AM Eastern', interviewer_id: 'int-9' },
  ];
  const standardTools = (): Record<string, Handler> => ({
    '/tools/get_candidate': () => ({
      status: 200,
      body: { candidate_id: 'cand-42', name: 'Ana Lima', position: 'Backend Engineer', time_zone: 'America/New_York' },
    }),
    '/tools/check_interview_slots': () => ({ status: 200, body: { slots } }),
    '/tools/book_interview': () => ({ status: 200, body: { booked: true, interview_id: 'iv-1' } }),
  });

  beforeAll(async () => {
    gateway = await fakeServer(() => hookHandlers);
    tools = await fakeServer(() => toolHandlers);
    const config: SimConfig = {
      gatewayUrl: gateway.url,
      apiKey: API_KEY,
      defaultAgentId: 'agent_sim_default',
      defaultFromNumber: FROM,
      defaultToNumber: '+14155550123',
      historyLimit: 20,
      retellApi: { ringMs: 50, talkMs: 400, analysisMs: 50, toolRetryBaseMs: 10, phoneNumbers: [INBOUND_NUMBER, BARE_NUMBER], inboundRetryDelayMs: 10 },
    };
    app = await createSimApp(config, false);
    await app.listen(0, '127.0.0.1');
    simUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    client = new Retell({ apiKey: API_KEY, baseURL: simUrl, maxRetries: 0 });
  });

  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => gateway.server.close(resolve));
    await new Promise((resolve) => tools.server.close(resolve));
  });

  beforeEach(async () => {
    await fetch(`${simUrl}/sim/reset`, { method: 'POST' });
    gateway.received.length = 0;
    tools.received.length = 0;
    toolHandlers = standardTools();
    hookHandlers = {};
  });

  const post = async (path: string, body: object) => {
    const res = await fetch(`${simUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const stats = async (): Promise<any> => (await fetch(`${simUrl}/sim/stats`)).json();
  const hooksOf = (callId: string) => gateway.received.filter((h) => h.body?.call?.call_id === callId);
  const tool = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'custom' as const, name, url: `${tools.url}/tools/${name}`, ...extra });

  /** An agent on a new Retell LLM with these general_tools. */
  async function agentWith(generalTools: unknown[]): Promise<string> {
    const llm = await client.llm.create({ general_prompt: 'Book an interview.', general_tools: generalTools as never });
    const agent = await client.agent.create({ response_engine: { type: 'retell-llm', llm_id: llm.llm_id }, voice_id: '11labs-Adrian', agent_name: 'Booker' });
    return agent.agent_id;
  }

  // ── Retell LLM tools ─────────────────────────────────────────────────────────────────────

  it('create/update-retell-llm store custom general_tools as sent and refuse bad ones as Retell does', async () => {
    const parameters = { type: 'object', properties: { candidate_id: { type: 'string' } }, required: ['candidate_id'] };
    const llm = await client.llm.create({
      general_tools: [
        { ...tool('get_candidate'), description: 'Look the caller up', parameters, headers: { 'X-Tenant': '{{tenant}}' }, max_retry: 2 },
      ] as never,
    });
    expect((await client.llm.retrieve(llm.llm_id)).general_tools).toEqual([
      {
        type: 'custom',
        name: 'get_candidate',
        url: `${tools.url}/tools/get_candidate`,
        description: 'Look the caller up',
        parameters,
        headers: { 'X-Tenant': '{{tenant}}' },
        max_retry: 2,
      },
    ]);
    const bad: Array<[unknown, RegExp]> = [
      [[{ type: 'custom', name: 'has space', url: 'https://x.example' }], /general_tools\[0\]\.name/],
      [[{ type: 'custom', name: 'a', url: 'ftp://x' }], /url must be an http/],
      [[{ type: 'custom', name: 'a', url: 'https://x.example', method: 'TRACE' }], /method must be one of GET, POST, PUT, PATCH, DELETE/],
      [[{ type: 'custom', name: 'a', url: 'https://x.example', timeout_ms: 500 }], /timeout_ms must be an integer from 1000 to 600000/],
      [[{ type: 'custom', name: 'a', url: 'https://x.example', max_retry: 6 }], /max_retry must be an integer from 0 to 5/],
      [[tool('a'), tool('a')], /is used by another tool/],
      [[{ ...tool('a'), parameters: { type: 'string' } }], /parameters must be a JSON schema/],
    ];
    for (const [generalTools, message] of bad) {
      const err = await client.llm.update(llm.llm_id, { general_tools: generalTools as never }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as BadRequestError).error).toEqual({ status: 'error', message: expect.stringMatching(message) });
    }
  });

  // ── the booking scenario ─────────────────────────────────────────────────────────────────

  it('booking: looks up, checks slots and books the first one with signed requests in order; the transcript and analysis say so', async () => {
    const agentId = await agentWith([
      tool('get_candidate', { parameters: { type: 'object', properties: { candidate_id: { type: 'string' }, phone_number: { type: 'string' } } } }),
      tool('check_interview_slots', {
        args_at_root: true,
        parameters: { type: 'object', properties: { candidate_id: { type: 'string' }, date_from: { type: 'string' }, date_to: { type: 'string' } } },
      }),
      tool('book_interview', {
        parameters: { type: 'object', properties: { candidate_id: { type: 'string' }, start: { type: 'string' }, interviewer_id: { type: 'string' } } },
      }),
    ]);
    const res = await post('/sim/calls', {
      scenario: 'booking',
      agentId,
      toNumber: '+14155550142',
      metadata: { candidate_id: 'cand-42' },
      dynamicVariables: { first_name: 'Ana' },
      liveTranscript: true,
    });
    expect(res.status).toBe(201);
    const { callId } = res.body;
    expect(res.body.toolCalls).toEqual([
      { name: 'get_candidate', successful: true, attempts: 1, durationMs: expect.any(Number) },
      { name: 'check_interview_slots', successful: true, attempts: 1, durationMs: expect.any(Number) },
      { name: 'book_interview', successful: true, attempts: 1, durationMs: expect.any(Number) },
    ]);

    // the tool requests: signed with the workspace key (the SDK's verify accepts them), in order, both body shapes
    expect(tools.received.map((r) => [r.method, r.path, r.verified])).toEqual([
      ['POST', '/tools/get_candidate', true],
      ['POST', '/tools/check_interview_slots', true],
      ['POST', '/tools/book_interview', true],
    ]);
    const [lookup, check, book] = tools.received;
    expect(lookup.headers['content-type']).toBe('application/json');
    expect(lookup.body).toEqual({
      name: 'get_candidate',
      call: expect.objectContaining({
        call_id: callId,
        agent_id: agentId,
        call_status: 'ongoing',
        to_number: '+14155550142',
        transcript: expect.stringMatching(/^Agent: /),
      }),
      args: { candidate_id: 'cand-42', phone_number: '+14155550142' },
    });
    expect(check.body).toEqual({
      candidate_id: 'cand-42',
      date_from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      date_to: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(book.body.args).toEqual({ candidate_id: 'cand-42', start: slots[0].start, interviewer_id: 'int-7' });
    expect(book.body.call.transcript_with_tool_calls.filter((i: any) => i.role === 'tool_call_result')).toHaveLength(2);

    // the webhooks: call_started before the first tool request, the analysis after
    const hooks = hooksOf(callId);
    expect(hooks.every((h) => h.verified)).toBe(true);
    const events = hooks.map((h) => h.body.event);
    expect(events[0]).toBe('call_started');
    expect(events.slice(-2)).toEqual(['call_ended', 'call_analyzed']);
    expect(hooks[0].at).toBeLessThanOrEqual(lookup.at);
    const analyzed = hooks.find((h) => h.body.event === 'call_analyzed')!.body.call;
    expect(analyzed.call_analysis).toMatchObject({
      call_successful: true,
      custom_analysis_data: {
        interview_scheduled: true,
        scheduled_datetime_iso: slots[0].start,
        outcome: 'Interview Scheduled',
        candidate_timezone: 'America/New_York',
      },
    });
    const items = analyzed.transcript_with_tool_calls as any[];
    expect(items.filter((i) => i.role.startsWith('tool_call')).map((i) => [i.role, i.name ?? i.successful])).toEqual([
      ['tool_call_invocation', 'get_candidate'],
      ['tool_call_result', true],
      ['tool_call_invocation', 'check_interview_slots'],
      ['tool_call_result', true],
      ['tool_call_invocation', 'book_interview'],
      ['tool_call_result', true],
    ]);
    const invoke = items.find((i) => i.name === 'book_interview');
    expect(JSON.parse(invoke.arguments)).toEqual(book.body.args);
    expect(items.find((i) => i.role === 'tool_call_result' && i.tool_call_id === invoke.tool_call_id).content).toBe(
      JSON.stringify({ booked: true, interview_id: 'iv-1' }),
    );
    expect(analyzed.transcript).toMatch(/Agent: I found your application for the Backend Engineer role, Ana Lima\./);
    expect(analyzed.transcript).toMatch(/Agent: I have Tuesday at 2 PM Eastern or Wednesday at 10:30 AM Eastern\./);
    expect(analyzed.transcript).toMatch(/Agent: I have booked you for Tuesday at 2 PM Eastern\./);
    expect(analyzed.transcript_object.every((u: any) => u.role === 'agent' || u.role === 'user')).toBe(true);

    // transcript_updated: grows turn by turn, the final one (the ended call) just before call_ended
    const updates = hooks.filter((h) => h.body.event === 'transcript_updated').map((h) => h.body.call);
    expect(updates.length).toBeGreaterThan(5);
    const lengths = updates.map((c) => c.transcript_object.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    expect(new Set(lengths).size).toBe(lengths.length);
    expect(updates.slice(0, -1).every((c) => c.call_status === 'ongoing')).toBe(true);
    expect(updates[updates.length - 1]).toMatchObject({ call_status: 'ended', transcript: analyzed.transcript });
    expect(events.indexOf('call_ended')).toBe(events.lastIndexOf('transcript_updated') + 1);
    expect(await stats()).toMatchObject({ toolCalls: { calls: 3, attempts: 3, retries: 0, succeeded: 3, failed: 0, timedOut: 0, truncated: 0 } });
  });

  it('a GET tool is signed over "" with its query params; args at root and DELETE likewise carry no body', async () => {
    const agentId = await agentWith([
      tool('get_customer_info', { method: 'GET', query_params: { tenant: '{{tenant}}', fixed: 'yes' }, headers: { 'X-Api-Key': 'k-{{tenant}}' } }),
      tool('check_availability', { method: 'DELETE' }),
    ]);
    const res = await post('/sim/calls', { scenario: 'booking', agentId, dynamicVariables: { tenant: 'acme' } });
    expect(res.status).toBe(201);
    expect(tools.received.map((r) => [r.method, r.path, r.raw, r.verified])).toEqual([
      ['GET', '/tools/get_customer_info', '', true],
      ['DELETE', '/tools/check_availability', '', true],
    ]);
    expect(tools.received[0].url).toBe('/tools/get_customer_info?tenant=acme&fixed=yes');
    expect(tools.received[0].headers['x-api-key']).toBe('k-acme');
    expect(tools.received[0].headers).not.toHaveProperty('content-type');
  });

  it('a slow tool: each attempt times out after timeout_ms, retried up to max_retry, only the last answer counts', async () => {
    toolHandlers['/tools/get_candidate'] = async (_r, attempt) => {
      if (attempt <= 2) await sleep(1500);
      return { status: 200, body: { candidate_id: 'cand-42', name: 'Ana Lima', attempt } };
    };
    toolHandlers['/tools/check_interview_slots'] = (_r, attempt) => ({ status: attempt === 1 ? 503 : 500, body: { message: 'the calendar is down' } });
    const agentId = await agentWith([
      tool('get_candidate', { timeout_ms: 1000, max_retry: 2 }),
      tool('check_interview_slots', { max_retry: 1 }),
      tool('book_interview'),
    ]);
    const res = await post('/sim/calls', { scenario: 'booking', agentId });
    expect(res.body.toolCalls).toEqual([
      { name: 'get_candidate', successful: true, attempts: 3, durationMs: expect.any(Number) },
      { name: 'check_interview_slots', successful: false, attempts: 2, durationMs: expect.any(Number) },
    ]);
    expect(res.body.toolCalls[0].durationMs).toBeGreaterThanOrEqual(2000);
    expect(tools.received.map((r) => r.path)).toEqual([
      '/tools/get_candidate',
      '/tools/get_candidate',
      '/tools/get_candidate',
      '/tools/check_interview_slots',
      '/tools/check_interview_slots',
    ]);
    expect(new Set(tools.received.slice(0, 3).map((r) => r.headers['x-retell-signature'])).size).toBe(3); // signed afresh
    const analyzed = hooksOf(res.body.callId).find((h) => h.body.event === 'call_analyzed')!.body.call;
    const results = analyzed.transcript_with_tool_calls.filter((i: any) => i.role === 'tool_call_result');
    expect(JSON.parse(results[0].content)).toMatchObject({ attempt: 3 });
    expect(results[1]).toMatchObject({ successful: false, content: expect.stringMatching(/^Request failed with status 500: .*the calendar is down/) });
    expect(analyzed.transcript).toMatch(/I'm sorry, I couldn't find an open slot: the calendar is down\./);
    expect(analyzed.call_analysis).toMatchObject({
      call_successful: false,
      custom_analysis_data: { interview_scheduled: false, outcome: 'Callback Requested' },
    });
    expect(await stats()).toMatchObject({ toolCalls: { calls: 2, attempts: 5, retries: 3, succeeded: 1, failed: 1, timedOut: 2 } });
  });

  it("a tool's answer reaches the agent cut at 15,000 characters", async () => {
    toolHandlers['/tools/get_candidate'] = () => ({ status: 200, body: { candidate_id: 'cand-42', notes: 'x'.repeat(40_000) } });
    const agentId = await agentWith([tool('get_candidate')]);
    const res = await post('/sim/calls', { scenario: 'booking', agentId });
    const result = hooksOf(res.body.callId)
      .find((h) => h.body.event === 'call_analyzed')!
      .body.call.transcript_with_tool_calls.find((i: any) => i.role === 'tool_call_result');
    expect(result.content).toHaveLength(15_000);
    expect(result.successful).toBe(true);
    expect((await stats()).toolCalls.truncated).toBe(1);
  });

  it('booking with an agent without the tools is a 400', async () => {
    const res = await post('/sim/calls', { scenario: 'booking' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/needs an agent whose Retell LLM has custom tools named get_candidate/);
    expect(gateway.received).toHaveLength(0);
  });

  it('an API-created booking call (metadata.sim_scenario) calls the tools while it is live and sends transcript_updated when asked', async () => {
    const agentId = await agentWith([tool('get_candidate'), tool('check_interview_slots'), tool('book_interview')]);
    const { call_id } = await client.call.createPhoneCall({
      from_number: FROM,
      to_number: '+14155550146',
      override_agent_id: agentId,
      metadata: { sim_scenario: 'booking', sim_live_transcript: true, candidate_id: 'cand-42' },
    });
    const analyzed = await waitFor(() => hooksOf(call_id).find((h) => h.body.event === 'call_analyzed'), { timeoutMs: 10_000, what: 'call_analyzed' });
    expect(tools.received.map((r) => r.path)).toEqual(['/tools/get_candidate', '/tools/check_interview_slots', '/tools/book_interview']);
    expect(tools.received.every((r) => r.verified && r.body.call.call_id === call_id)).toBe(true);
    expect(tools.received[2].body.args).toEqual({ candidate_id: 'cand-42', start: slots[0].start, interviewer_id: 'int-7', spoken: slots[0].spoken });
    expect(analyzed.body.call.call_analysis.custom_analysis_data.scheduled_datetime_iso).toBe(slots[0].start);
    const events = hooksOf(call_id).map((h) => h.body.event);
    expect(events[0]).toBe('call_started');
    expect(events.filter((e) => e === 'transcript_updated').length).toBeGreaterThan(5);
    expect(events.slice(-3)).toEqual(['transcript_updated', 'call_ended', 'call_analyzed']);
    expect((await client.call.retrieve(call_id)).call_analysis?.custom_analysis_data).toMatchObject({ interview_scheduled: true });
    const withTool = (filter: Record<string, unknown>) =>
      client.call.list({ filter_criteria: { tool_calls: [filter] } } as never).then((page) => page.items.map((c) => c.call_id));
    expect(await withTool({ name: 'book_interview', success: { type: 'boolean', op: 'eq', value: true } })).toEqual([call_id]);
    expect(await withTool({ name: 'book_interview', success: { type: 'boolean', op: 'eq', value: false } })).toEqual([]);
    expect(await withTool({ name: 'transfer_call' })).toEqual([]);
  });

  it('API-created calls send no transcript_updated unless asked (existing delivery counts hold)', async () => {
    const { call_id } = await client.call.createPhoneCall({ from_number: FROM, to_number: '+14155550140' });
    await waitFor(() => hooksOf(call_id).find((h) => h.body.event === 'call_analyzed'), { timeoutMs: 10_000, what: 'call_analyzed' });
    expect(hooksOf(call_id).map((h) => h.body.event)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
  });

  // ── transcript_updated and transfers ─────────────────────────────────────────────────────

  it('liveTranscript on an answered call: transcript_updated at each turn change, growing, then a final one', async () => {
    const res = await post('/sim/calls', { scenario: 'answered', liveTranscript: true, transcriptTurns: 6 });
    expect(res.body.deliveries.map((d: any) => d.event)).toEqual(['call_started', ...Array(6).fill('transcript_updated'), 'call_ended', 'call_analyzed']);
    const updates = hooksOf(res.body.callId)
      .filter((h) => h.body.event === 'transcript_updated')
      .map((h) => h.body.call);
    expect(updates.map((c) => c.transcript_object.length)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(updates.map((c) => c.call_status)).toEqual(['ongoing', 'ongoing', 'ongoing', 'ongoing', 'ongoing', 'ended']);
    expect(updates[2].transcript_with_tool_calls).toEqual(updates[2].transcript_object);
  });

  it.each([
    ['transfer', 'transfer_bridged', 'call_transfer'],
    ['transfer_cancelled', 'transfer_cancelled', 'agent_hangup'],
  ])('%s: call_started, transcript_updated…, transfer events in order, call_ended, call_analyzed', async (scenario, settled, reason) => {
    const res = await post('/sim/calls', { scenario, liveTranscript: true, transferTo: '+14155550111' });
    const hooks = hooksOf(res.body.callId);
    const events = hooks.map((h) => h.body.event);
    const without = events.filter((e) => e !== 'transcript_updated');
    expect(without).toEqual(['call_started', 'transfer_started', settled, 'transfer_ended', 'call_ended', 'call_analyzed']);
    expect(events.indexOf('transcript_updated')).toBe(1);
    expect(events.indexOf('call_ended')).toBe(events.lastIndexOf('transcript_updated') + 1);
    const started = hooks.find((h) => h.body.event === 'transfer_started')!.body;
    expect(started).toMatchObject({
      transfer_destination: { number: '+14155550111' },
      transfer_option: { type: 'cold_transfer' },
      call: { call_status: 'ongoing' },
    });
    expect(started.call.transcript).toMatch(/Let me transfer you to the front desk/);
    expect(hooks.find((h) => h.body.event === 'transfer_ended')!.body).not.toHaveProperty('transfer_option');
    const ended = hooks.find((h) => h.body.event === 'call_ended')!.body.call;
    expect(ended.disconnection_reason).toBe(reason);
    if (scenario === 'transfer') expect(ended).toMatchObject({ transfer_destination: '+14155550111', transfer_end_timestamp: ended.end_timestamp });
    else expect(ended).not.toHaveProperty('transfer_destination');
    const stamps = hooks.map((h) => h.body.event_timestamp);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('an API-created transfer call sends the transfer events during the call', async () => {
    const { call_id } = await client.call.createPhoneCall({ from_number: FROM, to_number: '+14155550147', metadata: { sim_scenario: 'transfer' } });
    await waitFor(() => hooksOf(call_id).find((h) => h.body.event === 'call_analyzed'), { timeoutMs: 10_000, what: 'call_analyzed' });
    expect(hooksOf(call_id).map((h) => h.body.event)).toEqual([
      'call_started',
      'transfer_started',
      'transfer_bridged',
      'transfer_ended',
      'call_ended',
      'call_analyzed',
    ]);
    expect((await client.call.retrieve(call_id)).disconnection_reason).toBe('call_transfer');
  });

  // ── inbound calls ────────────────────────────────────────────────────────────────────────

  describe('inbound calls', () => {
    let otherAgent: string;

    beforeAll(async () => {
      otherAgent = await agentWith([]);
    });

    const pointNumber = (extra: Record<string, unknown> = {}) =>
      client.phoneNumber.update(INBOUND_NUMBER, {
        inbound_webhook_url: `${gateway.url}/inbound/acme`,
        inbound_agents: [{ agent_id: 'agent_sim_default', weight: 1 }],
        ...extra,
      } as never);
    const inboundRequests = () => gateway.received.filter((r) => r.path === '/inbound/acme');

    it('asks the inbound webhook (signed call_inbound), then the agent it names takes the call with its dynamic variables and metadata', async () => {
      await pointNumber();
      hookHandlers['/inbound/acme'] = () => ({
        status: 200,
        body: {
          call_inbound: {
            override_agent_id: otherAgent,
            dynamic_variables: { first_name: 'Ana', status: 'interviewing' },
            metadata: { candidate_id: 'cand-42' },
          },
        },
      });
      const res = await post('/sim/inbound-calls', {
        fromNumber: '+14155550142',
        toNumber: INBOUND_NUMBER,
        tenantSlug: 'acme',
        customSipHeaders: { 'X-Campaign': 'spring' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ result: 'answered', agentId: otherAgent, inbound: { attempts: [{ status: 200 }] } });
      const [asked] = inboundRequests();
      expect(asked.verified).toBe(true);
      expect(asked.body).toEqual({
        event: 'call_inbound',
        event_timestamp: expect.any(Number),
        call_inbound: {
          agent_id: 'agent_sim_default',
          from_number: '+14155550142',
          to_number: INBOUND_NUMBER,
          call_id: res.body.callId,
          custom_sip_headers: { 'x-campaign': 'spring' },
        },
      });
      const hooks = hooksOf(res.body.callId);
      expect(hooks.map((h) => [h.path, h.body.event])).toEqual([
        ['/webhooks/retell/acme', 'call_started'],
        ['/webhooks/retell/acme', 'call_ended'],
        ['/webhooks/retell/acme', 'call_analyzed'],
      ]);
      for (const h of hooks) {
        expect(h.body.call).toMatchObject({
          call_id: res.body.callId,
          agent_id: otherAgent,
          direction: 'inbound',
          from_number: '+14155550142',
          to_number: INBOUND_NUMBER,
          retell_llm_dynamic_variables: { first_name: 'Ana', status: 'interviewing' },
          metadata: { candidate_id: 'cand-42' },
        });
      }
      expect((await stats()).inbound).toEqual({ asked: 1, attempts: 1, rejected: 0, answered: 1, fallback: 0, disconnected: 0 });
    });

    it('reject: true makes no call; a reject that is not the boolean true does not reject', async () => {
      await pointNumber();
      hookHandlers['/inbound/acme'] = () => ({ status: 200, body: { call_inbound: { reject: true } } });
      const rejected = await post('/sim/inbound-calls', { fromNumber: '+14155550143', toNumber: INBOUND_NUMBER });
      expect(rejected.body).toMatchObject({ result: 'rejected' });
      expect(rejected.body).not.toHaveProperty('deliveries');
      expect(hooksOf(rejected.body.callId)).toEqual([]);

      hookHandlers['/inbound/acme'] = () => ({ status: 200, body: { call_inbound: { reject: 'true' } } });
      const taken = await post('/sim/inbound-calls', { fromNumber: '+14155550143', toNumber: INBOUND_NUMBER });
      expect(taken.body).toMatchObject({ result: 'answered', agentId: 'agent_sim_default' });
      expect(hooksOf(taken.body.callId).map((h) => h.body.event)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
    });

    it('a failing webhook is retried 3 times with the same call_id, then the number’s inbound agent takes the call', async () => {
      await pointNumber();
      hookHandlers['/inbound/acme'] = () => ({ status: 500, body: { message: 'down' } });
      const res = await post('/sim/inbound-calls', { fromNumber: '+14155550144', toNumber: INBOUND_NUMBER });
      expect(res.body).toMatchObject({ result: 'fallback', agentId: 'agent_sim_default', inbound: { decision: { kind: 'failed' } } });
      const asked = inboundRequests();
      expect(asked).toHaveLength(4);
      expect(new Set(asked.map((r) => r.body.call_inbound.call_id))).toEqual(new Set([res.body.callId]));
      expect(asked.every((r) => r.verified)).toBe(true);
      const started = hooksOf(res.body.callId).find((h) => h.body.event === 'call_started')!.body.call;
      expect(started).toMatchObject({ agent_id: 'agent_sim_default', direction: 'inbound' });
      expect(started).not.toHaveProperty('retell_llm_dynamic_variables');
    });

    it('an invalid answer (a dynamic variable that is not a string, an unknown agent) falls back at once', async () => {
      await pointNumber();
      for (const answer of [{ dynamic_variables: { age: 42 }, reject: true }, { override_agent_id: 'agent_nobody' }]) {
        gateway.received.length = 0;
        hookHandlers['/inbound/acme'] = () => ({ status: 200, body: { call_inbound: answer } });
        const res = await post('/sim/inbound-calls', { fromNumber: '+14155550145', toNumber: INBOUND_NUMBER });
        expect(res.body).toMatchObject({ result: 'fallback', agentId: 'agent_sim_default' });
        expect(inboundRequests()).toHaveLength(1);
      }
    });

    it('with no inbound agent, a webhook that never answers in time leaves the caller hung up on: no call', async () => {
      await pointNumber({ inbound_agents: [] });
      hookHandlers['/inbound/acme'] = async () => {
        await sleep(600);
        return { status: 200, body: { call_inbound: {} } };
      };
      const res = await post('/sim/inbound-calls', { fromNumber: '+14155550146', toNumber: INBOUND_NUMBER, inboundTimeoutMs: 200, inboundRetries: 1 });
      expect(res.body).toMatchObject({
        result: 'disconnected',
        inbound: {
          attempts: [
            { status: 0, error: 'timeout' },
            { status: 0, error: 'timeout' },
          ],
        },
      });
      expect(hooksOf(res.body.callId)).toEqual([]);
      expect((await stats()).inbound).toMatchObject({ asked: 1, attempts: 2, disconnected: 1 });
    });

    it('a number without an inbound webhook goes straight to its agent; a booking inbound call looks the caller up by from_number', async () => {
      const agentId = await agentWith([tool('get_candidate'), tool('check_interview_slots'), tool('book_interview')]);
      await client.phoneNumber.update(BARE_NUMBER, { inbound_agents: [{ agent_id: agentId, weight: 1 }] } as never);
      const res = await post('/sim/inbound-calls', { fromNumber: '+14155550149', toNumber: BARE_NUMBER, scenario: 'booking' });
      expect(res.body).toMatchObject({ result: 'answered', agentId });
      expect(res.body).not.toHaveProperty('inbound');
      expect(tools.received[0].body.args).toEqual({ phone_number: '+14155550149' });
      expect(res.body.toolCalls.map((t: any) => t.name)).toEqual(['get_candidate', 'check_interview_slots', 'book_interview']);
    });

    it('refuses a number the account does not have', async () => {
      const res = await post('/sim/inbound-calls', { fromNumber: '+14155550146', toNumber: '+14155559999' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/not a phone number of this account/);
    });
  });
});
