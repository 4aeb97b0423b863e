import { Body, Controller, Delete, Get, HttpCode, Logger, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppEnv, DEV_DEFAULTS, hashApiKey } from '@retell-ops/config';
import { PERMISSIONS, ROLES, type Permission, type Role } from '@retell-ops/domain';
import { checkCsrf } from './csrf';
import { clearedSessionCookie, SESSION_COOKIE, SESSION_TTL_MS, sessionCookie, sessionTokenOf } from './session-cookie';
import { Sessions, type SessionView } from './sessions';
import { PublicRoute } from './permissions.decorator';
import { MembershipResource, PersonResource } from '../people/people.dto';

export class SignInBody {
  @ApiProperty({ description: 'A tenant API key (admin or viewer)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  apiKey: string;
}

class SessionTenant {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
}

export class SessionResource {
  @ApiProperty({ type: SessionTenant }) tenant: SessionTenant;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: PERMISSIONS, isArray: true, description: "what the session's role may do" }) permissions: Permission[];
  @ApiProperty({ description: 'Send as X-CSRF-Token on every POST, PUT, PATCH and DELETE made with the session cookie' }) csrfToken: string;
  @ApiProperty() expiresAt: string;
  @ApiPropertyOptional({ type: PersonResource, description: 'a person signed in with a password (absent for a session made from an API key)' })
  user?: PersonResource;
  @ApiPropertyOptional({ type: [MembershipResource], description: "a person's tenants and role in each (absent for a key's session)" })
  memberships?: MembershipResource[];
}

type Req = FastifyRequest;

/** The dashboard's sign-in: an API key exchanged for the httpOnly session cookie rops_session. */
@ApiTags('auth')
@PublicRoute()
@Controller('api/v1/auth/session')
export class SessionController {
  private readonly logger = new Logger('ApiAuth');

  constructor(
    private readonly sessions: Sessions,
    private readonly env: AppEnv,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with an API key: sets the session cookie rops_session (12 h)' })
  @ApiOkResponse({ type: SessionResource })
  @ApiUnauthorizedResponse({ description: 'unknown or revoked key' })
  async signIn(@Body() body: SignInBody, @Req() req: Req, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionView> {
    const opened = this.env.NODE_ENV === 'production' && body.apiKey === DEV_DEFAULTS.ADMIN_API_KEY ? null : await this.sessions.open(hashApiKey(body.apiKey));
    if (!opened) {
      this.logger.warn(`refused a sign-in (unknown, revoked or refused key) ip=${req.ip}`);
      throw new UnauthorizedException('API key is unknown or revoked');
    }
    reply.header('set-cookie', sessionCookie(this.env, opened.token, SESSION_TTL_MS / 1000));
    return opened.session;
  }

  @Get()
  @ApiCookieAuth(SESSION_COOKIE)
  @ApiOperation({ summary: 'The current session (from the cookie), or 401' })
  @ApiOkResponse({ type: SessionResource })
  @ApiUnauthorizedResponse({ description: 'no live session' })
  async current(@Req() req: Req): Promise<SessionView> {
    const { id: _id, principal: _p, ...view } = await this.live(req);
    return view;
  }

  @Delete()
  @HttpCode(204)
  @ApiCookieAuth(SESSION_COOKIE)
  @ApiOperation({ summary: 'Sign out: the session ends server-side and the cookie is cleared (needs X-CSRF-Token)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'missing or wrong X-CSRF-Token' })
  async signOut(@Req() req: Req, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const session = await this.live(req);
    checkCsrf(req as never, session.csrfToken, this.logger);
    await this.sessions.revoke(session.id);
    reply.header('set-cookie', clearedSessionCookie(this.env));
  }

  private async live(req: Req) {
    const token = sessionTokenOf(req);
    const session = token ? await this.sessions.find(token) : null;
    if (!session) throw new UnauthorizedException('not signed in (no live session cookie)');
    return session;
  }
}
