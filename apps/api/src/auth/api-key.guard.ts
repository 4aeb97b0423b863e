import { CanActivate, ExecutionContext, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { can, ForbiddenError } from '@retell-ops/domain';
import { checkCsrf } from './csrf';
import { AppEnv, assignLogFields, DEV_DEFAULTS, hashApiKey } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { ROUTE_ACCESS, type RouteAccess } from './permissions.decorator';
import type { Principal } from './principal';
import { sessionTokenOf } from './session-cookie';
import { Sessions } from './sessions';

/**
 * How long a process trusts what it read of a key: a key revoked through any API process is
 * refused by every other within this bound (each re-reads its row after it; no cross-process
 * signal is needed). One indexed read per key per process every 2 s.
 */
export const API_KEY_CACHE_TTL_MS = 2_000;
/** lastUsedAt is kept to the minute: at most one write per key per minute per process. */
const LAST_USED_RESOLUTION_MS = 60_000;

interface CachedKey {
  principal: Principal | null;
  /** epoch ms the key expires at (refused from then on, cache or not) */
  keyExpires?: number;
  expires: number;
}

/**
 * Bearer API keys: only their SHA-256 is stored; revoked keys stop working within API_KEY_CACHE_TTL_MS, expired ones at once.
 * Without an Authorization header, the dashboard's session cookie (see sessions.ts) is accepted;
 * a mutating request it authenticates must carry the session's X-CSRF-Token.
 * Under NODE_ENV=production the development admin key is refused whatever the database says (it
 * is published in the README, and may linger in a database first started in development).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger('ApiAuth');
  private readonly cache = new Map<string, CachedKey>();

  private readonly refuseDevKey: boolean;

  constructor(
    private readonly prisma: PrismaService,
    env: AppEnv,
    private readonly sessions: Sessions,
    private readonly reflector: Reflector,
  ) {
    this.refuseDevKey = env.NODE_ENV === 'production';
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest();
    await this.authenticate(req);
    assignLogFields({ tenantId: (req.principal as Principal).tenantId });
    this.authorize(context, req.principal as Principal);
    return true;
  }

  /** Authenticates a request outside Nest's routes (the queue board): the principal, or the same 401/403 errors. */
  async authenticateRequest(req: Parameters<ApiKeyGuard['authenticate']>[0]): Promise<Principal> {
    await this.authenticate(req);
    return req.principal as Principal;
  }

  /** Deny by default: the route must declare a permission, and the caller's role must hold it. */
  private authorize(context: ExecutionContext, principal: Principal): void {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (access?.kind !== 'permission') throw new ForbiddenError('this route declares no tenant permission');
    if (!can(principal.role, access.permission)) {
      throw new ForbiddenError(`the ${principal.role} role may not do this (needs ${access.permission})`);
    }
  }

  private async authenticate(req: {
    method: string;
    url: string;
    ip: string;
    headers: Record<string, string | undefined>;
    principal?: Principal;
  }): Promise<void> {
    const header: string | undefined = req.headers.authorization;
    const sessionToken = header ? undefined : sessionTokenOf(req);
    if (sessionToken) return this.fromSession(req as never, sessionToken);
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('send an API key as "Authorization: Bearer <key>"');
    if (this.refuseDevKey && match[1] === DEV_DEFAULTS.ADMIN_API_KEY) {
      this.logger.warn(`rejected the development admin key under NODE_ENV=production ip=${req.ip} ${req.method} ${req.url}`);
      throw new UnauthorizedException('the development admin API key is refused under NODE_ENV=production');
    }
    const principal = await this.lookup(hashApiKey(match[1]));
    if (!principal) {
      this.logger.warn(`rejected API key (unknown, revoked or expired) ip=${req.ip} ${req.method} ${String(req.url).slice(0, 200)}`);
      throw new UnauthorizedException('API key is unknown or revoked, or has expired');
    }
    req.principal = principal;
  }

  private async fromSession(
    req: { method: string; url: string; ip: string; headers: Record<string, unknown>; principal?: Principal },
    token: string,
  ): Promise<void> {
    const session = await this.sessions.find(token);
    if (!session) throw new UnauthorizedException('the session has ended (signed out, expired, or its API key was revoked): sign in again');
    checkCsrf(req, session.csrfToken, this.logger);
    req.principal = session.principal;
  }

  private async lookup(keyHash: string): Promise<Principal | null> {
    const now = Date.now();
    const hit = this.cache.get(keyHash);
    if (hit && hit.expires > now) return hit.keyExpires !== undefined && hit.keyExpires <= now ? null : hit.principal;
    const key = await this.prisma.apiKey.findUnique({
      where: { keyHash },
      select: { id: true, tenantId: true, role: true, revokedAt: true, expiresAt: true, lastUsedAt: true },
    });
    const live = key && !key.revokedAt && !(key.expiresAt && key.expiresAt.getTime() <= now);
    const principal = live ? { tenantId: key.tenantId, apiKeyId: key.id, role: key.role } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(keyHash, { principal, keyExpires: key?.expiresAt?.getTime(), expires: now + API_KEY_CACHE_TTL_MS });
    if (live && (!key.lastUsedAt || now - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS)) this.touch(key.id, now);
    return principal;
  }

  /** Not awaited: a request never waits on, or fails for, bookkeeping. The guarded update keeps replicas to one write a minute. */
  private touch(id: string, now: number): void {
    this.prisma.apiKey
      .updateMany({
        where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now - LAST_USED_RESOLUTION_MS) } }] },
        data: { lastUsedAt: new Date(now) },
      })
      .catch((e: Error) => this.logger.warn(`could not record lastUsedAt of API key ${id}: ${String(e.message).split('\n')[0].slice(0, 200)}`));
  }
}
