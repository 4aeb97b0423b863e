#!/usr/bin/env node
import 'reflect-metadata';
import { loadEnv } from '@retell-ops/config';
import { PgPool, PrismaService } from '@retell-ops/db';
import { RECONCILE_EVENTS } from '@retell-ops/domain';
import { rebuildCallDayStats, ReconcileRuns, type ReconcileRunView } from '@retell-ops/dialer';
import { QueueProducers } from '@retell-ops/queue';
import { OPS_USAGE, parseOpsArgs } from './ops-args';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function summary(slug: string, r: ReconcileRunView): string {
  const added = RECONCILE_EVENTS.map((e) => `${e}=${r.eventsAdded[e] ?? 0}`).join(' ');
  const errors = r.errors.length ? `; errors: ${r.errors.join(' | ')}` : '';
  return `${slug}: run ${r.id} ${r.status}: ${r.pages} page(s), ${r.callsSeen} call(s) seen, ${r.callsFetched} fetched, added ${added}, ${r.requestsFreed} dial slot(s) freed${errors}`;
}

/** `npm run ops -- import-calls …`: returns the exit code (0 every run succeeded, 1 one failed or timed out, 2 bad usage). */
export async function main(argv: string[], source: NodeJS.ProcessEnv = process.env): Promise<number> {
  const cmd = parseOpsArgs(argv);
  if (cmd.kind === 'help') {
    console.log(OPS_USAGE);
    return 0;
  }
  if (cmd.kind === 'error') {
    console.error(`ops: ${cmd.message}\n\n${OPS_USAGE}`);
    return 2;
  }
  const env = loadEnv(source);
  if (cmd.kind === 'stats:rebuild') return rebuildStats(env.DATABASE_URL, cmd.tenant);
  const prisma = new PrismaService({ databaseUrl: env.DATABASE_URL, poolSize: 2 });
  const producers = new QueueProducers(env);
  try {
    const tenants = await prisma.tenant.findMany({
      where: cmd.tenant ? { slug: cmd.tenant } : { active: true },
      select: { id: true, slug: true },
      orderBy: { slug: 'asc' },
    });
    if (!tenants.length) {
      console.error(cmd.tenant ? `ops: no tenant "${cmd.tenant}"` : 'ops: no active tenant');
      return 2;
    }
    const runs = new ReconcileRuns(prisma, producers);
    const started = [];
    for (const t of tenants) started.push({ slug: t.slug, run: await runs.request(t.id, cmd.from, cmd.to, 'cli', 'cli') });
    console.error(`import-calls ${cmd.from.toISOString()} → ${cmd.to.toISOString()}: ${started.length} run(s) queued`);
    if (!cmd.wait) {
      for (const s of started) console.log(`${s.slug}: run ${s.run.id} queued`);
      return 0;
    }
    const deadline = Date.now() + cmd.timeoutMs;
    const pending = new Map(started.map((s) => [s.run.id, s]));
    let failed = false;
    while (pending.size && Date.now() < deadline) {
      await sleep(500);
      for (const [id, s] of pending) {
        const r = await runs.get(s.run.tenantId, id);
        if (!r || (r.status !== 'succeeded' && r.status !== 'failed')) continue;
        pending.delete(id);
        failed ||= r.status === 'failed';
        console.log(summary(s.slug, r));
      }
    }
    for (const s of pending.values()) console.log(`${s.slug}: run ${s.run.id} not finished after ${cmd.timeoutMs / 1000} s (is the call worker running?)`);
    return failed || pending.size ? 1 : 0;
  } finally {
    await producers.onModuleDestroy();
    await prisma.$disconnect();
  }
}

/** `npm run ops -- stats:rebuild [--tenant slug]` */
async function rebuildStats(databaseUrl: string, slug?: string): Promise<number> {
  const pool = new PgPool({ databaseUrl, poolSize: 2 });
  try {
    let tenantId: string | undefined;
    if (slug) {
      const { rows } = await pool.query<{ id: string }>('SELECT "id" FROM "Tenant" WHERE "slug" = $1', [slug]);
      if (!rows.length) {
        console.error(`ops: no tenant "${slug}"`);
        return 2;
      }
      tenantId = rows[0].id;
    }
    const started = Date.now();
    const days = await rebuildCallDayStats(pool, { tenantId });
    console.log(`stats:rebuild ${slug ?? 'all tenants'}: ${days} day(s) recomputed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
