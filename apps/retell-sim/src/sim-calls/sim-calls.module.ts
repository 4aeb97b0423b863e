import { Module } from '@nestjs/common';
import { RetellApiModule } from '../retell-api/retell-api.module';
import { CallHistory } from './call-history';
import { SimCallsController } from './sim-calls.controller';
import { SimCallsService } from './sim-calls.service';

@Module({ imports: [RetellApiModule], controllers: [SimCallsController], providers: [SimCallsService, CallHistory] })
export class SimCallsModule {}
