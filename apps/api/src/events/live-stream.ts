import type { ServerResponse } from 'node:http';
import { compareLiveEventIds, RESET_EVENT, type LiveHistory, type StoredLiveEvent } from '@retell-ops/live-events';

/** How long the client waits before reconnecting, sent first. */
export const RETRY_MS = 3000;
/** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
export const PING_MS = 15_000;
/** A client that lets this much pile up unread is dropped (it reconnects and replays). */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
} as const;

/**
 * One client's Server-Sent Events stream. Events that arrive live while the history is being
 * sent wait in `pending`; each is written once, in id order (an id at or below the last one
 * written is a duplicate of the history and is skipped).
 */
export class LiveStream {
  private lastId: string | undefined;
  private replaying = true;
  private readonly pending: StoredLiveEvent[] = [];
  private ping: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly onClose: () => void,
  ) {}

  /** Takes live events from the moment the subscription exists (before the history is read). */
  readonly receive = (event: StoredLiveEvent): void => {
    if (this.replaying) this.pending.push(event);
    else this.send(event);
  };

  /** Headers, the retry hint, the history (or a reset), then whatever came meanwhile; live after that. */
  start(history: LiveHistory | undefined, lastEventId: string | undefined): void {
    this.res.on('close', () => this.close());
    this.res.writeHead(200, SSE_HEADERS);
    this.write(`retry: ${RETRY_MS}\n\n`);
    this.lastId = lastEventId;
    if (history && 'reset' in history) {
      // The client refetches; it resumes from the newest event kept (none: from now).
      this.write(`id: ${history.latestId ?? ''}\nevent: ${RESET_EVENT}\ndata: {}\n\n`);
      this.lastId = history.latestId;
    } else if (history) {
      for (const event of history.events) this.send(event);
    }
    this.replaying = false;
    for (const event of this.pending.splice(0)) this.send(event);
    this.ping = setInterval(() => this.write(': ping\n\n'), PING_MS);
    this.ping.unref();
  }

  /** Ends the stream from the server's side (shutdown). */
  end(): void {
    if (!this.closed) this.res.end();
    this.close();
  }

  private send(event: StoredLiveEvent): void {
    if (this.lastId !== undefined && compareLiveEventIds(event.id, this.lastId) <= 0) return;
    this.lastId = event.id;
    this.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`);
  }

  private write(chunk: string): void {
    if (this.closed) return;
    this.res.write(chunk);
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.res.destroy();
      this.close();
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ping);
    this.onClose();
  }
}
