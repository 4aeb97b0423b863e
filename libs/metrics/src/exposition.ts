import { createHash, timingSafeEqual } from 'node:crypto';
import { metricsRegistry } from './metrics';

export interface MetricsAnswer {
  status: 200 | 401;
  contentType: string;
  body: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * The answer to GET /metrics: the registry as Prometheus text, or 401 when a token is required
 * (METRICS_TOKEN) and `authorization` is not `Bearer <token>` (compared in constant time).
 */
export async function metricsAnswer(token: string | undefined, authorization: string | string[] | undefined): Promise<MetricsAnswer> {
  if (token !== undefined && !bearerMatches(token, authorization)) {
    return { status: 401, contentType: 'text/plain; charset=utf-8', body: 'metrics need Authorization: Bearer <METRICS_TOKEN>\n' };
  }
  return { status: 200, contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}

export function bearerMatches(token: string, authorization: string | string[] | undefined): boolean {
  if (typeof authorization !== 'string') return false;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  return !!match && timingSafeEqual(sha256(match[1]), sha256(token));
}
