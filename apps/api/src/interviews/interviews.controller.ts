import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ListInterviewsQuery, RescheduleInterviewBody } from './interview.dto';
import { InterviewPage, InterviewResource } from './interview.resource';
import { InterviewsService } from './interviews.service';

@ApiTags('interviews')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/interviews')
export class InterviewsController {
  constructor(private readonly interviews: InterviewsService) {}

  @Get()
  @RequirePermission('interviews:read')
  @ApiOperation({ summary: "List the tenant's interviews, soonest first (interviews without a time last)" })
  @ApiOkResponse({ type: InterviewPage })
  list(@CurrentPrincipal() p: Principal, @Query() query: ListInterviewsQuery): Promise<InterviewPage> {
    return this.interviews.list(p.tenantId, query);
  }

  @Get(':id')
  @RequirePermission('interviews:read')
  @ApiOperation({ summary: 'One interview' })
  @ApiOkResponse({ type: InterviewResource })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<InterviewResource> {
    return this.interviews.get(p.tenantId, id);
  }

  @Post(':id/reschedule')
  @RequirePermission('interviews:write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move an interview (SEQUENCE + 1; reminders follow)',
    description: 'A cancelled interview, or a time the interviewer is already booked, is 409; a time in the past or one that cannot be resolved is 400.',
  })
  @ApiOkResponse({ type: InterviewResource })
  @ApiBadRequestResponse()
  @ApiConflictResponse()
  @ApiForbiddenResponse({ description: 'viewer key' })
  @ApiNotFoundResponse()
  reschedule(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: RescheduleInterviewBody): Promise<InterviewResource> {
    return this.interviews.reschedule(p.tenantId, id, body);
  }

  @Post(':id/cancel')
  @RequirePermission('interviews:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an interview (SEQUENCE + 1; its reminders are removed). Cancelling again changes nothing.' })
  @ApiOkResponse({ type: InterviewResource })
  @ApiForbiddenResponse({ description: 'viewer key' })
  @ApiNotFoundResponse()
  cancel(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<InterviewResource> {
    return this.interviews.cancel(p.tenantId, id);
  }

  @Get(':id/ics')
  @RequirePermission('interviews:read')
  @ApiOperation({ summary: 'The interview as an RFC 5545 calendar file (STATUS:CANCELLED once cancelled)' })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'text/calendar; charset=utf-8', schema: { type: 'string' } })
  @ApiConflictResponse({ description: 'the interview has no time yet (needs review)' })
  @ApiNotFoundResponse()
  @Header('cache-control', 'no-store')
  async ics(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const file = await this.interviews.ics(p.tenantId, id);
    reply.header('content-type', 'text/calendar; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${file.filename}"`);
    return file.body;
  }
}
