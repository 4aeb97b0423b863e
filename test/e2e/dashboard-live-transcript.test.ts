import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';
import { CHROMIUM, chromiumContext } from '../support/browser';

/**
 * The live transcript in a real browser (Debian's Chromium, headless): the API, gateway and call
 * worker as their own processes; a live call's detail page shows the transcript growing with
 * each signed transcript_updated delivery, then the final transcript once the call ended.
 * Screenshots go to .run/screenshots/.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, '.run', 'screenshots');
const haveChromium = existsSync(CHROMIUM);
const describeBrowser = haveChromium ? describe : describe.skip;
if (!haveChromium) console.warn(`skipped the live transcript browser test: no ${CHROMIUM}`);

const SAID = [
  'Hi Ana, this is the recruiting assistant from Acme. Is now a good time?',
  'Yes, I have a few minutes.',
  'Great. Are you still interested in the warehouse lead position?',
  'I am, very much.',
  'Wonderful. Could you do an interview on Thursday at ten?',
  'Thursday at ten works for me.',
];

describeBrowser('dashboard: live transcript on the call page', () => {
  const hex = (n = 6) => randomBytes(n).toString('hex');
  const ownerKey = `rops_live_${hex(16)}`;
  const slug = `live-ui-${hex(4)}`;
  const agentId = `agent_live_${hex()}`;
  const apps: AppProcess[] = [];
  let prisma: PrismaClient;
  let base: string;
  let hook: string;
  let retellKey: string;
  let tenantId: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const l = lifecycle(agentId);
  const update = (n: number) => ({
    event: 'transcript_updated',
    call: { ...l.call_started.call, transcript_object: SAID.slice(0, n).map((content, i) => ({ role: i % 2 ? 'user' : 'agent', content, words: [] })) },
  });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const env = testEnv({
      API_PORT: String(await freePort()),
      GATEWAY_PORT: String(await freePort()),
      ADMIN_API_KEY: ownerKey,
      DEFAULT_TENANT_SLUG: slug,
      DEFAULT_AGENT_ID: agentId,
    });
    base = `http://127.0.0.1:${env.API_PORT}`;
    hook = `http://127.0.0.1:${env.GATEWAY_PORT}/webhooks/retell/${slug}`;
    retellKey = env.RETELL_API_KEY;
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    apps.push(await startApp('api', envVars(env), /listening on/));
    apps.push(...(await Promise.all([startApp('gateway', envVars(env), /listening on/), startApp('call-worker', envVars(env), /consuming/)])));
    tenantId = (await prisma.tenant.findUniqueOrThrow({ where: { slug } })).id;
    userDataDir = mkdtempSync(path.join(tmpdir(), 'rops-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, chromiumContext({ viewport: { width: 1200, height: 1000 }, timezoneId: 'UTC' }));
    page = context.pages()[0] ?? (await context.newPage());
  }, 120000);

  afterAll(async () => {
    await context?.close();
    for (const a of apps) await a.stop();
    if (tenantId) await prisma.tenant.delete({ where: { id: tenantId } }).catch(() => undefined);
    await prisma?.$disconnect();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('grows the Live transcript card with each transcript_updated, then shows the final transcript', async () => {
    expect((await postSigned(hook, JSON.stringify(l.call_started), retellKey)).status).toBe(204);
    await waitFor(async () => (await prisma.call.findFirst({ where: { tenantId, retellCallId: l.callId } }))?.status === 'in_progress', {
      what: 'the call to be live',
    });
    const callRowId = (await prisma.call.findFirstOrThrow({ where: { tenantId, retellCallId: l.callId } })).id;

    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill(ownerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    await page.goto(`${base}/calls/${callRowId}`);
    const card = page.getByRole('region', { name: 'Live transcript' });
    await card.waitFor();
    await card.getByText('Nothing said yet.').waitFor();

    const turns = card.getByRole('list', { name: 'Live transcript' }).getByRole('listitem');
    for (const n of [2, 4, 6]) {
      expect((await postSigned(hook, JSON.stringify(update(n)), retellKey)).status).toBe(204);
      await card.getByText(SAID[n - 1]).waitFor();
      expect(await turns.count()).toBe(n);
      const texts = (await turns.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      expect(texts).toEqual(SAID.slice(0, n).map((said, i) => `${i % 2 ? 'Caller' : 'Agent'} ${said}`));
      await shot(`live-transcript-${n}-turns`);
    }
    // Scrolled to the newest turn.
    const list = card.getByRole('list', { name: 'Live transcript' });
    await waitFor(
      () => list.evaluate((el: { scrollTop: number; clientHeight: number; scrollHeight: number }) => el.scrollTop + el.clientHeight >= el.scrollHeight - 2),
      {
        what: 'the transcript scrolled to its newest turn',
      },
    );

    // A transfer shows on the event timeline with its destination; the call stays live.
    const transfer = { event: 'transfer_started', call: l.call_started.call, transfer_destination: { number: '+14155550199', extension: '12' } };
    expect((await postSigned(hook, JSON.stringify(transfer), retellKey)).status).toBe(204);
    await page.getByRole('cell', { name: '+14155550199 ext. 12' }).waitFor();
    expect(await card.isVisible()).toBe(true);
    await shot('live-transcript-transfer');

    // The call ends: the card goes, the final transcript stays.
    expect((await postSigned(hook, JSON.stringify(l.call_ended), retellKey)).status).toBe(204);
    await card.waitFor({ state: 'detached' });
    await page.getByRole('list', { name: 'Transcript', exact: true }).getByText('Hi Ana').waitFor();
    await shot('live-transcript-ended');
  }, 90000);
});
