import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { PrismaService } from '@retell-ops/db';
import { NotFoundError, permissionsOf } from '@retell-ops/domain';
import { MeResource } from '../people/people.dto';
import { ApiKeyGuard } from './api-key.guard';
import { RequirePermission } from './permissions.decorator';
import { CurrentPrincipal, type Principal } from './principal';
import { SESSION_COOKIE } from './session-cookie';

/** Who is calling: a person (session) or an API key (bearer, or the session made from one). Every role holds tenant:read. */
@ApiTags('auth')
@ApiBearerAuth()
@ApiCookieAuth(SESSION_COOKIE)
@UseGuards(ApiKeyGuard)
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @RequirePermission('tenant:read')
  @ApiOperation({ summary: 'Who is calling: person or key, tenant, role, permissions and (for a person) memberships' })
  @ApiOkResponse({ type: MeResource })
  @ApiUnauthorizedResponse({ description: 'no key or session' })
  async me(@CurrentPrincipal() p: Principal): Promise<MeResource> {
    const tenant = await this.prisma.tenant.findUnique({ where: { id: p.tenantId }, select: { id: true, name: true, slug: true } });
    if (!tenant) throw new NotFoundError('the tenant no longer exists');
    const base = { tenant, role: p.role, permissions: permissionsOf(p.role) };
    if (p.userId) {
      const user = await this.prisma.user.findUnique({
        where: { id: p.userId },
        select: {
          id: true,
          email: true,
          name: true,
          memberships: { select: { role: true, tenant: { select: { id: true, name: true, slug: true } } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
        },
      });
      if (!user) throw new NotFoundError('the person no longer exists');
      const { memberships, ...person } = user;
      return { kind: 'user', user: person, apiKey: null, ...base, memberships };
    }
    const key = p.apiKeyId ? await this.prisma.apiKey.findUnique({ where: { id: p.apiKeyId }, select: { id: true, name: true, prefix: true } }) : null;
    return { kind: 'api-key', user: null, apiKey: key, ...base, memberships: [] };
  }
}
