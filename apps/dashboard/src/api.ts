/** The one place the SPA talks to the API: same origin, session cookie, CSRF header on writes. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(messages.join('; ') || `request failed (${status})`);
  }

  /** Validation messages name their field first ("toNumber must be …"): group them by it. */
  fieldErrors(fields: readonly string[]): { byField: Record<string, string>; rest: string[] } {
    const byField: Record<string, string> = {};
    const rest: string[] = [];
    for (const m of this.messages) {
      const head = /^([A-Za-z_][\w]*)/.exec(m)?.[1];
      if (head && fields.includes(head)) byField[head] = byField[head] ? `${byField[head]}; ${m}` : m;
      else rest.push(m);
    }
    return { byField, rest };
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (t: string | null) => {
  csrfToken = t;
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (MUTATING.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const message = (body as { message?: unknown } | null)?.message;
    throw new ApiError(res.status, [message ?? (typeof body === 'string' ? body : '')].flat().filter(Boolean).map(String));
  }
  return body as T;
}

/** A query string from the set values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
