import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppEnv } from '@retell-ops/config';
import { CSV_CONTENT_TYPE } from './batch-upload';

export const BATCHES_ROUTE = '/api/v1/batches';

/**
 * POST /api/v1/batches takes up to BATCH_BODY_LIMIT_BYTES (100,000 targets) and, besides JSON, a
 * text/csv body; every other route keeps the app's limit and answers a CSV body with 415. Must run
 * before the routes are registered (Fastify's onRoute hook sees each one as it is added).
 */
export function acceptLargeBatches(app: NestFastifyApplication, env: Pick<AppEnv, 'BATCH_BODY_LIMIT_BYTES'>): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url === BATCHES_ROUTE && methods.includes('POST')) route.bodyLimit = env.BATCH_BODY_LIMIT_BYTES;
  });
  fastify.addContentTypeParser(CSV_CONTENT_TYPE, { parseAs: 'string' }, (req, body, done) => {
    if (req.routeOptions.url !== BATCHES_ROUTE || req.method !== 'POST') {
      done(Object.assign(new Error(`Unsupported Media Type: ${CSV_CONTENT_TYPE} is taken by POST ${BATCHES_ROUTE} only`), { statusCode: 415 }), undefined);
      return;
    }
    done(null, body);
  });
}
