import type { ChildProcess } from 'node:child_process';

/** The repository root. */
export const ROOT: string;

export function freePort(host?: string): Promise<number>;

/** dist/apps/<name>/src/main.js */
export function appMain(name: string): string;

export function waitForHttp(url: string, opts?: { timeoutMs?: number; intervalMs?: number; accept?: (status: number) => boolean }): Promise<number>;

export interface SpawnAppOptions {
  /** for messages */
  name: string;
  /** a script run with this Node (`node [nodeArgs] script [args]`); without it, `command args` */
  script?: string;
  command?: string;
  args?: string[];
  nodeArgs?: string[];
  /** laid over process.env (unless inheritEnv is false); undefined removes a key */
  env?: Record<string, string | undefined>;
  inheritEnv?: boolean;
  cwd?: string;
  /** ready once this matches the output kept so far */
  ready?: RegExp;
  /** ready once this URL answers 2xx */
  readyUrl?: string;
  /** default 30000 */
  timeoutMs?: number;
  /** how much output is kept (its tail), default 65536 characters */
  keepChars?: number;
  /** how long stop() waits after SIGTERM before SIGKILL, default 10000 ms */
  stopGraceMs?: number;
  /** each complete line of output as it arrives */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface AppProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** the kept output, stdout and stderr interleaved */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running: () => boolean;
  /** sends `signal` (SIGTERM by default; SIGKILL after the grace time) and waits for the exit */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

export function spawnApp(opts: SpawnAppOptions): Promise<AppProcess>;

export function liveApps(): AppProcess[];

export function killAllSync(): void;
