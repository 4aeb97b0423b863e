import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ChangeRoleBody, CreateInvitationBody, InvitationCreatedResource, MemberResource, UsersResource } from './people.dto';
import { UsersService } from './users.service';

/**
 * The dashboard's origin for the invitation link: the Origin the browser sent (the dashboard
 * itself, also behind Vite's dev proxy), else this API's own scheme and host.
 */
function originOf(req: FastifyRequest): string {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && /^https?:\/\/[A-Za-z0-9.:[\]-]{1,200}$/.test(origin)) return origin;
  return `${req.protocol}://${req.host}`;
}

@ApiTags('users')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@ApiUnauthorizedResponse({ description: 'no key or session' })
@ApiForbiddenResponse({ description: 'the role lacks users:manage (owners only), or may not grant that role' })
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('invitations')
  @RequirePermission('users:manage')
  @HttpCode(201)
  @ApiOperation({ summary: 'Invite a person to the tenant with a role: the one-time token and its link are in this answer only (valid 7 days)' })
  @ApiCreatedResponse({ type: InvitationCreatedResource })
  @ApiConflictResponse({ description: 'the email is already a member' })
  invite(@CurrentPrincipal() p: Principal, @Body() body: CreateInvitationBody, @Req() req: FastifyRequest): Promise<InvitationCreatedResource> {
    return this.users.invite(p, body, originOf(req));
  }

  @Get()
  @RequirePermission('users:manage')
  @ApiOperation({ summary: "The tenant's members and pending invitations" })
  @ApiOkResponse({ type: UsersResource })
  list(@CurrentPrincipal() p: Principal): Promise<UsersResource> {
    return this.users.list(p.tenantId);
  }

  @Patch(':userId')
  @RequirePermission('users:manage')
  @ApiOperation({ summary: "Change a member's role: applies to their next request" })
  @ApiOkResponse({ type: MemberResource })
  @ApiNotFoundResponse({ description: 'no such member in this tenant' })
  @ApiConflictResponse({ description: 'the last owner cannot be demoted' })
  changeRole(@CurrentPrincipal() p: Principal, @Param('userId') userId: string, @Body() body: ChangeRoleBody): Promise<MemberResource> {
    return this.users.changeRole(p, userId, body.role);
  }

  @Delete('invitations/:id')
  @RequirePermission('users:manage')
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraw a pending invitation (its link stops working; idempotent)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'no such invitation in this tenant' })
  @ApiConflictResponse({ description: 'already accepted' })
  async revokeInvitation(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.users.revokeInvitation(p.tenantId, id);
  }

  @Delete(':userId')
  @RequirePermission('users:manage')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member from the tenant: their sessions in it end at once' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'no such member in this tenant' })
  @ApiConflictResponse({ description: 'the last owner cannot be removed' })
  async remove(@CurrentPrincipal() p: Principal, @Param('userId') userId: string): Promise<void> {
    await this.users.remove(p, userId);
  }
}
