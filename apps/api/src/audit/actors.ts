import { Injectable } from '@nestjs/common';
import { PrismaService } from '@retell-ops/db';
import type { Actor } from '@retell-ops/domain';
import type { Principal } from '../auth/principal';

/** How long a resolved label is reused: a key's name or a person's email rarely changes. */
const LABEL_TTL_MS = 30_000;
const MAX_CACHED = 5_000;

/**
 * Who a principal is, for the audit log and "created by": the person when one signed in
 * (`userId`), else the API key. The label is resolved when the row is written (the key's name and
 * prefix, or the person's email) and kept as it was then.
 */
@Injectable()
export class ActorResolver {
  private readonly labels = new Map<string, { label: string; until: number }>();

  constructor(private readonly prisma: PrismaService) {}

  async actorOf(p: Pick<Principal, 'userId' | 'apiKeyId'>): Promise<Actor | null> {
    if (p.userId) return { type: 'user', id: p.userId, label: await this.cached(`u:${p.userId}`, () => this.userLabel(p.userId as string)) };
    if (p.apiKeyId) return { type: 'api_key', id: p.apiKeyId, label: await this.cached(`k:${p.apiKeyId}`, () => this.keyLabel(p.apiKeyId)) };
    return null;
  }

  private async cached(key: string, resolve: () => Promise<string>): Promise<string> {
    const now = Date.now();
    const hit = this.labels.get(key);
    if (hit && hit.until > now) return hit.label;
    const label = await resolve();
    if (this.labels.size >= MAX_CACHED) this.labels.clear();
    this.labels.set(key, { label, until: now + LABEL_TTL_MS });
    return label;
  }

  private async keyLabel(id: string): Promise<string> {
    const key = await this.prisma.apiKey.findUnique({ where: { id }, select: { name: true, prefix: true } });
    if (!key) return `API key ${id}`;
    return key.prefix ? `${key.name} (${key.prefix}…)` : key.name;
  }

  /** The person's email. Read with SQL so this module does not depend on the users' Prisma model. */
  private async userLabel(id: string): Promise<string> {
    try {
      const rows = await this.prisma.$queryRaw<Array<{ email: string }>>`SELECT "email" FROM "User" WHERE "id" = ${id}::uuid`;
      return rows[0]?.email ?? `user ${id}`;
    } catch {
      return `user ${id}`;
    }
  }
}
