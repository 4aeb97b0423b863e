import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppEnv, SecretBox } from '@retell-ops/config';
import { PrismaService, upsertTenant } from '@retell-ops/db';

/** Makes sure the default tenant, its agent and the bootstrap admin key exist (idempotent). */
@Injectable()
export class DefaultTenant implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: AppEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await upsertTenant(this.prisma, new SecretBox(this.env.ENCRYPTION_KEY), {
      slug: this.env.DEFAULT_TENANT_SLUG,
      name: 'Default tenant',
      retellApiKey: this.env.RETELL_API_KEY,
      adminApiKey: this.env.ADMIN_API_KEY,
      defaultAgentId: this.env.DEFAULT_AGENT_ID,
      defaultFromNumber: this.env.DEFAULT_FROM_NUMBER,
      retellBaseUrl: this.env.RETELL_BASE_URL,
    });
    new Logger('Bootstrap').log(`default tenant '${this.env.DEFAULT_TENANT_SLUG}' ready (agent ${this.env.DEFAULT_AGENT_ID})`);
  }
}
