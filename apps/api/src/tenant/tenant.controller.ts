import { Body, ConflictException, Controller, ForbiddenException, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PrismaService } from '@retell-ops/db';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal, type Principal } from '../auth/principal';

export class TenantResource {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiPropertyOptional() defaultAgentId: string | null;
  @ApiPropertyOptional() defaultFromNumber: string | null;
  @ApiPropertyOptional() retellBaseUrl: string | null;
  @ApiProperty({ description: 'A Retell API key is stored (encrypted); the key itself is never returned' }) hasRetellApiKey: boolean;
}

export class AgentResource {
  @ApiProperty() retellAgentId: string;
  @ApiPropertyOptional() name: string | null;
  @ApiProperty() createdAt: string;
}

export class RegisterAgentBody {
  @ApiProperty({ description: "Retell's agent_id" })
  @IsString() @IsNotEmpty() @MaxLength(256)
  retellAgentId: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(200)
  name?: string;
}

@ApiTags('tenant')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1')
export class TenantController {
  constructor(private readonly prisma: PrismaService) {}

  @Get('tenant')
  @ApiOperation({ summary: "The caller's tenant" })
  @ApiOkResponse({ type: TenantResource })
  async tenant(@CurrentPrincipal() p: Principal): Promise<TenantResource> {
    const t = await this.prisma.tenant.findUniqueOrThrow({ where: { id: p.tenantId } });
    return {
      id: t.id,
      name: t.name,
      slug: t.slug,
      defaultAgentId: t.defaultAgentId,
      defaultFromNumber: t.defaultFromNumber,
      retellBaseUrl: t.retellBaseUrl,
      hasRetellApiKey: !!t.retellApiKeyEnc,
    };
  }

  @Get('agents')
  @ApiOperation({ summary: "Retell agents registered to the caller's tenant (webhooks on /webhooks/retell are routed by them)" })
  @ApiOkResponse({ type: [AgentResource] })
  async agents(@CurrentPrincipal() p: Principal): Promise<AgentResource[]> {
    const rows = await this.prisma.agent.findMany({ where: { tenantId: p.tenantId }, orderBy: { createdAt: 'asc' } });
    return rows.map((a) => ({ retellAgentId: a.retellAgentId, name: a.name, createdAt: a.createdAt.toISOString() }));
  }

  @Post('agents')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a Retell agent to this tenant' })
  @ApiCreatedResponse({ type: AgentResource })
  async registerAgent(@CurrentPrincipal() p: Principal, @Body() body: RegisterAgentBody): Promise<AgentResource> {
    if (p.role !== 'admin') throw new ForbiddenException('only admin keys can register agents');
    const existing = await this.prisma.agent.findUnique({ where: { retellAgentId: body.retellAgentId } });
    if (existing && existing.tenantId !== p.tenantId) throw new ConflictException(`agent '${body.retellAgentId}' belongs to another tenant`);
    const a = await this.prisma.agent.upsert({
      where: { retellAgentId: body.retellAgentId },
      create: { tenantId: p.tenantId, retellAgentId: body.retellAgentId, name: body.name },
      update: { name: body.name ?? undefined },
    });
    return { retellAgentId: a.retellAgentId, name: a.name, createdAt: a.createdAt.toISOString() };
  }
}
