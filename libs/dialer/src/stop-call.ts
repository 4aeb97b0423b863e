import type { Logger } from '@nestjs/common';
import Retell from 'retell-sdk';

/**
 * Asks Retell to stop a call. Retell answers 400 when the call is no longer live and 422 when it
 * does not know it: either way the call is ending or over on its own, and its end is what
 * closes the request.
 */
export async function stopAtRetell(client: Retell, retellCallId: string, logger?: Logger): Promise<'stopped' | 'not_live'> {
  try {
    await client.call.stop(retellCallId);
    return 'stopped';
  } catch (e) {
    if (e instanceof Retell.APIError && (e.status === 400 || e.status === 422)) {
      logger?.log(`stop ${retellCallId}: Retell says it is not live (${e.status})`);
      return 'not_live';
    }
    throw e;
  }
}
