import autocannon, { type Result } from 'autocannon';
import { connect, type Socket } from 'node:net';
import type { RequestPool } from './payload-pool';

export interface LoadResult {
  /** 2xx answers per second of the run */
  reqPerSec: number;
  /** requests per second offered (open-loop runs) or made (closed loop) */
  sentPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationSec: number;
  /** deliveries sent twice because the run outlasted its pool */
  duplicates: number;
  /** autocannon's own latency percentiles (integer ms, coordinated-omission corrected when rate limited) */
  autocannon?: { p50: number; p99: number; p999: number };
  /** paced runs whose deliveries carry a `tag`: the same figures per tag */
  byTag?: Record<string, TagResult>;
  /** paced runs with `timeline`: [ms since start when due, latency ms, ms the generator sent it late] of every answer */
  timeline?: Array<[number, number, number]>;
}

export type TagResult = Pick<LoadResult, 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'mean' | 'ok' | 'non2xx' | 'errors'>;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function summarise(latencies: number[]): Pick<LoadResult, 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'mean'> {
  const s = Float64Array.from(latencies).sort() as unknown as number[];
  const mean = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : NaN;
  return { p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), p999: percentile(s, 99.9), max: s.length ? s[s.length - 1] : NaN, mean };
}

export interface CannonOptions {
  url: string;
  pool: RequestPool;
  connections: number;
  durationSec?: number;
  amount?: number;
  /** autocannon overallRate (requests/s over all connections) */
  rate?: number;
  /** called for every answer (status, ms) while the run is on */
  onResponse?: (status: number, ms: number) => void;
}

/**
 * autocannon, each request taking the next pre-signed delivery from the pool (one shared
 * cursor, so connections never send the same delivery). Latencies of 2xx answers are also
 * recorded from autocannon's `response` event, in float ms and without autocannon's
 * coordinated-omission correction.
 */
export async function cannon(opts: CannonOptions): Promise<LoadResult> {
  const { pool } = opts;
  const dupBefore = pool.duplicates;
  const latencies: number[] = [];
  const instance = autocannon({
    url: opts.url,
    method: 'POST',
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.durationSec ?? 10 }),
    ...(opts.rate ? { overallRate: Math.max(1, Math.round(opts.rate)) } : {}),
    timeout: 20,
    requests: [
      {
        setupRequest: (req) => {
          const d = pool.take();
          req.body = d.body;
          req.headers = { 'content-type': 'application/json', 'x-retell-signature': d.signature };
          return req;
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    opts.onResponse?.(status, ms);
  });
  const r: Result = await instance;
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count]));
  return {
    reqPerSec: r['2xx'] / r.duration,
    sentPerSec: (r['2xx'] + r.non2xx + r.errors) / r.duration,
    ...summarise(latencies),
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    durationSec: r.duration,
    duplicates: pool.duplicates - dupBefore,
    autocannon: { p50: r.latency.p50, p99: r.latency.p99, p999: r.latency.p99_9 },
  };
}

/** One keep-alive HTTP/1.1 connection that carries one request at a time (raw socket, minimal parser). */
class RawConnection {
  readonly socket: Socket;
  busy = false;
  private buf: Buffer = Buffer.alloc(0);
  private onDone: ((status: number) => void) | undefined;

  constructor(port: number, host: string, onClose: (c: RawConnection) => void) {
    this.socket = connect({ port, host, noDelay: true });
    this.socket.on('data', (d) => this.onData(d));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      const done = this.onDone;
      this.onDone = undefined;
      this.busy = false;
      onClose(this);
      done?.(0);
    });
  }

  send(head: string, body: Buffer, onDone: (status: number) => void): void {
    this.busy = true;
    this.onDone = onDone;
    this.socket.cork();
    this.socket.write(head, 'latin1');
    this.socket.write(body);
    this.socket.uncork();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let total = end + 4 + (cl ? Number(cl[1]) : 0);
    if (!cl && /\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = this.buf.indexOf('\r\n0\r\n\r\n', end);
      if (last < 0) return;
      total = last + 7;
    }
    if (this.buf.length < total) return;
    this.buf = this.buf.subarray(total);
    const done = this.onDone;
    this.onDone = undefined;
    this.busy = false;
    done?.(status);
  }
}

/**
 * Open-loop load at a steady `rate`: request i is due at t0 + i/rate whatever happened to the
 * earlier ones, and its latency is counted from when it was due (so a slow server cannot hide
 * its queueing by slowing the client down). autocannon's overallRate, by contrast, lets each
 * connection fire its per-second quota back to back at the start of every second. Raw sockets
 * and a minimal parser keep the client's own CPU small (it shares the machine's cores).
 */
export async function paced(opts: {
  url: string;
  pool: RequestPool;
  rate: number;
  durationSec: number;
  maxConnections?: number;
  timeline?: boolean;
  latencyOfEveryAnswer?: boolean;
}): Promise<LoadResult> {
  const { pool, rate } = opts;
  const dupBefore = pool.duplicates;
  const u = new URL(opts.url);
  const port = Number(u.port || 80);
  const headBase = `POST ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n`;
  const maxConnections = opts.maxConnections ?? 256;
  const total = Math.round(rate * opts.durationSec);
  const latencies: number[] = [];
  const timeline: Array<[number, number, number]> | undefined = opts.timeline ? [] : undefined;
  const statusCodes: Record<string, number> = {};
  const tagged = new Map<string, { latencies: number[]; ok: number; non2xx: number; errors: number }>();
  const tagOf = (tag: string) => tagged.get(tag) ?? tagged.set(tag, { latencies: [], ok: 0, non2xx: 0, errors: 0 }).get(tag)!;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let done = 0;
  const conns = new Set<RawConnection>();
  const idle: RawConnection[] = [];
  const onClose = (c: RawConnection) => {
    conns.delete(c);
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
  };
  const open = () => {
    const c = new RawConnection(port, u.hostname, onClose);
    conns.add(c);
    return c;
  };
  for (let i = 0; i < Math.min(16, maxConnections); i++) idle.push(open());
  const backlog: number[] = [];
  const t0 = performance.now() + 20;

  await new Promise<void>((resolve) => {
    const finish = () => {
      if (++done === total) resolve();
    };
    const dispatch = (due: number) => {
      const c = idle.pop() ?? (conns.size < maxConnections ? open() : undefined);
      if (!c) return void backlog.push(due);
      const d = pool.take();
      const sentLateMs = performance.now() - due;
      const t = d.tag === undefined ? undefined : tagOf(d.tag);
      const head = d.path ? `POST ${d.path}${headBase.slice(headBase.indexOf(' HTTP/1.1'))}` : headBase;
      c.send(`${head}Content-Length: ${d.body.length}\r\nx-retell-signature: ${d.signature}\r\n\r\n`, d.body, (status) => {
        const now = performance.now();
        if (status === 0) {
          errors++;
          if (t) t.errors++;
        } else {
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status >= 200 && status < 300) {
            ok++;
            latencies.push(now - due);
            if (t) {
              t.ok++;
              t.latencies.push(now - due);
            }
            timeline?.push([due - t0, now - due, sentLateMs]);
          } else {
            non2xx++;
            if (t) t.non2xx++;
            // e.g. how fast 503s come back while Redis is down
            if (opts.latencyOfEveryAnswer) latencies.push(now - due);
          }
        }
        if (!c.socket.destroyed) idle.push(c);
        const next = backlog.shift();
        if (next !== undefined) dispatch(next);
        finish();
      });
    };
    let i = 0;
    const tick = () => {
      const now = performance.now();
      while (i < total && t0 + (i * 1000) / rate <= now) dispatch(t0 + (i++ * 1000) / rate);
      if (i < total) setTimeout(tick, Math.max(0, Math.min(1, t0 + (i * 1000) / rate - performance.now())));
    };
    if (total === 0) resolve();
    else setTimeout(tick, 20);
  });
  for (const c of conns) c.socket.destroy();
  const durationSec = (performance.now() - t0) / 1000;
  return {
    reqPerSec: ok / durationSec,
    sentPerSec: total / opts.durationSec,
    ...summarise(latencies),
    ok,
    non2xx,
    errors,
    timeouts: 0,
    statusCodes,
    durationSec,
    duplicates: pool.duplicates - dupBefore,
    ...(timeline && { timeline }),
    ...(tagged.size && {
      byTag: Object.fromEntries([...tagged].map(([tag, r]) => [tag, { ...summarise(r.latencies), ok: r.ok, non2xx: r.non2xx, errors: r.errors }])),
    }),
  };
}
