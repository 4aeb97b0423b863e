import { AppEnv, createHttpApp } from '@retell-ops/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayModule } from './gateway.module';
import { RejectionRecorder } from './webhooks/rejection-recorder';
import { refuseUnsignedDeliveries } from './webhooks/signature-header.hook';
import { registerWebhookRoutes } from './webhooks/webhook-routes';

/**
 * The gateway app, not yet listening. Every body arrives as the raw Buffer (no JSON parsing by
 * Fastify), because the signature covers the exact bytes; a delivery without a well-formed
 * signature header is refused before its body is read.
 */
export async function createGateway(env: AppEnv): Promise<NestFastifyApplication> {
  // maxParamLength: a long slug reaches the controller, which refuses it with a fixed reason
  // (Fastify's own 404 for an unmatched route would echo the whole URL).
  const app = await createHttpApp(
    GatewayModule.forRoot(env),
    env,
    { bodyLimit: env.WEBHOOK_BODY_LIMIT_BYTES, routerOptions: { maxParamLength: 1024 } },
    // No request logger on the webhook route: the hot path logs nothing per accepted delivery.
    { bodyParser: false, name: 'gateway', logging: { routes: 'none', logRequests: false } },
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: env.WEBHOOK_BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));
  refuseUnsignedDeliveries(app);
  registerWebhookRoutes(app);
  app.get(RejectionRecorder).install(app);
  return app;
}
