import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { LIVE_SPEAKERS } from '@retell-ops/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { LiveTranscripts, type LiveTranscriptView } from './live-transcript.service';

class UtteranceResource {
  @ApiProperty({ enum: LIVE_SPEAKERS }) role: string;
  @ApiProperty() content: string;
}

export class LiveTranscriptResource {
  @ApiProperty({ description: "The platform's call id" }) id: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "Retell's call id" }) callId: string | null;
  @ApiProperty() status: string;
  @ApiProperty({ enum: ['live', 'stored', 'none'], description: 'live: the latest transcript_updated; stored: the final transcript; none: nothing yet' })
  source: string;
  @ApiProperty({ description: 'Turns in the whole transcript; a live one lists at most the last 200' }) count: number;
  @ApiProperty({ type: [UtteranceResource] }) utterances: UtteranceResource[];
  @ApiPropertyOptional({ type: String, nullable: true }) updatedAt: string | null;
}

@ApiTags('calls')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/calls')
export class LiveTranscriptController {
  constructor(private readonly transcripts: LiveTranscripts) {}

  @Get(':callId/live-transcript')
  @RequirePermission('calls:read')
  @ApiOperation({ summary: "A call's transcript as it grows while the call is live (Retell's call id or ours); the stored transcript once it ended" })
  @ApiOkResponse({ type: LiveTranscriptResource })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() p: Principal, @Param('callId') callId: string): Promise<LiveTranscriptView> {
    return this.transcripts.get(p.tenantId, callId);
  }
}
