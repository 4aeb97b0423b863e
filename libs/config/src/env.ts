import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { defaultRetellBaseUrl, DEV_RETELL_API_KEY, retellBaseUrlProblem } from './retell-target';

/** Development values used when the variable is unset; `npm start` prints them. Never use in production. */
export const DEV_DEFAULTS = {
  RETELL_API_KEY: DEV_RETELL_API_KEY,
  ADMIN_API_KEY: 'rops_dev_admin_key_change_me',
  ENCRYPTION_KEY: '6465762d6f6e6c792d656e6372797074696f6e2d6b65792d33322d6279746573',
  DEFAULT_AGENT_ID: 'agent_sim_default',
  DEFAULT_FROM_NUMBER: '+14155550100',
} as const;

export class AppEnv {
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/retell_ops';

  @IsString()
  /** `redis+cluster://host:port,host:port` for a Redis Cluster (docs/scaling.md) */
  @Matches(/^rediss?(\+cluster)?:\/\//, { message: 'REDIS_URL must be a redis:// URL (or redis+cluster://host:port,host:port for a Redis Cluster)' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every BullMQ key; tests give each run its own. */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]+$/)
  QUEUE_PREFIX = 'rops';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  GATEWAY_PORT = 3000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  API_PORT = 3001;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  RETELL_SIM_PORT = 3900;

  @IsString()
  @IsIn(['127.0.0.1', '0.0.0.0', '::', 'localhost'])
  HOST = '127.0.0.1';

  /**
   * Where the Retell SDK points. Unset: the simulator for a development RETELL_API_KEY, Retell's
   * production API (https://api.retellai.com) for any other key. Must be https in production.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  RETELL_BASE_URL: string;

  /** Where the simulator delivers webhooks. */
  @IsUrl({ require_tld: false, require_protocol: true })
  GATEWAY_URL = 'http://127.0.0.1:3000';

  /**
   * The gateway's base URL as Retell reaches it (e.g. https://hooks.example.com). Agents whose
   * webhook URL is not `<this>/webhooks/retell[/<slug>]` get a warning, and a phone number's
   * inbound webhook is pointed at `<this>/webhooks/retell/inbound/<slug>` (docs/agents.md).
   * Unset: GATEWAY_URL.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  PUBLIC_WEBHOOK_BASE_URL?: string;

  @IsString()
  @MinLength(8)
  RETELL_API_KEY: string = DEV_DEFAULTS.RETELL_API_KEY;

  @IsString()
  @MinLength(16)
  ADMIN_API_KEY: string = DEV_DEFAULTS.ADMIN_API_KEY;

  /**
   * The platform operator's bearer key for /api/v1/tenants (create, list, change tenants). Unset:
   * those routes answer 403. Only its SHA-256 is kept once the API starts (`PlatformOperatorGuard`).
   */
  @IsOptional()
  @IsString()
  @MinLength(16)
  PLATFORM_ADMIN_KEY?: string;

  /** 32 bytes as 64 hex characters or base64; AES-256-GCM key for secrets at rest. */
  @IsString()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, {
    message: 'ENCRYPTION_KEY must be 32 bytes: 64 hex characters or base64',
  })
  ENCRYPTION_KEY: string = DEV_DEFAULTS.ENCRYPTION_KEY;

  /** Slug of the tenant the API creates at start from RETELL_API_KEY / ADMIN_API_KEY. */
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'DEFAULT_TENANT_SLUG must be lowercase letters, digits and dashes' })
  DEFAULT_TENANT_SLUG = 'default';

  @IsString()
  DEFAULT_AGENT_ID: string = DEV_DEFAULTS.DEFAULT_AGENT_ID;

  @IsString()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'DEFAULT_FROM_NUMBER must be E.164' })
  DEFAULT_FROM_NUMBER: string = DEV_DEFAULTS.DEFAULT_FROM_NUMBER;

  /**
   * How long the gateway looks a caller up for Retell's inbound-call webhook before it answers the
   * plain default instead (docs/live-calls.md#inbound-calls); the caller hears ringing meanwhile.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  INBOUND_ANSWER_BUDGET_MS = 300;

  /**
   * How old a tool call's claim without an answer must be before the same request again takes it
   * over and runs the tool itself (docs/live-calls.md#answers): far beyond any tool's run, so only
   * a claim whose gateway died is taken.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  TOOL_CLAIM_STALE_MS = 30_000;

  /** Largest webhook body the gateway accepts (413 above). */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  WEBHOOK_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

  /** Largest body POST /api/v1/batches accepts, JSON or CSV (100,000 targets are ≈ 10–20 MB of JSON); other routes keep the limit above. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  BATCH_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(512)
  CALL_WORKER_CONCURRENCY = 16;

  /** Deliveries the call worker commits in one transaction at most (1: one transaction each). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  CALL_WORKER_BATCH = 32;

  /** BullMQ lock and stalled-check interval for workers; a killed worker's job is retried after about this long. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  WORKER_LOCK_MS = 30000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  JOB_ATTEMPTS = 10;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  JOB_BACKOFF_MS = 1000;

  /**
   * Longest pause of a worker whose jobs cannot reach PostgreSQL or Redis: such jobs go back to
   * wait without using an attempt, and the pause doubles from 1 s up to this while the outage lasts.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  DEPENDENCY_RETRY_MAX_MS = 30000;

  /**
   * Narrows a worker process to some of the queues its app declares (comma-separated queue names,
   * e.g. `dial-place.v1`), so one image runs as several pools. Unset: all of them. A name the app
   * does not declare stops it at boot with the valid ones listed.
   */
  @IsOptional()
  @IsString()
  @Matches(/^\s*[a-z0-9][a-z0-9.-]*(\s*,\s*[a-z0-9][a-z0-9.-]*)*\s*$/, {
    message: 'QUEUES must be comma-separated queue names, e.g. dial-place.v1,dial-dispatch.v1',
  })
  QUEUES?: string;

  /** Interview reminders, as offsets before the interview (s, m, h, d units). */
  @IsString()
  @Matches(/^\d+[smhd](,\d+[smhd])*$/, { message: 'INTERVIEW_REMINDERS must look like 24h,1h' })
  INTERVIEW_REMINDERS = '24h,1h';

  /** How often the dialer looks for due and queued dial requests. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  DIALER_TICK_MS = 1000;

  /** Place jobs one dialer-worker process runs at once (each is a create-phone-call at Retell and a few small writes). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  DIALER_PLACE_CONCURRENCY = 50;

  /** How long a tenant's Retell concurrency (get-concurrency) is trusted before asking again. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  CONCURRENCY_CACHE_MS = 10000;

  /** A dial request dialing or live this long is settled from Retell's get-call (a lost webhook, a wedged create). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  DIAL_STALE_MS = 180000;

  /**
   * How long the dialer waits for any answer from Retell before giving up on the request (a create
   * that times out is then looked up by the platform's call id before it is declared failed).
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  RETELL_TIMEOUT_MS = 30000;

  /**
   * How often the call worker recomputes the stats rollup's dirty days (docs/stats.md), ms; 0 =
   * never (the stats stay exact, read from the calls for every day not rolled up).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  STATS_ROLLUP_INTERVAL_MS = 10000;

  /**
   * Reconciliation with Retell (docs/reconciliation.md): how often each tenant's job scheduler
   * runs (ms; 0 = off, the schedulers are removed); the overlap each run re-reads before its
   * watermark; how far back a tenant's first run reads; how long an unfinished call may hold the
   * watermark back; list-calls page size; and how many times a run waits out Retell's 429/5xx
   * before it ends failed (the watermark kept).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  RECONCILE_INTERVAL_MS = 300000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  RECONCILE_OVERLAP_MS = 600000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  RECONCILE_INITIAL_LOOKBACK_MS = 86400000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  RECONCILE_MAX_HOLD_MS = 3600000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  RECONCILE_PAGE_SIZE = 200;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  RECONCILE_RETRIES = 3;

  /** Zone for interview times when neither the call nor the candidate names one (a tenant may set its own). */
  @IsString()
  DEFAULT_TIME_ZONE = 'America/New_York';

  /** A worker app touches this file every HEALTH_INTERVAL_MS while it consumes and Redis answers (empty: off). */
  @IsString()
  HEALTH_FILE = '';

  @Type(() => Number)
  @IsInt()
  @Min(100)
  HEALTH_INTERVAL_MS = 5000;

  /**
   * Abuse limits of the admin API (apps/api, counted in Redis so they hold across API processes;
   * 0 turns one off): requests a minute per API key or signed-in person; call and batch creations
   * (POST /api/v1/calls, /api/v1/batches) a minute per key or person; sign-in attempts
   * (POST /api/v1/auth/*) a minute per client IP. Over a limit: 429 with Retry-After.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  API_RATE_LIMIT_PER_MINUTE = 600;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  CALL_CREATE_RATE_LIMIT_PER_MINUTE = 60;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  AUTH_RATE_LIMIT_PER_MINUTE = 20;

  /**
   * Which peers' X-Forwarded-For the gateway and the API believe for the client's IP (the per-IP
   * sign-in limit, logs, the rejected-deliveries log): `loopback` (a proxy on the same host; the
   * default), addresses or CIDRs and the names loopback/linklocal/uniquelocal, comma-separated,
   * `true` (every peer: only behind a proxy that overwrites the header) or `false` (none).
   */
  @IsString()
  @Matches(/^[\w.:/,\s-]{1,500}$/, { message: 'TRUST_PROXY must be true, false, or comma-separated addresses, CIDRs or loopback/linklocal/uniquelocal' })
  TRUST_PROXY = 'loopback';

  /**
   * Origins (comma-separated, e.g. `https://ops.example.com,https://admin.example.com`) whose
   * browser scripts may call the admin API cross-origin (CORS). Empty: none (the dashboard is
   * served by the API itself, same origin).
   */
  @IsString()
  @Matches(/^\s*(https?:\/\/[^\s,/]+\s*(,\s*https?:\/\/[^\s,/]+\s*)*)?$/, {
    message: 'CORS_ORIGINS must be comma-separated origins such as https://ops.example.com (scheme and host, no path)',
  })
  CORS_ORIGINS = '';

  /** The API docs (Swagger UI at /api/docs, JSON at /api/docs/openapi.json) are off under NODE_ENV=production unless this is true. */
  @IsOptional()
  @IsIn(['true', 'false'])
  SWAGGER_ENABLED: 'true' | 'false' = 'false';

  /**
   * A worker app's small HTTP port for GET /metrics, /health and /ready (0: none). The gateway and
   * the API serve the same paths on their own ports.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT = 0;

  /** When set, GET /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). Unset: open. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';
}

export class EnvValidationError extends Error {}

/** Reads and validates the environment once at boot; throws with every problem listed. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): AppEnv {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(AppEnv, present, { enableImplicitConversion: false, exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false });
  if (errors.length) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new EnvValidationError(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  if (env.NODE_ENV === 'production') {
    const devValues = (['RETELL_API_KEY', 'ADMIN_API_KEY', 'ENCRYPTION_KEY'] as const).filter((k) => env[k] === DEV_DEFAULTS[k]);
    if (devValues.length) throw new EnvValidationError(`NODE_ENV=production needs real values for ${devValues.join(', ')}`);
    const operatorKeyProblem = env.PLATFORM_ADMIN_KEY === undefined ? undefined : platformAdminKeyProblem(env.PLATFORM_ADMIN_KEY);
    if (operatorKeyProblem) throw new EnvValidationError(`PLATFORM_ADMIN_KEY: ${operatorKeyProblem}`);
  }
  env.RETELL_BASE_URL ??= defaultRetellBaseUrl(env.RETELL_API_KEY);
  const baseUrlProblem = retellBaseUrlProblem(env.RETELL_BASE_URL, env.NODE_ENV);
  if (baseUrlProblem) throw new EnvValidationError(`RETELL_BASE_URL: ${baseUrlProblem}`);
  return env;
}

/** Under production the operator key must be long and random-looking: not a placeholder a README or a test would show. */
export function platformAdminKeyProblem(key: string): string | undefined {
  if (key.length < 32) return 'NODE_ENV=production needs at least 32 characters';
  if (/dev|test|change|example|secret|password|admin/i.test(key) || new Set(key).size < 10)
    return 'NODE_ENV=production refuses a development-looking value (dev, test, change, example, …)';
  return undefined;
}

/** The origins CORS_ORIGINS lists (none when empty). */
export function corsOrigins(env: Pick<AppEnv, 'CORS_ORIGINS'>): string[] {
  return env.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}

/** Whether the API serves its docs: always outside production, under production only with SWAGGER_ENABLED=true. */
export function swaggerEnabled(env: Pick<AppEnv, 'NODE_ENV' | 'SWAGGER_ENABLED'>): boolean {
  return env.NODE_ENV !== 'production' || env.SWAGGER_ENABLED === 'true';
}

/** Names of secrets still at their development defaults (printed as a warning at start). */
export function devDefaultsInUse(env: AppEnv): string[] {
  return (['RETELL_API_KEY', 'ADMIN_API_KEY', 'ENCRYPTION_KEY'] as const).filter((k) => env[k] === DEV_DEFAULTS[k]);
}
