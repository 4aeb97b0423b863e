// Every test process talks to the test database and keeps its logs short.
process.env.DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/retell_ops_test';
process.env.LOG_LEVEL ??= 'error';
process.env.NODE_ENV = 'test';
