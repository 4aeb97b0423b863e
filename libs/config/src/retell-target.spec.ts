import {
  defaultRetellBaseUrl,
  DEV_RETELL_API_KEY,
  isDevelopmentRetellKey,
  RETELL_PRODUCTION_BASE_URL,
  retellBaseUrlProblem,
  SIMULATOR_BASE_URL,
} from './retell-target';

describe('isDevelopmentRetellKey / defaultRetellBaseUrl', () => {
  it.each([
    [DEV_RETELL_API_KEY, true],
    ['key_dev_alice', true],
    ['key_test_0123', true],
    ['key_test_a-b_c', true],
    ['key_0f1e2d3c4b5a69788796a5b4c3d2e1f0', false],
    ['key_e2e_0123', false],
    ['key_dev_', false],
    ['key_dev_with space', false],
    ['dev_key_x', false],
    ['KEY_DEV_X', false],
    ['', false],
  ])('%p → development: %p', (key, dev) => {
    expect(isDevelopmentRetellKey(key)).toBe(dev);
    expect(defaultRetellBaseUrl(key)).toBe(dev ? SIMULATOR_BASE_URL : RETELL_PRODUCTION_BASE_URL);
  });

  it('Retell itself is https', () => {
    expect(RETELL_PRODUCTION_BASE_URL).toBe('https://api.retellai.com');
  });
});

describe('retellBaseUrlProblem: a base URL (env or a tenant’s stored retellBaseUrl) before a client is made', () => {
  it.each<[string, string | undefined, RegExp | undefined]>([
    ['https://api.retellai.com', 'production', undefined],
    ['https://retell.proxy.internal:8443/v2', 'production', undefined],
    ['http://127.0.0.1:3900', 'development', undefined],
    ['http://127.0.0.1:3900', 'test', undefined],
    ['http://127.0.0.1:3900', undefined, undefined],
    ['https://api.retellai.com', 'development', undefined],
    ['http://127.0.0.1:3900', 'production', /^NODE_ENV=production needs an https Retell base URL, got http:\/\/127\.0\.0\.1:3900$/],
    ['http://user:secret@retell-sim:3900/path?q=1', 'production', /got http:\/\/retell-sim:3900$/],
    ['ftp://api.retellai.com', 'development', /must be http\(s\), got ftp:/],
    ['not a url', 'production', /is not a URL/],
  ])('%p under %p', (url, nodeEnv, problem) => {
    const answer = retellBaseUrlProblem(url, nodeEnv);
    if (problem) expect(answer).toMatch(problem);
    else expect(answer).toBeUndefined();
  });

  it('never names credentials or a path', () => {
    expect(retellBaseUrlProblem('http://user:secret@retell-sim:3900/path', 'production')).not.toMatch(/secret|path/);
  });
});
