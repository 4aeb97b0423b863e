import { badRequest } from './retell-errors';
import { createFaultFromMetadata, scenarioFromMetadata, timingFromMetadata } from './scenario';

// Hand-written checks of Retell's request bodies (SDK 5.66.1 `CallCreatePhoneCallParams`,
// `BatchCallCreateBatchCallParams`), each failure a 400 with a message naming the field.

export const E164 = /^\+[1-9]\d{6,14}$/;

export interface CallRequest {
  fromNumber: string;
  toNumber: string;
  overrideAgentId?: string;
  overrideAgentVersion?: number | string;
  metadata?: unknown;
  dynamicVariables?: Record<string, string>;
  customSipHeaders?: Record<string, string>;
  /** set by the simulator, not by the request body: the key of the workspace whose webhooks sign this call (SimConfig.workspaceKeys) */
  signingKey?: string;
}

export interface CallTimeWindow {
  windows: Array<{ start: number; end: number }>;
  day?: string[];
  timezone?: string;
}

export interface BatchRequest {
  fromNumber: string;
  tasks: Array<Omit<CallRequest, 'fromNumber'>>;
  name?: string;
  triggerTimestamp?: number;
  reservedConcurrency?: number;
  callTimeWindow?: CallTimeWindow;
}

const CALL_FIELDS = [
  'to_number',
  'override_agent_id',
  'override_agent_version',
  'agent_override',
  'metadata',
  'retell_llm_dynamic_variables',
  'custom_sip_headers',
  'ignore_e164_validation',
];
/** The fields retell-sdk 5.66.1 declares for each body; Retell ignores others, the simulator names them in a warning. */
export const KNOWN_FIELDS = {
  createPhoneCall: new Set(['from_number', ...CALL_FIELDS]),
  batchCall: new Set(['from_number', 'tasks', 'name', 'trigger_timestamp', 'reserved_concurrency', 'call_time_window']),
  batchTask: new Set(CALL_FIELDS),
  listCalls: new Set(['filter_criteria', 'sort_order', 'limit', 'pagination_key', 'skip', 'include_total']),
};

/** Top-level (and, for batches, per-task) fields the SDK does not declare, e.g. a misspelt `dynamic_variables`. */
export function undeclaredFields(body: unknown, kind: 'createPhoneCall' | 'batchCall' | 'listCalls'): string[] {
  if (!isRecord(body)) return [];
  const out = Object.keys(body).filter((k) => !KNOWN_FIELDS[kind].has(k));
  if (kind === 'batchCall' && Array.isArray(body.tasks)) {
    body.tasks.forEach(
      (t, i) =>
        isRecord(t) &&
        out.push(
          ...Object.keys(t)
            .filter((k) => !KNOWN_FIELDS.batchTask.has(k))
            .map((k) => `tasks[${i}].${k}`),
        ),
    );
  }
  return out;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request body as a JSON object, else 400. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (!isRecord(body)) throw badRequest('Request body must be a JSON object.');
  return body;
}

const describe = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

function e164(value: unknown, field: string, required: boolean, skipFormat = false): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw badRequest(`${field} is required.`);
    return undefined;
  }
  if (typeof value !== 'string' || value === '') throw badRequest(`${field} must be a non-empty string.`);
  if (!skipFormat && !E164.test(value))
    throw badRequest(`${field} must be a valid E.164 phone number (+ country code then digits, no spaces), got ${describe(value)}.`);
  return value;
}

function stringRecord(value: unknown, field: string, what: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw badRequest(`${field} must be an object of ${what}.`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw badRequest(`${field}.${k} must be a string (${what}), got ${describe(v)}.`);
  }
  return value as Record<string, string>;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw badRequest(`${field} must be a non-empty string.`);
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${field} must be a boolean.`);
  return value;
}

function optionalInt(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${field} must be an integer${max === Number.MAX_SAFE_INTEGER ? ` ≥ ${min}` : ` from ${min} to ${max}`}.`);
  }
  return value;
}

/** One call's fields, shared by create-phone-call and batch tasks (`prefix` names the task). */
function callFields(body: Record<string, unknown>, prefix: string): Omit<CallRequest, 'fromNumber'> {
  const toNumber = e164(body.to_number, `${prefix}to_number`, true)!;
  const version = body.override_agent_version;
  if (
    version !== undefined &&
    version !== null &&
    !(typeof version === 'string' && version !== '') &&
    !(typeof version === 'number' && Number.isInteger(version) && version >= 0)
  ) {
    throw badRequest(`${prefix}override_agent_version must be a version number or a tag.`);
  }
  if (body.agent_override !== undefined && body.agent_override !== null && !isRecord(body.agent_override)) {
    throw badRequest(`${prefix}agent_override must be an object.`);
  }
  const metadata = body.metadata === null ? undefined : body.metadata;
  const scenario = scenarioFromMetadata(metadata);
  if (typeof scenario === 'object') throw badRequest(`${prefix}${scenario.error}`);
  const timing = timingFromMetadata(metadata);
  if ('error' in timing) throw badRequest(`${prefix}${timing.error}`);
  const fault = createFaultFromMetadata(metadata);
  if (typeof fault === 'object') throw badRequest(`${prefix}${fault.error}`);
  optionalBoolean(body.ignore_e164_validation, `${prefix}ignore_e164_validation`);
  return {
    toNumber,
    overrideAgentId: optionalString(body.override_agent_id, `${prefix}override_agent_id`),
    overrideAgentVersion: version === null ? undefined : (version as number | string | undefined),
    metadata,
    dynamicVariables: stringRecord(body.retell_llm_dynamic_variables, `${prefix}retell_llm_dynamic_variables`, 'string values only'),
    customSipHeaders: stringRecord(body.custom_sip_headers, `${prefix}custom_sip_headers`, 'string header values'),
  };
}

/** POST /v2/create-phone-call */
export function parseCreatePhoneCall(raw: unknown): CallRequest {
  const body = bodyObject(raw);
  const ignoreE164 = optionalBoolean(body.ignore_e164_validation, 'ignore_e164_validation') === true;
  const fromNumber = e164(body.from_number, 'from_number', true, ignoreE164)!;
  return { fromNumber, ...callFields(body, '') };
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function callTimeWindow(value: unknown): CallTimeWindow | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || !Array.isArray(value.windows) || value.windows.length === 0) throw badRequest('call_time_window.windows must be a non-empty array.');
  const windows = value.windows.map((w, i) => {
    if (!isRecord(w)) throw badRequest(`call_time_window.windows[${i}] must be an object with start and end.`);
    const start = optionalInt(w.start, `call_time_window.windows[${i}].start`, 0, 1439);
    const end = optionalInt(w.end, `call_time_window.windows[${i}].end`, 1, 1440);
    if (start === undefined || end === undefined || start >= end) {
      throw badRequest(`call_time_window.windows[${i}] must have start < end, in minutes since local midnight (0-1440, no cross-midnight).`);
    }
    return { start, end };
  });
  let day: string[] | undefined;
  if (value.day !== undefined && value.day !== null) {
    if (!Array.isArray(value.day) || !value.day.every((d) => typeof d === 'string' && DAYS.includes(d))) {
      throw badRequest(`call_time_window.day must be a list of: ${DAYS.join(', ')}.`);
    }
    day = value.day as string[];
  }
  const timezone = optionalString(value.timezone, 'call_time_window.timezone');
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw badRequest(`call_time_window.timezone must be an IANA time zone, got ${describe(timezone)}.`);
    }
  }
  return { windows, ...(day && { day }), ...(timezone && { timezone }) };
}

/** POST /create-batch-call */
export function parseCreateBatchCall(raw: unknown, limits: { maxTasks: number; concurrencyLimit: number }): BatchRequest {
  const body = bodyObject(raw);
  if (!Array.isArray(body.tasks) || body.tasks.length === 0) throw badRequest('tasks must be a non-empty array.');
  if (body.tasks.length > limits.maxTasks) throw badRequest(`tasks must hold at most ${limits.maxTasks} tasks.`);
  const tasks = body.tasks.map((task, i) => {
    if (!isRecord(task)) throw badRequest(`tasks[${i}] must be an object.`);
    return callFields(task, `tasks[${i}].`);
  });
  // ignore_e164_validation lives on each task and relaxes the check of from_number
  const ignoreE164 = (body.tasks as Array<Record<string, unknown>>).every((t) => t.ignore_e164_validation === true);
  const fromNumber = e164(body.from_number, 'from_number', true, ignoreE164)!;
  const name = body.name === undefined || body.name === null ? undefined : body.name;
  if (name !== undefined && typeof name !== 'string') throw badRequest('name must be a string.');
  const triggerTimestamp = optionalInt(body.trigger_timestamp, 'trigger_timestamp', 0);
  const reservedConcurrency = optionalInt(body.reserved_concurrency, 'reserved_concurrency', 0);
  if (reservedConcurrency !== undefined && reservedConcurrency >= limits.concurrencyLimit) {
    throw badRequest(`reserved_concurrency must be less than the concurrency limit (${limits.concurrencyLimit}).`);
  }
  return { fromNumber, tasks, name, triggerTimestamp, reservedConcurrency, callTimeWindow: callTimeWindow(body.call_time_window) };
}
