import { DEV_RETELL_API_KEY, isDevelopmentRetellKey } from '@retell-ops/config';

/**
 * Whether the simulator may run, and where it listens. It is a development tool that signs
 * webhooks with RETELL_API_KEY (anyone holding them could replay them to a real gateway) and
 * fakes Retell's API, so by default it:
 *   - never runs under NODE_ENV=production;
 *   - signs only with a development key (see isDevelopmentRetellKey), unless
 *     RETELL_SIM_ALLOW_ANY_KEY=1 says a per-test or otherwise deliberate key is meant;
 *   - listens on RETELL_SIM_HOST (default 127.0.0.1), never on the shared HOST, which is
 *     0.0.0.0 in containers.
 * The HTTP server (main.ts) and the CLI (cli.ts) both ask this before doing anything.
 */
export interface SimSafetyInput {
  NODE_ENV?: string;
  RETELL_API_KEY?: string;
  RETELL_SIM_ALLOW_ANY_KEY?: string;
  RETELL_SIM_HOST?: string;
  /** comma-separated keys of other workspaces: the simulator signs their calls' webhooks with them */
  RETELL_SIM_WORKSPACE_KEYS?: string;
}

export type SimSafety = { ok: true; host: string; warnings: string[] } | { ok: false; reason: string };

const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];
const SIM_HOSTS = [...LOOPBACK_HOSTS, '0.0.0.0', '::'];
export const DEFAULT_SIM_HOST = '127.0.0.1';

function flag(raw: string): boolean | undefined {
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  return undefined;
}

/** Pure: the decision for these variables (empty strings count as unset, as loadEnv reads them). */
export function decideSimSafety(source: SimSafetyInput): SimSafety {
  const value = (name: keyof SimSafetyInput) => (source[name] === '' ? undefined : source[name]);
  if (value('NODE_ENV') === 'production') {
    return {
      ok: false,
      reason: 'the Retell simulator does not run under NODE_ENV=production (it signs webhooks and fakes Retell: development and tests only)',
    };
  }
  const allowAnyKey = flag(value('RETELL_SIM_ALLOW_ANY_KEY') ?? '0');
  if (allowAnyKey === undefined) return { ok: false, reason: 'RETELL_SIM_ALLOW_ANY_KEY must be 1 or 0 (true/false, yes/no)' };
  const host = value('RETELL_SIM_HOST') ?? DEFAULT_SIM_HOST;
  if (!SIM_HOSTS.includes(host)) return { ok: false, reason: `RETELL_SIM_HOST must be one of ${SIM_HOSTS.join(', ')}` };

  const key = value('RETELL_API_KEY') ?? DEV_RETELL_API_KEY;
  const warnings: string[] = [];
  if (!isDevelopmentRetellKey(key)) {
    if (!allowAnyKey) {
      return {
        ok: false,
        reason:
          'RETELL_API_KEY is not a development key (the fixed development key, key_dev_… or key_test_…), and the simulator signs webhooks with it. ' +
          'Set RETELL_SIM_ALLOW_ANY_KEY=1 to sign with this key anyway',
      };
    }
    warnings.push('signing webhooks with a non-development RETELL_API_KEY (RETELL_SIM_ALLOW_ANY_KEY=1)');
  } else if (key === DEV_RETELL_API_KEY) {
    warnings.push('signing webhooks with the development RETELL_API_KEY');
  }
  const workspaceKeys = (value('RETELL_SIM_WORKSPACE_KEYS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (!allowAnyKey && workspaceKeys.some((k) => !isDevelopmentRetellKey(k))) {
    return {
      ok: false,
      reason:
        'RETELL_SIM_WORKSPACE_KEYS holds a key that is not a development key (key_dev_… or key_test_…), and the simulator signs webhooks with it. Set RETELL_SIM_ALLOW_ANY_KEY=1 to sign with it anyway',
    };
  }
  if (!LOOPBACK_HOSTS.includes(host)) warnings.push(`listening beyond loopback (RETELL_SIM_HOST=${host})`);
  return { ok: true, host, warnings };
}

/** The decision for an environment (process.env by default). */
export function simSafetyFromEnv(source: NodeJS.ProcessEnv = process.env): SimSafety {
  const { NODE_ENV, RETELL_API_KEY, RETELL_SIM_ALLOW_ANY_KEY, RETELL_SIM_HOST, RETELL_SIM_WORKSPACE_KEYS } = source;
  return decideSimSafety({ NODE_ENV, RETELL_API_KEY, RETELL_SIM_ALLOW_ANY_KEY, RETELL_SIM_HOST, RETELL_SIM_WORKSPACE_KEYS });
}
