import { Injectable } from '@nestjs/common';
import { PrismaService, type ApiKey } from '@retell-ops/db';
import { isUuid, NotFoundError } from '@retell-ops/domain';
import { issueApiKey, type IssuedApiKey } from './api-key-issuer';
import type { ApiKeyResource, CreateApiKeyBody } from './api-keys.dto';

/** Most keys a list returns: a tenant's keys are a handful; the newest come first. */
const LIST_LIMIT = 500;

/** A tenant's API keys: issued (the token shown once), listed without token or hash, revoked. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly prisma: PrismaService) {}

  create(tenantId: string, body: CreateApiKeyBody): Promise<IssuedApiKey> {
    return this.prisma.$transaction((tx) =>
      issueApiKey(tx, { tenantId, name: body.name, role: body.role, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined }),
    );
  }

  async list(tenantId: string): Promise<ApiKeyResource[]> {
    const rows = await this.prisma.apiKey.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: LIST_LIMIT });
    return rows.map(apiKeyResource);
  }

  /**
   * Revokes the key and ends the dashboard sessions made from it; revoking a revoked key changes
   * nothing. Guards of every API process refuse it within their cache TTL (ApiKeyGuard).
   */
  async revoke(tenantId: string, id: string): Promise<void> {
    const key = isUuid(id) ? await this.prisma.apiKey.findFirst({ where: { id, tenantId }, select: { id: true } }) : null;
    if (!key) throw new NotFoundError(`no API key '${id}'`);
    const now = new Date();
    await this.prisma.$transaction([
      this.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } }),
      this.prisma.session.updateMany({ where: { apiKeyId: id, revokedAt: null }, data: { revokedAt: now } }),
    ]);
  }
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function apiKeyResource(k: ApiKey): ApiKeyResource {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: iso(k.lastUsedAt),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
  };
}
