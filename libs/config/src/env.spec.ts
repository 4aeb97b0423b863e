import { AppEnv, DEV_DEFAULTS, devDefaultsInUse, EnvValidationError, loadEnv } from './env';

const REAL_SECRETS = {
  RETELL_API_KEY: 'key_0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  ADMIN_API_KEY: 'rops_prod_admin_7f6e5d4c3b2a1908',
  ENCRYPTION_KEY: 'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf',
};

function errorOf(source: NodeJS.ProcessEnv): EnvValidationError {
  try {
    loadEnv(source);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvValidationError);
    return e as EnvValidationError;
  }
  throw new Error('loadEnv did not throw');
}

describe('loadEnv: defaults', () => {
  it('an empty environment gives the development defaults', () => {
    const env = loadEnv({});
    expect(env).toBeInstanceOf(AppEnv);
    expect(env).toMatchObject({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/retell_ops',
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: 'rops',
      GATEWAY_PORT: 3000,
      API_PORT: 3001,
      RETELL_SIM_PORT: 3900,
      HOST: '127.0.0.1',
      RETELL_BASE_URL: 'http://127.0.0.1:3900',
      GATEWAY_URL: 'http://127.0.0.1:3000',
      ...DEV_DEFAULTS,
      WEBHOOK_BODY_LIMIT_BYTES: 5 * 1024 * 1024,
      CALL_WORKER_CONCURRENCY: 16,
      WORKER_LOCK_MS: 30000,
      JOB_ATTEMPTS: 10,
      JOB_BACKOFF_MS: 1000,
      DIAL_STALE_MS: 180000,
      RETELL_TIMEOUT_MS: 30000,
      DEPENDENCY_RETRY_MAX_MS: 30000,
      LOG_LEVEL: 'log',
      NODE_ENV: 'development',
    });
    expect(devDefaultsInUse(env)).toEqual(['RETELL_API_KEY', 'ADMIN_API_KEY', 'ENCRYPTION_KEY']);
  });

  it('empty strings count as unset', () => {
    expect(loadEnv({ GATEWAY_PORT: '', DATABASE_URL: '', LOG_LEVEL: '' })).toMatchObject({
      GATEWAY_PORT: 3000,
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/retell_ops',
      LOG_LEVEL: 'log',
    });
  });

  it('defaults to process.env', () => {
    // setup-env points every test process at the test database
    expect(loadEnv().DATABASE_URL).toBe(process.env.DATABASE_URL);
  });

  it.each([
    ['GATEWAY_PORT', '8080', 8080],
    ['API_PORT', '0', 0],
    ['RETELL_SIM_PORT', '65535', 65535],
    ['WEBHOOK_BODY_LIMIT_BYTES', '1024', 1024],
    ['CALL_WORKER_CONCURRENCY', '512', 512],
    ['WORKER_LOCK_MS', '1000', 1000],
    ['JOB_ATTEMPTS', '100', 100],
    ['JOB_BACKOFF_MS', '10', 10],
    ['DIAL_STALE_MS', '1000', 1000],
    ['RETELL_TIMEOUT_MS', '100', 100],
    ['RETELL_TIMEOUT_MS', '2500', 2500],
    ['DEPENDENCY_RETRY_MAX_MS', '100', 100],
  ])('%s=%p is read as the number %p', (name, value, expected) => {
    expect(loadEnv({ [name]: value })[name as keyof AppEnv]).toBe(expected);
  });

  it.each([
    ['DATABASE_URL', 'postgres://u:p@db.internal:5432/rops'],
    ['DATABASE_URL', 'postgresql://postgres@127.0.0.1:5432/retell_ops_test'],
    ['REDIS_URL', 'rediss://cache.internal:6380'],
    ['QUEUE_PREFIX', 't0a1b2c3d4e'],
    ['HOST', '0.0.0.0'],
    ['HOST', '::'],
    ['RETELL_BASE_URL', 'https://api.retellai.com'],
    ['GATEWAY_URL', 'http://gateway:3000'],
    ['ENCRYPTION_KEY', Buffer.alloc(32, 9).toString('base64')],
    ['ENCRYPTION_KEY', Buffer.alloc(32, 9).toString('base64url')],
    ['DEFAULT_FROM_NUMBER', '+442071838750'],
    ['LOG_LEVEL', 'debug'],
    ['NODE_ENV', 'test'],
    ['QUEUES', 'dial-place.v1'],
    ['QUEUES', 'dial-place.v1,dial-dispatch.v1'],
    ['QUEUES', 'call-started.v1, call-ended.v1'],
  ])('accepts %s=%p', (name, value) => {
    expect(loadEnv({ [name]: value })[name as keyof AppEnv]).toBe(value);
  });
});

describe('loadEnv: each invalid value is reported by name', () => {
  it.each([
    ['DATABASE_URL', 'mysql://root@127.0.0.1/rops'],
    ['DATABASE_URL', '127.0.0.1:5432'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['QUEUE_PREFIX', 'has space'],
    ['QUEUE_PREFIX', 'a:b'],
    ['GATEWAY_PORT', 'abc'],
    ['GATEWAY_PORT', '70000'],
    ['GATEWAY_PORT', '-1'],
    ['GATEWAY_PORT', '80.5'],
    ['API_PORT', '65536'],
    ['RETELL_SIM_PORT', 'port'],
    ['HOST', '10.0.0.1'],
    ['RETELL_BASE_URL', 'not a url'],
    ['RETELL_BASE_URL', 'api.retellai.com'],
    ['GATEWAY_URL', 'localhost:3000'],
    ['RETELL_API_KEY', 'short'],
    ['ADMIN_API_KEY', 'fifteen-chars!!'],
    ['ENCRYPTION_KEY', 'abc'],
    ['ENCRYPTION_KEY', 'g'.repeat(64)],
    ['ENCRYPTION_KEY', 'a'.repeat(63)],
    ['DEFAULT_FROM_NUMBER', '4155550100'],
    ['DEFAULT_FROM_NUMBER', '+0155550100'],
    ['WEBHOOK_BODY_LIMIT_BYTES', '1023'],
    ['CALL_WORKER_CONCURRENCY', '0'],
    ['CALL_WORKER_CONCURRENCY', '513'],
    ['WORKER_LOCK_MS', '999'],
    ['JOB_ATTEMPTS', '0'],
    ['JOB_ATTEMPTS', '101'],
    ['JOB_BACKOFF_MS', '9'],
    ['DIAL_STALE_MS', '999'],
    ['DIAL_STALE_MS', 'soon'],
    ['RETELL_TIMEOUT_MS', '99'],
    ['RETELL_TIMEOUT_MS', '30s'],
    ['DEPENDENCY_RETRY_MAX_MS', '99'],
    ['LOG_LEVEL', 'info'],
    ['NODE_ENV', 'staging'],
    ['QUEUES', 'dial-place.v1,'],
    ['QUEUES', ',,'],
    ['QUEUES', 'dial place'],
    ['QUEUES', 'Dial-Place.v1'],
    ['QUEUES', 'rops:dial-place.v1'],
  ])('%s=%p', (name, value) => {
    const error = errorOf({ [name]: value });
    expect(error.message).toMatch(/^Invalid environment:/);
    const lines = error.message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`${name}: `)).toBe(true);
    expect(lines[0].length).toBeGreaterThan(`${name}: `.length);
  });

  it('several invalid values are all listed', () => {
    const error = errorOf({ DATABASE_URL: 'mysql://x', GATEWAY_PORT: 'x', LOG_LEVEL: 'loud' });
    for (const name of ['DATABASE_URL', 'GATEWAY_PORT', 'LOG_LEVEL']) expect(error.message).toContain(`${name}: `);
  });

  it('messages name the expected format where the code gives one', () => {
    expect(errorOf({ DATABASE_URL: 'mysql://x' }).message).toContain('DATABASE_URL must be a postgresql:// URL');
    expect(errorOf({ ENCRYPTION_KEY: 'abc' }).message).toContain('ENCRYPTION_KEY must be 32 bytes');
    expect(errorOf({ DEFAULT_FROM_NUMBER: '555' }).message).toContain('DEFAULT_FROM_NUMBER must be E.164');
  });
});

describe('loadEnv: production refuses development secrets', () => {
  it('all three dev secrets are named', () => {
    const error = errorOf({ NODE_ENV: 'production' });
    expect(error.message).toBe('NODE_ENV=production needs real values for RETELL_API_KEY, ADMIN_API_KEY, ENCRYPTION_KEY');
  });

  it.each(['RETELL_API_KEY', 'ADMIN_API_KEY', 'ENCRYPTION_KEY'] as const)('%s left at (or set to) its dev value is named alone', (name) => {
    const unset = { ...REAL_SECRETS, NODE_ENV: 'production' } as NodeJS.ProcessEnv;
    delete unset[name];
    expect(errorOf(unset).message).toBe(`NODE_ENV=production needs real values for ${name}`);
    expect(errorOf({ ...REAL_SECRETS, NODE_ENV: 'production', [name]: DEV_DEFAULTS[name] }).message).toBe(`NODE_ENV=production needs real values for ${name}`);
  });

  it('real secrets pass in production', () => {
    const env = loadEnv({ ...REAL_SECRETS, NODE_ENV: 'production' });
    expect(env.NODE_ENV).toBe('production');
    expect(devDefaultsInUse(env)).toEqual([]);
  });

  it.each(['development', 'test'])('NODE_ENV=%s allows the dev secrets', (nodeEnv) => {
    expect(() => loadEnv({ NODE_ENV: nodeEnv })).not.toThrow();
  });

  it('an invalid value is reported before the production check', () => {
    const error = errorOf({ NODE_ENV: 'production', GATEWAY_PORT: 'x' });
    expect(error.message).toContain('GATEWAY_PORT: ');
  });
});

describe('loadEnv: PLATFORM_ADMIN_KEY', () => {
  const REAL_OPERATOR_KEY = 'pk_9fQ2xL7vR4mN8sK1wZ3bT6yH0cJ5dG';
  it('is optional', () => expect(loadEnv({}).PLATFORM_ADMIN_KEY).toBeUndefined());
  it('is refused when shorter than 16 characters anywhere', () => expect(errorOf({ PLATFORM_ADMIN_KEY: 'short' }).message).toContain('PLATFORM_ADMIN_KEY: '));
  it('development may use a readable value', () =>
    expect(loadEnv({ PLATFORM_ADMIN_KEY: 'dev-platform-operator-key' }).PLATFORM_ADMIN_KEY).toBe('dev-platform-operator-key'));
  it.each<[string, string, string]>([
    ['too short for production', 'pk_9fQ2xL7vR4mN8sK1wZ3b', 'at least 32 characters'],
    ['dev-looking', 'dev_platform_operator_key_0123456789', 'development-looking'],
    ['a placeholder', 'change-me-change-me-change-me-change-me', 'development-looking'],
    ['one character repeated', 'x'.repeat(40), 'development-looking'],
  ])('production refuses a value %s', (_name, key, reason) => {
    expect(errorOf({ ...REAL_SECRETS, NODE_ENV: 'production', PLATFORM_ADMIN_KEY: key }).message).toContain(
      `PLATFORM_ADMIN_KEY: NODE_ENV=production ${reason === 'at least 32 characters' ? 'needs' : 'refuses'}`,
    );
    expect(errorOf({ ...REAL_SECRETS, NODE_ENV: 'production', PLATFORM_ADMIN_KEY: key }).message).toContain(reason);
  });
  it('production takes a long random value', () => {
    expect(loadEnv({ ...REAL_SECRETS, NODE_ENV: 'production', PLATFORM_ADMIN_KEY: REAL_OPERATOR_KEY }).PLATFORM_ADMIN_KEY).toBe(REAL_OPERATOR_KEY);
  });
});

describe('loadEnv: RETELL_BASE_URL follows the key, and is https in production', () => {
  const DEV_KEY = DEV_DEFAULTS.RETELL_API_KEY;
  it.each<[string, NodeJS.ProcessEnv, string | RegExp]>([
    ['development key, no URL: the simulator', { RETELL_API_KEY: DEV_KEY }, 'http://127.0.0.1:3900'],
    ['no key at all: the simulator', {}, 'http://127.0.0.1:3900'],
    ['a key_test_ key, no URL: the simulator', { RETELL_API_KEY: 'key_test_local_0001' }, 'http://127.0.0.1:3900'],
    ['a real key, no URL: Retell', { RETELL_API_KEY: REAL_SECRETS.RETELL_API_KEY }, 'https://api.retellai.com'],
    ['a real key, empty URL (unset): Retell', { RETELL_API_KEY: REAL_SECRETS.RETELL_API_KEY, RETELL_BASE_URL: '' }, 'https://api.retellai.com'],
    ['a real key, an explicit URL wins', { RETELL_API_KEY: REAL_SECRETS.RETELL_API_KEY, RETELL_BASE_URL: 'http://127.0.0.1:4900' }, 'http://127.0.0.1:4900'],
    ['development key, an explicit https URL', { RETELL_BASE_URL: 'https://retell.example.com' }, 'https://retell.example.com'],
    ['production, a real key, no URL: Retell', { ...REAL_SECRETS, NODE_ENV: 'production' }, 'https://api.retellai.com'],
    [
      'production, an https URL',
      { ...REAL_SECRETS, NODE_ENV: 'production', RETELL_BASE_URL: 'https://retell-proxy.internal' },
      'https://retell-proxy.internal',
    ],
    [
      'production, an http URL is refused',
      { ...REAL_SECRETS, NODE_ENV: 'production', RETELL_BASE_URL: 'http://retell-sim:3900' },
      /^RETELL_BASE_URL: NODE_ENV=production needs an https Retell base URL, got http:\/\/retell-sim:3900$/,
    ],
    ['test, an http URL is fine', { ...REAL_SECRETS, NODE_ENV: 'test', RETELL_BASE_URL: 'http://127.0.0.1:3900' }, 'http://127.0.0.1:3900'],
  ])('%s', (_name, source, expected) => {
    if (expected instanceof RegExp) expect(errorOf(source).message).toMatch(expected);
    else expect(loadEnv(source).RETELL_BASE_URL).toBe(expected);
  });

  it('production with dev secrets names the secrets (the base URL is not the first problem)', () => {
    expect(errorOf({ NODE_ENV: 'production', RETELL_BASE_URL: 'http://retell-sim:3900' }).message).toBe(
      'NODE_ENV=production needs real values for RETELL_API_KEY, ADMIN_API_KEY, ENCRYPTION_KEY',
    );
  });
});

describe('loadEnv: worker heartbeat', () => {
  it('off by default, every 5 s when on', () => {
    expect(loadEnv({})).toMatchObject({ HEALTH_FILE: '', HEALTH_INTERVAL_MS: 5000 });
    expect(loadEnv({ HEALTH_FILE: '/tmp/health', HEALTH_INTERVAL_MS: '250' })).toMatchObject({ HEALTH_FILE: '/tmp/health', HEALTH_INTERVAL_MS: 250 });
  });

  it.each(['99', 'often'])('HEALTH_INTERVAL_MS=%p is refused', (value) => {
    expect(errorOf({ HEALTH_INTERVAL_MS: value }).message).toContain('HEALTH_INTERVAL_MS: ');
  });
});
