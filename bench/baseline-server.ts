/**
 * The comparison servers, one per process:
 *   BENCH_MODE=bare  (B0) raw body as a Buffer, retell-sdk `verify` (awaited), 204.
 *   BENCH_MODE=seed  (S)  the same, then INSERT the event into PostgreSQL inside the request
 *                         (the seeds' design: the webhook handler writes the database), then 204.
 * Env: BENCH_PORT, BENCH_RETELL_KEY, BENCH_DATABASE_URL + BENCH_SEED_TABLE (seed mode).
 */
import Fastify from 'fastify';
import { Pool } from 'pg';
import { verify } from 'retell-sdk/lib/webhook_auth';

async function main(): Promise<void> {
  const mode = process.env.BENCH_MODE;
  const key = process.env.BENCH_RETELL_KEY ?? '';
  const port = Number(process.env.BENCH_PORT ?? 0);
  if (mode !== 'bare' && mode !== 'seed') throw new Error('BENCH_MODE must be bare or seed');

  const table = process.env.BENCH_SEED_TABLE ?? 'bench_seed_event';
  if (!/^[a-z_]+$/.test(table)) throw new Error('bad BENCH_SEED_TABLE');
  const pool = mode === 'seed' ? new Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10, idleTimeoutMillis: 0 }) : undefined;
  pool?.on('error', () => undefined);
  const insert = `INSERT INTO ${table} (call_id, event, received_at, payload) VALUES ($1, $2, now(), $3::jsonb)`;

  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/webhooks/retell', async (req, reply) => {
    const raw = req.body as Buffer;
    const signature = req.headers['x-retell-signature'];
    const text = raw.toString('utf8');
    if (typeof signature !== 'string' || !(await verify(text, key, signature))) return reply.code(401).send();
    if (pool) {
      const parsed = JSON.parse(text) as { event: string; call: { call_id: string } };
      await pool.query(insert, [parsed.call.call_id, parsed.event, text]);
    }
    return reply.code(204).send();
  });

  const address = await app.listen({ port, host: '127.0.0.1' });
  console.log(`bench ${mode} server listening on ${address}`);
  const close = () => {
    void app
      .close()
      .then(() => pool?.end())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
