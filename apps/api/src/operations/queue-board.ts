import { HttpException, Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { can } from '@retell-ops/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { QueueInspector } from './queue-inspector';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues: every queue of the platform (names and prefix from libs/queue),
 * behind the admin API's own authentication (a bearer key or the session cookie, ApiKeyGuard) and
 * the admin role (operations:write): no credentials 401, a viewer or recruiter 403.
 *
 * Read-only: the board shows every tenant's jobs, so its retry/clean/remove buttons are off; a
 * tenant's retries go through POST /api/v1/failed-jobs/..., which keeps them to the tenant's own
 * jobs and records who did what.
 */
export async function mountQueueBoard(app: NestFastifyApplication): Promise<void> {
  const inspector = app.get(QueueInspector);
  const guard = app.get(ApiKeyGuard);
  const logger = new Logger('QueueBoard');
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: inspector.allQueues().map(({ queue }) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Retell Ops queues' } },
  });
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      try {
        const principal = await guard.authenticateRequest(req as never);
        if (!can(principal.role, 'operations:write')) {
          return reply
            .code(403)
            .send({ statusCode: 403, code: 'forbidden', message: `the ${principal.role} role may not open the queue board (needs operations:write)` });
        }
      } catch (e) {
        if (e instanceof HttpException) return reply.code(e.getStatus()).send({ statusCode: e.getStatus(), message: e.message });
        logger.error(`queue board authentication failed: ${String((e as Error).message).slice(0, 200)}`);
        return reply.code(503).send({ statusCode: 503, message: 'authentication is unavailable, retry later' });
      }
    });
    await scope.register(serverAdapter.registerPlugin() as never, { prefix: QUEUE_BOARD_PATH });
  });
}
