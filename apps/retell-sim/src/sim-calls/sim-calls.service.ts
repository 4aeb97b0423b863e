import { Inject, Injectable, Logger } from '@nestjs/common';
import { SIM_CONFIG, type SimConfig } from '../config/sim-config';
import { isSuccess } from '../delivery';
import { BOOKING_TOOL_NAMES } from '../live/booking';
import { playCall, type PlayedCall, type PlayRequest } from '../play';
import { CallEngine } from '../retell-api/call-engine.service';
import { CallHistory } from './call-history';

@Injectable()
export class SimCallsService {
  private readonly logger = new Logger(SimCallsService.name);

  constructor(
    @Inject(SIM_CONFIG) private readonly config: SimConfig,
    private readonly history: CallHistory,
    private readonly engine: CallEngine,
  ) {}

  async play(req: PlayRequest): Promise<PlayedCall> {
    // The simulated Retell account holds the played call too: list-calls and get-call answer for it.
    const call = await playCall(req, this.config, (retellCall) => this.engine.adopt(retellCall), this.engine.toolRunner());
    this.history.add(call);
    const summary = [
      ...call.deliveries.map((d) => `${d.event}=${d.status || d.error}${d.tries > 1 ? ` (${d.tries} tries)` : ''}`),
      ...call.dropped.map((d) => `${d.event}=dropped`),
    ].join(' ');
    const failed = call.deliveries.some((d) => !isSuccess(d));
    this.logger[failed ? 'warn' : 'log'](`${call.scenario} ${call.callId} → ${call.url}: ${summary}`);
    return call;
  }

  /** Whether the agent (default: the default agent) has any of the booking scenario's tools. */
  hasBookingTools(agentId?: string): boolean {
    const names = Object.values(BOOKING_TOOL_NAMES).flat() as string[];
    return this.engine.agents.toolsOf(agentId ?? this.config.defaultAgentId).some((t) => names.includes(t.name));
  }

  list(): PlayedCall[] {
    return this.history.list();
  }

  get(callId: string): PlayedCall | undefined {
    return this.history.get(callId);
  }
}
