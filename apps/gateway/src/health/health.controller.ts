import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PgPool } from '@retell-ops/db/pg-pool';
import { EventQueues } from '../queues/event-queues';

@Controller()
export class HealthController {
  constructor(
    private readonly pool: PgPool,
    private readonly queues: EventQueues,
  ) {}

  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: FastifyReply): Promise<void> {
    const [postgres, redis] = await Promise.all([
      this.pool.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      this.queues.ping(),
    ]);
    const ok = postgres && redis;
    res.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', postgres: postgres ? 'up' : 'down', redis: redis ? 'up' : 'down' });
  }
}
