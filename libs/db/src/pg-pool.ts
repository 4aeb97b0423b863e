import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';

/**
 * A plain node-postgres pool for the few hot paths where Prisma's query building costs more than
 * the query (the call worker's per-delivery transaction, the gateway's tenant lookups).
 */
@Injectable()
export class PgPool extends Pool implements OnModuleDestroy {
  constructor(options: { databaseUrl: string; poolSize?: number }) {
    super({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    this.on('error', () => undefined); // an idle client's error surfaces on its next use
  }

  async onModuleDestroy(): Promise<void> {
    await this.end();
  }
}
