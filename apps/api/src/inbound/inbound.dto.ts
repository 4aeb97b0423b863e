import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Min, ValidateNested } from 'class-validator';
import { CANDIDATE_STATUSES, INBOUND_CALLERS, INBOUND_RULE_LIMITS, type CandidateStatus, type InboundCallerKind } from '@retell-ops/domain';
import { PageQuery } from '../common/keyset-page';

export class InboundAgentRuleBody {
  @ApiProperty({ enum: INBOUND_CALLERS, description: 'known: the number is one of your candidates; unknown: it is not; any: everyone' })
  @IsIn(INBOUND_CALLERS)
  caller: InboundCallerKind;

  @ApiPropertyOptional({ enum: CANDIDATE_STATUSES, isArray: true, description: 'known callers in one of these pipeline statuses only' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CANDIDATE_STATUSES.length)
  @IsIn(CANDIDATE_STATUSES, { each: true })
  statuses?: CandidateStatus[];

  @ApiPropertyOptional({ description: 'known callers with (true) or without (false) an upcoming interview only' })
  @IsOptional()
  @IsBoolean()
  interviewBooked?: boolean;

  @ApiProperty({ example: 'agent_4f2c9a', description: 'the Retell agent that answers (override_agent_id)' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,128}$/, { message: 'agentId must be a Retell agent id (letters, digits, _ and -)' })
  agentId: string;

  @ApiPropertyOptional({ minimum: 0, description: 'override_agent_version; absent: the agent’s current version' })
  @IsOptional()
  @IsInt()
  @Min(0)
  agentVersion?: number;
}

export class InboundRulesBody {
  @ApiProperty({ type: [String], example: ['+14155550999', '+1900*'], description: 'E.164 numbers, or prefixes ending in *, whose calls are rejected' })
  @IsArray()
  @ArrayMaxSize(INBOUND_RULE_LIMITS.blockedNumbers)
  @Matches(/^\+[1-9]\d{0,14}\*?$/, { each: true, message: 'each of blockedNumbers must be an E.164 number or a prefix ending in *' })
  blockedNumbers: string[];

  @ApiProperty({ type: [InboundAgentRuleBody], description: 'the first rule that matches chooses the agent' })
  @IsArray()
  @ArrayMaxSize(INBOUND_RULE_LIMITS.agentRules)
  @ValidateNested({ each: true })
  @Type(() => InboundAgentRuleBody)
  agentRules: InboundAgentRuleBody[];
}

export class InboundRulesResource extends InboundRulesBody {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'when the rules were last saved (null: never)' }) updatedAt: string | null;
  @ApiProperty({ example: 'https://ops.example.com/webhooks/retell/inbound/acme', description: 'the inbound_webhook_url a number points at for this tenant' })
  inboundWebhookUrl: string;
}

export class InboundDecisionResource {
  @ApiProperty({ description: 'stream entry id' }) id: string;
  @ApiProperty({ description: 'epoch ms' }) at: number;
  @ApiProperty({ enum: ['known', 'unknown', 'rejected', 'degraded'] }) kind: string;
  @ApiProperty({ description: 'a retry of a delivery already answered (given the same answer)' }) replayed: boolean;
  @ApiProperty() fromNumber: string;
  @ApiProperty() toNumber: string;
  @ApiPropertyOptional({ type: String, nullable: true }) candidateId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'override_agent_id answered' }) agentId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'the blocked pattern, the agent rule, or what was slow' }) reason: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Retell’s call id (or chat id), when the delivery carried one' }) callId: string | null;
  @ApiProperty({ enum: ['call', 'chat'], description: 'call_inbound (a call) or chat_inbound (a text to the number)' }) channel: 'call' | 'chat';
}

export class InboundDecisionPage {
  @ApiProperty({ type: [InboundDecisionResource] }) data: InboundDecisionResource[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor: string | null;
}

export class InboundDecisionsQuery extends PageQuery {}
