import { request, type IncomingHttpHeaders } from 'node:http';
import { waitFor } from './wait';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseClient {
  status: number;
  headers: IncomingHttpHeaders;
  /** the raw bytes received so far */
  raw: () => string;
  /** every event received so far (comments and `retry:` are not events) */
  events: SseEvent[];
  /** waits until `n` events (optionally of those matching `match`) have arrived; returns them */
  take: (n: number, match?: (e: SseEvent) => boolean) => Promise<SseEvent[]>;
  /** resolves once the server ended the stream */
  ended: Promise<void>;
  close: () => void;
}

/** A Server-Sent Events client as a browser's EventSource reads the stream (no reconnects). */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let raw = '';
      let buffer = '';
      const events: SseEvent[] = [];
      res.setEncoding('utf8');
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      res.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: Partial<SseEvent> = {};
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') e.id = value;
            else if (field === 'event') e.event = value;
            else if (field === 'data') data.push(value);
          }
          if (data.length || e.event) events.push({ ...e, event: e.event ?? 'message', data: data.join('\n') });
        }
      });
      const take = async (n: number, match: (e: SseEvent) => boolean = () => true) =>
        waitFor(
          () => {
            const found = events.filter(match);
            return found.length >= n ? found.slice(0, n) : undefined;
          },
          { what: `${n} server-sent events`, timeoutMs: 30000, intervalMs: 25 },
        );
      resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: () => raw, events, take, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}
