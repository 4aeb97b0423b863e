import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { hashApiKey } from '@retell-ops/config';
import { simNumber, startDialerStack, type DialerStack } from '../support/dialer-stack';
import { waitFor } from '../support/wait';

/**
 * The dashboard in a real browser (Debian's Chromium, headless, nothing reaching outside) against
 * the platform as separate processes with the simulator: the API serves the built SPA. Sign in with
 * the admin key, a simulated call shows on /calls and its detail shows the transcript, a call sent
 * from the form completes, a batch is created from an uploaded CSV, a viewer sees no send or cancel
 * controls. Screenshots of every page go to .run/screenshots/.
 */
const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, '.run', 'screenshots');
const haveChromium = existsSync(CHROMIUM);
const describeBrowser = haveChromium ? describe : describe.skip;
if (!haveChromium) console.warn(`skipped the dashboard browser tests: no ${CHROMIUM} (node tools/prepare.js test installs it as root)`);

describeBrowser('dashboard in the browser', () => {
  let stack: DialerStack;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let viewerKey: string;
  let playedCallId: string;

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  /**
   * Waits for `check` without ever reloading: the page must update in place from the live events
   * stream (GET /api/v1/events), as a user watching it would see.
   */
  async function shownLive(check: () => Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
    await waitFor(async () => (await check()) || undefined, { what, timeoutMs, intervalMs: 250 });
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startDialerStack();
    base = `http://127.0.0.1:${stack.env.API_PORT}`;
    viewerKey = `rops_view_${randomBytes(16).toString('hex')}`;
    await stack.prisma.apiKey.create({ data: { tenantId: stack.tenantId, name: 'viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
    userDataDir = mkdtempSync(path.join(tmpdir(), 'rops-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 860 },
      timezoneId: 'America/New_York',
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('signs in with the admin key', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key').waitFor();
    await shot('sign-in');
    await page.getByLabel('API key').fill('rops_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('API key is unknown or revoked').waitFor();
    await page.getByLabel('API key').fill(stack.vars.ADMIN_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    const cookie = (await context.cookies(base)).find((c) => c.name === 'rops_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
  }, 30000);

  it('a call played by the simulator appears on /calls, and its detail shows the transcript', async () => {
    const res = await fetch(`${stack.simUrl}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'answered' }),
    });
    expect(res.status).toBe(201);
    playedCallId = ((await res.json()) as { callId: string }).callId;
    const row = page.locator(`tr[data-call-id="${playedCallId}"]`);
    await shownLive(async () => (await row.count()) > 0 && (await row.getByText('completed').count()) > 0, `call ${playedCallId} completed on /calls`);
    await shot('calls');
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: `Call ${playedCallId}` }).waitFor();
    const transcript = page.getByRole('list', { name: 'Transcript' });
    await shownLive(async () => (await transcript.count()) > 0 && (await transcript.locator('li').count()) > 1, 'the transcript on the call page');
    expect(await transcript.locator('li').first().innerText()).toMatch(/Agent/);
    await page.getByRole('cell', { name: 'call_ended' }).waitFor();
    await shot('call-detail');
  }, 60000);

  it('sends a call from the form; it goes from queued to completed', async () => {
    await page.getByRole('link', { name: 'Send a call' }).click();
    await page.getByLabel('To number').waitFor();
    await page.getByLabel('To number').fill('12345');
    await page.getByRole('button', { name: 'Send call' }).click();
    await page.getByText('toNumber must be an E.164 number such as +14155550123').waitFor();
    await page.getByLabel('To number').fill(simNumber('0'));
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Name 1').fill('first_name');
    await page.getByLabel('Value 1').fill('Ada');
    await shot('send-call');
    await page.getByRole('button', { name: 'Send call' }).click();
    await page.getByText(/Call (queued|scheduled)/).waitFor();
    await page.getByRole('link', { name: 'follow it' }).click();
    await page.getByRole('heading', { name: /^Call / }).waitFor();
    await shownLive(async () => (await page.locator('.badge', { hasText: 'completed' }).count()) > 0, 'the sent call completed');
  }, 60000);

  it('creates a batch from an uploaded CSV and shows its progress reach final', async () => {
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.getByRole('heading', { name: 'Batches', exact: true }).waitFor();
    const csv = ['phone,first_name', ...Array.from({ length: 10 }, (_, i) => `${simNumber('0')},P${i}`)].join('\n');
    await page.getByLabel('Name').fill('E2E batch');
    await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('people.csv: 10 number(s)').waitFor();
    await page.getByLabel('Max concurrent').fill('5');
    await page.getByRole('button', { name: 'Create batch' }).click();
    const card = page.locator('li[data-batch-id]', { hasText: 'E2E batch' });
    await card.waitFor();
    await shownLive(async () => (await card.getByText('10/10 final').count()) > 0, 'the batch at 10/10 final', 60000);
    await shot('batches');
  }, 90000);

  it('shows the other pages (screenshots)', async () => {
    for (const [link, heading, name] of [
      ['Candidates', 'Candidates', 'candidates'],
      ['Interviews', 'Interviews', 'interviews'],
      ['Analytics', 'Analytics', 'analytics'],
      ['Agents', 'Agents', 'agents'],
    ]) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await shot(name);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/calls/${playedCallId}`);
    await page.getByRole('list', { name: 'Transcript' }).waitFor();
    await shot('call-detail-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  }, 60000);

  it('signs out, and a viewer key sees pages but no send or cancel controls', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    await page.getByLabel('API key').fill(viewerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('link', { name: 'Calls', exact: true }).click();
    await page.getByRole('heading', { name: 'Calls', exact: true }).waitFor();
    await page.locator(`tr[data-call-id="${playedCallId}"]`).waitFor();
    await page.getByRole('link', { name: 'Send a call' }).click();
    await page.getByText('Your key can read calls but not place them (viewer).').waitFor();
    expect(await page.getByRole('button', { name: 'Send call' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.locator('li[data-batch-id]').first().waitFor();
    expect(await page.getByRole('button', { name: 'Create batch' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel batch' }).count()).toBe(0);
    await page.goto(`${base}/calls/${playedCallId}`);
    await page.getByRole('list', { name: 'Transcript' }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel call' }).count()).toBe(0);
    await shot('viewer-batches');
  }, 60000);
});
