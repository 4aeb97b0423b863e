import { rateLimitBuckets } from './rate-limit-buckets';

describe('rateLimitBuckets', () => {
  it.each([
    ['POST', '/api/v1/auth/session', false, ['auth']],
    ['POST', '/api/v1/auth/login', false, ['auth']],
    ['DELETE', '/api/v1/auth/session', true, ['api']],
    ['GET', '/api/v1/auth/session', false, []],
    ['POST', '/api/v1/auth/session', true, ['auth', 'api']],
    ['POST', '/api/v1/calls', true, ['api', 'call-create']],
    ['post', '/api/v1/calls', true, ['api', 'call-create']],
    ['POST', '/api/v1/batches', true, ['api', 'call-create']],
    ['GET', '/api/v1/calls', true, ['api']],
    ['GET', '/api/v1/batches', true, ['api']],
    ['DELETE', '/api/v1/calls/:callId', true, ['api']],
    ['POST', '/api/v1/api-keys', true, ['api']],
    ['GET', '/health', false, []],
    ['GET', '/api/v1/calls', false, []],
    ['GET', undefined, false, []],
  ] as const)('%s %s (authenticated %s) → %j', (method, route, authenticated, buckets) => {
    expect(rateLimitBuckets(method, route, authenticated)).toEqual(buckets);
  });
});
