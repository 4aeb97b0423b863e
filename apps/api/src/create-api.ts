import { ValidationPipe } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppEnv, createHttpApp, swaggerEnabled } from '@retell-ops/config';
import { ApiModule } from './api.module';
import { installAuditRefusalHook } from './audit/audit-refusal-hook';
import { ApiExceptionFilter } from './common/errors/api-exception.filter';
import { securityHeaders } from './common/security-headers';
import { serveDashboard } from './dashboard/serve-dashboard';
import { acceptLargeBatches } from './dialer/batch-body';
import { mountQueueBoard } from './operations/queue-board';

export async function createApi(env: AppEnv, options: { bootstrapDefaultTenant?: boolean } = {}): Promise<NestFastifyApplication> {
  const app = await createHttpApp(ApiModule.forRoot(env, options), env, { bodyLimit: env.WEBHOOK_BODY_LIMIT_BYTES }, { name: 'api' });
  acceptLargeBatches(app, env);
  await securityHeaders(app, env);
  installAuditRefusalHook(app);
  await mountQueueBoard(app);
  await serveDashboard(app);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new ApiExceptionFilter(app.getHttpAdapter()));
  // Under NODE_ENV=production the docs are served only with SWAGGER_ENABLED=true.
  if (!swaggerEnabled(env)) return app;
  const doc = new DocumentBuilder()
    .setTitle('Retell Ops admin API')
    .setDescription(
      'Tenant-scoped admin API over calls kept from Retell webhooks. Authenticate with "Authorization: Bearer <API key>", or with the dashboard\'s session cookie (rops_session; writes then need X-CSRF-Token).',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
