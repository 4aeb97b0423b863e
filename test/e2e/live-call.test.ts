import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import Retell from 'retell-sdk';
import { QUEUES, type ReminderJob } from '@retell-ops/queue';
import { TOOL_PARAMETERS } from '@retell-ops/recruiting';
import { startApp, type AppProcess } from '../support/processes';
import { startDialerStack, type DialerStack } from '../support/dialer-stack';
import { waitFor } from '../support/wait';

/**
 * A live call through the simulator, every side a process of its own (gateway, API, call,
 * candidate, scheduling and dialer workers, the simulator): the agent's custom functions point
 * at the gateway's tool URLs, and the number's inbound webhook at its inbound URL, set up the way
 * a tenant would (the Retell SDK against the simulator, the platform's admin API).
 */
describe('live call end to end: tools during the call, post-call analysis, inbound calls', () => {
  const ZONE = 'America/New_York';
  const INBOUND_NUMBER = `+1415555${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
  const hex = () => randomBytes(4).toString('hex');
  const phone = () => `+1628${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  let stack: DialerStack;
  let workers: AppProcess[] = [];
  let retell: Retell;
  let reminders: Queue<ReminderJob>;
  let slug: string;
  let agentId: string;
  let positionId: string;
  let interviewer: string;
  /** The one day the interviewer works: three days ahead in New York, so both reminders are still to come. */
  const workday = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 3 });

  const api = (method: string, path: string, body?: unknown) => stack.api(method, path, body);
  const sim = async (path: string, body: unknown) => {
    const res = await fetch(`${stack.simUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as any };
  };
  const newCandidate = async (firstName: string) => {
    const res = await api('POST', '/api/v1/candidates', { firstName, lastName: `Lima ${hex()}`, phone: phone(), timeZone: ZONE, positionId });
    expect(res.status).toBe(201);
    return res.json as { id: string; phone: string; firstName: string };
  };
  const callRow = (retellCallId: string) => stack.prisma.call.findUnique({ where: { tenantId_retellCallId: { tenantId: stack.tenantId, retellCallId } } });

  beforeAll(async () => {
    stack = await startDialerStack({ simVars: { RETELL_SIM_PHONE_NUMBERS: INBOUND_NUMBER, RETELL_SIM_INBOUND_RETRIES: '0' } });
    workers = await Promise.all([startApp('candidate-worker', stack.vars, /consuming/), startApp('scheduling-worker', stack.vars, /consuming/)]);
    reminders = new Queue<ReminderJob>(QUEUES.interviewReminders, { connection: { host: '127.0.0.1', port: 6379 }, prefix: stack.env.QUEUE_PREFIX });
    retell = new Retell({ apiKey: stack.env.RETELL_API_KEY!, baseURL: stack.simUrl, maxRetries: 0 });
    slug = (await api('GET', '/api/v1/tenant')).json.slug;

    const position = await api('POST', '/api/v1/positions', { title: `Backend Engineer ${hex()}` });
    expect(position.status).toBe(201);
    positionId = position.json.id;
    interviewer = `Dana ${hex()}`;
    const weekday = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][workday.weekday - 1];
    const created = await api('POST', '/api/v1/interviewers', {
      name: interviewer,
      timeZone: ZONE,
      workingHours: { [weekday]: [[540, 720]] },
      slotMinutes: 60,
      positionIds: [positionId],
    });
    expect(created.status).toBe(201);

    // The tenant's Retell LLM: its custom functions are the gateway's tool URLs, with the platform's own parameter schemas.
    const toolUrl = (name: string) => `${stack.env.GATEWAY_URL}/webhooks/retell/tools/${slug}/${name}`;
    const llm = await retell.llm.create({
      general_prompt: 'You are the recruiting assistant. Look the candidate up, offer interview slots and book one.',
      general_tools: (['get_candidate', 'check_interview_slots', 'book_interview'] as const).map((name) => ({
        type: 'custom' as const,
        name,
        description: name,
        url: toolUrl(name),
        speak_during_execution: false,
        speak_after_execution: true,
        timeout_ms: 8000,
        max_retry: 1,
        parameters: TOOL_PARAMETERS[name],
      })) as never,
    });
    const agent = await retell.agent.create({
      response_engine: { type: 'retell-llm', llm_id: llm.llm_id },
      voice_id: '11labs-Adrian',
      agent_name: 'Recruiting assistant',
      webhook_url: `${stack.env.GATEWAY_URL}/webhooks/retell`,
    });
    agentId = agent.agent_id;
    const connected = await api('POST', '/api/v1/agents', { retellAgentId: agentId });
    expect(connected.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await reminders?.obliterate({ force: true }).catch(() => undefined);
    await reminders?.close();
    await stack?.stop();
  });

  it('the booking scenario books during the call; the post-call analysis that follows leaves exactly one interview', async () => {
    const candidate = await newCandidate('Ana');
    const dialled = await api('POST', '/api/v1/calls', {
      toNumber: candidate.phone,
      candidateId: candidate.id,
      agentId,
      metadata: { sim_scenario: 'booking' },
    });
    expect([dialled.status, dialled.json.message]).toEqual([202, undefined]);
    const platformCallId: string = dialled.json.id;

    // The call ends and its analysis is applied: the candidate's screening names the call.
    const screened = await waitFor(
      async () => {
        const c = await stack.prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } });
        return c.lastScreeningCallId ? c : undefined;
      },
      { what: 'the post-call screening of the booking call', timeoutMs: 45_000 },
    );
    const retellCallId = screened.lastScreeningCallId!;
    const call = await callRow(retellCallId);
    expect(call).toMatchObject({ id: platformCallId, candidateId: candidate.id, status: 'completed' });

    // The agent's three tool calls, recorded with their arguments and answers.
    const tools = await api('GET', `/api/v1/calls/${retellCallId}/tool-calls`);
    expect(tools.status).toBe(200);
    expect(tools.json.data.map((t: { tool: string; ok: boolean }) => [t.tool, t.ok])).toEqual([
      ['get_candidate', true],
      ['check_interview_slots', true],
      ['book_interview', true],
    ]);
    const [lookup, check, book] = tools.json.data;
    expect(lookup.result).toMatchObject({
      found: true,
      candidate: { id: candidate.id, position: expect.stringContaining('Backend Engineer'), time_zone: ZONE },
    });
    expect(check.args).toMatchObject({ candidate_id: candidate.id });
    const offered = check.result.slots[0];
    const firstSlot = workday.set({ hour: 9 });
    expect(offered).toMatchObject({ start: firstSlot.toISO({ suppressMilliseconds: true }), interviewer });
    expect(offered.start_words).toContain('Eastern Time');
    expect(book.args).toEqual({ start: offered.start, interviewer, position: expect.any(String), candidate_id: candidate.id });
    expect(book.result).toMatchObject({ ok: true, booked: true, already_booked: false });

    // What the agent said: it read the slot out as the tool worded it, and the transcript holds the tool items.
    const retellCall = await retell.call.retrieve(retellCallId);
    expect(retellCall.transcript).toContain(offered.start_words);
    const items = (retellCall.transcript_with_tool_calls ?? []).map((u) => u.role);
    expect(items.filter((r) => r === 'tool_call_invocation')).toHaveLength(3);
    expect(items.filter((r) => r === 'tool_call_result')).toHaveLength(3);

    // Exactly one interview: the one the tool booked, for this call and the slot offered.
    const interviews = await stack.prisma.interview.findMany({ where: { candidateId: candidate.id } });
    expect(interviews).toHaveLength(1);
    expect(interviews[0]).toMatchObject({
      status: 'scheduled',
      sourceCallId: retellCallId,
      scheduledAt: firstSlot.toJSDate(),
      timeZone: ZONE,
      interviewer,
      resolvedFrom: 'tool_call',
    });
    expect(await stack.prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({
      status: 'interviewing',
      screeningOutcome: 'Interview Scheduled',
      scheduledDatetimeIso: offered.start,
    });
    expect(await stack.prisma.candidateScreening.count({ where: { candidateId: candidate.id, retellCallId } })).toBe(1);

    // The post-call scheduling job ran (it found the interview and booked nothing); the reminders exist once.
    const scheduling = new Queue(QUEUES.interviewScheduling, { connection: { host: '127.0.0.1', port: 6379 }, prefix: stack.env.QUEUE_PREFIX });
    try {
      await waitFor(async () => (await scheduling.getJobs(['completed'])).some((j) => j.data.retellCallId === retellCallId), {
        what: 'the post-call scheduling job to complete',
        timeoutMs: 20_000,
      });
    } finally {
      await scheduling.close();
    }
    expect(await stack.prisma.interview.count({ where: { candidateId: candidate.id } })).toBe(1);
    const due = (await reminders.getDelayed()).filter((j) => j.data.interviewId === interviews[0].id);
    expect(due.map((j) => j.data.offset).sort()).toEqual(['1h', '24h']);
  }, 90_000);

  it('inbound: the gateway answers the number; a known caller is linked, an unknown one gets the default, a blocked one no call', async () => {
    const pointed = await api('POST', `/api/v1/phone-numbers/${encodeURIComponent(INBOUND_NUMBER)}/inbound-webhook`);
    expect(pointed.status).toBe(200);
    const inboundUrl = `${stack.env.GATEWAY_URL}/webhooks/retell/inbound/${slug}`;
    expect((await retell.phoneNumber.retrieve(INBOUND_NUMBER)).inbound_webhook_url).toBe(inboundUrl);
    const blocked = phone();
    const rules = await api('PUT', '/api/v1/inbound-rules', { blockedNumbers: [blocked], agentRules: [{ caller: 'known', agentId }] });
    expect(rules.status).toBe(200);

    // A known candidate calls: the rule's agent answers, with the caller's variables and metadata, and books through its tools.
    const candidate = await newCandidate('Bruno');
    const known = await sim('/sim/inbound-calls', { fromNumber: candidate.phone, toNumber: INBOUND_NUMBER, scenario: 'booking' });
    expect(known.status).toBe(201);
    expect(known.json).toMatchObject({ result: 'answered', agentId, inbound: { url: inboundUrl, decision: { kind: 'answer', overrideAgentId: agentId } } });
    const answered = known.json.inbound.decision;
    expect(answered.metadata).toEqual({ candidate_id: candidate.id });
    expect(answered.dynamicVariables).toMatchObject({ known_caller: 'true', first_name: 'Bruno', candidate_status: 'new' });
    expect(answered.dynamicVariables.position).toContain('Backend Engineer');
    const knownCall = await waitFor(async () => (await callRow(known.json.callId)) ?? undefined, { what: 'the known caller’s call' });
    await waitFor(async () => ((await callRow(known.json.callId))?.status === 'completed' ? true : undefined), { what: 'the inbound call to end' });
    expect(await callRow(known.json.callId)).toMatchObject({ id: knownCall.id, candidateId: candidate.id, agentId, direction: 'inbound' });
    const tools = (await api('GET', `/api/v1/calls/${known.json.callId}/tool-calls`)).json.data;
    expect(tools.map((t: { tool: string; ok: boolean }) => [t.tool, t.ok])).toEqual([
      ['get_candidate', true],
      ['check_interview_slots', true],
      ['book_interview', true],
    ]);
    expect(tools[0].result).toMatchObject({ found: true, candidate: { id: candidate.id } });
    // The inbound call's analysis is applied after the tool booked: one interview, the tool's.
    await waitFor(
      async () => (await stack.prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } })).lastScreeningCallId === known.json.callId || undefined,
      { what: 'the inbound call’s screening', timeoutMs: 30_000 },
    );
    const booked = await stack.prisma.interview.findMany({ where: { candidateId: candidate.id } });
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ sourceCallId: known.json.callId, scheduledAt: new Date(tools[2].result.interview.start), status: 'scheduled' });
    const delivered = await retell.call.retrieve(known.json.callId);
    expect(delivered).toMatchObject({
      direction: 'inbound',
      from_number: candidate.phone,
      metadata: { candidate_id: candidate.id },
      retell_llm_dynamic_variables: expect.objectContaining({ known_caller: 'true', first_name: 'Bruno' }),
    });

    // Someone unknown: the default answer, the number's own agent, a call linked to nobody.
    const stranger = phone();
    const unknown = await sim('/sim/inbound-calls', { fromNumber: stranger, toNumber: INBOUND_NUMBER });
    expect(unknown.json).toMatchObject({ result: 'answered', agentId: stack.env.DEFAULT_AGENT_ID, inbound: { decision: { kind: 'answer', metadata: {} } } });
    expect(unknown.json.inbound.decision.dynamicVariables).toMatchObject({ known_caller: 'false', first_name: '' });
    await waitFor(async () => ((await callRow(unknown.json.callId))?.status === 'completed' ? true : undefined), { what: 'the unknown caller’s call' });
    expect(await callRow(unknown.json.callId)).toMatchObject({ candidateId: null, fromNumber: stranger });

    // A blocked number: rejected, and no call at Retell or here.
    const rejected = await sim('/sim/inbound-calls', { fromNumber: blocked, toNumber: INBOUND_NUMBER });
    expect(rejected.json).toMatchObject({ result: 'rejected', inbound: { decision: { kind: 'reject' } } });
    await expect(retell.call.retrieve(rejected.json.callId)).rejects.toMatchObject({ status: 422 });
    expect(await callRow(rejected.json.callId)).toBeNull();
    expect(await stack.prisma.call.count({ where: { tenantId: stack.tenantId, fromNumber: blocked } })).toBe(0);
  }, 60_000);
});
