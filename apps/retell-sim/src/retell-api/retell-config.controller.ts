import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CallEngine } from './call-engine.service';
import { assetNotFound, badRequest } from './retell-errors';
import { RetellAuthGuard } from './retell-auth.guard';

type ListQuery = { limit?: string; pagination_key?: string; sort_order?: string };

function versionOf(version: string | undefined): number | undefined {
  if (version === undefined) return undefined;
  if (!/^\d+$/.test(version)) throw badRequest('version must be a non-negative integer.');
  return Number(version);
}

/**
 * Retell's agent, Retell-LLM and phone-number endpoints at the paths retell-sdk 5.66.1 calls
 * (docs/retell.md#rest-api): what the platform's agent connect/sync/export/import and phone-number
 * routes use. Unknown ids are 422 with Retell's message, as Retell answers them.
 */
@Controller()
@UseGuards(RetellAuthGuard)
export class RetellConfigController {
  constructor(private readonly engine: CallEngine) {}

  @Get('get-agent/:agent_id')
  getAgent(@Param('agent_id') agentId: string, @Query('version') version?: string) {
    const agent = this.engine.agents.response(agentId, versionOf(version));
    if (!agent) throw assetNotFound();
    return agent;
  }

  @Post('v2/list-agents')
  @HttpCode(200)
  listAgents(@Query() query: ListQuery, @Body() body: unknown) {
    return this.engine.agents.listAgents(query, body);
  }

  @Post('create-agent')
  @HttpCode(201)
  createAgent(@Body() body: unknown) {
    return this.engine.agents.createAgent(body);
  }

  @Patch('update-agent/:agent_id')
  updateAgent(@Param('agent_id') agentId: string, @Query('version') version: string | undefined, @Body() body: unknown) {
    versionOf(version);
    const agent = this.engine.agents.updateAgent(agentId, body);
    if (!agent) throw assetNotFound();
    return agent;
  }

  @Get('get-retell-llm/:llm_id')
  getLlm(@Param('llm_id') llmId: string, @Query('version') version?: string) {
    const llm = this.engine.agents.llm(llmId, versionOf(version));
    if (!llm) throw assetNotFound();
    return llm;
  }

  @Post('create-retell-llm')
  @HttpCode(201)
  createLlm(@Body() body: unknown) {
    return this.engine.agents.createLlm(body);
  }

  @Patch('update-retell-llm/:llm_id')
  updateLlm(@Param('llm_id') llmId: string, @Query('version') version: string | undefined, @Body() body: unknown) {
    versionOf(version);
    const llm = this.engine.agents.updateLlm(llmId, body);
    if (!llm) throw assetNotFound();
    return llm;
  }

  @Get('v2/list-phone-numbers')
  listPhoneNumbers(@Query() query: ListQuery) {
    return this.engine.agents.listNumbers(query);
  }

  @Get('get-phone-number/:phone_number')
  getPhoneNumber(@Param('phone_number') phoneNumber: string) {
    const number = this.engine.agents.number(phoneNumber);
    if (!number) throw assetNotFound();
    return number;
  }

  @Patch('update-phone-number/:phone_number')
  updatePhoneNumber(@Param('phone_number') phoneNumber: string, @Body() body: unknown) {
    const number = this.engine.agents.updateNumber(phoneNumber, body);
    if (!number) throw assetNotFound();
    return number;
  }
}
