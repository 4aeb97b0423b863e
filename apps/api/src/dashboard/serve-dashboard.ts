import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Paths that stay the server's own, whatever the client accepts. */
const SERVER_PATHS = /^\/(api|admin|webhooks|health|ready)(\/|$|\?)/;

/** dist/apps/dashboard: beside the built API (dist/apps/api/src), or under dist/ when the API runs from source (tests). */
export function findDashboard(): string | null {
  const candidates = [process.env.DASHBOARD_DIR, resolve(__dirname, '../../../dashboard'), resolve(__dirname, '../../../../dist/apps/dashboard')];
  return candidates.find((dir): dir is string => !!dir && existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'))) ?? null;
}

/**
 * The SPA at `/`: its hashed files under /assets/, and index.html for any other GET that asks for
 * HTML and is not an API, admin, webhook or health path (client-side routes such as /calls/abc).
 * JSON routes are not touched: the fallback runs only for requests no Nest route matched.
 */
export async function serveDashboard(app: NestFastifyApplication, dir: string | null = findDashboard()): Promise<boolean> {
  if (!dir) return false;
  await app.register(fastifyStatic as never, { root: join(dir, 'assets'), prefix: '/assets/', immutable: true, maxAge: '365d', index: false });
  const index = () => readFileSync(join(dir, 'index.html'));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return;
    const path = req.url;
    if (SERVER_PATHS.test(path) || path.startsWith('/assets/')) return;
    if (!String(req.headers.accept ?? '').includes('text/html')) return;
    // A path some route (Nest's included) answers keeps its answer; only would-be 404s get the SPA.
    if (!req.is404) return;
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index());
  });
  return true;
}
