import { symmetric } from 'retell-sdk/lib/webhook_auth';

export interface Answer {
  status: number;
  text: string;
  json: () => any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

/** Posts `body` exactly as given, signed the way Retell signs (optionally at another instant). */
export async function postSigned(
  url: string,
  body: string | Buffer,
  apiKey: string,
  opts: { timestamp?: number; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const signature = await symmetric.sign(typeof body === 'string' ? body : body.toString('utf8'), apiKey, opts.timestamp ?? Date.now());
  return postRaw(url, body, { 'x-retell-signature': signature, ...opts.headers });
}

export async function postRaw(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return answer(res);
}

export async function getJson(url: string, bearer?: string): Promise<Answer> {
  const res = await fetch(url, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  return answer(res);
}

export interface ApiAnswer {
  status: number;
  /** the parsed body, or undefined when it is empty */
  json: any;
}

/** A caller of the admin API with one bearer key: `api('POST', '/api/v1/calls', body)`. */
export function bearerApi(baseUrl: (() => string) | string, bearer: (() => string) | string) {
  const value = (v: (() => string) | string) => (typeof v === 'function' ? v() : v);
  return async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const res = await fetch(`${value(baseUrl)}${path}`, {
      method,
      headers: { authorization: `Bearer ${value(bearer)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
}
