import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppProcess } from '../tools/processes';

/** The repository root (this file runs as dist/bench/processes.js). */
export const ROOT = path.resolve(__dirname, '..', '..');

// The repository's process toolkit, loaded from the source tree: it is plain JavaScript that
// tools/*.js use without a build, so it is not compiled into dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const processes = require(path.join(ROOT, 'tools', 'processes.js')) as typeof import('../tools/processes');

export const { freePort, spawnApp, liveApps, killAllSync } = processes;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Child = AppProcess;

/**
 * Starts `node [nodeArgs] script` with `env` and waits for `readyLine` in its output.
 * Output is kept (last 64 KB) for error messages.
 */
export function startNode(
  name: string,
  script: string,
  env: Record<string, string>,
  readyLine: RegExp,
  nodeArgs: string[] = [],
  timeoutMs = 30_000,
): Promise<Child> {
  return processes.spawnApp({ name, script, nodeArgs, env: { ...env, NO_COLOR: '1' }, ready: readyLine, timeoutMs, keepChars: 65536 });
}

export interface Memory {
  rssMb: number;
  hwmMb: number;
}

/** VmRSS and VmHWM (peak RSS) of a process, from /proc/<pid>/status. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (0 once it is gone). */
export function cpuSecondsOf(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  return ticks / 100; // CLK_TCK is 100 on Linux
}

/** Busy and total CPU seconds of the whole machine so far, from /proc/stat. */
export function machineCpu(): { busy: number; total: number; cores: number } {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const f = lines[0].trim().split(/\s+/).slice(1, 9).map(Number); // user nice system idle iowait irq softirq steal
  const total = f.reduce((a, b) => a + b, 0);
  const cores = lines.filter((l) => /^cpu\d+ /.test(l)).length || 1;
  return { busy: (total - f[3] - f[4]) / 100, total: total / 100, cores };
}

/**
 * Measures how many cores processes other than `ours` keep busy while `work` runs: other
 * engineers' test runs share this machine, and a benchmark on 2 cores feels every one of them.
 */
export async function backgroundCores<T>(ours: () => number[], work: () => Promise<T>): Promise<{ result: T; bgCores: number }> {
  const own = () => ours().reduce((a, pid) => a + cpuSecondsOf(pid), 0);
  const m0 = machineCpu();
  const o0 = own();
  const result = await work();
  const m1 = machineCpu();
  const o1 = own();
  const wall = (m1.total - m0.total) / m0.cores;
  return { result, bgCores: wall > 0 ? Math.max(0, (m1.busy - m0.busy - (o1 - o0)) / wall) : NaN };
}

// ---------------------------------------------------------------------------------------------
// A private PostgreSQL cluster (initdb in a temp dir, pg_ctl on a free port), for the
// "PostgreSQL stopped" measurement: the shared one is never touched.

// The services step's PostgreSQL helpers (plain JavaScript in tools/, like the process toolkit).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const services = require(path.join(ROOT, 'tools', 'services.js')) as typeof import('../tools/services');

function pgBin(): string {
  const dir = services.postgresBinDir();
  if (!dir) throw new Error('no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql/<version>/bin');
  return dir;
}

export interface PrivatePostgres {
  port: number;
  url: (db: string) => string;
  start: () => void;
  stopImmediate: () => void;
  isUp: () => boolean;
  remove: () => void;
}

export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = pgBin();
  const dir = mkdtempSync(path.join(tmpdir(), 'rops-bench-pg-'));
  services.givePostgres(dir);
  const run = (cmd: string, args: string[]) => services.asPostgres(path.join(bin, cmd), args);
  const data = path.join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c shared_buffers=32MB -c max_connections=40`;
  let up = false;
  const pg: PrivatePostgres = {
    port,
    url: (db) => `postgresql://postgres@127.0.0.1:${port}/${db}`,
    start: () => {
      run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
      up = true;
    },
    stopImmediate: () => {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      up = false;
    },
    isUp: () => up,
    remove: () => {
      try {
        if (existsSync(path.join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already stopped */
      }
      up = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  privateClusters.add(pg);
  pg.start();
  return pg;
}

const privateClusters = new Set<PrivatePostgres>();

export function removePrivateClustersSync(): void {
  for (const pg of privateClusters) {
    try {
      pg.remove();
    } catch {
      /* best effort */
    }
  }
  privateClusters.clear();
}
