import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppEnv, createRedis } from '@retell-ops/config';
import { LIVE_EVENT_TYPES, type LiveEventType, type StoredLiveEvent } from './live-event';
import { decodeLiveMessage, LIVE_HISTORY_MAXLEN, liveChannel, liveStreamKey } from './live-keys';

export type LiveListener = (event: StoredLiveEvent) => void;

/** What a reconnecting client missed, or `reset` when its id is no longer in the history. */
export type LiveHistory = { events: StoredLiveEvent[] } | { reset: true; latestId: string | undefined };

interface TenantFeed {
  listeners: Set<Subscription>;
  /** settles once Redis confirmed the SUBSCRIBE */
  subscribed: Promise<unknown>;
}

interface Subscription {
  listener: LiveListener;
  /** called when the app shuts down, so the stream can end */
  onShutdown: () => void;
}

const isType = (t: string): t is LiveEventType => (LIVE_EVENT_TYPES as readonly string[]).includes(t);

/**
 * The API's side of live events: ONE subscriber connection for every open stream of this
 * process, subscribed to a tenant's channel while at least one of its clients listens, and a
 * reader of a tenant's history for clients that reconnect.
 */
@Injectable()
export class LiveEventHub implements OnModuleDestroy {
  private readonly logger = new Logger('LiveEventHub');
  private readonly prefix: string;
  private readonly subscriber: IORedis;
  private readonly reader: IORedis;
  private readonly feeds = new Map<string, TenantFeed>();

  constructor(env: AppEnv) {
    this.prefix = env.QUEUE_PREFIX;
    // The subscriber waits out an outage and resubscribes by itself; the reader fails fast (the request answers 503).
    this.subscriber = createRedis(env.REDIS_URL, 'worker');
    this.reader = createRedis(env.REDIS_URL, 'producer');
    for (const r of [this.subscriber, this.reader]) r.on('error', (e: Error) => this.logger.debug(`redis: ${e.message.slice(0, 200)}`));
    this.subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
  }

  /** Starts delivering a tenant's live events to `listener`; resolves once subscribed. Returns the way to stop. */
  async listen(tenantId: string, listener: LiveListener, onShutdown: () => void = () => undefined): Promise<() => void> {
    const channel = liveChannel(this.prefix, tenantId);
    let feed = this.feeds.get(channel);
    if (!feed) {
      feed = { listeners: new Set(), subscribed: this.subscriber.subscribe(channel) };
      this.feeds.set(channel, feed);
    }
    const sub: Subscription = { listener, onShutdown };
    feed.listeners.add(sub);
    const stop = (): void => {
      const current = this.feeds.get(channel);
      if (!current || !current.listeners.delete(sub) || current.listeners.size) return;
      this.feeds.delete(channel);
      this.subscriber.unsubscribe(channel).catch((e: Error) => this.logger.debug(`unsubscribe: ${e.message.slice(0, 200)}`));
    };
    try {
      await feed.subscribed;
    } catch (e) {
      stop();
      throw e;
    }
    return stop;
  }

  /** Listeners open now: for one tenant, or in all. */
  listenerCount(tenantId?: string): number {
    if (tenantId !== undefined) return this.feeds.get(liveChannel(this.prefix, tenantId))?.listeners.size ?? 0;
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.listeners.size;
    return n;
  }

  /** The tenant's events after `afterId`, oldest first, in one round trip. */
  async history(tenantId: string, afterId: string): Promise<LiveHistory> {
    const key = liveStreamKey(this.prefix, tenantId);
    const results = await this.reader
      .pipeline()
      .xrange(key, afterId, afterId)
      .xrange(key, `(${afterId}`, '+', 'COUNT', LIVE_HISTORY_MAXLEN * 2)
      .xrevrange(key, '+', '-', 'COUNT', 1)
      .exec();
    if (!results) throw new Error('redis answered nothing');
    for (const [error] of results) if (error) throw error;
    const [[, known], [, after], [, latest]] = results as Array<[null, Array<[string, string[]]>]>;
    // The id itself is gone (trimmed, expired, or never ours): what came between is unknown.
    if (!known.length) return { reset: true, latestId: latest[0]?.[0] };
    return { events: after.flatMap(([id, fields]) => toEvent(id, fields)) };
  }

  private deliver(channel: string, message: string): void {
    const feed = this.feeds.get(channel);
    const decoded = decodeLiveMessage(message);
    if (!feed || !decoded || !isType(decoded.type)) return;
    const event = { id: decoded.id, type: decoded.type, data: decoded.data };
    for (const sub of feed.listeners) sub.listener(event);
  }

  async onModuleDestroy(): Promise<void> {
    for (const feed of this.feeds.values()) for (const sub of feed.listeners) sub.onShutdown();
    this.feeds.clear();
    await Promise.all([this.subscriber, this.reader].map((r) => r.quit().catch(() => r.disconnect())));
  }
}

function toEvent(id: string, fields: string[]): StoredLiveEvent[] {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  return f.type && isType(f.type) && f.data !== undefined ? [{ id, type: f.type, data: f.data }] : [];
}
