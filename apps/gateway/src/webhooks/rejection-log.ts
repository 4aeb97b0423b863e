import type { Logger } from '@nestjs/common';
import { forLog } from './caller-input';

export interface RejectionContext {
  url: string;
  ip: string;
  bytes: number;
  tenant?: string;
  callId?: string;
  /** Fastify's request id */
  reqId?: string;
}

/**
 * One line per refused delivery, with enough to find it (tenant, call id, ip, size) and every
 * caller-provided value cut to a short bound.
 */
export function logRejection(logger: Logger, status: number, reason: string, at: RejectionContext): void {
  const line = `${status} ${forLog(at.url)}: ${reason} (tenant=${forLog(at.tenant)} call_id=${forLog(at.callId)} ip=${forLog(at.ip)} bytes=${at.bytes})`;
  // With nestjs-pino the fields are also keys of the JSON line (bounded: the same cut values).
  const entry = {
    msg: line,
    status,
    reqId: at.reqId,
    tenant: at.tenant === undefined ? undefined : forLog(at.tenant),
    callId: at.callId === undefined ? undefined : forLog(at.callId),
  };
  if (status >= 500) logger.error(entry);
  else logger.warn(entry);
}
