import {
  agentDocument,
  AGENT_DOCUMENT_FORMAT,
  EXPORT_REDACTED,
  redactedHeaders,
  restoreRedactedHeaders,
  sortKeysDeep,
  writableAgent,
  writableLlm,
} from './agent-document';

const agent = {
  voice_id: '11labs-Adrian',
  agent_id: 'agent_1',
  version: 3,
  is_published: true,
  last_modification_timestamp: 1,
  agent_name: 'Screener',
  response_engine: { type: 'retell-llm', llm_id: 'llm_1', version: 0 },
};
const llm = {
  llm_id: 'llm_1',
  version: 0,
  last_modification_timestamp: 2,
  general_prompt: 'Hi',
  general_tools: [
    { type: 'custom', name: 'lookup', url: 'https://x', headers: { Authorization: 'Bearer s3cret' } },
    { type: 'end_call', name: 'end' },
  ],
  states: [{ name: 's', tools: [{ type: 'custom', name: 'st', headers: { 'X-Key': 'k' } }] }],
};

describe('sortKeysDeep', () => {
  it.each<[unknown, string]>([
    [{ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}'],
    [[3, 1], '[3,1]'],
    [{ a: undefined, b: 'x' }, '{"b":"x"}'],
    ['text', '"text"'],
  ])('%j', (value, json) => expect(JSON.stringify(sortKeysDeep(value))).toBe(json));
});

describe('agentDocument', () => {
  const doc = agentDocument(agent, llm);

  it('keeps the ids, drops what Retell manages, sorts keys', () => {
    expect(doc.format).toBe(AGENT_DOCUMENT_FORMAT);
    expect(Object.keys(doc)).toEqual(['agent', 'format', 'llm']);
    expect(Object.keys(doc.agent)).toEqual(['agent_id', 'agent_name', 'response_engine', 'voice_id']);
    expect(Object.keys(doc.llm!)).toEqual(['general_prompt', 'general_tools', 'llm_id', 'states']);
  });

  it('never carries a tool header value', () => {
    expect(JSON.stringify(doc)).not.toMatch(/s3cret|"k"/);
    expect(redactedHeaders(doc.llm!)).toEqual(['lookup.Authorization', 'st.X-Key']);
  });

  it('is the same whatever order Retell answered in', () => {
    const reordered = Object.fromEntries(Object.entries(agent).reverse());
    expect(JSON.stringify(agentDocument(reordered, llm))).toBe(JSON.stringify(doc));
  });

  it('has no llm for an agent without a Retell LLM', () => expect(agentDocument(agent, null).llm).toBeNull());
});

describe('restoreRedactedHeaders', () => {
  const doc = agentDocument(agent, llm);
  it.each<[string, Record<string, unknown> | null, string[]]>([
    ['restored from the LLM at Retell', llm, []],
    ['nothing to restore from', null, ['lookup.Authorization', 'st.X-Key']],
    ['a tool renamed since', { general_tools: [{ name: 'other', headers: { Authorization: 'x' } }] }, ['lookup.Authorization', 'st.X-Key']],
  ])('%s', (_, current, left) => {
    const restored = restoreRedactedHeaders(doc.llm!, current);
    expect(redactedHeaders(restored)).toEqual(left);
    if (!left.length) expect((restored.general_tools as any[])[0].headers).toEqual({ Authorization: 'Bearer s3cret' });
  });

  it('leaves a header the document sets itself', () => {
    const own = { general_tools: [{ name: 'lookup', headers: { Authorization: 'new' } }] };
    expect((restoreRedactedHeaders(own, llm).general_tools as any[])[0].headers.Authorization).toBe('new');
    expect(EXPORT_REDACTED).toBe('<redacted>');
  });
});

describe('writable bodies', () => {
  it.each<[string, () => Record<string, unknown>, string[]]>([
    ['agent', () => writableAgent(agent), ['voice_id', 'agent_name', 'response_engine']],
    ['llm', () => writableLlm(llm), ['general_prompt', 'general_tools', 'states']],
  ])('%s', (_, body, keys) => expect(Object.keys(body()).sort()).toEqual(keys.sort()));
});
