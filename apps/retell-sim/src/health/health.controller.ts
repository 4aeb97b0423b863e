import { Controller, Get, Inject } from '@nestjs/common';
import { SIM_CONFIG, type SimConfig } from '../config/sim-config';

@Controller('health')
export class HealthController {
  constructor(@Inject(SIM_CONFIG) private readonly config: SimConfig) {}

  @Get()
  health() {
    return { status: 'ok', gatewayUrl: this.config.gatewayUrl };
  }
}
