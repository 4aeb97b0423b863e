import { AppEnv, createHttpApp } from '@retell-ops/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayModule } from './gateway.module';

/**
 * The gateway app, not yet listening. Every body arrives as the raw Buffer (no JSON parsing by
 * Fastify), because the signature covers the exact bytes.
 */
export async function createGateway(env: AppEnv): Promise<NestFastifyApplication> {
  const app = await createHttpApp(GatewayModule.forRoot(env), env, { bodyLimit: env.WEBHOOK_BODY_LIMIT_BYTES }, { bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: env.WEBHOOK_BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));
  return app;
}
