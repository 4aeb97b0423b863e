/**
 * Whether an error says a dependency (PostgreSQL, Redis, a service reached over the network) could
 * not be reached, rather than that the job itself is wrong. A job that meets such an error waits
 * and runs again without using an attempt; every other error is the job's own and counts.
 *
 * Follows `cause` chains, AggregateError's `errors` (Node's happy-eyeballs connect) and Prisma's
 * driver-adapter error in `meta`. A BullMQ UnrecoverableError anywhere is always the job's own.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  const chain = errorChain(error);
  return chain.some(saysUnavailable) && !chain.some((e) => e.name === 'UnrecoverableError');
}

const MAX_DEPTH = 8;
const MAX_AGGREGATE = 16;

/** The error and every error it wraps, bounded (a cycle or a huge AggregateError cannot run away). */
function errorChain(error: unknown): ErrorLike[] {
  const found: ErrorLike[] = [];
  const visit = (e: unknown, depth: number): void => {
    if (!e || typeof e !== 'object' || depth > MAX_DEPTH || found.includes(e as ErrorLike)) return;
    const node = e as ErrorLike;
    found.push(node);
    visit(node.cause, depth + 1);
    if (Array.isArray(node.errors)) for (const inner of node.errors.slice(0, MAX_AGGREGATE)) visit(inner, depth + 1);
    visit(node.meta?.driverAdapterError, depth + 1);
  };
  visit(error, 0);
  return found;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  kind?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: unknown };
}

/** Socket errors of Node (and getaddrinfo's "try again"). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is going away or full: class 08 (connection exception) is
 * matched by prefix; 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting
 * up, shutting down, recovery), 53300 too many connections.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * Prisma: P1001 can't reach the server, P1002 timed out reaching it, P1008 operation timed out,
 * P1017 server closed the connection, P2024 timed out waiting for a pooled connection.
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** Kinds of Prisma's PostgreSQL driver adapter for the same conditions (in `meta.driverAdapterError.cause`). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

const NAMES = new Set([
  'PrismaClientInitializationError',
  // ioredis gave up on a command while reconnecting
  'MaxRetriesPerRequestError',
  // BullMQ: a command on a closed Redis connection
  'ConnectionClosedError',
]);

/**
 * Errors that carry no code: node-postgres, pg-pool, ioredis, BullMQ. Matched at the start of any
 * line, since Prisma puts the driver's message on a line of its own.
 */
const MESSAGES = [
  /^Connection terminated/m, // pg: "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect/m, // pg-pool's connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable/m, // pg
  /terminating connection due to administrator command/,
  /^Connection is closed\.?$/m, // ioredis, BullMQ
  /^Stream isn't writeable and enableOfflineQueue options is false/m, // ioredis, fail-fast connection
  /^Reached the max retries per request limit/m, // ioredis
  /^Can't reach database server/m, // Prisma
];

/** Enough of a message to hold any of the above; an error's message can be large. */
const MESSAGE_SCAN = 4096;

function saysUnavailable(e: ErrorLike): boolean {
  if (typeof e.code === 'string') {
    if (NETWORK_CODES.has(e.code) || PRISMA_CODES.has(e.code) || SQLSTATES.has(e.code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(e.code)) return true;
  }
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.name === 'string' && NAMES.has(e.name)) return true;
  if (typeof e.message !== 'string') return false;
  const message = e.message.slice(0, MESSAGE_SCAN);
  return MESSAGES.some((m) => m.test(message));
}
