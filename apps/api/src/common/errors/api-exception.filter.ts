import { Catch, HttpException, Logger, type ArgumentsHost, type HttpServer, type LoggerService } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { DomainError } from '@retell-ops/domain';
import { httpAnswerFor } from './http-answer';

const MESSAGE_MAX = 500;
const STACK_MAX = 2_000;
const URL_MAX = 200;

/**
 * The API's one exception filter (registered in create-api.ts). Nest's HttpExceptions (guards,
 * the ValidationPipe) and framework errors that carry their own status pass through unchanged;
 * everything else gets its status and body from `httpAnswerFor`. 5xx answers are logged, bounded:
 * a huge message or stack cannot flood the log.
 */
@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  constructor(
    applicationRef: HttpServer,
    private readonly logger: Pick<LoggerService, 'error'> = new Logger('ApiErrors'),
  ) {
    super(applicationRef);
  }

  override catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http' || error instanceof HttpException || hasOwnHttpStatus(error)) return super.catch(error, host);
    const { body, retryAfterSec } = httpAnswerFor(error);
    const http = host.switchToHttp();
    if (body.statusCode >= 500) this.logger.error(describe(error, http.getRequest()));
    const reply = http.getResponse();
    const app = this.applicationRef!;
    if (app.isHeadersSent(reply)) return;
    if (retryAfterSec !== undefined) app.setHeader(reply, 'retry-after', String(retryAfterSec));
    app.reply(reply, body, body.statusCode);
  }
}

/** Fastify's and http-errors' errors (a body too large, bad JSON) already say their 4xx. */
function hasOwnHttpStatus(error: unknown): boolean {
  if (error instanceof DomainError || !error || typeof error !== 'object') return false;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function describe(error: unknown, req: { method?: string; url?: string } | undefined): string {
  const where = `${req?.method ?? '?'} ${String(req?.url ?? '?').slice(0, URL_MAX)}`;
  if (!(error instanceof Error)) return `${where}: non-error thrown: ${String(error).slice(0, MESSAGE_MAX)}`;
  const code = (error as { code?: unknown }).code;
  const head = `${where}: ${error.name}${typeof code === 'string' ? ` (${code.slice(0, 40)})` : ''}: ${error.message.slice(0, MESSAGE_MAX)}`;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((l) => l.trimStart().startsWith('at '))
    .join('\n');
  return frames ? `${head}\n${frames.slice(0, STACK_MAX)}` : head;
}
