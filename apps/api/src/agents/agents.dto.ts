import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { AGENT_DOCUMENT_FORMAT } from '@retell-ops/domain';

export class ConnectAgentBody {
  @ApiProperty({ description: "Retell's agent_id; Retell's get-agent must know it under the tenant's key" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  retellAgentId: string;

  @ApiPropertyOptional({ description: 'used only when Retell has no agent_name for it' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class AgentWarningResource {
  @ApiProperty({ enum: ['analysis_fields_missing', 'webhook_elsewhere', 'webhook_account_level', 'not_synced'] }) code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ type: [String] }) fields?: string[];
}

export class AgentResource {
  @ApiProperty() retellAgentId: string;
  @ApiProperty({ description: 'false once disconnected: its webhooks are no longer routed to the tenant' }) connected: boolean;
  @ApiPropertyOptional({ type: String, nullable: true }) name: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) voiceId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) language: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) version: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) llmId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) webhookUrl: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'the latest change to one of its calls' }) lastEventAt: string | null;
  @ApiProperty({ description: 'a call of it changed in the last 5 minutes' }) online: boolean;
  @ApiProperty({ type: [AgentWarningResource] }) warnings: AgentWarningResource[];
  @ApiPropertyOptional({ type: String, nullable: true, description: 'when Retell was last asked' }) syncedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) disconnectedAt: string | null;
  @ApiProperty() createdAt: string;
}

export class SyncFailureResource {
  @ApiProperty() retellAgentId: string;
  @ApiProperty() code: string;
  @ApiProperty() message: string;
}

export class SyncAllResource {
  @ApiProperty({ type: [AgentResource] }) synced: AgentResource[];
  @ApiProperty({ type: [SyncFailureResource] }) failed: SyncFailureResource[];
}

/** The document GET /api/v1/agents/:agentId/export answers. */
export class AgentDocumentBody {
  @ApiProperty({ enum: [AGENT_DOCUMENT_FORMAT] })
  @Equals(AGENT_DOCUMENT_FORMAT, { message: `format must be '${AGENT_DOCUMENT_FORMAT}'` })
  format: typeof AGENT_DOCUMENT_FORMAT;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "Retell's agent fields (create/update-agent); agent_id: the agent to update" })
  @IsObject()
  agent: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Retell LLM fields; llm_id: the LLM to update; null: no Retell LLM' })
  @ValidateIf((_, v) => v !== null)
  @IsObject()
  llm: Record<string, unknown> | null;
}

export class ImportResultResource {
  @ApiProperty({ description: 'a new agent was made at Retell (else the one named by agent_id was updated)' }) created: boolean;
  @ApiProperty({ description: 'a new Retell LLM was made' }) llmCreated: boolean;
  @ApiProperty({ type: AgentResource }) agent: AgentResource;
}

export class PhoneNumberResource {
  @ApiProperty() phoneNumber: string;
  @ApiPropertyOptional({ type: String, nullable: true }) pretty: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) type: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) nickname: string | null;
  @ApiProperty({ type: [String] }) inboundAgentIds: string[];
  @ApiProperty({ type: [String] }) outboundAgentIds: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) inboundWebhookUrl: string | null;
  @ApiProperty({ description: "the inbound webhook is this platform's /webhooks/retell/inbound/<tenant slug>" }) inboundWebhookHere: boolean;
}
