import { Module, type DynamicModule } from '@nestjs/common';
import { SimConfigModule } from './config/sim-config.module';
import type { SimConfig } from './config/sim-config';
import { HealthModule } from './health/health.module';
import { RetellApiModule } from './retell-api/retell-api.module';
import { SimCallsModule } from './sim-calls/sim-calls.module';

/** Feature modules sit side by side: health, played calls (/sim/calls) and Retell's REST API. */
@Module({})
export class AppModule {
  static register(config: SimConfig): DynamicModule {
    return { module: AppModule, imports: [SimConfigModule.register(config), HealthModule, SimCallsModule, RetellApiModule] };
  }
}
