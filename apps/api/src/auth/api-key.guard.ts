import { CanActivate, ExecutionContext, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { checkCsrf } from './csrf';
import { AppEnv, DEV_DEFAULTS, hashApiKey } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import type { Principal } from './principal';
import { sessionTokenOf } from './session-cookie';
import { Sessions } from './sessions';

const CACHE_TTL_MS = 15_000;

/**
 * Bearer API keys: only their SHA-256 is stored; revoked keys stop working within the cache TTL.
 * Without an Authorization header, the dashboard's session cookie (see sessions.ts) is accepted;
 * a mutating request it authenticates must carry the session's X-CSRF-Token.
 * Under NODE_ENV=production the development admin key is refused whatever the database says (it
 * is published in the README, and may linger in a database first started in development).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger('ApiAuth');
  private readonly cache = new Map<string, { principal: Principal | null; expires: number }>();

  private readonly refuseDevKey: boolean;

  constructor(
    private readonly prisma: PrismaService,
    env: AppEnv,
    private readonly sessions: Sessions,
  ) {
    this.refuseDevKey = env.NODE_ENV === 'production';
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest();
    const header: string | undefined = req.headers.authorization;
    const sessionToken = header ? undefined : sessionTokenOf(req);
    if (sessionToken) return this.fromSession(req, sessionToken);
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('send an API key as "Authorization: Bearer <key>"');
    if (this.refuseDevKey && match[1] === DEV_DEFAULTS.ADMIN_API_KEY) {
      this.logger.warn(`rejected the development admin key under NODE_ENV=production ip=${req.ip} ${req.method} ${req.url}`);
      throw new UnauthorizedException('the development admin API key is refused under NODE_ENV=production');
    }
    const principal = await this.lookup(hashApiKey(match[1]));
    if (!principal) {
      this.logger.warn(`rejected API key (unknown or revoked) ip=${req.ip} ${req.method} ${req.url}`);
      throw new UnauthorizedException('API key is unknown or revoked');
    }
    req.principal = principal;
    return true;
  }

  private async fromSession(
    req: { method: string; url: string; ip: string; headers: Record<string, unknown>; principal?: Principal },
    token: string,
  ): Promise<boolean> {
    const session = await this.sessions.find(token);
    if (!session) throw new UnauthorizedException('the session has ended (signed out, expired, or its API key was revoked): sign in again');
    checkCsrf(req, session.csrfToken, this.logger);
    req.principal = session.principal;
    return true;
  }

  private async lookup(keyHash: string): Promise<Principal | null> {
    const hit = this.cache.get(keyHash);
    if (hit && hit.expires > Date.now()) return hit.principal;
    const key = await this.prisma.apiKey.findUnique({ where: { keyHash }, select: { id: true, tenantId: true, role: true, revokedAt: true } });
    const principal = key && !key.revokedAt ? { tenantId: key.tenantId, apiKeyId: key.id, role: key.role } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(keyHash, { principal, expires: Date.now() + CACHE_TTL_MS });
    return principal;
  }
}
