import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { loadEnv } from './env';
import { startWorkerHeartbeat, WorkerHeartbeat } from './worker-heartbeat';

describe('WorkerHeartbeat', () => {
  let dir: string;
  let file: string;
  const quiet = new Logger('test');
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'heartbeat-'));
    file = path.join(dir, 'alive');
    jest.spyOn(quiet, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each<[string, () => Promise<boolean>, boolean]>([
    ['alive → the file is written', async () => true, true],
    ['not alive → no file', async () => false, false],
    ['the check throws → no file', async () => Promise.reject(new Error('redis down')), false],
  ])('%s', async (_name, isAlive, written) => {
    const hb = new WorkerHeartbeat(file, 60_000, isAlive, quiet);
    expect(await hb.start()).toBe(written);
    expect(existsSync(file)).toBe(written);
    if (written) expect(new Date(readFileSync(file, 'utf8').trim()).getTime()).toBeGreaterThan(Date.now() - 5000);
    hb.stop();
    expect(existsSync(file)).toBe(false);
  });

  it('a beat is skipped while the previous check still waits (a hung Redis piles nothing up)', async () => {
    let checks = 0;
    let release!: (v: boolean) => void;
    const hb = new WorkerHeartbeat(
      file,
      60_000,
      () => {
        checks += 1;
        return new Promise<boolean>((r) => (release = r));
      },
      quiet,
    );
    const first = hb.start();
    expect(await hb.beat()).toBe(false);
    expect(checks).toBe(1);
    release(true);
    expect(await first).toBe(true);
    expect(existsSync(file)).toBe(true);
    hb.stop();
  });

  it('a beat whose check ends after stop() writes nothing', async () => {
    let release!: (v: boolean) => void;
    const hb = new WorkerHeartbeat(file, 60_000, () => new Promise<boolean>((r) => (release = r)), quiet);
    const first = hb.start();
    hb.stop();
    release(true);
    expect(await first).toBe(false);
    expect(existsSync(file)).toBe(false);
  });

  it('an unwritable file is a warning, not a crash', async () => {
    const hb = new WorkerHeartbeat(path.join(dir, 'missing-dir', 'alive'), 60_000, async () => true, quiet);
    expect(await hb.start()).toBe(false);
    expect(quiet.warn).toHaveBeenCalledWith(expect.stringContaining('cannot write HEALTH_FILE'));
    hb.stop();
  });

  it('startWorkerHeartbeat is off without HEALTH_FILE', () => {
    expect(startWorkerHeartbeat(loadEnv({}))).toBeUndefined();
  });
});
