import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CallViews, type AgentActivity, type DeliveryView } from './call-views.service';

export class DeliveryResource {
  @ApiProperty({ description: 'call_started, call_ended, call_analyzed, or a transfer_* event' }) event: string;
  @ApiProperty({ description: 'When the gateway received it' }) receivedAt: string;
  @ApiPropertyOptional({ description: 'When the call worker applied it; null while it waits', type: String, nullable: true }) processedAt: string | null;
  @ApiPropertyOptional({ description: 'transfer_* events only: the destination (number, extension or SIP URI)', type: String, nullable: true })
  transferDestination?: string | null;
}

class LastCall {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ type: String, nullable: true }) callId: string | null;
  @ApiProperty() status: string;
  @ApiPropertyOptional({ type: String, nullable: true }) outcome: string | null;
  @ApiProperty() occurredAt: string;
}

export class AgentActivityResource {
  @ApiProperty() retellAgentId: string;
  @ApiPropertyOptional({ type: String, nullable: true }) name: string | null;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ type: LastCall, nullable: true }) lastCall: LastCall | null;
}

@ApiTags('calls')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1')
export class CallViewsController {
  constructor(private readonly views: CallViews) {}

  @Get('calls/:callId/deliveries')
  @RequirePermission('calls:read')
  @ApiOperation({ summary: "The webhook deliveries of one call (Retell's call id or ours): event, received, processed" })
  @ApiOkResponse({ type: [DeliveryResource] })
  @ApiNotFoundResponse()
  deliveries(@CurrentPrincipal() p: Principal, @Param('callId') callId: string): Promise<DeliveryView[]> {
    return this.views.deliveries(p.tenantId, callId);
  }

  @Get('agents/activity')
  @RequirePermission('agents:read')
  @ApiOperation({ summary: "The tenant's agents, each with its latest call" })
  @ApiOkResponse({ type: [AgentActivityResource] })
  agents(@CurrentPrincipal() p: Principal): Promise<AgentActivity[]> {
    return this.views.agentsWithLastCall(p.tenantId);
  }
}
