import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiKey, newApiKeyToken } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { callEventJobId, QueueProducers, QUEUES } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { findDashboard } from '../../apps/api/src/dashboard/serve-dashboard';
import { postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { startPipeline, type InProcessPipeline } from '../support/pipeline';
import { privateDatabase, type PrivateDatabase } from '../support/private-database';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';
import { CHROMIUM, chromiumContext } from '../support/browser';

/**
 * The Deliveries and Operations pages in a real browser (Debian's Chromium, headless) against the
 * API serving the built SPA, with the gateway and call worker, on a private database whose
 * CallEvent table the test breaks and mends so that jobs fail for real. An admin sees accepted
 * deliveries, retries a failed one, replays a kept one, sees a rejected one, and bulk-retries a
 * queue's failed jobs from Operations; a viewer sees no retry or replay control and no Operations.
 * Screenshots go to .run/screenshots/.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, '.run', 'screenshots');
const ready = existsSync(CHROMIUM) && findDashboard() !== null;
const describeBrowser = ready ? describe : describe.skip;
if (!ready) console.warn(`skipped the operations browser tests: no ${CHROMIUM} or no built dashboard (node tools/prepare.js test builds it)`);

describeBrowser('Deliveries and Operations pages in the browser', () => {
  let db: PrivateDatabase;
  let env: ReturnType<typeof testEnv>;
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let pipeline: InProcessPipeline;
  let producers: QueueProducers;
  let base: string;
  let A: TestTenant;
  let viewerKey: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const deliver = async (body: unknown) =>
    expect((await postSigned(`${pipeline.gatewayUrl}/webhooks/retell/${A.slug}`, JSON.stringify(body), A.retellApiKey)).status).toBe(204);
  const eventCount = (callId: string) => prisma.callEvent.count({ where: { call: { retellCallId: callId } } });
  const breakEvents = () => prisma.$executeRawUnsafe('ALTER TABLE "CallEvent" RENAME TO "CallEvent_broken"');
  const mendEvents = () => prisma.$executeRawUnsafe('ALTER TABLE "CallEvent_broken" RENAME TO "CallEvent"');
  const failedState = (callId: string) => producers.queue(QUEUES.callStarted).getJobState(callEventJobId(A.tenantId, callId, 'call_started'));

  /** Delivers call_started of each call while CallEvent is broken, so each job fails for good. */
  async function failedDeliveries(n: number): Promise<string[]> {
    const calls = Array.from({ length: n }, () => lifecycle(A.agentId));
    await breakEvents();
    try {
      for (const c of calls) await deliver(c.call_started);
      await waitFor(async () => (await Promise.all(calls.map((c) => failedState(c.callId)))).every((s) => s === 'failed'), { what: 'failed jobs' });
    } finally {
      await mendEvents();
    }
    return calls.map((c) => c.callId);
  }

  async function signIn(key: string): Promise<void> {
    await page.getByLabel('API key').waitFor();
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await privateDatabase('dashops');
    env = testEnv({ DATABASE_URL: db.url, JOB_ATTEMPTS: '1' });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    pipeline = await startPipeline(env);
    producers = new QueueProducers(env);
    A = await createTestTenant(prisma, env, 'dash-ops');
    viewerKey = newApiKeyToken();
    await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
    userDataDir = mkdtempSync(path.join(tmpdir(), 'rops-chromium-'));
    context = await chromium.launchPersistentContext(
      userDataDir,
      chromiumContext({
        viewport: { width: 1280, height: 860 },
        timezoneId: 'Europe/Madrid',
      }),
    );
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await pipeline?.stop();
    await app?.close();
    for (const q of Object.values(QUEUES)) await producers?.queue(q).obliterate({ force: true });
    await producers?.onModuleDestroy();
    await prisma?.$disconnect();
    await db?.drop();
  }, 60_000);

  it('lists accepted deliveries, retries a failed one, replays a kept one, shows a rejected one', async () => {
    const call = lifecycle(A.agentId);
    await deliver(call.call_started);
    await deliver(call.call_ended);
    await waitFor(async () => (await eventCount(call.callId)) === 2, { what: 'deliveries kept' });
    const [failedCall] = await failedDeliveries(1);
    expect((await postSigned(`${pipeline.gatewayUrl}/webhooks/retell/${A.slug}`, '{"event":"call_started"}', 'key_not_the_tenants')).status).toBe(401);

    await page.goto(`${base}/`);
    await signIn(A.adminApiKey);
    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page.getByRole('heading', { name: 'Deliveries', exact: true }).waitFor();
    const accepted = page.getByRole('table', { name: 'Accepted deliveries' });
    await accepted.waitFor();
    expect(await accepted.locator('tbody tr').count()).toBe(3);
    const failedRow = accepted.locator('tr', { hasText: failedCall });
    await failedRow.getByText('failed', { exact: true }).waitFor();
    expect(await failedRow.getByRole('button', { name: /^Replay/ }).count()).toBe(0);
    const rejected = page.getByRole('table', { name: 'Rejected deliveries' });
    await rejected.getByText('401 Unauthorized').waitFor();
    await shot('deliveries');

    // The state filter is in the URL.
    await page.getByLabel('State').selectOption('failed');
    await waitFor(async () => (await accepted.locator('tbody tr').count()) === 1 || undefined, { what: 'only the failed delivery' });
    expect(page.url()).toContain('state=failed');
    await page.getByLabel('State').selectOption('');

    await failedRow.getByRole('button', { name: /^Retry/ }).click();
    await page.getByRole('status').filter({ hasText: 'Retry: the job is back in its queue' }).waitFor();
    await waitFor(async () => (await eventCount(failedCall)) === 1, { what: 'the retried delivery kept' });
    await page.reload();
    await accepted.locator('tr', { hasText: failedCall }).getByText('processed', { exact: true }).waitFor();

    const endedRow = accepted.locator('tr', { hasText: call.callId }).filter({ hasText: 'call_ended' });
    await endedRow.getByRole('button', { name: /^Replay/ }).click();
    await page.getByRole('status').filter({ hasText: 'Replay: the stored event is queued for its worker again' }).waitFor();
    expect(await prisma.jobAction.count({ where: { tenantId: A.tenantId, kind: 'replay', result: 'replayed' } })).toBe(1);
    expect(await eventCount(call.callId)).toBe(2);
  }, 90_000);

  it('shows queue depths and failed jobs on Operations, and bulk-retries a queue', async () => {
    const callIds = await failedDeliveries(3);
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { name: 'Operations', exact: true }).waitFor();
    const queues = page.getByRole('table', { name: 'Queues' });
    await queues.waitFor();
    expect(await queues.locator('tbody tr').count()).toBe(Object.keys(QUEUES).length);
    const startedRow = queues.locator(`tr[data-queue="${QUEUES.callStarted}"]`);
    expect(await startedRow.locator('td[data-label="Failed (yours)"]').innerText()).toBe('3');
    const failed = page.getByRole('table', { name: 'Failed jobs' });
    for (const id of callIds) await failed.locator('tr', { hasText: id }).waitFor();
    await page.getByRole('link', { name: 'Open the queue board' }).waitFor();
    await shot('operations');

    await startedRow.getByRole('button', { name: `Retry failed jobs of ${QUEUES.callStarted}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${QUEUES.callStarted}: 3 of 3 failed jobs retried` })
      .waitFor();
    await waitFor(async () => (await Promise.all(callIds.map(eventCount))).every((n) => n === 1), { what: 'the bulk-retried deliveries kept' });
    await page.getByRole('table', { name: 'Recent retries and replays' }).getByText('retried').first().waitFor();
    await page.getByText('No failed jobs.').waitFor();

    // The queue board opens for the admin's session and lists every queue.
    await page.getByRole('link', { name: 'Open the queue board' }).click();
    await page.waitForURL(`${base}/admin/queues`);
    for (const q of Object.values(QUEUES)) await page.getByText(q, { exact: true }).first().waitFor();
    await shot('queue-board');
    await page.goBack();
    await page.getByRole('heading', { name: 'Operations', exact: true }).waitFor();
  }, 90_000);

  it('a viewer sees deliveries without retry or replay, and no operations', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    // the sign-out request must finish before the next page load, or the session outlives it
    await page.getByLabel('API key').waitFor();
    await signIn(viewerKey);
    await page.getByRole('link', { name: 'Deliveries' }).click();
    const accepted = page.getByRole('table', { name: 'Accepted deliveries' });
    await accepted.waitFor();
    await accepted.locator('tbody tr').first().waitFor();
    expect(await accepted.getByRole('button').count()).toBe(0);
    await shot('deliveries-viewer');
    // no link to it in the header, and the page itself says why
    expect(await page.getByRole('link', { name: 'Operations' }).count()).toBe(0);
    await page.goto(`${base}/operations`);
    await page.getByText('Your role cannot see operations.').waitFor();
    expect((await page.request.get(`${base}/admin/queues`)).status()).toBe(403);
  }, 60_000);
});
