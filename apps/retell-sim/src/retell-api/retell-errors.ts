import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';

// Retell's error body is `{"status":"error","message":"…"}` for every status (docs/retell.md#errors).

export const RETELL_MESSAGES = {
  badRequest: 'Invalid request format, please check API reference.',
  unauthorized: 'API key is missing or invalid.',
  notFound: 'Cannot find requested asset under given api key.',
  internal: 'Internal server error, please try again later.',
} as const;

export interface RetellErrorBody {
  status: 'error';
  message: string;
}

/** An error the Retell API answers with its own body (and, for some, headers such as Retry-After). */
export class RetellApiError extends HttpException {
  constructor(
    status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super({ status: 'error', message } satisfies RetellErrorBody, status);
  }
}

export const badRequest = (message: string = RETELL_MESSAGES.badRequest) => new RetellApiError(400, message);
export const unauthorized = () => new RetellApiError(401, RETELL_MESSAGES.unauthorized);
/** Unknown call / agent ids: Retell answers 422, not 404. */
export const assetNotFound = () => new RetellApiError(422, RETELL_MESSAGES.notFound);
/** Too many requests: try again after `retryAfterSec`. */
export const rateLimited = (retryAfterSec: number) =>
  new RetellApiError(429, 'Rate limit exceeded, please retry later.', { 'retry-after': String(retryAfterSec) });

/** Retell's answer to a failure on its side (500 with its error body). */
export const serverError = () => new RetellApiError(500, RETELL_MESSAGES.internal);

/** Paths that belong to the simulator itself and keep Nest's default error body. */
const SIM_OWN_PATH = /^\/(sim|health)(\/|\?|$)/;

function messageOf(exception: HttpException): string {
  const res = exception.getResponse();
  if (typeof res === 'string') return res;
  const message = (res as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

/**
 * Every error outside /sim and /health (the Retell API, unknown routes, unparseable bodies)
 * gets Retell's error body; the simulator's own routes keep Nest's.
 */
@Catch()
export class RetellErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('RetellApi');
  private readonly fallback: BaseExceptionFilter;

  constructor(private readonly adapterHost: HttpAdapterHost) {
    this.fallback = new BaseExceptionFilter(adapterHost.httpAdapter);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const adapter = this.adapterHost.httpAdapter;
    const request = host.getArgByIndex(0);
    const url = String(adapter.getRequestUrl(request) ?? '');
    if (SIM_OWN_PATH.test(url)) return this.fallback.catch(exception, host);

    let status = 500;
    let body: RetellErrorBody = { status: 'error', message: RETELL_MESSAGES.internal };
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = { status: 'error', message: messageOf(exception) };
    } else {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    const response = host.getArgByIndex(1);
    if (adapter.isHeadersSent(response)) return void adapter.end(response);
    if (exception instanceof RetellApiError) for (const [name, value] of Object.entries(exception.headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, body, status);
  }
}
