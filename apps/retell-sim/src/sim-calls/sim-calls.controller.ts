import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { SIM_SCENARIOS, type SimEvent, type SimScenario } from '../payloads';
import { PlayCallDto } from './play-call.dto';
import { SimCallsService } from './sim-calls.service';

/** Which webhooks each scenario produces, in Retell's natural order. */
const SCENARIO_EVENTS: Record<SimScenario, SimEvent[]> = {
  answered: ['call_started', 'call_ended', 'call_analyzed'],
  voicemail: ['call_started', 'call_ended', 'call_analyzed'],
  no_answer: ['call_ended', 'call_analyzed'],
  busy: ['call_ended', 'call_analyzed'],
};

@Controller('sim')
export class SimCallsController {
  constructor(private readonly calls: SimCallsService) {}

  @Post('calls')
  @HttpCode(201)
  async play(@Body() dto: PlayCallDto) {
    const call = await this.calls.play(dto);
    return {
      callId: call.callId,
      scenario: call.scenario,
      deliveries: call.deliveries.map((d) => ({
        event: d.event,
        status: d.status,
        ...(d.error && { error: d.error }),
        ...(d.tries > 1 && { tries: d.tries }),
      })),
      ...(call.dropped.length && { dropped: call.dropped.map((d) => d.event) }),
    };
  }

  @Get('calls')
  list() {
    return { items: this.calls.list() };
  }

  @Get('calls/:callId')
  get(@Param('callId') callId: string) {
    const call = this.calls.get(callId);
    if (!call) throw new NotFoundException(`no simulated call ${callId}`);
    return call;
  }

  @Get('scenarios')
  scenarios() {
    return { scenarios: SIM_SCENARIOS.map((name) => ({ name, events: SCENARIO_EVENTS[name] })) };
  }
}
