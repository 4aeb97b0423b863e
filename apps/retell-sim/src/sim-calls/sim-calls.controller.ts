import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { BOOKING_TOOL_NAMES } from '../live/booking';
import { SIM_SCENARIOS, type SimScenario, type WebhookEvent } from '../payloads';
import { PlayCallDto } from './play-call.dto';
import { SimCallsService } from './sim-calls.service';

/** Which webhooks each scenario produces, in Retell's natural order. */
const SCENARIO_EVENTS: Record<SimScenario, WebhookEvent[]> = {
  answered: ['call_started', 'call_ended', 'call_analyzed'],
  voicemail: ['call_started', 'call_ended', 'call_analyzed'],
  no_answer: ['call_ended', 'call_analyzed'],
  busy: ['call_ended', 'call_analyzed'],
  booking: ['call_started', 'call_ended', 'call_analyzed'],
  transfer: ['call_started', 'transfer_started', 'transfer_bridged', 'transfer_ended', 'call_ended', 'call_analyzed'],
  transfer_cancelled: ['call_started', 'transfer_started', 'transfer_cancelled', 'transfer_ended', 'call_ended', 'call_analyzed'],
};

/** What each scenario does beyond its webhooks. */
const SCENARIO_NOTES: Partial<Record<SimScenario, string>> = {
  booking:
    "the agent calls its LLM's custom tools during the call (get_candidate/get_customer_info, check_interview_slots/check_availability, book_interview/book_appointment) and books the first slot offered",
  transfer: 'the agent transfers the call (cold transfer); it ends with call_transfer',
  transfer_cancelled: 'the transfer does not connect; the agent comes back and hangs up',
};

@Controller('sim')
export class SimCallsController {
  constructor(private readonly calls: SimCallsService) {}

  @Post('calls')
  @HttpCode(201)
  async play(@Body() dto: PlayCallDto) {
    if (dto.scenario === 'booking' && !this.calls.hasBookingTools(dto.agentId)) {
      throw new BadRequestException(
        `scenario booking needs an agent whose Retell LLM has custom tools named ${Object.values(BOOKING_TOOL_NAMES).flat().join(', ')}`,
      );
    }
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
      ...(call.toolCalls && { toolCalls: call.toolCalls }),
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
    return {
      scenarios: SIM_SCENARIOS.map((name) => ({ name, events: SCENARIO_EVENTS[name], ...(SCENARIO_NOTES[name] && { note: SCENARIO_NOTES[name] }) })),
      // liveTranscript adds transcript_updated at each turn change and a final one before call_ended, to any connected call
      options: { liveTranscript: 'transcript_updated at each turn change and a final one as the call ends' },
    };
  }
}
