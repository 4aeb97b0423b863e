import { Injectable, Logger } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { isTerminal, isUuid, NotFoundError, type CallStatus, type LiveUtterance } from '@retell-ops/domain';
import { liveTranscriptKey, type StoredLiveTranscript } from '@retell-ops/live-events';
import { QueueInspector } from '../operations/queue-inspector';

export interface LiveTranscriptView {
  id: string;
  callId: string | null;
  status: string;
  /** live: the latest transcript_updated (Redis); stored: the call's transcript once it ended; none: nothing yet */
  source: 'live' | 'stored' | 'none';
  /** turns in the whole transcript (a live one may hold only the last of them) */
  count: number;
  utterances: LiveUtterance[];
  updatedAt: string | null;
}

const SPEAKERS = new Set(['agent', 'user', 'transfer_target']);

/** The spoken turns of a stored transcript_object. */
function storedTurns(transcriptObject: unknown): LiveUtterance[] {
  if (!Array.isArray(transcriptObject)) return [];
  return transcriptObject.flatMap((t: unknown) => {
    const { role, content } = (t ?? {}) as { role?: unknown; content?: unknown };
    return typeof role === 'string' && SPEAKERS.has(role) && typeof content === 'string' ? [{ role: role as LiveUtterance['role'], content }] : [];
  });
}

/** A call's transcript while it is live (kept by the gateway in Redis), and the stored one after. */
@Injectable()
export class LiveTranscripts {
  private readonly logger = new Logger('LiveTranscripts');

  constructor(
    private readonly prisma: PrismaService,
    private readonly inspector: QueueInspector,
    private readonly env: AppEnv,
  ) {}

  async get(tenantId: string, callId: string): Promise<LiveTranscriptView> {
    const call = await this.prisma.call.findFirst({
      where: { tenantId, OR: [{ retellCallId: callId }, ...(isUuid(callId) ? [{ id: callId }] : [])] },
      select: { id: true, retellCallId: true, status: true, transcriptObject: true, updatedAt: true },
    });
    if (!call) throw new NotFoundError(`no call '${callId.slice(0, 128)}'`);
    const base = { id: call.id, callId: call.retellCallId, status: call.status };
    if (!isTerminal(call.status as CallStatus) && call.retellCallId) {
      const live = await this.readLive(tenantId, call.retellCallId);
      if (live) return { ...base, source: 'live', count: live.count, utterances: live.utterances, updatedAt: live.updatedAt };
    }
    const utterances = storedTurns(call.transcriptObject);
    if (!utterances.length) return { ...base, source: 'none', count: 0, utterances, updatedAt: null };
    return { ...base, source: 'stored', count: utterances.length, utterances, updatedAt: call.updatedAt.toISOString() };
  }

  /** The gateway's copy, or undefined (none, or Redis did not answer: the stored transcript is the fallback). */
  private async readLive(tenantId: string, retellCallId: string): Promise<StoredLiveTranscript | undefined> {
    try {
      const raw = await this.inspector.connection.hget(liveTranscriptKey(this.env.QUEUE_PREFIX, tenantId, retellCallId), 'v');
      return raw ? (JSON.parse(raw) as StoredLiveTranscript) : undefined;
    } catch (e) {
      this.logger.warn(`live transcript not read: ${String((e as Error).message).slice(0, 200)}`);
      return undefined;
    }
  }
}
