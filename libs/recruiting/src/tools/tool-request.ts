/**
 * What a tool request says about the call it comes from. Retell sends the call object in the
 * default body shape (`{name, call, args}`); with "args only" (`args_at_root`) and with GET there
 * is none, so the call may be named in the URL's query string instead (a custom function's query
 * parameters can hold dynamic variables): `call_id`, `from_number`, `to_number`, `direction`.
 */
export interface ToolCallContext {
  /** Retell's call_id: the key of the invocation record and of a booking's link to the call. */
  callId?: string;
  direction?: 'inbound' | 'outbound';
  fromNumber?: string;
  toNumber?: string;
  metadata?: unknown;
}

export interface ToolRequest {
  call: ToolCallContext;
  args: unknown;
}

export type ToolRequestRead = { ok: true; request: ToolRequest } | { ok: false; reason: string };

/** Query keys that describe the call, not the tool's arguments. */
export const CALL_QUERY_KEYS = ['call_id', 'from_number', 'to_number', 'direction'] as const;

const MAX_ID = 128;

function str(v: unknown, max = MAX_ID): string | undefined {
  return typeof v === 'string' && v.trim() && v.length <= max ? v.trim() : undefined;
}

function direction(v: unknown): ToolCallContext['direction'] {
  return v === 'inbound' || v === 'outbound' ? v : undefined;
}

function fromQuery(query: Record<string, unknown>): ToolCallContext {
  return { callId: str(query.call_id), direction: direction(query.direction), fromNumber: str(query.from_number, 32), toNumber: str(query.to_number, 32) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a verified request: `body` is the parsed JSON body (undefined for GET), `query` the
 * query string. The default shape is recognised by an object `call` or a string `name` beside
 * an object (or absent) `args`; anything else is the arguments themselves.
 */
export function readToolRequest(method: string, body: unknown, query: Record<string, unknown>): ToolRequestRead {
  if (method === 'GET' || method === 'DELETE') {
    const args = Object.fromEntries(Object.entries(query).filter(([k, v]) => !(CALL_QUERY_KEYS as readonly string[]).includes(k) && typeof v === 'string'));
    return { ok: true, request: { call: fromQuery(query), args } };
  }
  if (!isObject(body)) return { ok: false, reason: 'the body must be a JSON object' };
  const envelope = (isObject(body.call) || typeof body.name === 'string') && (body.args === undefined || isObject(body.args));
  if (!envelope) return { ok: true, request: { call: fromQuery(query), args: body } };
  const call = isObject(body.call) ? body.call : {};
  const byQuery = fromQuery(query);
  return {
    ok: true,
    request: {
      call: {
        callId: str(call.call_id) ?? byQuery.callId,
        direction: direction(call.direction) ?? byQuery.direction,
        fromNumber: str(call.from_number, 32) ?? byQuery.fromNumber,
        toNumber: str(call.to_number, 32) ?? byQuery.toNumber,
        metadata: call.metadata,
      },
      args: body.args ?? {},
    },
  };
}

/** The caller's number: for a call the platform placed it is `to_number`, for one it answered `from_number`. */
export function callerNumberOf(call: ToolCallContext): string | undefined {
  return call.direction === 'outbound' ? call.toNumber : call.fromNumber;
}
