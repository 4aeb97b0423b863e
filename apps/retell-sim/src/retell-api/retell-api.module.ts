import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CallEngine } from './call-engine.service';
import { RetellApiController } from './retell-api.controller';
import { RetellAuthGuard } from './retell-auth.guard';
import { RetellConfigController } from './retell-config.controller';
import { RetellErrorFilter } from './retell-errors';
import { SimStatsController } from './sim-stats.controller';

/** Retell's REST API, played by the simulator; every error outside /sim and /health in Retell's body. */
@Module({
  controllers: [RetellApiController, RetellConfigController, SimStatsController],
  providers: [CallEngine, RetellAuthGuard, { provide: APP_FILTER, useClass: RetellErrorFilter }],
  exports: [CallEngine],
})
export class RetellApiModule {}
