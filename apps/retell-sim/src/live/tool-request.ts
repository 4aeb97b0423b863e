import { signBody } from '../delivery';
import type { CustomTool } from './custom-tools';

// One custom-function call as Retell makes it (docs/retell.md#custom-functions): signed like a
// webhook, a JSON body only for POST/PUT/PATCH (GET/DELETE signed over ""), `timeout_ms` per
// attempt, `max_retry` more attempts on any failure with exponential backoff and jitter, only the
// last attempt's answer kept, cut at 15,000 characters.

/** Retell cuts a tool's answer to this many characters before the LLM reads it. */
export const TOOL_RESULT_MAX_CHARS = 15_000;
const BODIED = new Set(['POST', 'PUT', 'PATCH']);

export interface ToolCallInput {
  /** the call object with the transcript so far */
  call: Record<string, unknown>;
  args: Record<string, unknown>;
  /** fill `{{name}}` in the tool's headers and query params */
  dynamicVariables?: Record<string, string>;
}

export interface ToolRetryOptions {
  /** the first backoff (ms) before a retry; doubled each time, plus up to half again of jitter (default 500) */
  backoffBaseMs?: number;
  random?: () => number;
}

export interface ToolAttempt {
  /** HTTP status, 0 when none came (timeout, network error) */
  status: number;
  error?: string;
  durationMs: number;
}

export interface ToolCallOutcome {
  successful: boolean;
  /** what the LLM reads: the last attempt's answer as text, at most TOOL_RESULT_MAX_CHARS */
  content: string;
  /** the last answer's body parsed as JSON, when it was JSON (a failed one too: its message can be said) */
  json?: unknown;
  truncated: boolean;
  attempts: ToolAttempt[];
  durationMs: number;
}

const fill = (template: string, vars: Record<string, string> = {}) => template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (m, name: string) => vars[name] ?? m);

/** The request Retell sends for this tool (exported for tests): URL with query params, method, body (undefined for GET/DELETE). */
export function toolRequest(tool: CustomTool, input: ToolCallInput): { url: string; method: string; body?: string; headers: Record<string, string> } {
  const url = new URL(tool.url);
  for (const [k, v] of Object.entries(tool.queryParams)) url.searchParams.set(k, fill(v, input.dynamicVariables));
  const headers = Object.fromEntries(Object.entries(tool.headers).map(([k, v]) => [k.toLowerCase(), fill(v, input.dynamicVariables)]));
  if (!BODIED.has(tool.method)) return { url: url.toString(), method: tool.method, headers };
  const body = JSON.stringify(tool.argsAtRoot ? input.args : { name: tool.name, call: input.call, args: input.args });
  return { url: url.toString(), method: tool.method, body, headers: { ...headers, 'content-type': 'application/json' } };
}

/** fetch's timeout is a DOMException, which is not always an `Error` of this realm */
export const isTimeout = (err: unknown) => ['TimeoutError', 'AbortError'].includes(String((err as { name?: unknown } | null)?.name));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls the tool as Retell does and reports what the LLM gets. Never throws. */
export async function callTool(tool: CustomTool, input: ToolCallInput, apiKey: string, retry: ToolRetryOptions = {}): Promise<ToolCallOutcome> {
  const req = toolRequest(tool, input);
  const random = retry.random ?? Math.random;
  const base = retry.backoffBaseMs ?? 500;
  const started = performance.now();
  const attempts: ToolAttempt[] = [];
  let last: { ok: boolean; text: string; body?: string } = { ok: false, text: '' };
  for (let attempt = 0; attempt <= tool.maxRetry; attempt++) {
    if (attempt > 0) await sleep(base * 2 ** (attempt - 1) * (1 + random() / 2));
    const at = performance.now();
    try {
      // signed afresh per attempt: the signature carries the time it was made
      const signature = await signBody(req.body ?? '', apiKey);
      const res = await fetch(req.url, {
        method: req.method,
        headers: { ...req.headers, 'x-retell-signature': signature },
        body: req.body,
        signal: AbortSignal.timeout(tool.timeoutMs),
      });
      const text = await res.text();
      attempts.push({ status: res.status, durationMs: Math.round(performance.now() - at) });
      last = { ok: res.ok, text: res.ok ? text : `Request failed with status ${res.status}: ${text}`, body: text };
    } catch (err) {
      const error = isTimeout(err) ? 'timeout' : err instanceof Error ? err.message : String(err);
      attempts.push({ status: 0, error, durationMs: Math.round(performance.now() - at) });
      last = { ok: false, text: error === 'timeout' ? `Request timed out after ${tool.timeoutMs} ms.` : `Request failed: ${error}` };
    }
    if (last.ok) break;
  }
  const truncated = last.text.length > TOOL_RESULT_MAX_CHARS;
  const content = truncated ? last.text.slice(0, TOOL_RESULT_MAX_CHARS) : last.text;
  let json: unknown;
  try {
    json = last.body ? JSON.parse(last.body) : undefined;
  } catch {
    json = undefined;
  }
  return { successful: last.ok, content, ...(json !== undefined && { json }), truncated, attempts, durationMs: Math.round(performance.now() - started) };
}
