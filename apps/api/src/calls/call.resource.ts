import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Call } from '@retell-ops/db';
import { ACTOR_TYPES, CALL_STATUSES, type ActorType } from '@retell-ops/domain';
import { createdByOf } from '../audit/created-by';

/** Who created a call's dial request (a user, an API key, the platform operator). */
export class CreatedByResource {
  @ApiProperty({ enum: ACTOR_TYPES }) type: ActorType;
  @ApiProperty() id: string;
  @ApiProperty({ description: "The key's name and prefix, or the person's email, when it was created" }) label: string;
}

/** What a call row is read with so that its resource can say who created it. */
export const CALL_CREATED_BY = { dialRequest: { select: { createdByType: true, createdById: true, createdByLabel: true } } } as const;

type CallWithCreator = Call & {
  dialRequest?: { createdByType: ActorType | null; createdById: string | null; createdByLabel: string | null } | null;
};

/** A call as admins see it; tenant internals stay out. */
export class CallResource {
  @ApiProperty({ description: "The platform's id of the call (also accepted by GET /api/v1/calls/:id)" }) id: string;
  @ApiPropertyOptional({ description: "Retell's call_id; null until Retell has created a call the platform placed", type: String, nullable: true }) callId:
    string | null;
  @ApiPropertyOptional({ description: 'The dial request this call is an attempt of' }) dialRequestId: string | null;
  @ApiPropertyOptional() attempt: number | null;
  @ApiPropertyOptional() agentId: string | null;
  @ApiPropertyOptional() agentVersion: number | null;
  @ApiPropertyOptional() callType: string | null;
  @ApiPropertyOptional({ enum: ['inbound', 'outbound'] }) direction: string | null;
  @ApiPropertyOptional() fromNumber: string | null;
  @ApiPropertyOptional() toNumber: string | null;
  @ApiProperty({ enum: CALL_STATUSES }) status: string;
  @ApiPropertyOptional({ description: "Retell's call_status" }) retellStatus: string | null;
  @ApiPropertyOptional() disconnectionReason: string | null;
  @ApiPropertyOptional() outcome: string | null;
  @ApiPropertyOptional() startedAt: string | null;
  @ApiPropertyOptional() endedAt: string | null;
  @ApiPropertyOptional() durationMs: number | null;
  @ApiPropertyOptional() transcript: string | null;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) transcriptObject: unknown;
  @ApiPropertyOptional() recordingUrl: string | null;
  @ApiPropertyOptional() publicLogUrl: string | null;
  @ApiPropertyOptional() summary: string | null;
  @ApiPropertyOptional({ enum: ['Positive', 'Neutral', 'Negative', 'Unknown'] }) sentiment: string | null;
  @ApiPropertyOptional() successful: boolean | null;
  @ApiPropertyOptional() inVoicemail: boolean | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) customAnalysis: unknown;
  @ApiPropertyOptional({ description: 'Retell combined_cost, in cents' }) costCents: number | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) metadata: unknown;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) dynamicVariables: unknown;
  @ApiPropertyOptional() candidateId: string | null;
  @ApiProperty({
    type: CreatedByResource,
    nullable: true,
    description: 'Who placed it (through POST /api/v1/calls or a batch); null for calls that came only from webhooks',
  })
  createdBy: CreatedByResource | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(c: CallWithCreator): CallResource {
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      id: c.id,
      callId: c.retellCallId,
      dialRequestId: c.dialRequestId,
      attempt: c.attempt,
      agentId: c.agentId,
      agentVersion: c.agentVersion,
      callType: c.callType,
      direction: c.direction,
      fromNumber: c.fromNumber,
      toNumber: c.toNumber,
      status: c.status,
      retellStatus: c.retellStatus,
      disconnectionReason: c.disconnectionReason,
      outcome: c.outcome,
      startedAt: iso(c.startedAt),
      endedAt: iso(c.endedAt),
      durationMs: c.durationMs,
      transcript: c.transcript,
      transcriptObject: c.transcriptObject,
      recordingUrl: c.recordingUrl,
      publicLogUrl: c.publicLogUrl,
      summary: c.summary,
      sentiment: c.sentiment,
      successful: c.successful,
      inVoicemail: c.inVoicemail,
      customAnalysis: c.customAnalysis,
      costCents: c.costCents === null ? null : Number(c.costCents),
      metadata: c.metadata,
      dynamicVariables: c.dynamicVariables,
      candidateId: c.candidateId,
      createdBy: createdByOf(c.dialRequest),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}

export class CallPage {
  @ApiProperty({ type: [CallResource] }) data: CallResource[];
  @ApiPropertyOptional({ description: 'Pass as ?cursor= for the next page; null on the last page', type: String, nullable: true }) nextCursor: string | null;
}
