import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './processes';
import * as services from '../../tools/services';
import { waitFor } from './wait';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster of the test's own (initdb in a temp dir, pg_ctl on a free port),
 * so a fault test can stop it without touching the shared server. PostgreSQL refuses to run as
 * root, so every server command runs as the `postgres` user when the test runs as root.
 */
export interface PrivatePostgres {
  /** postgresql:// URL of `database` on this cluster (created by migrate, not by this helper) */
  url: string;
  port: number;
  dataDir: string;
  /** `pg_ctl stop -m fast`: clients are disconnected, nothing is lost */
  stop: () => Promise<void>;
  start: () => Promise<void>;
  /** stop (immediate) and remove the cluster's files */
  destroy: () => Promise<void>;
  /** the server log, for diagnostics */
  log: () => string;
}

/** Where initdb and pg_ctl are (the services step looks in the same places). */
export function postgresBinDir(): string {
  const dir = services.postgresBinDir();
  if (!dir) throw new Error('no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql/<version>/bin');
  return dir;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

async function asPostgres(bin: string, args: string[]): Promise<string> {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    const { stdout, stderr } = await run(cmd, argv, { timeout: 60_000 });
    return stdout + stderr;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(bin)} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`, { cause: e });
  }
}

export async function startPrivatePostgres(database = 'retell_ops_fault'): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rops-pg-'));
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dataDir, Number(stdout.trim()), Number(gid.trim()));
  }
  const logFile = path.join(dataDir, 'server.log');
  await asPostgres(path.join(bin, 'initdb'), ['-D', path.join(dataDir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-locale']);
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;

  const ready = () =>
    waitFor(
      async () => {
        const c = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000 });
        try {
          await c.connect();
          await c.query('SELECT 1');
          return true;
        } finally {
          await c.end().catch(() => undefined);
        }
      },
      { what: `private PostgreSQL on ${port}`, timeoutMs: 30_000, intervalMs: 200 },
    );

  const start = async () => {
    await asPostgres(path.join(bin, 'pg_ctl'), ['-D', path.join(dataDir, 'data'), '-o', options, '-l', logFile, '-w', '-t', '30', 'start']);
    await ready();
  };
  const stop = async () => {
    await asPostgres(path.join(bin, 'pg_ctl'), ['-D', path.join(dataDir, 'data'), '-m', 'fast', '-w', '-t', '30', 'stop']);
  };
  const destroy = async () => {
    await asPostgres(path.join(bin, 'pg_ctl'), ['-D', path.join(dataDir, 'data'), '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };

  await start();
  return { url: `postgresql://postgres@127.0.0.1:${port}/${database}`, port, dataDir, stop, start, destroy, log };
}
