import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { LoggerModule, type Params } from 'nestjs-pino';
// The request/job context nestjs-pino's loggers read (not re-exported by its index).
import { Store, storage } from 'nestjs-pino/storage';
import pino, { type DestinationStream, type Logger as Pino, type LoggerOptions } from 'pino';
import type { AppEnv } from './env';

/** Nest's LOG_LEVEL names as pino levels. */
const PINO_LEVEL: Record<AppEnv['LOG_LEVEL'], pino.Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * Object paths never written: credentials in request headers, and any field named like a
 * secret one level into a logged object. Messages are scrubbed too (`scrubSecrets`).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-retell-signature"]',
  'req.headers["x-csrf-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-retell-signature"]',
  ...['apiKey', 'retellApiKey', 'key', 'token', 'password', 'secret', 'signature', 'authorization', 'cookie'].flatMap((k) => [k, `*.${k}`]),
];

/**
 * Secret shapes replaced in log messages, whatever wrote them: bearer credentials, the
 * platform's API keys and session tokens (`rops_…`), Retell API keys (`key_…`), Retell signature
 * headers (`v=<ms>,d=<hex>`) and long hex strings (HMAC digests, encryption keys).
 */
const SECRET_PATTERNS: RegExp[] = [
  /\b(Bearer)\s+[^\s"',;]+/gi,
  /\brops_[A-Za-z0-9_-]{8,}/g,
  /\bkey_[A-Za-z0-9_]{8,}/g,
  /\bv=\d{10,},d=[0-9a-fA-F]+/g,
  /\b[0-9a-fA-F]{40,}\b/g,
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const p of SECRET_PATTERNS)
    out = out.replace(p, (m, bearer?: string) => (typeof bearer === 'string' && /^bearer$/i.test(bearer) ? `${bearer} [redacted]` : '[redacted]'));
  return out;
}

/** pino-pretty only in development and only when it is installed; never required. */
function prettyAvailable(env: Pick<AppEnv, 'NODE_ENV'>): boolean {
  if (env.NODE_ENV !== 'development' || process.env.LOG_FORMAT === 'json') return false;
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export function pinoOptions(env: Pick<AppEnv, 'LOG_LEVEL' | 'NODE_ENV'>, app: string): LoggerOptions {
  return {
    level: PINO_LEVEL[env.LOG_LEVEL ?? 'log'],
    base: { app },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = scrubSecrets(args[i] as string);
        method.apply(this, args as Parameters<typeof method>);
      },
    },
    ...(prettyAvailable(env) ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  };
}

let root: Pino | undefined;

/** The process's root logger (the first app of a process makes it; tests may pass a destination). */
export function rootLogger(env?: Pick<AppEnv, 'LOG_LEVEL' | 'NODE_ENV'>, app = 'retell-ops', destination?: DestinationStream): Pino {
  if (!root || destination)
    root = destination
      ? pino(pinoOptions(env ?? { LOG_LEVEL: 'log', NODE_ENV: 'production' }, app), destination)
      : pino(pinoOptions(env ?? { LOG_LEVEL: 'log', NODE_ENV: 'production' }, app));
  return root;
}

/**
 * A request id: the caller's x-request-id when it is short and plain, else a new UUID. Given to
 * Fastify as its genReqId (pino-http then takes Fastify's `req.id`).
 */
export function requestId(req: { headers: IncomingHttpHeaders }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(given) ? given : randomUUID();
}

const QUIET_PATHS = /^\/(health|ready|metrics)(\?|$)/;

export interface LoggingOptions {
  /**
   * Which requests get a request logger (request id on every line logged while serving them)
   * and, with `logRequests`, one line when answered: `all`, or `none` (the gateway: no
   * per-request logging work on its webhook route; its refusal lines carry Fastify's request id).
   */
  routes?: 'all' | 'none';
  /** One line per answered request (never for /health, /ready, /metrics). */
  logRequests?: boolean;
}

/** nestjs-pino for an HTTP app: JSON lines, request ids, redaction, LOG_LEVEL. */
export function loggerModule(env: AppEnv, app: string, { routes = 'all', logRequests = true }: LoggingOptions = {}) {
  const logger = rootLogger(env, app);
  if (routes === 'none') return LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] as never });
  const params: Params = {
    pinoHttp: {
      logger,
      genReqId: (req: IncomingMessage) => requestId(req),
      quietReqLogger: true,
      // Under Nest's middleware the path may be cut to the mount point: the original URL is the one to test.
      autoLogging: logRequests ? { ignore: (req) => QUIET_PATHS.test((req as { originalUrl?: string }).originalUrl ?? req.url ?? '') } : false,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    },
    assignResponse: true,
  };
  return LoggerModule.forRoot(params);
}

/** nestjs-pino for a worker app (no HTTP requests): the root logger, with job context from `withLogContext`. */
export function workerLoggerModule(env: AppEnv, app: string) {
  return loggerModule(env, app, { routes: 'none' });
}

/**
 * Runs `fn` with `fields` on every line logged inside it (through Nest's Logger, once the app
 * uses nestjs-pino): a worker's job id, queue, tenant and call.
 */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  const parent = storage.getStore()?.logger ?? root;
  if (!parent) return fn();
  return storage.run(new Store(parent.child(fields)), fn);
}

/** Adds fields (e.g. the tenant, once authenticated) to the current request's or job's log lines. */
export function assignLogFields(fields: Record<string, unknown>): void {
  const store = storage.getStore();
  if (!store) return;
  store.logger = store.logger.child(fields);
  store.responseLogger?.setBindings(fields); // the request's closing line too
}
