import { BadRequestException, Controller, Get, Headers, Res, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { isLiveEventId, LiveEventHub, type LiveHistory } from '@retell-ops/live-events';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { LiveStream } from './live-stream';

const DESCRIPTION = `A Server-Sent Events stream of the caller's tenant only. It starts with \`retry: 3000\`, sends a \`: ping\` comment every 15 s, and each event as \`id\` (opaque, ordered), \`event\` (its type) and \`data\` (one-line JSON, no tenant id; \`at\` is when it was published):

- \`call.updated\` \`{ id, callId, status, outcome, dialRequestId, batchId, candidateId, at }\` (id: the platform's call id; callId: Retell's, or null)
- \`dial.updated\` \`{ dialRequestId, status, batchId, callId, at }\` (queued → dialing → live → completed / failed / cancelled)
- \`batch.progress\` \`{ batchId, status, total, counts: { queued, live, completed, failed, canceled }, at }\`
- \`candidate.updated\` \`{ candidateId, status, at }\`
- \`interview.updated\` \`{ interviewId, candidateId, status, startsAt, at }\`
- \`reset\` \`{}\`: the Last-Event-ID is older than the history kept (about the last 1,000 events of the tenant, one hour); refetch.

Reconnecting with \`Last-Event-ID\` replays the events after it, then goes live with no gap and no duplicate. Events are hints to refetch: one may be lost if Redis is down while it is published.`;

@ApiTags('events')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly hub: LiveEventHub) {}

  @Get()
  @RequirePermission('events:read')
  @ApiOperation({
    summary: "Live updates of the tenant's calls, dial requests, batches, candidates and interviews (Server-Sent Events)",
    description: DESCRIPTION,
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'the id of the last event received; the browser sends it on reconnect' })
  @ApiOkResponse({ description: 'text/event-stream', schema: { type: 'string' } })
  @ApiBadRequestResponse({ description: 'Last-Event-ID is not an id this API issued' })
  @ApiUnauthorizedResponse()
  @ApiServiceUnavailableResponse({ description: 'Redis unavailable' })
  async stream(@CurrentPrincipal() p: Principal, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const resumeFrom = lastEventId?.trim() || undefined;
    if (resumeFrom !== undefined && (resumeFrom.length > 64 || !isLiveEventId(resumeFrom)))
      throw new BadRequestException('Last-Event-ID is not an event id this API issued');

    let stop: () => void = () => undefined;
    const live = new LiveStream(reply.raw, () => stop());
    let history: LiveHistory | undefined;
    try {
      // Subscribed before the history is read, so nothing published in between is missed.
      stop = await this.hub.listen(p.tenantId, live.receive, () => live.end());
      history = resumeFrom ? await this.hub.history(p.tenantId, resumeFrom) : undefined;
    } catch {
      stop();
      throw new ServiceUnavailableException('live events are unavailable (Redis); try again');
    }
    // From here the response is written by hand, unbuffered and uncompressed.
    reply.hijack();
    live.start(history, resumeFrom);
  }
}
