import { parseArgs } from 'node:util';
import { parseOperatorInstant } from '@retell-ops/domain';

export const OPS_USAGE = `Usage:
  npm run ops -- import-calls --from <when> [--to <when>] [--tenant <slug>] [--no-wait] [--timeout <s>]
  npm run ops -- stats:rebuild [--tenant <slug>]
  npm run ops -- --help

import-calls asks Retell (list-calls, then get-call for what is missing here) for the calls it
started in the range and records what the webhooks did not bring, as a reconciliation run per
tenant (listed at GET /api/v1/reconcile/runs). The call worker runs it; this waits for it and
prints what each run found. Exit 0 when every run succeeded, 1 when one failed or timed out, 2 on
bad usage.

  --from <when>   required: "24 hours ago", "90 min ago", "2d ago", "now", or ISO 8601 with a zone
  --to <when>     default now
  --tenant <slug> one tenant (default: every active tenant)
  --no-wait       queue the runs and print their ids
  --timeout <s>   how long to wait for the runs (default 600)
  -h, --help      show this help

stats:rebuild recomputes the stats rollup (docs/stats.md) of one tenant, or of every tenant, from
the calls: after calls were written with triggers off (COPY in a replica session), truncated or
restored. Prints the days recomputed.`;

export type OpsCommand =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'import-calls'; from: Date; to: Date; tenant?: string; wait: boolean; timeoutMs: number }
  | { kind: 'stats:rebuild'; tenant?: string };

const TENANT_SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Parses argv (without node and the script). `now` makes relative dates testable. */
export function parseOpsArgs(argv: string[], now: number = Date.now()): OpsCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        tenant: { type: 'string' },
        'no-wait': { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return { kind: 'error', message: (e as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { kind: 'help' };
  if (positionals[0] === 'stats:rebuild' && positionals.length === 1) {
    if (values.from !== undefined || values.to !== undefined || values['no-wait'] || values.timeout !== undefined)
      return { kind: 'error', message: 'stats:rebuild takes only --tenant' };
    if (values.tenant !== undefined && !TENANT_SLUG.test(values.tenant)) return { kind: 'error', message: '--tenant must be a tenant slug' };
    return { kind: 'stats:rebuild', ...(values.tenant && { tenant: values.tenant }) };
  }
  if (positionals[0] !== 'import-calls' || positionals.length > 1) return { kind: 'error', message: `unknown command "${positionals.join(' ')}"` };
  if (values.from === undefined) return { kind: 'error', message: '--from is required (e.g. --from "24 hours ago")' };
  const from = parseOperatorInstant(values.from, now);
  if (!from) return { kind: 'error', message: `--from: cannot read "${values.from.slice(0, 80)}" (e.g. "24 hours ago" or 2026-12-01T00:00:00Z)` };
  const to = values.to === undefined ? new Date(now) : parseOperatorInstant(values.to, now);
  if (!to) return { kind: 'error', message: `--to: cannot read "${values.to!.slice(0, 80)}"` };
  if (from.getTime() >= to.getTime()) return { kind: 'error', message: '--from must be before --to' };
  if (values.tenant !== undefined && !TENANT_SLUG.test(values.tenant)) return { kind: 'error', message: '--tenant must be a tenant slug' };
  const timeout = values.timeout === undefined ? 600 : /^\d{1,6}$/.test(values.timeout) ? Number(values.timeout) : NaN;
  if (!Number.isFinite(timeout) || timeout < 1) return { kind: 'error', message: '--timeout must be a number of seconds ≥ 1' };
  return { kind: 'import-calls', from, to, ...(values.tenant && { tenant: values.tenant }), wait: !values['no-wait'], timeoutMs: timeout * 1000 };
}
