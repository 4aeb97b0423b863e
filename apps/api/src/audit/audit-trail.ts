import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashApiKey } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { auditActionFor, auditSummaryOf, auditTargetTypeFor, isAuditedMethod, PLATFORM_OPERATOR_ACTOR, targetParamOf, type Actor } from '@retell-ops/domain';
import type { RouteAccess } from '../auth/permissions.decorator';
import type { Principal } from '../auth/principal';
import { SESSION_COOKIE, sessionTokenOf } from '../auth/session-cookie';
import { ActorResolver } from './actors';
import { AuditRecorder } from './audit-recorder';

/** What the audit guard notes on a request for the interceptor and the refusal hook. */
export interface AuditNote {
  access?: RouteAccess;
  /** the action an @AuditAction decorator gave */
  action?: string;
  /** set once a row is written (or deliberately not): never two rows for one request */
  done?: boolean;
}

export const AUDIT_NOTE = Symbol('rops.audit');

export type AuditedRequest = FastifyRequest & { principal?: Principal; [AUDIT_NOTE]?: AuditNote };

/** Who a public route's caller is, and which session it is about (sign-in, sign-out). */
export interface SessionActor {
  tenantId: string;
  sessionId: string;
  principal: Pick<Principal, 'userId' | 'apiKeyId'>;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Builds and appends the one audit row of a mutating request: used by AuditInterceptor (requests
 * that reached their handler) and by the refusal hook (requests a guard refused). See
 * docs/audit-log.md for what is recorded and what is not.
 */
@Injectable()
export class AuditTrail {
  constructor(
    private readonly recorder: AuditRecorder,
    private readonly actors: ActorResolver,
    private readonly prisma: PrismaService,
  ) {}

  /** The route's pattern (`/api/v1/batches/:id`), never the raw URL (it could carry a token). */
  routeOf(req: FastifyRequest): string {
    return req.routeOptions?.url ?? req.url.split('?')[0];
  }

  actionOf(req: AuditedRequest): string {
    return req[AUDIT_NOTE]?.action ?? auditActionFor(req.method, this.routeOf(req));
  }

  isAudited(req: AuditedRequest): boolean {
    return isAuditedMethod(req.method) && !req[AUDIT_NOTE]?.done;
  }

  /** The live session a request's cookie names (public routes: who is signing out). */
  async sessionOfCookie(req: FastifyRequest): Promise<SessionActor | null> {
    return this.sessionOfToken(sessionTokenOf(req));
  }

  /** The session a response's Set-Cookie opened (public routes: who signed in). */
  async sessionOfReply(reply: FastifyReply): Promise<SessionActor | null> {
    const header = reply.getHeader('set-cookie');
    const cookies = Array.isArray(header) ? header : typeof header === 'string' ? [header] : [];
    for (const c of cookies) {
      const m = new RegExp(`^${SESSION_COOKIE}=([A-Za-z0-9_-]{1,200});`).exec(String(c));
      if (m) return this.sessionOfToken(m[1]);
    }
    return null;
  }

  private async sessionOfToken(token: string | undefined): Promise<SessionActor | null> {
    if (!token) return null;
    const s = await this.prisma.session.findUnique({
      where: { tokenHash: hashApiKey(token) },
      select: { id: true, tenantId: true, apiKeyId: true, userId: true, revokedAt: true, expiresAt: true },
    });
    if (!s || s.revokedAt || s.expiresAt <= new Date()) return null;
    return { tenantId: s.tenantId, sessionId: s.id, principal: { apiKeyId: s.apiKeyId ?? '', userId: s.userId ?? undefined } };
  }

  /**
   * Writes the row. `session` is the public route's session (sign-in, sign-out); `answer` the
   * handler's answer when it succeeded. Without an actor (an anonymous public request) nothing is written.
   */
  async record(req: AuditedRequest, status: number, opts: { answer?: unknown; session?: SessionActor | null } = {}): Promise<void> {
    const note = (req[AUDIT_NOTE] ??= {});
    if (note.done) return;
    note.done = true;
    const route = this.routeOf(req);
    const targetType = auditTargetTypeFor(route);
    const operator = note.access?.kind === 'platform-operator';
    let actor: Actor | null;
    let tenantId: string | null;
    let targetId = targetParamOf(req.params as Record<string, unknown>) ?? this.idInAnswer(opts.answer, targetType);
    if (operator) {
      actor = PLATFORM_OPERATOR_ACTOR;
      tenantId = targetType === 'tenants' ? (targetId ?? null) : null;
    } else if (req.principal) {
      actor = await this.actors.actorOf(req.principal);
      tenantId = req.principal.tenantId;
      if (targetType === 'tenant') targetId ??= tenantId;
    } else if (opts.session) {
      actor = await this.actors.actorOf(opts.session.principal);
      tenantId = opts.session.tenantId;
      if (targetType === 'session') targetId ??= opts.session.sessionId;
    } else {
      return;
    }
    if (!actor) return;
    await this.recorder.append({
      tenantId: tenantId && /^[0-9a-f-]{36}$/i.test(tenantId) ? tenantId : null,
      actor,
      action: this.actionOf(req),
      targetType,
      targetId: targetId ?? null,
      summary: auditSummaryOf(req.body),
      status,
      method: req.method.toUpperCase(),
      route,
      ip: req.ip ?? null,
      requestId: this.requestIdOf(req),
    });
  }

  /**
   * The answer's `id`; else the id of its object named after the target (`{ tenant: { id } }`
   * for tenants); else its field ending in the target's name and Id (`retellAgentId` for agents).
   */
  private idInAnswer(answer: unknown, targetType: string): string | undefined {
    if (!answer || typeof answer !== 'object') return undefined;
    const a = answer as Record<string, unknown>;
    const own = str(a.id);
    if (own) return own;
    const singular = targetType.replace(/s$/, '');
    const nested = a[singular];
    const nestedId = nested && typeof nested === 'object' ? str((nested as Record<string, unknown>).id) : undefined;
    if (nestedId) return nestedId;
    const suffix = `${singular.replace(/_(.)/g, (_m, c: string) => c.toUpperCase())}id`.toLowerCase();
    const namedIn = (o: Record<string, unknown>) => {
      const named = Object.keys(o).find((k) => k.toLowerCase().endsWith(suffix));
      return named ? str(o[named]) : undefined;
    };
    return namedIn(a) ?? (nested && typeof nested === 'object' ? namedIn(nested as Record<string, unknown>) : undefined);
  }

  private requestIdOf(req: FastifyRequest): string | null {
    const header = req.headers['x-request-id'];
    const given = typeof header === 'string' && /^[\w.:-]{1,100}$/.test(header) ? header : undefined;
    return given ?? (req.id ? String(req.id).slice(0, 100) : null);
  }
}
