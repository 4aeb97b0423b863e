import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AgentDocument } from '@retell-ops/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { AgentDocumentBody, AgentResource, ConnectAgentBody, ImportResultResource, SyncAllResource } from './agents.dto';
import { AgentsService, type AgentStatus, type SyncResult } from './agents.service';

const RETELL_REFUSED = { description: "Retell refused (an agent unknown under the tenant's key, …): its answer in message" };
const RETELL_DOWN = { description: 'Retell could not be reached' };

/** A tenant's Retell agents, kept in step with Retell (docs/agents.md). */
@ApiTags('agents')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @RequirePermission('agents:read')
  @ApiOperation({ summary: "The tenant's agents (webhooks on /webhooks/retell are routed by the connected ones), each with its status" })
  @ApiOkResponse({ type: [AgentResource] })
  list(@CurrentPrincipal() p: Principal): Promise<AgentStatus[]> {
    return this.agents.list(p.tenantId);
  }

  @Post()
  @RequirePermission('agents:write')
  @HttpCode(201)
  @ApiOperation({ summary: "Connect a Retell agent: Retell's get-agent under the tenant's key must know it; what it answers is stored" })
  @ApiCreatedResponse({ type: AgentResource })
  @ApiConflictResponse({ description: 'the agent belongs to another tenant' })
  @ApiForbiddenResponse({ description: 'viewer key' })
  @ApiUnprocessableEntityResponse(RETELL_REFUSED)
  @ApiServiceUnavailableResponse(RETELL_DOWN)
  connect(@CurrentPrincipal() p: Principal, @Body() body: ConnectAgentBody): Promise<AgentStatus> {
    return this.agents.connect(p.tenantId, body.retellAgentId, body.name);
  }

  @Post('import')
  @RequirePermission('agents:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or update the agent and its Retell LLM at Retell from an exported document, then connect it' })
  @ApiOkResponse({ type: ImportResultResource })
  @ApiConflictResponse({ description: 'the agent belongs to another tenant (nothing is changed at Retell)' })
  @ApiUnprocessableEntityResponse(RETELL_REFUSED)
  @ApiServiceUnavailableResponse(RETELL_DOWN)
  import(@CurrentPrincipal() p: Principal, @Body() body: AgentDocumentBody) {
    return this.agents.import(p.tenantId, body as AgentDocument);
  }

  @Post('sync')
  @RequirePermission('agents:write')
  @HttpCode(200)
  @ApiOperation({ summary: "Refresh every connected agent from Retell's get-agent; one failing does not stop the others" })
  @ApiOkResponse({ type: SyncAllResource })
  syncAll(@CurrentPrincipal() p: Principal): Promise<SyncResult> {
    return this.agents.syncAll(p.tenantId);
  }

  @Get(':agentId')
  @RequirePermission('agents:read')
  @ApiOperation({ summary: 'Status: connected, name, voice, language, version, last event seen, online, warnings' })
  @ApiOkResponse({ type: AgentResource })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() p: Principal, @Param('agentId') agentId: string): Promise<AgentStatus> {
    return this.agents.get(p.tenantId, agentId);
  }

  @Delete(':agentId')
  @RequirePermission('agents:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disconnect: its webhooks stop being routed to the tenant (within 30 s, the gateway cache); calls and events are kept' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async disconnect(@CurrentPrincipal() p: Principal, @Param('agentId') agentId: string): Promise<void> {
    await this.agents.disconnect(p.tenantId, agentId);
  }

  @Post(':agentId/sync')
  @RequirePermission('agents:write')
  @HttpCode(200)
  @ApiOperation({ summary: "Refresh the agent from Retell's get-agent" })
  @ApiOkResponse({ type: AgentResource })
  @ApiNotFoundResponse()
  @ApiUnprocessableEntityResponse(RETELL_REFUSED)
  @ApiServiceUnavailableResponse(RETELL_DOWN)
  sync(@CurrentPrincipal() p: Principal, @Param('agentId') agentId: string): Promise<AgentStatus> {
    return this.agents.sync(p.tenantId, agentId);
  }

  @Get(':agentId/export')
  @RequirePermission('agents:read')
  @ApiOperation({ summary: 'The agent and its Retell LLM as one JSON document (keys sorted, tool header values redacted), for git' })
  @ApiOkResponse({ type: AgentDocumentBody })
  @ApiNotFoundResponse()
  @ApiUnprocessableEntityResponse(RETELL_REFUSED)
  @ApiServiceUnavailableResponse(RETELL_DOWN)
  @Header('cache-control', 'no-store')
  async export(@CurrentPrincipal() p: Principal, @Param('agentId') agentId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const doc = await this.agents.export(p.tenantId, agentId);
    const filename = `${agentId.replace(/[^A-Za-z0-9_.-]/g, '_')}.agent.json`;
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${filename}"`);
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
}
