import { BadRequestException, Catch, ConflictException, HttpException, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { RecruitingError } from '@retell-ops/recruiting';

/** The one place a recruiting use case's failure becomes an HTTP answer. */
export function recruitingHttpError(e: RecruitingError): HttpException {
  switch (e.kind) {
    case 'not_found':
      return new NotFoundException(e.message);
    case 'conflict':
      return new ConflictException(e.message);
    case 'invalid':
      return new BadRequestException(e.message);
  }
}

/** not_found → 404, conflict → 409, invalid → 400, in Nest's usual error body. */
@Catch(RecruitingError)
export class RecruitingErrorFilter extends BaseExceptionFilter {
  override catch(e: RecruitingError, host: ArgumentsHost): void {
    super.catch(recruitingHttpError(e), host);
  }
}
