import { Body, Controller, HttpCode, Logger, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppEnv } from '@retell-ops/config';
import { AcceptInvitationBody, LoginBody } from '../people/people.dto';
import { InvitationAcceptance } from '../people/invitation-acceptance';
import { PersonSignIn } from '../people/person-sign-in';
import { checkCsrf } from './csrf';
import { PublicRoute } from './permissions.decorator';
import { SessionResource } from './session.controller';
import { clearedSessionCookie, SESSION_COOKIE, SESSION_TTL_MS, sessionCookie, sessionTokenOf } from './session-cookie';
import { Sessions, type SessionView } from './sessions';

/** People sign in with email and password (the same rops_session cookie as a key's sign-in), sign out, and accept invitations. */
@ApiTags('auth')
@PublicRoute()
@Controller('api/v1/auth')
export class LoginController {
  private readonly logger = new Logger('ApiAuth');

  constructor(
    private readonly signIn: PersonSignIn,
    private readonly acceptance: InvitationAcceptance,
    private readonly sessions: Sessions,
    private readonly env: AppEnv,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password: sets the session cookie rops_session (12 h); tenantSlug picks one of several tenants' })
  @ApiOkResponse({ type: SessionResource })
  @ApiUnauthorizedResponse({ description: 'email or password is wrong (one answer for both)' })
  @ApiForbiddenResponse({ description: 'not a member of that tenant (or of any)' })
  async login(@Body() body: LoginBody, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionView> {
    const opened = await this.signIn.login(body, req.ip);
    reply.header('set-cookie', sessionCookie(this.env, opened.token, SESSION_TTL_MS / 1000));
    return opened.session;
  }

  @Post('logout')
  @HttpCode(204)
  @ApiCookieAuth(SESSION_COOKIE)
  @ApiOperation({ summary: 'Sign out (a person or a key session): the session ends server-side and the cookie is cleared (needs X-CSRF-Token)' })
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse({ description: 'no live session' })
  @ApiForbiddenResponse({ description: 'missing or wrong X-CSRF-Token' })
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const token = sessionTokenOf(req);
    const session = token ? await this.sessions.find(token) : null;
    if (!session) throw new UnauthorizedException('not signed in (no live session cookie)');
    checkCsrf(req as never, session.csrfToken, this.logger);
    await this.sessions.revoke(session.id);
    reply.header('set-cookie', clearedSessionCookie(this.env));
  }

  @Post('invitations/accept')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Accept an invitation: creates the person (or, for an email that has an account, checks its password) and the membership, then signs in as login does',
  })
  @ApiOkResponse({ type: SessionResource })
  @ApiBadRequestResponse({ description: 'malformed token, missing name, password too short or too long' })
  @ApiUnauthorizedResponse({ description: 'the email already has an account and the password is not its password' })
  @ApiNotFoundResponse({ description: 'no invitation has this token' })
  @ApiConflictResponse({ description: 'the invitation was already used, withdrawn or has expired (code says which)' })
  async accept(@Body() body: AcceptInvitationBody, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionView> {
    const opened = await this.acceptance.accept(body, req.ip);
    reply.header('set-cookie', sessionCookie(this.env, opened.token, SESSION_TTL_MS / 1000));
    return opened.session;
  }
}
