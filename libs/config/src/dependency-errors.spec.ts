import { UnrecoverableError } from 'bullmq';
import { isDependencyUnavailable } from './dependency-errors';

function withProps(message: string, props: Record<string, unknown>, name?: string): Error {
  const e = Object.assign(new Error(message), props);
  if (name) e.name = name;
  return e;
}

/** A Prisma error as Prisma 7 with the pg driver adapter throws it (shapes observed against a closed port). */
function prismaError(code: string, adapterKind?: string): Error {
  const meta = adapterKind ? { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: adapterKind } } } : {};
  return withProps('\nInvalid `prisma.call.findFirst()` invocation:\n\n...', { code, meta, clientVersion: '7.0.0' }, 'PrismaClientKnownRequestError');
}

const pgServerError = (code: string, message: string) => withProps(message, { code, severity: 'FATAL' }, 'error');

describe('isDependencyUnavailable', () => {
  it.each<[string, unknown]>([
    // node-postgres / pg-pool
    ['ECONNREFUSED', withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' })],
    ['ECONNRESET', withProps('read ECONNRESET', { code: 'ECONNRESET' })],
    ['EPIPE', withProps('write EPIPE', { code: 'EPIPE' })],
    ['ETIMEDOUT', withProps('connect ETIMEDOUT 10.0.0.5:5432', { code: 'ETIMEDOUT' })],
    ['EHOSTUNREACH', withProps('connect EHOSTUNREACH 10.0.0.5:5432', { code: 'EHOSTUNREACH' })],
    ['ENOTFOUND', withProps('getaddrinfo ENOTFOUND db.internal', { code: 'ENOTFOUND' })],
    ['EAI_AGAIN', withProps('getaddrinfo EAI_AGAIN db.internal', { code: 'EAI_AGAIN' })],
    ['Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['Connection terminated', new Error('Connection terminated')],
    [
      'a driver message on its own line of a Prisma message',
      withProps('\nInvalid `prisma.call.findUnique()` invocation:\n\n\nConnection terminated unexpectedly', {}, 'PrismaClientUnknownRequestError'),
    ],
    ['pg-pool connect timeout', new Error('timeout exceeded when trying to connect')],
    [
      'pg-pool connection timeout with cause',
      new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') }),
    ],
    ['pg client not queryable', new Error('Client has encountered a connection error and is not queryable')],
    ['57P01 admin shutdown', pgServerError('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash shutdown', pgServerError('57P02', 'terminating connection because of crash of another server process')],
    ['57P03 cannot connect now', pgServerError('57P03', 'the database system is starting up')],
    ['53300 too many connections', pgServerError('53300', 'sorry, too many clients already')],
    ['08006 connection failure', pgServerError('08006', 'connection failure')],
    ['08P01 protocol violation', pgServerError('08P01', 'protocol violation')],
    ['admin shutdown text without a code', new Error('terminating connection due to administrator command')],
    // Node's happy-eyeballs connect: every address refused
    [
      'AggregateError of ECONNREFUSED',
      Object.assign(
        new AggregateError(
          [withProps('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' }), withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
          '',
        ),
        { code: 'ECONNREFUSED' },
      ),
    ],
    [
      'AggregateError, code only inside',
      new AggregateError([new Error('other'), withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })], ''),
    ],
    // Prisma
    ['Prisma P1001', prismaError('P1001', 'DatabaseNotReachable')],
    ['Prisma P1002', prismaError('P1002')],
    ['Prisma P1008', prismaError('P1008')],
    ['Prisma P1017', prismaError('P1017', 'ConnectionClosed')],
    ['Prisma P2024 pool timeout', prismaError('P2024')],
    ['Prisma raw query P2010, adapter says not reachable', prismaError('P2010', 'DatabaseNotReachable')],
    ['Prisma raw query P2010, adapter says socket timeout', prismaError('P2010', 'SocketTimeout')],
    ['Prisma adapter too many connections', prismaError('P2010', 'TooManyConnections')],
    [
      'Prisma raw query P2010, server says 57P01',
      Object.assign(prismaError('P2010'), { meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } } }),
    ],
    ['PrismaClientInitializationError', withProps("Can't reach database server at `db:5432`", { errorCode: 'P1001' }, 'PrismaClientInitializationError')],
    // ioredis / BullMQ
    [
      'ioredis MaxRetriesPerRequestError',
      withProps('Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.', {}, 'MaxRetriesPerRequestError'),
    ],
    ['ioredis offline queue disabled', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['ioredis connection closed', new Error('Connection is closed.')],
    ['BullMQ ConnectionClosedError', withProps('Connection is closed', {}, 'ConnectionClosedError')],
    // wrapped by someone else
    ['wrapped in cause', new Error('recording call_x failed', { cause: withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }) })],
    ['wrapped twice', new Error('outer', { cause: new Error('middle', { cause: new Error('Connection terminated unexpectedly') }) })],
    ['fetch failed (network) with cause', new TypeError('fetch failed', { cause: withProps('connect ECONNREFUSED 127.0.0.1:3900', { code: 'ECONNREFUSED' }) })],
  ])('%s: unavailable', (_, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a plain error', new Error('boom')],
    ['UnrecoverableError (bad payload)', new UnrecoverableError('job body is not JSON (call c1, call_started)')],
    ['UnrecoverableError wrapping a network error', Object.assign(new UnrecoverableError('bad'), { cause: withProps('x', { code: 'ECONNREFUSED' }) })],
    ['a network error wrapping an UnrecoverableError', new Error('outer', { cause: new UnrecoverableError('bad payload') })],
    ['unique violation 23505', pgServerError('23505', 'duplicate key value violates unique constraint')],
    ['raise from a trigger P0001', pgServerError('P0001', 'event refused')],
    ['invalid text 22P02', pgServerError('22P02', 'invalid input syntax for type uuid')],
    ['NUL in text 22021', pgServerError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['lock timeout 55P03', pgServerError('55P03', 'canceling statement due to lock timeout')],
    ['deadlock 40P01', pgServerError('40P01', 'deadlock detected')],
    ['Prisma P2002 unique', prismaError('P2002')],
    ['Prisma P2025 not found', prismaError('P2025')],
    ['Prisma raw query failing in SQL', Object.assign(prismaError('P2010'), { meta: { driverAdapterError: { cause: { kind: 'postgres', code: '23505' } } } })],
    ['a message that only mentions a connection', new Error('the candidate has no connection terminated flag')],
    ['a known message past the scanned length', new Error(`${'x'.repeat(5000)}\nConnection terminated unexpectedly`)],
    ['a Retell 4xx', withProps('400 invalid to_number', { status: 400 }, 'BadRequestError')],
    ['no handler for the job name', new Error("no handler for job 'x' on q")],
    ['undefined', undefined],
    ['null', null],
    ['a string', 'ECONNREFUSED'],
    ['a number code', withProps('x', { code: 111 })],
  ])("%s: the job's own error", (_, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });

  it('a cause cycle ends', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(isDependencyUnavailable(a)).toBe(false);
    (b as Error & { code?: string }).code = 'ECONNRESET';
    expect(isDependencyUnavailable(a)).toBe(true);
  });

  it('a deep chain is followed only so far', () => {
    let e: Error = withProps('x', { code: 'ECONNREFUSED' });
    for (let i = 0; i < 50; i++) e = new Error(`wrap ${i}`, { cause: e });
    expect(isDependencyUnavailable(e)).toBe(false);
  });
});
