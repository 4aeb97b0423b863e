import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppEnv, SecretBox } from '@retell-ops/config';
import { PrismaService, upsertTenant } from '@retell-ops/db';

/** Makes sure the default tenant, its agent and the bootstrap admin key exist, and that an older bootstrap key is revoked (idempotent). */
@Injectable()
export class DefaultTenant implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: AppEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { revokedBootstrapKeys, restoredBootstrapKey } = await upsertTenant(this.prisma, new SecretBox(this.env.ENCRYPTION_KEY), {
      slug: this.env.DEFAULT_TENANT_SLUG,
      name: 'Default tenant',
      retellApiKey: this.env.RETELL_API_KEY,
      adminApiKey: this.env.ADMIN_API_KEY,
      defaultAgentId: this.env.DEFAULT_AGENT_ID,
      defaultFromNumber: this.env.DEFAULT_FROM_NUMBER,
      retellBaseUrl: this.env.RETELL_BASE_URL,
    });
    const logger = new Logger('Bootstrap');
    if (revokedBootstrapKeys) logger.warn(`revoked ${revokedBootstrapKeys} earlier bootstrap admin key(s): ADMIN_API_KEY no longer names them`);
    if (restoredBootstrapKey) logger.warn('the bootstrap admin key ADMIN_API_KEY names had been revoked: it is valid again');
    logger.log(`default tenant '${this.env.DEFAULT_TENANT_SLUG}' ready (agent ${this.env.DEFAULT_AGENT_ID})`);
  }
}
