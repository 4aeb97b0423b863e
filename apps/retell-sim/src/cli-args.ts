import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { PlayRequest } from './play';
import { PlayCallDto } from './sim-calls/play-call.dto';

export const USAGE = `Usage:
  retell-sim play --scenario <answered|no_answer|busy|voicemail|booking|transfer|transfer_cancelled> [options]
  retell-sim --help

Plays one call's webhooks (call_started, call_ended, call_analyzed) to the gateway, signed
with RETELL_API_KEY, and prints one line per delivery. Exits 1 if any delivery got no 2xx.
Refuses (exit 2) under NODE_ENV=production, and with a RETELL_API_KEY that is not a
development key (the fixed one, key_dev_… or key_test_…) unless RETELL_SIM_ALLOW_ANY_KEY=1.

Options for play:
  --scenario <name>     required
  --tenant <slug>       POST to /webhooks/retell/<slug> (default: /webhooks/retell)
  --agent <id>          agent_id (default: DEFAULT_AGENT_ID)
  --from <e164>         from_number (default: DEFAULT_FROM_NUMBER)
  --to <e164>           to_number (default: +14155550123)
  --gateway <url>       gateway base URL (default: GATEWAY_URL)
  --duplicates <1-5>    deliver each event this many times
  --reorder             shuffle the deliveries (random seed, printed)
  --seed <n>            shuffle with this seed (implies --reorder)
  --delay <ms>          pause between deliveries (0-10000)
  --turns <n>           utterances in an answered call's transcript
  --call-id <id>        use this call_id instead of a fresh one
  --drop-rate <0-1>     share of the drop events' deliveries never sent (Retell gave up on them)
  --drop-events <list>  comma-separated events --drop-rate applies to (default call_ended,call_analyzed)
  --retries <n>         Retell-style retries after a non-2xx or a timeout (Retell makes 3; default 0)
  --timeout <ms>        per-try timeout (default 10000, Retell's)
  --live-transcript     send transcript_updated at each turn change and a final one
  --transfer-to <e164>  where the transfer scenarios transfer to (default +14155550111)
  (booking calls the agent's custom tools, which only the running simulator knows: POST /sim/calls)
  -h, --help            show this help`;

export type CliCommand = { kind: 'help' } | { kind: 'error'; message: string } | { kind: 'play'; request: PlayRequest; gatewayUrl?: string };

const OPTIONS = {
  scenario: { type: 'string' },
  tenant: { type: 'string' },
  agent: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  gateway: { type: 'string' },
  duplicates: { type: 'string' },
  reorder: { type: 'boolean' },
  seed: { type: 'string' },
  delay: { type: 'string' },
  turns: { type: 'string' },
  'call-id': { type: 'string' },
  'drop-rate': { type: 'string' },
  'drop-events': { type: 'string' },
  retries: { type: 'string' },
  timeout: { type: 'string' },
  'live-transcript': { type: 'boolean' },
  'transfer-to': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const num = (v: string | undefined) => (v === undefined ? undefined : /^\d*\.?\d+$/.test(v) ? Number(v) : v);
const int = (v: string | undefined) => (v === undefined ? undefined : /^-?\d+$/.test(v) ? Number(v) : v);

function describe(errors: ValidationError[]): string {
  return errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ');
}

/** Parses and validates argv (without node and the script) with the same rules as POST /sim/calls. */
export function parseCli(argv: string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { kind: 'help' };
  if (positionals[0] !== 'play' || positionals.length > 1) return { kind: 'error', message: `unknown command "${positionals.join(' ')}"` };

  const seed = int(values.seed);
  if (seed !== undefined && typeof seed !== 'number') return { kind: 'error', message: '--seed must be an integer' };
  if (values.gateway !== undefined && !URL.canParse(values.gateway)) return { kind: 'error', message: '--gateway must be a URL' };

  const dto = plainToInstance(PlayCallDto, {
    scenario: values.scenario,
    tenantSlug: values.tenant,
    agentId: values.agent,
    fromNumber: values.from,
    toNumber: values.to,
    duplicates: int(values.duplicates),
    delayMs: int(values.delay),
    transcriptTurns: int(values.turns),
    callId: values['call-id'],
    dropRate: num(values['drop-rate']),
    dropEvents: values['drop-events']?.split(',').map((e) => e.trim()),
    retries: int(values.retries),
    timeoutMs: int(values.timeout),
    liveTranscript: values['live-transcript'],
    transferTo: values['transfer-to'],
  });
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, skipUndefinedProperties: false });
  if (errors.length) return { kind: 'error', message: describe(errors) };

  const request: PlayRequest = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as PlayRequest;
  if (seed !== undefined) request.reorder = seed;
  else if (values.reorder) request.reorder = true;
  return { kind: 'play', request, ...(values.gateway && { gatewayUrl: values.gateway }) };
}
