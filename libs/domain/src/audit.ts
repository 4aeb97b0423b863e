/**
 * Pure rules of the audit log (docs/audit-log.md): which requests are audited, the stable action
 * name and target type a route gets, and the bounded, redacted summary of a request's fields.
 */

export const ACTOR_TYPES = ['user', 'api_key', 'platform_operator'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Who did something, as rows and resources show it. */
export interface Actor {
  type: ActorType;
  id: string;
  /** the key's name and prefix, or the person's email; "platform operator" */
  label: string;
}

export const PLATFORM_OPERATOR_ACTOR: Actor = { type: 'platform_operator', id: 'platform', label: 'platform operator' };

export const AUDITED_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function isAuditedMethod(method: string): boolean {
  return (AUDITED_METHODS as readonly string[]).includes(method.toUpperCase());
}

/**
 * Names a route's derivation would get wrong or make vague. Keyed by `METHOD pattern`; a route
 * may instead carry `@AuditAction('x.y')` (apps/api/src/audit/audit-action.decorator.ts).
 */
export const AUDIT_ACTION_OVERRIDES: Readonly<Record<string, string>> = {
  'POST /api/v1/auth/session': 'auth.sign_in',
  'DELETE /api/v1/auth/session': 'auth.sign_out',
  'POST /api/v1/auth/login': 'auth.sign_in',
  'POST /api/v1/auth/logout': 'auth.sign_out',
  'DELETE /api/v1/auth/logout': 'auth.sign_out',
  'POST /api/v1/auth/invitations/accept': 'users.invitations.accept',
  'DELETE /api/v1/calls/:callId': 'calls.cancel',
  'DELETE /api/v1/batches/:id': 'batches.cancel',
  'DELETE /api/v1/api-keys/:id': 'api_keys.revoke',
  'POST /api/v1/tenant/retell-key': 'tenant.retell_key.rotate',
  'POST /api/v1/agents': 'agents.connect',
  'DELETE /api/v1/agents/:agentId': 'agents.disconnect',
  'POST /api/v1/agents/sync': 'agents.sync_all',
  'POST /api/v1/agents/import': 'agents.import',
};

const VERB: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };

const isParam = (segment: string) => segment.startsWith(':');
const word = (segment: string) => segment.replace(/-/g, '_').toLowerCase();

/** The route's segments after /api/v1 (or after the leading slash for any other prefix). */
function segmentsOf(route: string): string[] {
  return route
    .replace(/^\/+/, '')
    .replace(/^api\/v\d+\//, '')
    .split('/')
    .filter(Boolean);
}

/**
 * The stable action name of a route: an override when one is listed; else a POST whose last
 * segment follows a parameter is that verb (`POST /interviews/:id/reschedule` →
 * `interviews.reschedule`); else the route's fixed segments and the method's verb
 * (`POST /candidates` → `candidates.create`, `PATCH /positions/:id` → `positions.update`).
 */
export function auditActionFor(method: string, route: string): string {
  const m = method.toUpperCase();
  const override = AUDIT_ACTION_OVERRIDES[`${m} ${route}`];
  if (override) return override;
  const segments = segmentsOf(route);
  const fixed = segments.filter((s) => !isParam(s)).map(word);
  const last = segments[segments.length - 1];
  const beforeLast = segments[segments.length - 2];
  if (m === 'POST' && last && !isParam(last) && beforeLast && isParam(beforeLast)) return fixed.join('.');
  return [...fixed, VERB[m] ?? m.toLowerCase()].join('.');
}

/** What an action is about: the route's first fixed segment (`calls`, `batches`, `api_keys`, `tenant`). */
export function auditTargetTypeFor(route: string): string {
  const [first] = segmentsOf(route).map(word);
  if (first === 'auth') return 'session';
  return first ?? 'unknown';
}

/** A parameter that names the target: `id`, or one ending in `Id` (`callId`, `agentId`). */
export function targetParamOf(params: Record<string, unknown> | undefined): string | undefined {
  if (!params) return undefined;
  for (const name of ['id', ...Object.keys(params).filter((k) => /Id$/.test(k))]) {
    const v = params[name];
    if (typeof v === 'string' && v !== '' && !isSecretName(name)) return v.slice(0, MAX_STRING);
  }
  // a route with one parameter of another name (`/phone-numbers/:number/…`) targets that
  const names = Object.keys(params);
  const only = names.length === 1 ? params[names[0]] : undefined;
  if (typeof only === 'string' && only !== '' && !isSecretName(names[0])) return only.slice(0, MAX_STRING);
  return undefined;
}

// ── the summary ─────────────────────────────────────────────────────────────────────────────

export const AUDIT_REDACTED = '[redacted]';
/** Longest string kept in a summary (longer ones are cut and marked). */
export const MAX_STRING = 200;
/** Items kept of an array (the rest counted). */
export const MAX_ITEMS = 20;
/** Fields kept of an object. */
export const MAX_FIELDS = 40;
/** Deepest nesting kept. */
export const MAX_DEPTH = 4;
/** Largest summary, as JSON characters: beyond it only the field names are kept. */
export const MAX_SUMMARY_CHARS = 4_000;

/** A field whose value is never written: keys, passwords, tokens, secrets, signatures, cookies. */
export function isSecretName(name: string): boolean {
  return /key|pass(word)?|pwd|token|secret|signature|authori[sz]ation|cookie|csrf|credential|hash|otp/i.test(name);
}

/** Values that look like a credential whatever their field is called (bearer tokens, our key formats, JWTs, PHC hashes). */
function looksSecret(value: string): boolean {
  return /^(bearer\s|rops_|key_|sk_|op_)/i.test(value) || /^eyJ[\w-]+\.[\w-]+\./.test(value) || /^\$argon2|^\$2[aby]\$/.test(value);
}

function bound(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') {
    if (looksSecret(value)) return AUDIT_REDACTED;
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  }
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `[${value.length} items]` : '{…}';
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ITEMS).map((v) => bound(v, depth + 1) ?? null);
    return value.length > MAX_ITEMS ? [...kept, `…${value.length - MAX_ITEMS} more`] : kept;
  }
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries.slice(0, MAX_FIELDS)) {
    const name = k.slice(0, MAX_STRING);
    out[name] = isSecretName(k) ? AUDIT_REDACTED : bound(v, depth + 1);
  }
  if (entries.length > MAX_FIELDS) out['…'] = `${entries.length - MAX_FIELDS} more fields`;
  return out;
}

/**
 * A request's fields as the audit row keeps them: secret-named fields and credential-looking
 * values redacted at any depth, strings, arrays, objects and depth capped, and the whole at most
 * MAX_SUMMARY_CHARS of JSON (past that, only the top-level field names). Null for no body.
 */
export function auditSummaryOf(body: unknown): Record<string, unknown> | null {
  if (body === undefined || body === null || body === '') return null;
  const shaped = typeof body === 'object' && !Array.isArray(body) ? bound(body, 0) : { body: bound(body, 1) };
  const json = JSON.stringify(shaped);
  if (json.length <= MAX_SUMMARY_CHARS) return shaped as Record<string, unknown>;
  const fields = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body as object).slice(0, MAX_FIELDS) : [];
  return { truncated: true, chars: json.length, fields: fields.map((f) => f.slice(0, MAX_STRING)) };
}
