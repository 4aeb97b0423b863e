import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, StreamableFile, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { csvDownload } from '../exports/csv-download';
import { CANDIDATE_EXPORT_HEADER } from './candidate-csv';
import { CandidateFilterQuery, CreateCandidateBody, ListCandidatesQuery, UpdateCandidateBody } from './candidate.dto';
import { CandidateDetail, CandidatePage, CandidateResource, RetellCallDataResult } from './candidate.resource';
import { CandidateCounter, CandidateCounts } from './candidate-counts';
import { candidateFilterOf } from './candidate-query';
import { CandidatesService } from './candidates.service';
import { RetellCallDataBody, SEED_CALL_EXAMPLE } from './retell-call-data.dto';

const ID_PARAM = { name: 'id', description: "The candidate's id, or the tenant's own id for it (externalId), e.g. 199" };

@ApiTags('candidates')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/candidates')
export class CandidatesController {
  constructor(
    private readonly candidates: CandidatesService,
    private readonly counter: CandidateCounter,
  ) {}

  @Post()
  @RequirePermission('candidates:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a candidate' })
  @ApiCreatedResponse({ type: CandidateResource })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'externalId already used in this tenant' })
  @ApiForbiddenResponse({ description: 'viewer key' })
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateCandidateBody): Promise<CandidateResource> {
    return this.candidates.create(p.tenantId, body);
  }

  @Get()
  @RequirePermission('candidates:read')
  @ApiOperation({ summary: "List the tenant's candidates, newest first" })
  @ApiOkResponse({ type: CandidatePage })
  list(@CurrentPrincipal() p: Principal, @Query() query: ListCandidatesQuery): Promise<CandidatePage> {
    return this.candidates.list(p.tenantId, query);
  }

  @Get('counts')
  @RequirePermission('candidates:read')
  @ApiOperation({ summary: "How many of the tenant's candidates are in each pipeline status (the board's columns)" })
  @ApiOkResponse({ type: CandidateCounts })
  counts(@CurrentPrincipal() p: Principal): Promise<CandidateCounts> {
    return this.counter.counts(p.tenantId);
  }

  @Get('export.csv')
  @RequirePermission('candidates:read')
  @ApiOperation({ summary: 'Every candidate the list would show for these filters, newest first, as a CSV download (streamed)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv, one header line then one line per candidate' })
  export(@CurrentPrincipal() p: Principal, @Query() query: CandidateFilterQuery): StreamableFile {
    const filter = candidateFilterOf(query); // bad input is refused before the download starts
    return csvDownload('candidates.csv', CANDIDATE_EXPORT_HEADER, this.candidates.exportBatches(p.tenantId, filter));
  }

  @Get(':id')
  @RequirePermission('candidates:read')
  @ApiOperation({ summary: 'One candidate with its calls, interviews and callback tasks' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: CandidateDetail })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<CandidateDetail> {
    return this.candidates.get(p.tenantId, id);
  }

  @Patch(':id')
  @RequirePermission('candidates:write')
  @ApiOperation({ summary: 'Change a candidate (absent fields stay, null clears an optional one); status moves follow the pipeline (409 when not allowed)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: CandidateResource })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'status move not allowed, or externalId taken' })
  @ApiForbiddenResponse({ description: 'viewer key' })
  @ApiNotFoundResponse()
  update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: UpdateCandidateBody): Promise<CandidateResource> {
    return this.candidates.update(p.tenantId, id, body);
  }

  @Delete(':id')
  @RequirePermission('candidates:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a candidate with its interviews, callbacks and screenings (its calls stay, unlinked)' })
  @ApiParam(ID_PARAM)
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'viewer key' })
  @ApiNotFoundResponse()
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.candidates.remove(p.tenantId, id);
  }

  @Post(':id/retell-call-data')
  @RequirePermission('candidates:write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Save a Retell call object for this candidate, exactly as the call_analyzed webhook would',
    description:
      'The manual save of the recruiting guide: the body is a Retell call object (get-call, or the call of a call_analyzed webhook). ' +
      'It is recorded as the call_analyzed delivery, its analysis applied to the candidate (screening fields, status), and the interview or callback it asks for booked. ' +
      'Saving the same call again changes nothing (applied: false). A call already recorded for another candidate is 409.',
  })
  @ApiParam(ID_PARAM)
  @ApiBody({ type: RetellCallDataBody, examples: { guide: { summary: "The recruiting guide's example (candidate 199)", value: SEED_CALL_EXAMPLE } } })
  @ApiOkResponse({ type: RetellCallDataResult })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'the call belongs to another candidate' })
  @ApiForbiddenResponse({ description: 'viewer key' })
  @ApiNotFoundResponse()
  saveRetellCallData(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: RetellCallDataBody): Promise<RetellCallDataResult> {
    return this.candidates.saveRetellCallData(p.tenantId, id, body);
  }
}
