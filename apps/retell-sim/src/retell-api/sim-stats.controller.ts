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

  @Post('reset')
  @HttpCode(204)
  reset(): void {
    this.engine.reset();
  }
}
