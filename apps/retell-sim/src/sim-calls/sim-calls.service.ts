import { Inject, Injectable, Logger } from '@nestjs/common';
import { SIM_CONFIG, type SimConfig } from '../config/sim-config';
import { isSuccess } from '../delivery';
import { playCall, type PlayedCall, type PlayRequest } from '../play';
import { CallHistory } from './call-history';

@Injectable()
export class SimCallsService {
  private readonly logger = new Logger(SimCallsService.name);

  constructor(
    @Inject(SIM_CONFIG) private readonly config: SimConfig,
    private readonly history: CallHistory,
  ) {}

  async play(req: PlayRequest): Promise<PlayedCall> {
    const call = await playCall(req, this.config);
    this.history.add(call);
    const summary = call.deliveries.map((d) => `${d.event}=${d.status || d.error}`).join(' ');
    const failed = call.deliveries.some((d) => !isSuccess(d));
    this.logger[failed ? 'warn' : 'log'](`${call.scenario} ${call.callId} → ${call.url}: ${summary}`);
    return call;
  }

  list(): PlayedCall[] {
    return this.history.list();
  }

  get(callId: string): PlayedCall | undefined {
    return this.history.get(callId);
  }
}
