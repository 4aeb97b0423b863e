import { Body, Controller, Get, HttpCode, Module, Param, Post, ValidationPipe, ForbiddenException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, RefusedUpstreamError, UnavailableError } from '@retell-ops/domain';
import { IsString } from 'class-validator';
import { ApiExceptionFilter } from './api-exception.filter';

/** What each route throws, by name. */
const THROWN: Record<string, () => unknown> = {
  notFound: () => new NotFoundError("no call 'c1'"),
  conflict: () => new ConflictError("agent 'a1' belongs to another tenant", { code: 'agent_of_another_tenant' }),
  invalid: () => new InvalidInputError('from must be before to', { field: 'from' }),
  invalidNoField: () => new InvalidInputError('give either scheduledAt, or date and time, not both'),
  forbidden: () => new ForbiddenError('only admin keys can place calls'),
  unavailable: () => new UnavailableError('Retell is not answering', { retryAfterSec: 30 }),
  unavailableNoHint: () => new UnavailableError('Retell is not answering'),
  refusedUpstream: () => new RefusedUpstreamError('Retell refused the API key (401): Unauthorized', { code: 'retell_key_refused' }),
  postgresDown: () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
  redisDown: () => new Error('Connection is closed.'),
  prismaDown: () => Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { name: 'PrismaClientInitializationError' }),
  bug: () => new TypeError("Cannot read properties of undefined (reading 'id')"),
  hugeBug: () => new Error(`secret-ish internals ${'x'.repeat(100_000)}`),
  notAnError: () => 'a string thrown',
  nestForbidden: () => new ForbiddenException('only admin keys can do that'),
  bodyTooLarge: () => Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }),
};

class Echo {
  @IsString() name: string;
}

@Controller()
class ThrowingController {
  @Get('throw/:what')
  throwIt(@Param('what') what: string): never {
    throw THROWN[what]();
  }

  @Get('async/:what')
  async throwLater(@Param('what') what: string): Promise<never> {
    await Promise.resolve();
    throw THROWN[what]();
  }

  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: Echo): Echo {
    return body;
  }
}

@Module({ controllers: [ThrowingController] })
class ThrowingModule {}

describe('ApiExceptionFilter (a real Nest app on Fastify, in process)', () => {
  let app: NestFastifyApplication;
  const logged: string[] = [];

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ThrowingModule, new FastifyAdapter(), { logger: false });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    app.useGlobalFilters(new ApiExceptionFilter(app.getHttpAdapter(), { error: (m: string) => logged.push(m) }));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());
  beforeEach(() => (logged.length = 0));

  const get = (path: string) => app.inject({ method: 'GET', url: path });

  it.each<[string, number, Record<string, unknown>, string | undefined, boolean]>([
    ['notFound', 404, { statusCode: 404, error: 'Not Found', message: "no call 'c1'", code: 'not_found' }, undefined, false],
    [
      'conflict',
      409,
      { statusCode: 409, error: 'Conflict', message: "agent 'a1' belongs to another tenant", code: 'agent_of_another_tenant' },
      undefined,
      false,
    ],
    ['invalid', 400, { statusCode: 400, error: 'Bad Request', message: 'from must be before to', code: 'invalid_input', field: 'from' }, undefined, false],
    [
      'invalidNoField',
      400,
      { statusCode: 400, error: 'Bad Request', message: 'give either scheduledAt, or date and time, not both', code: 'invalid_input' },
      undefined,
      false,
    ],
    ['forbidden', 403, { statusCode: 403, error: 'Forbidden', message: 'only admin keys can place calls', code: 'forbidden' }, undefined, false],
    ['unavailable', 503, { statusCode: 503, error: 'Service Unavailable', message: 'Retell is not answering', code: 'unavailable' }, '30', true],
    [
      'refusedUpstream',
      422,
      { statusCode: 422, error: 'Unprocessable Entity', message: 'Retell refused the API key (401): Unauthorized', code: 'retell_key_refused' },
      undefined,
      false,
    ],
    ['unavailableNoHint', 503, { statusCode: 503, error: 'Service Unavailable', message: 'Retell is not answering', code: 'unavailable' }, undefined, true],
    [
      'postgresDown',
      503,
      {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the database or Redis is unavailable right now; try again shortly',
        code: 'dependency_unavailable',
      },
      '5',
      true,
    ],
    [
      'redisDown',
      503,
      {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the database or Redis is unavailable right now; try again shortly',
        code: 'dependency_unavailable',
      },
      '5',
      true,
    ],
    [
      'prismaDown',
      503,
      {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the database or Redis is unavailable right now; try again shortly',
        code: 'dependency_unavailable',
      },
      '5',
      true,
    ],
    ['bug', 500, { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', code: 'internal_error' }, undefined, true],
    ['notAnError', 500, { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', code: 'internal_error' }, undefined, true],
    // Nest's and Fastify's own errors keep the body they always had
    ['nestForbidden', 403, { statusCode: 403, error: 'Forbidden', message: 'only admin keys can do that' }, undefined, false],
    ['bodyTooLarge', 413, { statusCode: 413, message: 'Request body is too large' }, undefined, false],
  ])('%s → %i with one body shape', async (what, status, body, retryAfter, logs) => {
    for (const route of ['throw', 'async']) {
      logged.length = 0;
      const res = await get(`/${route}/${what}`);
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toStrictEqual(body);
      expect(res.headers['retry-after']).toBe(retryAfter);
      expect(logged).toHaveLength(logs ? 1 : 0);
      if (logs) expect(logged[0]).toContain(`GET /${route}/${what}`);
    }
  });

  it("leaves the ValidationPipe's 400 as Nest makes it", async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { name: 1, extra: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toStrictEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['property extra should not exist', 'name must be a string'],
    });
  });

  it('logs an unexpected error bounded, never its whole message, and never answers with it', async () => {
    const res = await get('/throw/hugeBug');
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret-ish');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('Error: secret-ish internals');
    expect(logged[0].length).toBeLessThan(3_000);
  });

  it("logs the error's name and code with its frames", async () => {
    await get('/throw/postgresDown');
    expect(logged[0]).toMatch(/^GET \/throw\/postgresDown: Error \(ECONNREFUSED\): connect ECONNREFUSED/);
    expect(logged[0]).toMatch(/\n\s+at /);
  });
});
