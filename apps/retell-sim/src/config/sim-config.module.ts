import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SIM_CONFIG, type SimConfig } from './sim-config';

@Global()
@Module({})
export class SimConfigModule {
  static register(config: SimConfig): DynamicModule {
    return { module: SimConfigModule, providers: [{ provide: SIM_CONFIG, useValue: config }], exports: [SIM_CONFIG] };
  }
}
