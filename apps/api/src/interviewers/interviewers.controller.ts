import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CreateInterviewerBody, InterviewerList, InterviewerResource, UpdateInterviewerBody } from './interviewer.dto';
import { InterviewersService } from './interviewers.service';

@ApiTags('interviewers')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/interviewers')
export class InterviewersController {
  constructor(private readonly interviewers: InterviewersService) {}

  @Get()
  @RequirePermission('interviews:read')
  @ApiOperation({ summary: "The tenant's interviewers and their working hours, by name" })
  @ApiOkResponse({ type: InterviewerList })
  list(@CurrentPrincipal() p: Principal): Promise<InterviewerList> {
    return this.interviewers.list(p.tenantId);
  }

  @Post()
  @RequirePermission('interviews:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add an interviewer (name unique within the tenant) with working hours in their zone: the agent offers and books their free slots' })
  @ApiCreatedResponse({ type: InterviewerResource })
  @ApiBadRequestResponse({ description: 'unreadable working hours, an unknown zone or position' })
  @ApiConflictResponse({ description: 'the name is taken' })
  @ApiForbiddenResponse({ description: 'a role without interviews:write' })
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateInterviewerBody): Promise<InterviewerResource> {
    return this.interviewers.create(p.tenantId, body);
  }

  @Patch(':id')
  @RequirePermission('interviews:write')
  @ApiOperation({ summary: 'Change an interviewer (absent fields stay); active false stops offering their slots' })
  @ApiOkResponse({ type: InterviewerResource })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'the name is taken' })
  @ApiForbiddenResponse({ description: 'a role without interviews:write' })
  @ApiNotFoundResponse()
  update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: UpdateInterviewerBody): Promise<InterviewerResource> {
    return this.interviewers.update(p.tenantId, id, body);
  }

  @Delete(':id')
  @RequirePermission('interviews:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an interviewer; their interviews stay' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'a role without interviews:write' })
  @ApiNotFoundResponse()
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.interviewers.remove(p.tenantId, id);
  }
}
