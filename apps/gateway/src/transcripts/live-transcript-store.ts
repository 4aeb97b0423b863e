import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppEnv, createRedis } from '@retell-ops/config';
import { liveTranscriptOf, placedCallIdOf, transcriptTail } from '@retell-ops/domain';
import type { CallTranscript, StoredLiveTranscript } from '@retell-ops/live-events';
import { LIVE_HISTORY_MAXLEN, LIVE_HISTORY_TTL_MS, LIVE_TRANSCRIPT_TTL_MS, liveChannel, liveStreamKey, liveTranscriptKey } from '@retell-ops/live-events/keys';

/**
 * Sets the call's transcript only if this update is newer (more turns, or as many and more
 * characters: isNewerTranscript in libs/domain), then appends the live event to the tenant's
 * history and publishes it, as LiveEventPublisher does. One round trip; nil when not newer.
 */
const KEEP_IF_NEWER = `
local kept = redis.call('HMGET', KEYS[1], 'n', 'c')
local n = tonumber(ARGV[1])
local c = tonumber(ARGV[2])
if kept[1] then
  local kn = tonumber(kept[1])
  if n < kn or (n == kn and c <= (tonumber(kept[2]) or 0)) then return false end
end
redis.call('HSET', KEYS[1], 'n', ARGV[1], 'c', ARGV[2], 'v', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'type', 'call.transcript', 'data', ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('PUBLISH', ARGV[8], id .. '\\ncall.transcript\\n' .. ARGV[7])
return id`;

type WithKeepCommand = IORedis & {
  ropkeeptranscript(
    key: string,
    stream: string,
    n: number,
    c: number,
    value: string,
    ttlMs: number,
    maxLen: number,
    historyTtlMs: number,
    data: string,
    channel: string,
  ): Promise<string | null>;
};

export type KeepResult = 'kept' | 'older';

/**
 * The latest transcript of each live call (Retell's transcript_updated, many per call): not a
 * CallEvent per delivery, one conditional Redis write and one live event instead.
 */
@Injectable()
export class LiveTranscriptStore implements OnModuleDestroy {
  private readonly redis: WithKeepCommand;
  private readonly prefix: string;

  constructor(env: AppEnv) {
    this.prefix = env.QUEUE_PREFIX;
    // Waits for the connection while it opens, but never longer than the command timeout.
    this.redis = createRedis(env.REDIS_URL, 'producer', { enableOfflineQueue: true, commandTimeout: 3000 }) as WithKeepCommand;
    this.redis.on('error', () => undefined); // reported per delivery as 503
    this.redis.defineCommand('ropkeeptranscript', { numberOfKeys: 2, lua: KEEP_IF_NEWER });
  }

  /** Keeps `call`'s transcript for the tenant if it is newer than the one kept; rejects when Redis does not answer. */
  async keep(tenantId: string, callId: string, call: Record<string, unknown>): Promise<KeepResult> {
    const transcript = liveTranscriptOf(call);
    const at = new Date().toISOString();
    const stored: StoredLiveTranscript = { callId, count: transcript.count, utterances: transcript.utterances, updatedAt: at };
    const tail = transcriptTail(transcript);
    const event: CallTranscript = {
      id: placedCallIdOf(call.metadata) ?? null,
      callId,
      count: transcript.count,
      from: tail.from,
      utterances: tail.utterances,
      at,
    };
    const id = await this.redis.ropkeeptranscript(
      liveTranscriptKey(this.prefix, tenantId, callId),
      liveStreamKey(this.prefix, tenantId),
      transcript.count,
      transcript.chars,
      JSON.stringify(stored),
      LIVE_TRANSCRIPT_TTL_MS,
      LIVE_HISTORY_MAXLEN,
      LIVE_HISTORY_TTL_MS,
      JSON.stringify(event),
      liveChannel(this.prefix, tenantId),
    );
    return id ? 'kept' : 'older';
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
