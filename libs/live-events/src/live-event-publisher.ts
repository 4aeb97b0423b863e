import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppEnv, createRedis } from '@retell-ops/config';
import type { LiveEvent } from './live-event';
import { LIVE_HISTORY_MAXLEN, LIVE_HISTORY_TTL_MS, liveChannel, liveStreamKey } from './live-keys';

/** Appends to the tenant's capped history and publishes to its channel in one round trip. */
const XADD_AND_PUBLISH = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'type', ARGV[4], 'data', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], id .. '\\n' .. ARGV[4] .. '\\n' .. ARGV[5])
return id`;

/** At most one warning per this long while Redis refuses events (an outage is one line, not one per event). */
const WARN_EVERY_MS = 10_000;

type WithLiveCommand = IORedis & {
  roplivepublish(stream: string, maxLen: number, ttlMs: number, channel: string, type: string, data: string): Promise<string>;
};

/**
 * Publishes live events for the dashboard. Call it only after the change it reports has
 * committed. It never fails its caller: the state is already committed and the event is only a
 * hint for pages to refetch, so a Redis error is logged (bounded) and swallowed.
 */
@Injectable()
export class LiveEventPublisher implements OnModuleDestroy {
  private readonly logger = new Logger('LiveEvents');
  private readonly redis: WithLiveCommand;
  private readonly prefix: string;
  private lastWarning = 0;
  private dropped = 0;

  constructor(env: AppEnv) {
    this.prefix = env.QUEUE_PREFIX;
    // Fails fast when Redis is down (no offline queue), so a job never waits on a hint.
    this.redis = createRedis(env.REDIS_URL, 'producer') as WithLiveCommand;
    this.redis.on('error', () => undefined); // reported by publish(), bounded
    this.redis.defineCommand('roplivepublish', { numberOfKeys: 1, lua: XADD_AND_PUBLISH });
  }

  /** The event's id, or undefined if Redis did not take it. */
  async publish(tenantId: string, event: LiveEvent): Promise<string | undefined> {
    try {
      const data = JSON.stringify({ ...event.data, at: new Date().toISOString() });
      return await this.redis.roplivepublish(
        liveStreamKey(this.prefix, tenantId),
        LIVE_HISTORY_MAXLEN,
        LIVE_HISTORY_TTL_MS,
        liveChannel(this.prefix, tenantId),
        event.type,
        data,
      );
    } catch (e) {
      this.dropped++;
      if (Date.now() - this.lastWarning > WARN_EVERY_MS) {
        this.lastWarning = Date.now();
        this.logger.warn(`live event ${event.type} not published (${this.dropped} dropped so far): ${String((e as Error).message).slice(0, 200)}`);
      }
      return undefined;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
