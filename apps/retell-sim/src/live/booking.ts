import type { RetellCallAnalysis } from '@retell-ops/retell';
import { Conversation, type TranscriptFields } from './conversation';
import type { CustomTool } from './custom-tools';
import { fillArgs, flatten, lookUp, type ValuePool } from './tool-args';
import type { ToolCallInput, ToolCallOutcome } from './tool-request';

// The `booking` scenario: during an answered call the agent looks the caller up, checks the open
// interview slots and books the first one offered, through the agent's custom tools, and says
// what each answered. The tool names are the platform's (and the phone-assistant write-up's).

export const BOOKING_TOOL_NAMES = {
  lookup: ['get_candidate', 'get_customer_info'],
  slots: ['check_interview_slots', 'check_availability'],
  book: ['book_interview', 'book_appointment'],
} as const;

export interface BookingContext {
  callId: string;
  /** the agent's custom tools */
  tools: readonly CustomTool[];
  dynamicVariables?: Record<string, string>;
  metadata?: unknown;
  /** the person's number: to_number of an outbound call, from_number of an inbound one */
  customerNumber: string;
  /** "now" for the date range asked for (ms) */
  now: number;
  /** how long the range of slots asked for is (default 7 days) */
  rangeDays?: number;
  /** calls one tool with the call object as it is now */
  callTool: (tool: CustomTool, input: Omit<ToolCallInput, 'dynamicVariables'>) => Promise<ToolCallOutcome>;
  /** the call object (without transcript fields) the tool requests carry */
  callObject: () => Record<string, unknown>;
  /** at each turn change, before the next line: the transcript so far (transcript_updated) */
  onTurn?: (fields: TranscriptFields) => Promise<void> | void;
}

export interface ToolCallReport {
  name: string;
  successful: boolean;
  attempts: number;
  durationMs: number;
}

export interface BookingResult {
  fields: TranscriptFields;
  /** the slot booked, as the slots tool named it */
  booked?: { startIso: string; spoken: string; timeZone?: string };
  analysis: RetellCallAnalysis;
  toolCalls: ToolCallReport[];
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);
const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "Tuesday, March 3 at 2:30 PM" from an ISO time, read in the offset it was written in. */
export function spokenIso(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d, h, mi] = m.map(Number);
  const weekday = WEEKDAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()];
  return `${weekday}, ${MONTHS[mo - 1]} ${d} at ${h % 12 || 12}:${String(mi).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

/** How the agent reads a slot out: the words the answer gave it (`spoken`, `start_words`, `label`…), else its ISO start in words. */
export function spokenSlot(slot: Record<string, unknown>, iso: string): string {
  return str(lookUp('spoken', [flatten(slot)])) ?? spokenIso(iso);
}

/** The slots an availability answer offers: an array at the root or under a slots-like key; ISO strings or objects with a start. */
export function slotsOf(answer: unknown): Array<Record<string, unknown> & { startIso: string }> {
  const list = Array.isArray(answer)
    ? answer
    : isObject(answer)
      ? [answer.slots, answer.available_slots, answer.availability, answer.options, answer.results].find(Array.isArray)
      : undefined;
  return (list ?? []).flatMap((s: unknown) => {
    const slot = typeof s === 'string' ? { start: s } : isObject(s) ? s : undefined;
    const start = slot && str(lookUp('start', [flatten(slot)]));
    return slot && start && !Number.isNaN(Date.parse(start)) ? [{ ...slot, startIso: start }] : [];
  });
}

/** What the agent can say about a tool answer that failed or refused: its message, else nothing. */
function reasonOf(outcome: ToolCallOutcome | undefined): string {
  const j = outcome?.json;
  const said = isObject(j) ? (str(j.message) ?? str(j.error) ?? str(j.reason)) : undefined;
  if (said) return said;
  if (outcome && !outcome.successful && /timed out/.test(outcome.content)) return 'the system did not answer in time';
  return '';
}

const refused = (o: ToolCallOutcome) =>
  isObject(o.json) && (o.json.booked === false || o.json.success === false || o.json.ok === false || o.json.error !== undefined);

/** Plays the booking conversation, calling the tools in order. */
export async function runBooking(ctx: BookingContext): Promise<BookingResult> {
  const talk = new Conversation(ctx.callId);
  const toolCalls: ToolCallReport[] = [];
  const turn = async (role: 'agent' | 'user', text: string) => {
    // a turn change: what was said (and the tools called) before this line
    if (talk.lines.length) await ctx.onTurn?.(talk.fields());
    talk.say(role, text);
  };
  const find = (names: readonly string[]) => ctx.tools.find((t) => names.includes(t.name));
  const use = async (names: readonly string[], pool: ValuePool, fallback: Record<string, unknown>): Promise<ToolCallOutcome | undefined> => {
    const tool = find(names);
    if (!tool) return undefined;
    const args = fillArgs(tool.parameterNames, pool, fallback);
    const id = talk.invoke(tool.name, args);
    const outcome = await ctx.callTool(tool, { call: { ...ctx.callObject(), ...talk.fields() }, args });
    talk.result(id, outcome.content, outcome.successful);
    toolCalls.push({ name: tool.name, successful: outcome.successful, attempts: outcome.attempts.length, durationMs: outcome.durationMs });
    return outcome;
  };

  const dyn = flatten(ctx.dynamicVariables);
  const meta = flatten(ctx.metadata);
  const phone = { phone: ctx.customerNumber, phonenumber: ctx.customerNumber, callernumber: ctx.customerNumber };
  const from = new Date(ctx.now).toISOString().slice(0, 10);
  const to = new Date(ctx.now + (ctx.rangeDays ?? 7) * DAY_MS).toISOString().slice(0, 10);
  const range = { datefrom: from, dateto: to, from, to, startdate: from, enddate: to, fromdate: from, todate: to, rangestart: from, rangeend: to };
  const firstName = str(lookUp('first_name', [dyn])) ?? str(lookUp('candidate_name', [dyn])) ?? str(lookUp('name', [dyn]));

  await turn('agent', `Hi, this is Ava, the recruiting assistant. Am I speaking with ${firstName ?? 'the candidate'}?`);
  await turn('user', 'Yes, speaking.');
  await turn('agent', 'Thanks! Let me pull up your application.');

  const candidateId = lookUp('candidate_id', [dyn, meta]);
  const found = await use(BOOKING_TOOL_NAMES.lookup, [dyn, meta, phone], { candidate_id: candidateId, phone_number: ctx.customerNumber });
  const person = found?.successful && !refused(found) ? flatten(found.json) : {};
  const name = str(lookUp('name', [person])) ?? str(lookUp('full_name', [person])) ?? str(lookUp('first_name', [person])) ?? firstName;
  const position = str(lookUp('position', [person])) ?? str(lookUp('position_title', [person])) ?? str(lookUp('job_title', [person]));
  const timeZone = str(lookUp('time_zone', [person, dyn, meta]));
  await turn(
    'agent',
    Object.keys(person).length
      ? `I found your application${position ? ` for the ${position} role` : ''}${name ? `, ${name}` : ''}. Would you like to schedule an interview?`
      : `I'm sorry, I couldn't find your application${reasonOf(found) ? `: ${reasonOf(found)}` : ''}. Would you still like to schedule an interview?`,
  );
  await turn('user', 'Yes, please. What times do you have?');
  await turn('agent', 'One moment while I check the open slots.');

  const known = lookUp('candidate_id', [person, dyn, meta]);
  const checked = await use(BOOKING_TOOL_NAMES.slots, [person, dyn, meta, range, phone], {
    candidate_id: known,
    date_from: from,
    date_to: to,
    ...(timeZone && { time_zone: timeZone }),
  });
  const slots = checked?.successful && !refused(checked) ? slotsOf(checked.json) : [];

  let booked: BookingResult['booked'];
  let refusal = reasonOf(checked);
  if (slots.length) {
    const [first, second] = slots;
    await turn('agent', `I have ${spokenSlot(first, first.startIso)}${second ? ` or ${spokenSlot(second, second.startIso)}` : ''}. Which works best for you?`);
    await turn('user', 'The first one works for me.');
    await turn('agent', 'Great, let me book that for you.');
    const { startIso, ...slotFields } = first;
    const slotPool = { ...flatten(slotFields), start: startIso };
    const scalars = Object.fromEntries(Object.entries(slotFields).filter(([, v]) => typeof v !== 'object'));
    const done = await use(BOOKING_TOOL_NAMES.book, [slotPool, flatten(checked?.json), person, dyn, meta, phone], {
      candidate_id: known,
      ...scalars,
      start: startIso,
    });
    if (done?.successful && !refused(done)) {
      const answer = flatten(done.json);
      const spoken = str(answer.spoken) ?? str(answer.startwords) ?? str(answer.words) ?? spokenSlot(first, startIso);
      booked = {
        startIso,
        spoken,
        ...((str(first.time_zone) ?? str(first.timezone) ?? timeZone) && { timeZone: str(first.time_zone) ?? str(first.timezone) ?? timeZone }),
      };
      await turn('agent', `I have booked you for ${spoken}. You'll receive a confirmation shortly.`);
      await turn('user', 'Perfect, thank you. Bye!');
      await turn('agent', 'Thank you, goodbye!');
    } else {
      refusal = reasonOf(done);
      await turn('agent', `I'm sorry, I couldn't book that time${refusal ? `: ${refusal}` : ''}. A recruiter will call you back to find another time.`);
      await turn('user', 'Okay, thanks. Bye.');
      await turn('agent', 'Goodbye!');
    }
  } else {
    await turn('agent', `I'm sorry, I couldn't find an open slot${refusal ? `: ${refusal}` : ''}. A recruiter will call you back to arrange a time.`);
    await turn('user', 'Okay, thanks. Bye.');
    await turn('agent', 'Goodbye!');
  }

  return { fields: talk.fields(), ...(booked && { booked }), analysis: bookingAnalysis(booked, name, position, timeZone), toolCalls };
}

/**
 * The post-call analysis of a booking call, in the recruiting guide's fields (as the answered
 * scenario's `sim_custom_analysis` carries them): the booked slot's ISO start unchanged, so the
 * platform's post-call path finds the interview the tool already booked for this call.
 */
export function bookingAnalysis(booked: BookingResult['booked'], name?: string, position?: string, candidateZone?: string): RetellCallAnalysis {
  const who = `${name ? ` ${name}` : ' the candidate'}${position ? ` for the ${position} role` : ''}`;
  if (!booked) {
    return {
      call_summary: `The agent spoke with${who} but could not book an interview during the call; a recruiter will call back.`,
      in_voicemail: false,
      user_sentiment: 'Neutral',
      call_successful: false,
      custom_analysis_data: { interview_scheduled: false, candidate_interest_level: 'High', outcome: 'Callback Requested' },
    };
  }
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/.exec(booked.startIso);
  const hour = m ? Number(m[2]) : 0;
  return {
    call_summary: `The agent spoke with${who}, checked the open interview slots and booked an interview for ${booked.spoken}.`,
    in_voicemail: false,
    user_sentiment: 'Positive',
    call_successful: true,
    custom_analysis_data: {
      interview_scheduled: true,
      ...(m && { scheduled_date: m[1], scheduled_time: `${hour % 12 || 12}:${m[3]} ${hour < 12 ? 'AM' : 'PM'}` }),
      ...(booked.timeZone && { scheduled_timezone: booked.timeZone }),
      scheduled_datetime_iso: booked.startIso,
      ...(candidateZone && { candidate_timezone: candidateZone }),
      is_qualified_candidate: true,
      candidate_interest_level: 'High',
      outcome: 'Interview Scheduled',
    },
  };
}
