#!/usr/bin/env node
import { loadEnv } from '@retell-ops/config';
import { parseCli, USAGE } from './cli-args';
import { simSafetyFromEnv } from './config/safety';
import { simConfigFromEnv } from './config/sim-config';
import { isSuccess, type DeliveryResult } from './delivery';
import { playCall } from './play';

function line(d: DeliveryResult): string {
  const outcome = d.status ? String(d.status) : `ERR ${d.error}`;
  const detail = !isSuccess(d) && d.body ? ` ${d.body.replace(/\s+/g, ' ').slice(0, 200)}` : '';
  return `${d.event.padEnd(13)} #${d.copy} ${outcome} ${d.durationMs}ms ${d.callId}${detail}`;
}

/** Returns the exit code: 0 all deliveries 2xx, 1 otherwise, 2 on bad usage or an unsafe environment. */
export async function main(argv: string[], source: NodeJS.ProcessEnv = process.env): Promise<number> {
  const cmd = parseCli(argv);
  if (cmd.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (cmd.kind === 'error') {
    console.error(`retell-sim: ${cmd.message}\n\n${USAGE}`);
    return 2;
  }
  const safety = simSafetyFromEnv(source);
  if (!safety.ok) {
    console.error(`retell-sim: refusing to play: ${safety.reason}`);
    return 2;
  }
  const config = simConfigFromEnv(loadEnv(source), source);
  const call = await playCall(cmd.request, { ...config, ...(cmd.gatewayUrl && { gatewayUrl: cmd.gatewayUrl }) });
  const seed = call.reorderSeed !== undefined ? `, reorder seed ${call.reorderSeed}` : '';
  console.error(`${call.scenario} ${call.callId} → ${call.url}${seed}`);
  for (const d of call.deliveries) console.log(line(d));
  return call.deliveries.every(isSuccess) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
