import { Module } from '@nestjs/common';
import { RetellApiModule } from '../retell-api/retell-api.module';
import { CallHistory } from './call-history';
import { InboundCallsController } from './inbound-calls.controller';
import { InboundCallsService } from './inbound-calls.service';
import { SimCallsController } from './sim-calls.controller';
import { SimCallsService } from './sim-calls.service';

@Module({
  imports: [RetellApiModule],
  controllers: [SimCallsController, InboundCallsController],
  providers: [SimCallsService, InboundCallsService, CallHistory],
})
export class SimCallsModule {}
