import { createServer } from 'node:net';
import { freePort, spawnApp, waitForHttp } from '../../tools/processes';

/** `node -e <code>` as an app: the toolkit's own behaviour, on processes small enough to read. */
const node = (code: string) => ({ script: '-e', args: [code] });

describe('tools/processes', () => {
  it('freePort gives a port that can be listened on', async () => {
    const port = await freePort();
    const srv = createServer();
    await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => srv.close(resolve));
  });

  it('waits for the ready line and keeps only the tail of the output', async () => {
    const app = await spawnApp({
      name: 'chatty',
      ...node(`process.stdout.write('x'.repeat(200000) + '\\nready now\\n'); setInterval(() => {}, 1000);`),
      ready: /ready now/,
      keepChars: 1000,
    });
    try {
      expect(app.output().length).toBeLessThanOrEqual(1000);
      expect(app.output()).toMatch(/x\nready now\n$/);
    } finally {
      await app.stop();
    }
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('refuses an app that exits before it is ready, with its code and output', async () => {
    await expect(spawnApp({ name: 'quitter', ...node(`console.error('no config'); process.exit(3)`), ready: /listening/ })).rejects.toThrow(
      /^quitter exited with 3 before it was ready:\nno config/,
    );
  });

  it('stop() sends SIGKILL to an app that ignores SIGTERM, after the grace time', async () => {
    const app = await spawnApp({
      name: 'stubborn',
      ...node(`process.on('SIGTERM', () => console.log('ignored')); console.log('up'); setInterval(() => {}, 1000);`),
      ready: /up/,
      stopGraceMs: 300,
    });
    await app.stop();
    expect(await app.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(app.output()).toMatch(/ignored/);
    expect(app.running()).toBe(false);
  });

  it('an app that handles SIGTERM exits on its own terms', async () => {
    const app = await spawnApp({
      name: 'polite',
      ...node(`process.on('SIGTERM', () => process.exit(0)); console.log('up'); setInterval(() => {}, 1000);`),
      ready: /up/,
    });
    await app.stop();
    expect(await app.exited).toEqual({ code: 0, signal: null });
  });

  it('waits for a URL to answer, and hands over whole lines across chunks', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const app = await spawnApp({
      name: 'web',
      ...node(
        `process.stdout.write('par'); setTimeout(() => { process.stdout.write('tial line\\nsecond'); require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1'); }, 200);`,
      ),
      env: { NO_COLOR: '1' },
      readyUrl: `http://127.0.0.1:${port}/`,
      onLine: (line) => lines.push(line),
    });
    try {
      expect(lines).toEqual(['partial line']);
      expect(await waitForHttp(`http://127.0.0.1:${port}/`)).toBe(200);
    } finally {
      await app.stop();
    }
    expect(lines).toEqual(['partial line', 'second']);
  });

  it('waitForHttp gives up on a port where nothing listens, saying why', async () => {
    const port = await freePort();
    await expect(waitForHttp(`http://127.0.0.1:${port}/`, { timeoutMs: 300, intervalMs: 50 })).rejects.toThrow(/did not answer in 300 ms \(ECONNREFUSED\)/);
  });
});
