import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PrismaService } from '@retell-ops/db';
import { PublicRoute } from '../auth/permissions.decorator';

@ApiExcludeController()
@PublicRoute()
@Controller()
export class HealthController {
  constructor(private readonly prisma: PrismaService) {}

  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: FastifyReply): Promise<void> {
    const postgres = await this.prisma.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    res.status(postgres ? 200 : 503).send({ status: postgres ? 'ready' : 'not_ready', postgres: postgres ? 'up' : 'down' });
  }
}
