/**
 * The export / import document of a Retell agent and its Retell LLM (docs/agents.md#export):
 * stable key order at every depth, so two exports of the same agent are byte-identical and diff
 * well in git; fields Retell manages itself (timestamps, publication state) are left out; values
 * that may hold secrets (custom tools' headers) are replaced by EXPORT_REDACTED.
 */

export const AGENT_DOCUMENT_FORMAT = 'retell-ops.agent/1';
export const EXPORT_REDACTED = '<redacted>';

/** Fields of Retell's answers that an import cannot set (Retell manages them). */
export const AGENT_READ_ONLY_FIELDS = ['agent_id', 'version', 'is_published', 'last_modification_timestamp'] as const;
export const LLM_READ_ONLY_FIELDS = ['llm_id', 'version', 'is_published', 'last_modification_timestamp'] as const;

export interface AgentDocument {
  format: typeof AGENT_DOCUMENT_FORMAT;
  agent: Record<string, unknown>;
  /** null: the agent does not run on a Retell LLM (custom LLM, conversation flow) */
  llm: Record<string, unknown> | null;
}

/** A copy of `value` with every object's keys in code-point order (arrays keep their order). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeysDeep(v);
    }
    return out;
  }
  return value;
}

function without(record: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const copy = { ...record };
  for (const f of fields) delete copy[f];
  return copy;
}

type Tool = Record<string, unknown> & { headers?: unknown };

function mapTools(llm: Record<string, unknown>, fn: (tool: Tool) => Tool): Record<string, unknown> {
  const mapList = (list: unknown) => (Array.isArray(list) ? list.map((t) => (t && typeof t === 'object' ? fn(t as Tool) : t)) : list);
  const out = { ...llm };
  if ('general_tools' in out) out.general_tools = mapList(out.general_tools);
  if (Array.isArray(out.states)) {
    out.states = out.states.map((s) =>
      s && typeof s === 'object' && 'tools' in s ? { ...(s as object), tools: mapList((s as { tools: unknown }).tools) } : s,
    );
  }
  return out;
}

function redactHeaders(tool: Tool): Tool {
  if (!tool.headers || typeof tool.headers !== 'object') return tool;
  return { ...tool, headers: Object.fromEntries(Object.keys(tool.headers).map((k) => [k, EXPORT_REDACTED])) };
}

/** The document for an agent (Retell's AgentResponse) and its LLM (LlmResponse, or null). */
export function agentDocument(agent: Record<string, unknown>, llm: Record<string, unknown> | null): AgentDocument {
  return sortKeysDeep({
    format: AGENT_DOCUMENT_FORMAT,
    agent: { ...without(agent, AGENT_READ_ONLY_FIELDS.slice(1)), agent_id: agent.agent_id },
    llm: llm ? mapTools({ ...without(llm, LLM_READ_ONLY_FIELDS.slice(1)), llm_id: llm.llm_id }, redactHeaders) : null,
  }) as AgentDocument;
}

/** Tool header values still EXPORT_REDACTED in an LLM body, as `tool.header` names. */
export function redactedHeaders(llm: Record<string, unknown>): string[] {
  const found: string[] = [];
  mapTools(llm, (tool) => {
    if (tool.headers && typeof tool.headers === 'object') {
      for (const [k, v] of Object.entries(tool.headers)) if (v === EXPORT_REDACTED) found.push(`${String(tool.name)}.${k}`);
    }
    return tool;
  });
  return found;
}

/**
 * The LLM body to write back: each EXPORT_REDACTED header value replaced by the value the same tool
 * (matched by name) has at Retell now. A value with nothing to restore from stays EXPORT_REDACTED, so
 * the caller can refuse it (see `redactedHeaders`).
 */
export function restoreRedactedHeaders(llm: Record<string, unknown>, current: Record<string, unknown> | null): Record<string, unknown> {
  const known = new Map<string, Record<string, unknown>>();
  if (current) {
    mapTools(current, (tool) => {
      if (typeof tool.name === 'string' && tool.headers && typeof tool.headers === 'object') known.set(tool.name, tool.headers as Record<string, unknown>);
      return tool;
    });
  }
  return mapTools(llm, (tool) => {
    if (!tool.headers || typeof tool.headers !== 'object') return tool;
    const was = typeof tool.name === 'string' ? known.get(tool.name) : undefined;
    const headers = Object.fromEntries(
      Object.entries(tool.headers).map(([k, v]) => [k, v === EXPORT_REDACTED && was && typeof was[k] === 'string' ? was[k] : v]),
    );
    return { ...tool, headers };
  });
}

/** The body of a create/update: the document's part without the fields Retell manages. */
export function writableAgent(agent: Record<string, unknown>): Record<string, unknown> {
  return without(agent, AGENT_READ_ONLY_FIELDS);
}

export function writableLlm(llm: Record<string, unknown>): Record<string, unknown> {
  return without(llm, LLM_READ_ONLY_FIELDS);
}
