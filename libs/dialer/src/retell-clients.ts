import { Injectable } from '@nestjs/common';
import Retell from 'retell-sdk';
import { AppEnv, SecretBox } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';

/**
 * The official SDK per tenant (its key, its base URL). maxRetries 0: the SDK's automatic retry of
 * a create after a timeout or 5xx could dial the same person twice (RETELL.md §3).
 */
@Injectable()
export class RetellClients {
  private readonly box: SecretBox;
  private readonly clients = new Map<string, { client: Retell; expires: number }>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly env: AppEnv,
  ) {
    this.box = new SecretBox(env.ENCRYPTION_KEY);
  }

  async forTenant(tenantId: string): Promise<Retell> {
    const hit = this.clients.get(tenantId);
    if (hit && hit.expires > Date.now()) return hit.client;
    const t = await this.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { retellApiKeyEnc: true, retellBaseUrl: true } });
    const client = new Retell({ apiKey: this.box.decrypt(t.retellApiKeyEnc), baseURL: t.retellBaseUrl ?? this.env.RETELL_BASE_URL, maxRetries: 0, timeout: 30_000 });
    this.clients.set(tenantId, { client, expires: Date.now() + 60_000 });
    return client;
  }
}
