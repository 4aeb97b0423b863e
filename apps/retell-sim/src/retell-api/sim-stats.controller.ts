import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CallEngine } from './call-engine.service';

/** The simulator's own record of the calls its Retell API placed (no API key; like /sim/calls). */
@Controller('sim')
export class SimStatsController {
  constructor(private readonly engine: CallEngine) {}

  @Get('stats')
  stats() {
    return this.engine.stats();
  }

  /** Every create-phone-call since start or reset: the number, the call (none for a 429) and whether it rang. */
  @Get('creates')
  creates() {
    return this.engine.createRecords();
  }

  @Post('reset')
  @HttpCode(204)
  reset(): void {
    this.engine.reset();
  }
}
