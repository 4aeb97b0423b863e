/** Failures the API turns into 4xx answers. */
export class RecruitingError extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}
