/**
 * A caller of the admin API as a browser or a script would be: a bearer key, or the session
 * cookie with its CSRF token (sent on every request, as the dashboard does).
 */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface Caller {
  bearer?: string;
  cookie?: string;
  csrf?: string;
}

export async function call(
  base: string,
  method: string,
  path: string,
  caller: Caller = {},
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const h: Record<string, string> = { ...headers };
  if (caller.bearer) h.authorization = `Bearer ${caller.bearer}`;
  if (caller.cookie) h.cookie = caller.cookie;
  if (caller.csrf) h['x-csrf-token'] = caller.csrf;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The session caller from a sign-in answer (login, accept or a key's session). */
export function sessionOf(answer: ApiAnswer): Caller {
  const setCookie = answer.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0], csrf: answer.json?.csrfToken };
}
