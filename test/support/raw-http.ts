import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * One HTTP/1.1 request written byte for byte on a socket: header names keep their case, the same
 * header can be sent twice, and nothing is normalised (fetch lowercases names and merges
 * duplicates, so it cannot send what some proxies or clients do).
 */
export function rawRequest(
  url: string,
  opts: { method?: string; path?: string; headers?: Array<[string, string]>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const u = new URL(url);
  const body = opts.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body, 'utf8');
  const headers: Array<[string, string]> = [['Host', u.host], ...(opts.headers ?? [])];
  if (!headers.some(([k]) => k.toLowerCase() === 'content-length') && (body.length || opts.method !== 'GET'))
    headers.push(['Content-Length', String(body.length)]);
  headers.push(['Connection', 'close']);
  const head = `${opts.method ?? 'POST'} ${opts.path ?? u.pathname + u.search} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;

  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no answer in ${opts.timeoutMs ?? 15000} ms`)), opts.timeoutMs ?? 15000);
    socket.on('connect', () => {
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    });
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(raw);
      if (!m) return reject(new Error(`not an HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`));
      const hdrs: Record<string, string> = {};
      for (const line of m[2].split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0) hdrs[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let text = m[3];
      if (/chunked/i.test(hdrs['transfer-encoding'] ?? '')) {
        let out = '';
        let rest = text;
        for (;;) {
          const nl = rest.indexOf('\r\n');
          const size = parseInt(rest.slice(0, nl), 16);
          if (!size) break;
          out += rest.slice(nl + 2, nl + 2 + size);
          rest = rest.slice(nl + 2 + size + 2);
        }
        text = out;
      }
      resolve({ status: Number(m[1]), headers: hdrs, text });
    });
  });
}
