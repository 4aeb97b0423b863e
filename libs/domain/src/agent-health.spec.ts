import { agentOnline, agentWarnings, analysisFieldNames, AGENT_ONLINE_WINDOW_MS, PIPELINE_ANALYSIS_FIELDS, pointsAtPlatform } from './agent-health';

const BASE = 'https://hooks.example.com';
const all = PIPELINE_ANALYSIS_FIELDS.map((name) => ({ type: 'string', name, description: name }));
const synced = new Date('2020-01-15T12:00:00Z');

describe('pointsAtPlatform', () => {
  it.each<[string, string, boolean]>([
    ['https://hooks.example.com/webhooks/retell', BASE, true],
    ['https://hooks.example.com/webhooks/retell/', BASE, true],
    ['https://HOOKS.example.com/webhooks/retell?x={{v}}', BASE, true],
    ['https://hooks.example.com/webhooks/retell/acme', BASE, true],
    ['https://hooks.example.com/webhooks/retell/acme/extra', BASE, false],
    ['https://hooks.example.com/webhooks/retellx', BASE, false],
    ['https://hooks.example.com/other', BASE, false],
    ['https://evil.example.com/webhooks/retell', BASE, false],
    ['http://hooks.example.com/webhooks/retell', BASE, false],
    ['https://hooks.example.com/base/webhooks/retell', `${BASE}/base/`, true],
    ['not a url', BASE, false],
    ['https://hooks.example.com/webhooks/retell', 'not a url', false],
  ])('%s under %s → %p', (url, base, expected) => expect(pointsAtPlatform(url, base)).toBe(expected));
});

describe('analysisFieldNames', () => {
  it.each<[unknown, string[]]>([
    [null, []],
    ['outcome', []],
    [[{ type: 'string', name: 'outcome' }, { type: 'system-presets', name: 'call_summary' }, 7, { name: 3 }], ['outcome']],
  ])('%j → %j', (data, names) => expect(analysisFieldNames(data)).toEqual(names));
});

describe('agentWarnings', () => {
  it.each<[string, Parameters<typeof agentWarnings>[0], string[]]>([
    ['never synced', { syncedAt: null, webhookUrl: null, postCallAnalysis: null }, ['not_synced']],
    ['all fields, webhook here', { syncedAt: synced, webhookUrl: `${BASE}/webhooks/retell`, postCallAnalysis: all }, []],
    ['all fields, tenant route', { syncedAt: synced, webhookUrl: `${BASE}/webhooks/retell/acme`, postCallAnalysis: all }, []],
    ['no fields, no webhook', { syncedAt: synced, webhookUrl: null, postCallAnalysis: [] }, ['analysis_fields_missing', 'webhook_account_level']],
    ['all fields, webhook elsewhere', { syncedAt: synced, webhookUrl: 'https://other.example.com/hook', postCallAnalysis: all }, ['webhook_elsewhere']],
    ['one field missing', { syncedAt: synced, webhookUrl: `${BASE}/webhooks/retell`, postCallAnalysis: all.slice(1) }, ['analysis_fields_missing']],
  ])('%s', (_, agent, codes) => expect(agentWarnings(agent, BASE).map((w) => w.code)).toEqual(codes));

  it('names the missing fields', () => {
    const [w] = agentWarnings({ syncedAt: synced, webhookUrl: `${BASE}/webhooks/retell`, postCallAnalysis: all.filter((f) => f.name !== 'outcome') }, BASE);
    expect(w).toMatchObject({ code: 'analysis_fields_missing', fields: ['outcome'] });
    expect(w.message).toContain('outcome');
  });
});

describe('agentOnline', () => {
  const now = Date.parse('2020-01-15T12:00:00Z');
  it.each<[Date | null, boolean]>([
    [null, false],
    [new Date(now), true],
    [new Date(now - AGENT_ONLINE_WINDOW_MS), true],
    [new Date(now - AGENT_ONLINE_WINDOW_MS - 1), false],
  ])('last event %p → %p', (last, online) => expect(agentOnline(last, now)).toBe(online));
});
