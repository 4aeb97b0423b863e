import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { hashApiKey } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { envVars, testEnv } from '../support/test-env';
import { CHROMIUM, chromiumContext } from '../support/browser';

/**
 * The audit log and "created by" in a real browser (Debian's Chromium, headless) against the API
 * as its own process serving the built dashboard: a call placed with the owner key shows who
 * created it on its page; the Audit log page lists the sign-in, the call and a viewer's refused
 * attempt, filters by action and result, pages; a viewer sees no Audit log link.
 * Screenshots go to .run/screenshots/.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, '.run', 'screenshots');
const haveChromium = existsSync(CHROMIUM);
const describeBrowser = haveChromium ? describe : describe.skip;
if (!haveChromium) console.warn(`skipped the audit dashboard browser tests: no ${CHROMIUM}`);

describeBrowser('dashboard: audit log and created by', () => {
  const hex = (n = 6) => randomBytes(n).toString('hex');
  const ownerKey = `rops_aud_${hex(16)}`;
  const viewerKey = `rops_audview_${hex(16)}`;
  const slug = `audit-ui-${hex(4)}`;
  let api: AppProcess;
  let prisma: PrismaClient;
  let base: string;
  let tenantId: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let placedCallId: string;

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const call = async (key: string, method: string, p: string, body?: unknown) => {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const signIn = async (key: string) => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const env = testEnv({ API_PORT: String(await freePort()), ADMIN_API_KEY: ownerKey, DEFAULT_TENANT_SLUG: slug, DEFAULT_AGENT_ID: `agent_aud_${hex()}` });
    base = `http://127.0.0.1:${env.API_PORT}`;
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    api = await startApp('api', envVars(env), /listening on/);
    tenantId = (await prisma.tenant.findUniqueOrThrow({ where: { slug } })).id;
    await prisma.apiKey.create({ data: { tenantId, name: 'audit viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
    userDataDir = mkdtempSync(path.join(tmpdir(), 'rops-chromium-'));
    context = await chromium.launchPersistentContext(
      userDataDir,
      chromiumContext({
        viewport: { width: 1400, height: 900 },
        timezoneId: 'UTC',
      }),
    );
    page = context.pages()[0] ?? (await context.newPage());
  }, 120000);

  afterAll(async () => {
    await context?.close();
    await api?.stop();
    if (tenantId) await prisma.tenant.delete({ where: { id: tenantId } }).catch(() => undefined);
    await prisma?.$disconnect();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('a placed call shows who created it on its page', async () => {
    const placed = await call(ownerKey, 'POST', '/api/v1/calls', { toNumber: '+14155550142', fromNumber: '+14155550100' });
    expect(placed.status).toBe(202);
    placedCallId = placed.json.id;
    // a viewer trying the same is refused, and the attempt is kept
    expect((await call(viewerKey, 'POST', '/api/v1/calls', { toNumber: '+14155550143' })).status).toBe(403);
    await signIn(ownerKey);
    await page.goto(`${base}/calls/${placedCallId}`);
    const createdBy = page.getByTestId('created-by');
    await createdBy.waitFor();
    expect(await createdBy.innerText()).toMatch(/\(API key\)$/);
    await shot('audit-call-created-by');
  }, 60000);

  it('the Audit log page lists sign-in, the call and the refused attempt; filters and pages', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const table = page.getByRole('table', { name: 'Audit log' });
    await table.waitFor();
    await table.getByText('auth.sign_in').first().waitFor();
    await table.getByText(`calls ${placedCallId}`).waitFor();
    await table.getByText('refused (403)').waitFor();
    await table.getByRole('button', { name: /audit viewer/ }).waitFor();
    await shot('audit-log');

    await page.getByLabel('Result').selectOption('403');
    await page.getByText('done (202)').waitFor({ state: 'detached' });
    await table.getByText('refused (403)').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tbody tr').first().innerText()).toMatch(/audit viewer[\s\S]*calls\.create[\s\S]*refused \(403\)/);
    expect(page.url()).toContain('status=403');
    await page.getByLabel('Result').selectOption('');

    await page.getByLabel('Action').fill('calls.create');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('auth.sign_in').waitFor({ state: 'detached' });
    await table.getByText('done (202)').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(2);
    await page.getByLabel('Action').fill('');
    await page.getByRole('button', { name: 'Search' }).click();

    // more than a page (50): paging by the cursor
    for (let i = 0; i < 55; i++) expect((await call(ownerKey, 'POST', '/api/v1/positions', { title: `Role ${i} ${hex(3)}` })).status).toBe(201);
    await page.reload();
    await table.waitFor();
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('auth.sign_in').first().waitFor();
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(55);
  }, 90000);

  it('a viewer has no Audit log link and the page says so', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    // the sign-out request must finish before the next page load, or the session outlives it
    await page.getByLabel('API key').waitFor();
    await signIn(viewerKey);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.goto(`${base}/audit`);
    await page.getByText('Your role cannot read the audit log').waitFor();
    await shot('audit-log-viewer');
  }, 60000);
});
