const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** The top-level objects that name the agent, as agentIdOf (libs/retell) reads them. */
const CONTAINERS = ['call', 'chat', 'call_inbound', 'chat_inbound'].map((k) => Buffer.from(k, 'latin1'));
const AGENT_ID = Buffer.from('agent_id', 'latin1');

/** Longer than any agent id: such a value is reported as unusable without being copied. */
const MAX_ID_BYTES = 128;

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The agent id a delivery names, read from the raw bytes without decoding or parsing them:
 * before its signature verifies, a body costs one forward scan and no copy, however large.
 * Returns the id (at most 128 bytes, as latin1, so anything but ASCII fails the shape check
 * after), `null` when an `agent_id` is there but cannot be an id (too long, or written with
 * escapes, which Retell never uses), and `undefined` when none is found or the bytes are not a
 * JSON object. The first non-empty string `agent_id` of a top-level `call`, `chat`,
 * `call_inbound` or `chat_inbound` object wins. This only picks the tenant whose key is then
 * checked; the body is parsed once, after the signature verifies.
 */
export function agentIdIn(bytes: Buffer): string | null | undefined {
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_OBJECT) return undefined;
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE_OBJECT) return undefined;
  for (;;) {
    if (bytes[i] !== QUOTE) return undefined;
    const keyEnd = stringEnd(bytes, i);
    if (keyEnd < 0) return undefined;
    const container = CONTAINERS.some((name) => sameBytes(bytes, i + 1, keyEnd, name));
    i = skipSpace(bytes, keyEnd + 1);
    if (bytes[i] !== COLON) return undefined;
    i = skipSpace(bytes, i + 1);
    if (container && bytes[i] === OPEN_OBJECT) {
      const found = agentIdInObject(bytes, i);
      if (found.id !== undefined) return found.id;
      i = found.end;
    } else {
      i = skipValue(bytes, i);
    }
    if (i < 0) return undefined;
    i = skipSpace(bytes, i);
    if (bytes[i] !== COMMA) return undefined;
    i = skipSpace(bytes, i + 1);
  }
}

/** Scans the object at `start` for a usable agent_id; `end` is just past the object, or -1. */
function agentIdInObject(bytes: Buffer, start: number): { id?: string | null; end: number } {
  let i = skipSpace(bytes, start + 1);
  if (bytes[i] === CLOSE_OBJECT) return { end: i + 1 };
  for (;;) {
    if (bytes[i] !== QUOTE) return { end: -1 };
    const keyEnd = stringEnd(bytes, i);
    if (keyEnd < 0) return { end: -1 };
    const isAgentId = sameBytes(bytes, i + 1, keyEnd, AGENT_ID);
    i = skipSpace(bytes, keyEnd + 1);
    if (bytes[i] !== COLON) return { end: -1 };
    i = skipSpace(bytes, i + 1);
    if (isAgentId && bytes[i] === QUOTE) {
      const valueEnd = stringEnd(bytes, i);
      if (valueEnd < 0) return { end: -1 };
      const length = valueEnd - i - 1;
      if (length > MAX_ID_BYTES || bytes.subarray(i + 1, valueEnd).includes(BACKSLASH)) return { id: null, end: -1 };
      if (length > 0) return { id: bytes.toString('latin1', i + 1, valueEnd), end: -1 };
      i = valueEnd + 1; // an empty agent_id names nothing: the next container may
    } else {
      i = skipValue(bytes, i);
      if (i < 0) return { end: -1 };
    }
    i = skipSpace(bytes, i);
    if (bytes[i] === CLOSE_OBJECT) return { end: i + 1 };
    if (bytes[i] !== COMMA) return { end: -1 };
    i = skipSpace(bytes, i + 1);
  }
}

function skipSpace(bytes: Buffer, i: number): number {
  while (isSpace(bytes[i])) i++;
  return i;
}

/** The index of the quote closing the string that opens at `start`, or -1. */
function stringEnd(bytes: Buffer, start: number): number {
  let at = bytes.indexOf(QUOTE, start + 1);
  while (at !== -1) {
    let before = 0;
    for (let j = at - 1; j > start && bytes[j] === BACKSLASH; j--) before++;
    if (before % 2 === 0) return at;
    at = bytes.indexOf(QUOTE, at + 1);
  }
  return -1;
}

/** Just past the JSON value at `start` (nesting counted, not recursed), or -1. */
function skipValue(bytes: Buffer, start: number): number {
  const first = bytes[start];
  if (first === QUOTE) {
    const end = stringEnd(bytes, start);
    return end < 0 ? -1 : end + 1;
  }
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    for (let i = start; i < bytes.length; i++) {
      const c = bytes[i];
      if (c === QUOTE) {
        i = stringEnd(bytes, i);
        if (i < 0) return -1;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        depth++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (--depth === 0) return i + 1;
      }
    }
    return -1;
  }
  // a number or a literal: up to the next delimiter
  let i = start;
  while (i < bytes.length && bytes[i] !== COMMA && bytes[i] !== CLOSE_OBJECT && bytes[i] !== CLOSE_ARRAY && !isSpace(bytes[i])) i++;
  return i === start ? -1 : i;
}

function sameBytes(bytes: Buffer, start: number, end: number, name: Buffer): boolean {
  return end - start === name.length && bytes.compare(name, 0, name.length, start, end) === 0;
}
