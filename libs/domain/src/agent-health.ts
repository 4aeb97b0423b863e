import { SCREENING_FIELDS } from './screening-analysis';

/**
 * What the platform checks on a connected Retell agent (docs/agents.md#warnings): pure rules over
 * what Retell's get-agent answered, so they are tested by table and shared by connect, status and
 * sync.
 */

/** The custom post-call analysis fields the recruiting pipeline reads (libs/domain/src/screening-analysis.ts). */
export const PIPELINE_ANALYSIS_FIELDS: readonly string[] = Object.keys(SCREENING_FIELDS);

/** An agent is online when one of its calls changed within this long (a call seen in the last few minutes). */
export const AGENT_ONLINE_WINDOW_MS = 5 * 60_000;

export type AgentWarningCode = 'analysis_fields_missing' | 'webhook_elsewhere' | 'webhook_account_level' | 'not_synced';

export interface AgentWarning {
  code: AgentWarningCode;
  message: string;
  /** analysis_fields_missing: the field names the agent lacks */
  fields?: string[];
}

export interface AgentConfigSeen {
  /** null: never synced from Retell */
  syncedAt: Date | null;
  webhookUrl: string | null;
  /** Retell's post_call_analysis_data as stored ([{ type, name, ... }]); anything else counts as none */
  postCallAnalysis: unknown;
}

/** The names of the custom analysis fields an agent defines (system presets are not custom fields). */
export function analysisFieldNames(postCallAnalysis: unknown): string[] {
  if (!Array.isArray(postCallAnalysis)) return [];
  const names: string[] = [];
  for (const item of postCallAnalysis) {
    if (!item || typeof item !== 'object') continue;
    const { name, type } = item as { name?: unknown; type?: unknown };
    if (typeof name === 'string' && type !== 'system-presets') names.push(name);
  }
  return names;
}

/** The URL without query, fragment and trailing slashes, lower-cased scheme and host, for prefix checks. */
function normalise(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return null;
  }
}

/** True when `webhookUrl` is this platform's Retell webhook (`<base>/webhooks/retell`, with or without a tenant slug). */
export function pointsAtPlatform(webhookUrl: string, platformWebhookBase: string): boolean {
  const url = normalise(webhookUrl);
  const base = normalise(platformWebhookBase);
  if (!url || !base) return false;
  const target = `${base}/webhooks/retell`;
  return url === target || (url.startsWith(`${target}/`) && !url.slice(target.length + 1).includes('/'));
}

/** The warnings of one agent, in a fixed order. `platformWebhookBase` is PUBLIC_WEBHOOK_BASE_URL (else GATEWAY_URL). */
export function agentWarnings(agent: AgentConfigSeen, platformWebhookBase: string): AgentWarning[] {
  if (!agent.syncedAt) return [{ code: 'not_synced', message: 'never read from Retell: sync the agent to check it' }];
  const warnings: AgentWarning[] = [];
  const have = new Set(analysisFieldNames(agent.postCallAnalysis));
  const missing = PIPELINE_ANALYSIS_FIELDS.filter((f) => !have.has(f));
  if (missing.length) {
    warnings.push({
      code: 'analysis_fields_missing',
      message: `post-call analysis lacks ${missing.length} field(s) the recruiting pipeline reads: ${missing.join(', ')}`,
      fields: missing,
    });
  }
  const expected = `${platformWebhookBase.replace(/\/+$/, '')}/webhooks/retell`;
  if (agent.webhookUrl === null || agent.webhookUrl === '') {
    warnings.push({
      code: 'webhook_account_level',
      message: `the agent has no webhook URL of its own: Retell sends its events to the account-level webhook, which must be ${expected}`,
    });
  } else if (!pointsAtPlatform(agent.webhookUrl, platformWebhookBase)) {
    warnings.push({ code: 'webhook_elsewhere', message: `the agent's webhook URL does not point at this platform (${expected})` });
  }
  return warnings;
}

/** Online: a call of the agent changed within AGENT_ONLINE_WINDOW_MS of `now`. */
export function agentOnline(lastEventAt: Date | null, now: number): boolean {
  return lastEventAt !== null && now - lastEventAt.getTime() <= AGENT_ONLINE_WINDOW_MS;
}
