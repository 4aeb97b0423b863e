import { Injectable } from '@nestjs/common';
import Retell from 'retell-sdk';
import { AppEnv, retellBaseUrlProblem, SecretBox } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { countingFetch } from '@retell-ops/metrics';

/**
 * The official SDK per tenant (its key, its base URL). maxRetries 0: the SDK's automatic retry of
 * a create after a timeout or 5xx could dial the same person twice (the SDK sends no idempotency key).
 * A tenant's stored base URL is held to the same rule as RETELL_BASE_URL (https under production).
 * Requests give up after RETELL_TIMEOUT_MS. The tenant's row is read on every use (one primary-key
 * read, small beside the Retell request it serves) and the client is rebuilt when its key or URL
 * changed, so a rotated key is used from the next request on.
 */
/** A tenant's Retell URL that this deployment may not call (plain http under production). */
export class RetellTargetRefused extends Error {}

/** Every SDK request is counted by operation and status (rops_retell_api_* in /metrics). */
const retellFetch = countingFetch();

@Injectable()
export class RetellClients {
  private readonly box: SecretBox;
  private readonly clients = new Map<string, { client: Retell; sealedKey: string; baseURL: string }>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly env: AppEnv,
  ) {
    this.box = new SecretBox(env.ENCRYPTION_KEY);
  }

  async forTenant(tenantId: string): Promise<Retell> {
    const t = await this.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { retellApiKeyEnc: true, retellBaseUrl: true } });
    const baseURL = t.retellBaseUrl ?? this.env.RETELL_BASE_URL!;
    const hit = this.clients.get(tenantId);
    if (hit && hit.sealedKey === t.retellApiKeyEnc && hit.baseURL === baseURL) return hit.client;
    const problem = retellBaseUrlProblem(baseURL, this.env.NODE_ENV);
    if (problem) throw new RetellTargetRefused(`tenant ${tenantId}: ${problem}`);
    const client = new Retell({ apiKey: this.box.decrypt(t.retellApiKeyEnc), baseURL, maxRetries: 0, timeout: this.env.RETELL_TIMEOUT_MS, fetch: retellFetch });
    if (this.clients.size > 10_000) this.clients.clear();
    this.clients.set(tenantId, { client, sealedKey: t.retellApiKeyEnc, baseURL });
    return client;
  }
}
