import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { PgPool } from '@retell-ops/db';
import { rollUpDirtyDays } from '@retell-ops/dialer';

/**
 * Every STATS_ROLLUP_INTERVAL_MS, recomputes the stats rollup's dirty days (docs/stats.md). Every
 * replica runs the loop; a PostgreSQL advisory lock lets one of them work at a time. The first run
 * after the migration rolls up every day recorded before it.
 */
@Injectable()
export class StatsRollupLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('StatsRollup');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly env: AppEnv,
    private readonly pool: PgPool,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.env.STATS_ROLLUP_INTERVAL_MS;
    if (!every) return;
    this.timer = setInterval(() => void this.runOnce(), every);
    this.timer.unref();
    void this.runOnce();
  }

  /** One pass over the dirty days; skipped while the previous pass is still running. */
  runOnce(): Promise<void> {
    this.running ??= rollUpDirtyDays(this.pool)
      .then((r) => {
        if (r.days) this.logger.debug?.(`rolled up ${r.days} day(s)`);
      })
      .catch((e: Error) => this.logger.warn(`stats rollup failed (retried next interval): ${e.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
