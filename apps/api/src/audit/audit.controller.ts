import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { AuditPage, ListAuditQuery } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@ApiUnauthorizedResponse({ description: 'no key, or an unknown, revoked or expired one' })
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermission('audit:read')
  @ApiOperation({ summary: "The tenant's audit log: every mutating request (and sign-in/out), newest first, with filters and cursor paging" })
  @ApiOkResponse({ type: AuditPage })
  @ApiBadRequestResponse({ description: 'bad filter or cursor' })
  @ApiForbiddenResponse({ description: 'roles without audit:read (recruiter, viewer)' })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListAuditQuery): Promise<AuditPage> {
    return this.audit.list(p.tenantId, q);
  }
}
