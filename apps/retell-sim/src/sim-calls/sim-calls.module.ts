import { Module } from '@nestjs/common';
import { CallHistory } from './call-history';
import { SimCallsController } from './sim-calls.controller';
import { SimCallsService } from './sim-calls.service';

@Module({ controllers: [SimCallsController], providers: [SimCallsService, CallHistory] })
export class SimCallsModule {}
