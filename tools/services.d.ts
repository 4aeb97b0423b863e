/** What the services step started. */
export interface StartedService {
  service: 'postgres' | 'redis';
  bin: string;
  host: string;
  port: number;
  dir: string;
  log: string;
}

export const DEFAULT_DATABASE_URL: string;
export const DEFAULT_REDIS_URL: string;

export function ensureServices(opts?: {
  databaseUrl?: string;
  redisUrl?: string;
  /** PATH and ROPS_SERVICES_DIR are read from it */
  env?: NodeJS.ProcessEnv;
  /** where PostgreSQL versions are looked for besides PATH (default /usr/lib/postgresql) */
  postgresRoots?: string[];
  log?: (line: string) => void;
}): Promise<StartedService[]>;

export function stopServices(opts?: { env?: NodeJS.ProcessEnv; log?: (line: string) => void }): Promise<void>;
export function status(env?: NodeJS.ProcessEnv): string;
export function postgresBinDir(opts?: { PATH?: string; roots?: string[] }): string | undefined;
/** runs a PostgreSQL server command, as the postgres user when we are root; its output */
export function asPostgres(bin: string, args: string[]): string;
/** makes a folder the postgres user's when we are root */
export function givePostgres(dir: string): void;
export function onPath(cmd: string, PATH?: string): string | undefined;
export function reachable(target: { host: string; port: number }, timeoutMs?: number): Promise<boolean>;
