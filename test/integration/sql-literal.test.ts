import { jsonbLiteral, jsonbTextLiteral, PgPool, sqlLiteral } from '@retell-ops/db';
import { testEnv } from '../support/test-env';

// What PostgreSQL reads back from each literal must be exactly the value written.
describe('SQL literals round-trip through PostgreSQL', () => {
  const env = testEnv();
  let pool: PgPool;
  beforeAll(() => {
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 1 });
  });
  afterAll(() => pool.end());

  const tricky = [
    '',
    "it's",
    "''",
    '\\',
    '\\\\',
    "\\'",
    "\\'; SELECT 1; --",
    '\\n is not a newline',
    '\\x41 \\u0041 \\101',
    'real\nnewline\ttab\r',
    'café ☎ 𝄞 日本',
    '$$ dollar $$',
    "E'nested'",
  ];

  it.each(tricky.map((s) => [JSON.stringify(s), s]))('text %s', async (_label, s) => {
    const { rows } = await pool.query<{ v: string }>(`SELECT ${sqlLiteral(s)}::text AS v`);
    expect(rows[0].v).toBe(s);
  });

  it('random strings over the whole printable range and beyond', async () => {
    const alphabet = 'ab\'\\"\n\t$E;-é☎𝄞';
    for (let i = 0; i < 200; i++) {
      const s = Array.from({ length: 1 + (i % 40) }, (_, j) => [...alphabet][(i * 7 + j * 13) % [...alphabet].length]).join('');
      const { rows } = await pool.query<{ v: string }>(`SELECT ${sqlLiteral(s)}::text AS v`);
      expect(rows[0].v).toBe(s);
    }
  });

  it('json values, as jsonb, come back equal', async () => {
    const value = { transcript: tricky.join('\n'), nested: { q: "it's \\ fine", list: [1, 2.5, true, null] } };
    const { rows } = await pool.query<{ a: unknown; b: unknown }>(`SELECT ${jsonbLiteral(value)} AS a, ${jsonbTextLiteral(JSON.stringify(value))} AS b`);
    expect(rows[0].a).toEqual(value);
    expect(rows[0].b).toEqual(value);
  });

  it('numbers, booleans, dates and NULL', async () => {
    const at = new Date(Date.UTC(2025, 9, 8, 19, 0, 0, 123));
    const { rows } = await pool.query(
      `SELECT ${sqlLiteral(12.3456)}::numeric(14,4)::text AS n, ${sqlLiteral(-7)}::int AS i, ${sqlLiteral(true)} AS b, ${sqlLiteral(at)} AS d, ${sqlLiteral(null)}::text AS z`,
    );
    expect(rows[0]).toEqual({ n: '12.3456', i: -7, b: true, d: at, z: null });
  });
});
