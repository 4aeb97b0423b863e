/**
 * The agent's tools (Retell custom functions): their names, the aliases Retell's templates use
 * for the same use case, and the JSON schema of each one's parameters. These schemas are what
 * a Retell agent's custom function is given as "Parameters", and what the arguments are checked
 * against; docs/live-calls.md shows the same ones (a unit test keeps them equal).
 */
export const TOOLS = ['get_candidate', 'check_interview_slots', 'book_interview'] as const;
export type ToolName = (typeof TOOLS)[number];

/** Every name the gateway answers to, and the tool it runs. */
export const TOOL_ALIASES: Readonly<Record<string, ToolName>> = {
  get_candidate: 'get_candidate',
  get_customer_info: 'get_candidate',
  check_interview_slots: 'check_interview_slots',
  check_availability: 'check_interview_slots',
  book_interview: 'book_interview',
  book_appointment: 'book_interview',
};

export function toolOf(name: string): ToolName | undefined {
  return Object.prototype.hasOwnProperty.call(TOOL_ALIASES, name) ? TOOL_ALIASES[name] : undefined;
}

export interface StringProperty {
  type: 'string';
  description: string;
  maxLength: number;
  pattern?: string;
}

export interface ToolParameters {
  type: 'object';
  properties: Record<string, StringProperty>;
  required: string[];
}

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$';

const candidateId: StringProperty = {
  type: 'string',
  description: "The candidate's id, if known (otherwise the caller is found by the call's phone number or metadata.candidate_id)",
  maxLength: 128,
};

export const TOOL_PARAMETERS: Readonly<Record<ToolName, ToolParameters>> = {
  get_candidate: {
    type: 'object',
    properties: { candidate_id: candidateId },
    required: [],
  },
  check_interview_slots: {
    type: 'object',
    properties: {
      date_from: { type: 'string', description: 'First day to look at, YYYY-MM-DD, in the caller’s time zone', maxLength: 10, pattern: DATE },
      date_to: { type: 'string', description: 'Last day to look at, YYYY-MM-DD (default: date_from; at most 14 days after it)', maxLength: 10, pattern: DATE },
      interviewer: { type: 'string', description: 'Only this interviewer’s slots (their name)', maxLength: 200 },
      position: { type: 'string', description: 'Only interviewers for this position (its title); default: the caller’s position', maxLength: 200 },
      candidate_id: candidateId,
    },
    required: ['date_from'],
  },
  book_interview: {
    type: 'object',
    properties: {
      start: {
        type: 'string',
        description: 'The slot to book, exactly as check_interview_slots gave it: ISO 8601 with its offset, e.g. 2026-03-03T14:00:00-05:00',
        maxLength: 40,
        pattern: DATE_TIME,
      },
      interviewer: { type: 'string', description: 'The interviewer of that slot, as check_interview_slots gave it', maxLength: 200 },
      position: { type: 'string', description: 'The position (title), when no interviewer is named', maxLength: 200 },
      candidate_id: candidateId,
    },
    required: ['start'],
  },
};

/** What the agent is told when an argument is missing or unreadable: words it can say. */
const SAYABLE: Record<string, (example: string) => string> = {
  date_from: (d) => `I need the first day to look at as a date like ${d}.`,
  date_to: (d) => `I need the last day to look at as a date like ${d}.`,
  start: (d) => `I need the time to book exactly as the free slots gave it, like ${d}T14:00:00-05:00.`,
};

const PATTERNS = new Map<string, RegExp>();
const patternOf = (source: string) => PATTERNS.get(source) ?? PATTERNS.set(source, new RegExp(source)).get(source)!;

export type ArgsCheck = { ok: true; args: Record<string, string> } | { ok: false; error: string };

/**
 * Checks the LLM's arguments against the tool's schema: known string properties only (unknown
 * ones are dropped, not refused: models add extras), trimmed, required ones present. A failure
 * is a sentence the agent can say, never a stack.
 */
export function checkToolArgs(tool: ToolName, args: unknown, today: string): ArgsCheck {
  const schema = TOOL_PARAMETERS[tool];
  if (args === undefined || args === null) args = {};
  if (typeof args !== 'object' || Array.isArray(args)) return { ok: false, error: 'I could not read the details for that request; please try again.' };
  const given = args as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [name, prop] of Object.entries(schema.properties)) {
    let value = given[name];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
    const sayable = SAYABLE[name]?.(today) ?? `I could not read the ${name.replace(/_/g, ' ')}.`;
    if (typeof value !== 'string') return { ok: false, error: sayable };
    const text = value.trim();
    if (text.length > prop.maxLength || (prop.pattern && !patternOf(prop.pattern).test(text))) return { ok: false, error: sayable };
    if (text) out[name] = text;
  }
  for (const name of schema.required) {
    if (out[name] === undefined) return { ok: false, error: SAYABLE[name]?.(today) ?? `I need the ${name.replace(/_/g, ' ')}.` };
  }
  return { ok: true, args: out };
}
