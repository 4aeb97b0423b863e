import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';

/**
 * A plain node-postgres pool for the few hot paths where Prisma's query building costs more than
 * the query (the call worker's per-delivery transaction, the gateway's tenant lookups).
 */
@Injectable()
export class PgPool extends Pool implements OnModuleDestroy {
  /**
   * `genericPlans`: the pool's prepared (named) statements run one plan made for any parameters
   * (plan_cache_mode = force_generic_plan) instead of PostgreSQL planning them again per call
   * while it decides; for key lookups whose best plan does not depend on the values (the gateway's
   * tool calls). Unnamed statements are planned per call either way.
   */
  constructor(options: { databaseUrl: string; poolSize?: number; genericPlans?: boolean }) {
    super({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.genericPlans ? { options: '-c plan_cache_mode=force_generic_plan' } : {}),
    });
    this.on('error', () => undefined); // an idle client's error surfaces on its next use
  }

  async onModuleDestroy(): Promise<void> {
    await this.end();
  }
}
