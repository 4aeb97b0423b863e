import { HttpException, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppEnv, createRedis } from '@retell-ops/config';
import type { RateLimitBucket } from './rate-limit-buckets';

const WINDOW_SECONDS = 60;

const REASONS: Record<RateLimitBucket, (limit: number) => string> = {
  api: (n) => `rate limit: at most ${n} requests a minute per API key or user (API_RATE_LIMIT_PER_MINUTE)`,
  'call-create': (n) => `rate limit: at most ${n} call or batch creations a minute per API key or user (CALL_CREATE_RATE_LIMIT_PER_MINUTE)`,
  auth: (n) => `rate limit: at most ${n} sign-in requests a minute from one address (AUTH_RATE_LIMIT_PER_MINUTE)`,
};

/** Thrown when a limit is spent: 429 with Retry-After (seconds) and the reason. */
export class RateLimitedError extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    reason: string,
  ) {
    super({ statusCode: 429, error: 'Too Many Requests', code: 'rate_limited', message: reason, retryAfterSeconds }, 429);
  }
}

/**
 * The API's abuse limits, counted in Redis (fixed one-minute windows, atomic), so they hold
 * across every API process sharing it. A limit of 0 is off. While Redis cannot be asked, requests
 * pass (logged, at most once a minute): the admin API stays usable, and Redis down is loud elsewhere.
 */
@Injectable()
export class RateLimits implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimits');
  private readonly redis: IORedis | undefined;
  private readonly limiters = new Map<RateLimitBucket, { limiter: RateLimiterRedis; points: number }>();
  private lastFailureLog = 0;

  constructor(env: AppEnv) {
    const points: Record<RateLimitBucket, number> = {
      api: env.API_RATE_LIMIT_PER_MINUTE,
      'call-create': env.CALL_CREATE_RATE_LIMIT_PER_MINUTE,
      auth: env.AUTH_RATE_LIMIT_PER_MINUTE,
    };
    if (!Object.values(points).some((n) => n > 0)) return;
    this.redis = createRedis(env.REDIS_URL, 'producer', { enableOfflineQueue: true, commandTimeout: 1000, lazyConnect: false });
    this.redis.on('error', () => undefined); // reported per request below
    for (const [bucket, n] of Object.entries(points) as [RateLimitBucket, number][]) {
      if (n <= 0) continue;
      const limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${env.QUEUE_PREFIX}:ratelimit:${bucket}`,
        points: n,
        duration: WINDOW_SECONDS,
      });
      this.limiters.set(bucket, { limiter, points: n });
    }
  }

  /** Counts one request of `subject` against `bucket`; throws RateLimitedError once the limit is spent. */
  async consume(bucket: RateLimitBucket, subject: string): Promise<void> {
    const entry = this.limiters.get(bucket);
    if (!entry) return;
    try {
      await entry.limiter.consume(subject);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(e.msBeforeNext / 1000)), REASONS[bucket](entry.points));
      const now = Date.now();
      if (now - this.lastFailureLog > 60_000) {
        this.lastFailureLog = now;
        this.logger.warn(`rate limits not counted (Redis: ${String((e as Error)?.message ?? e).slice(0, 200)}); requests pass meanwhile`);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
