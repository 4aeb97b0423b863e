import { Controller, Get, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { indicator, runReadiness } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { QueueProducers } from '@retell-ops/queue';
import { PublicRoute } from '../auth/permissions.decorator';

/** Liveness and readiness (terminus): ready while PostgreSQL and Redis both answer; 503 otherwise. */
@ApiExcludeController()
@PublicRoute()
@Controller()
export class HealthController {
  private readonly checks;

  constructor(
    private readonly terminus: HealthCheckService,
    indicators: HealthIndicatorService,
    prisma: PrismaService,
    producers: QueueProducers,
  ) {
    this.checks = [
      indicator(indicators, 'postgres', () => prisma.$queryRaw`SELECT 1`),
      indicator(indicators, 'redis', async () => {
        if (!(await producers.ping())) throw new Error('Redis does not answer PING');
      }),
    ];
  }

  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: FastifyReply): Promise<void> {
    const { status, body } = await runReadiness(this.terminus, this.checks);
    res.status(status).send(body);
  }
}
