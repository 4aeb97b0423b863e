import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { InboundCallsService } from './inbound-calls.service';
import { PlayInboundCallDto } from './play-call.dto';

@Controller('sim')
export class InboundCallsController {
  constructor(private readonly inbound: InboundCallsService) {}

  /** Plays an inbound call: asks the number's inbound webhook, then plays the call it decided (or none). */
  @Post('inbound-calls')
  @HttpCode(201)
  async play(@Body() dto: PlayInboundCallDto) {
    const played = await this.inbound.play(dto);
    const { call, ...rest } = played;
    return {
      ...rest,
      ...(call && {
        deliveries: call.deliveries.map((d) => ({ event: d.event, status: d.status, ...(d.error && { error: d.error }) })),
        ...(call.toolCalls && { toolCalls: call.toolCalls }),
      }),
    };
  }
}
