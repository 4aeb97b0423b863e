import { badRequest } from '../retell-api/retell-errors';

// A Retell LLM's `general_tools` entries of type `custom` (retell-sdk 5.66.1 `resources/llm.ts`
// CustomTool; docs/retell.md#custom-functions): checked as Retell checks them, stored as sent.

export const TOOL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type ToolMethod = (typeof TOOL_METHODS)[number];

/** A custom tool with Retell's defaults applied (method POST, timeout 120 s, no retry). */
export interface CustomTool {
  name: string;
  url: string;
  method: ToolMethod;
  argsAtRoot: boolean;
  timeoutMs: number;
  maxRetry: number;
  headers: Record<string, string>;
  queryParams: Record<string, string>;
  /** property names of the `parameters` JSON schema, in order; undefined when the tool declares none */
  parameterNames?: string[];
}

export const TOOL_DEFAULTS = { method: 'POST' as ToolMethod, timeoutMs: 120_000, maxRetry: 0 };
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const isStringRecord = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((s) => typeof s === 'string');

/** The 400 message for a bad `general_tools`, or undefined when Retell would accept it. Tools of other types pass unchecked. */
export function generalToolsProblem(tools: unknown): string | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) return 'general_tools must be an array.';
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    const at = `general_tools[${i}]`;
    if (!isObject(tool) || typeof tool.type !== 'string') return `${at} must be an object with a type.`;
    if (typeof tool.name !== 'string' || !NAME.test(tool.name)) return `${at}.name must be 1-64 letters, digits, _ or -.`;
    if (names.has(tool.name)) return `${at}.name "${tool.name}" is used by another tool.`;
    names.add(tool.name);
    if (tool.type !== 'custom') continue;
    if (typeof tool.url !== 'string' || !URL.canParse(tool.url) || !/^https?:/.test(tool.url)) return `${at}.url must be an http(s) URL.`;
    if (tool.method !== undefined && !(TOOL_METHODS as readonly unknown[]).includes(tool.method))
      return `${at}.method must be one of ${TOOL_METHODS.join(', ')}.`;
    if (tool.timeout_ms !== undefined && !(Number.isInteger(tool.timeout_ms) && (tool.timeout_ms as number) >= 1000 && (tool.timeout_ms as number) <= 600_000))
      return `${at}.timeout_ms must be an integer from 1000 to 600000.`;
    if (tool.max_retry !== undefined && !(Number.isInteger(tool.max_retry) && (tool.max_retry as number) >= 0 && (tool.max_retry as number) <= 5))
      return `${at}.max_retry must be an integer from 0 to 5.`;
    if (tool.args_at_root !== undefined && typeof tool.args_at_root !== 'boolean') return `${at}.args_at_root must be a boolean.`;
    for (const field of ['headers', 'query_params', 'response_variables'])
      if (tool[field] !== undefined && !isStringRecord(tool[field])) return `${at}.${field} must be an object with string values.`;
    if (tool.parameters !== undefined && (!isObject(tool.parameters) || tool.parameters.type !== 'object' || !isObject(tool.parameters.properties)))
      return `${at}.parameters must be a JSON schema of type "object" with properties.`;
  }
  return undefined;
}

/** Throws Retell's 400 when `general_tools` is not acceptable. */
export function checkGeneralTools(tools: unknown): void {
  const problem = generalToolsProblem(tools);
  if (problem) throw badRequest(problem);
}

/** The custom tools of an LLM response, defaults applied (assumes it passed checkGeneralTools). */
export function customToolsOf(llm: Json | undefined): CustomTool[] {
  const tools = llm && Array.isArray(llm.general_tools) ? llm.general_tools : [];
  return tools
    .filter((t): t is Json => isObject(t) && t.type === 'custom')
    .map((t) => ({
      name: String(t.name),
      url: String(t.url),
      method: (t.method as ToolMethod | undefined) ?? TOOL_DEFAULTS.method,
      argsAtRoot: t.args_at_root === true,
      timeoutMs: (t.timeout_ms as number | undefined) ?? TOOL_DEFAULTS.timeoutMs,
      maxRetry: (t.max_retry as number | undefined) ?? TOOL_DEFAULTS.maxRetry,
      headers: isStringRecord(t.headers) ? t.headers : {},
      queryParams: isStringRecord(t.query_params) ? t.query_params : {},
      ...(isObject(t.parameters) && isObject(t.parameters.properties) && { parameterNames: Object.keys(t.parameters.properties) }),
    }));
}
