import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import Retell from 'retell-sdk';
import IORedis from 'ioredis';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { recordInboundDecision } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import type { SimConfig } from '../../apps/retell-sim/src/config/sim-config';
import { createSimApp } from '../../apps/retell-sim/src/create-app';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { CHROMIUM, chromiumContext } from '../support/browser';

/**
 * The Agents page in a real browser (Debian's Chromium, headless) against the API in process, which
 * serves the built SPA, and the simulator as Retell: connecting an agent (a wrong id shows
 * Retell's refusal, another tenant's agent the conflict, a right one appears with its name and
 * warnings), sync, export (a download), import (a file), disconnect, and pointing a phone number's
 * inbound webhook here, connecting a disconnected agent again, and the inbound-call rules and answers.
 * Screenshots go to .run/screenshots/agents-*.png.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, '.run', 'screenshots');
const haveChromium = existsSync(CHROMIUM);
const describeBrowser = haveChromium ? describe : describe.skip;
if (!haveChromium) console.warn(`skipped the agents browser tests: no ${CHROMIUM}`);

const hex = () => randomBytes(5).toString('hex');
const SIM_KEY = `key_test_sim_${hex()}`;
const SCREENER = `agent_screener_${hex()}`;
const THEIRS = `agent_theirs_${hex()}`;
const FROM = '+14155550100';
const url = (base: string) => base.replace('[::1]', '127.0.0.1');

describeBrowser('dashboard: Agents page in the browser', () => {
  let sim: NestFastifyApplication;
  let api: NestFastifyApplication;
  let prisma: PrismaClient;
  let retell: Retell;
  let A: TestTenant;
  let B: TestTenant;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let apiEnv: ReturnType<typeof testEnv>;

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `agents-${name}.png`), fullPage: true });
  const row = (agentId: string) => page.locator(`tr[data-agent="${agentId}"]`);
  const connect = async (agentId: string) => {
    await page.getByLabel('Retell agent id').fill(agentId);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    prisma = createPrismaClient({ databaseUrl: testEnv().DATABASE_URL });
    A = await createTestTenant(prisma, testEnv(), 'dash-agents-a');
    B = await createTestTenant(prisma, testEnv(), 'dash-agents-b');
    const config: SimConfig = {
      gatewayUrl: 'http://127.0.0.1:9',
      apiKey: SIM_KEY,
      otherApiKeys: [A.retellApiKey, B.retellApiKey],
      defaultAgentId: 'agent_sim_default',
      defaultFromNumber: FROM,
      defaultToNumber: '+14155550123',
      historyLimit: 10,
      retellApi: {
        agents: [
          { agent_id: SCREENER, agent_name: 'Candidate screener' },
          { agent_id: THEIRS, agent_name: 'Their agent' },
        ],
      },
    };
    sim = await createSimApp(config, false);
    await sim.listen(0, '127.0.0.1');
    const simUrl = url(await sim.getUrl());
    retell = new Retell({ apiKey: SIM_KEY, baseURL: simUrl, maxRetries: 0 });
    apiEnv = testEnv({ RETELL_BASE_URL: simUrl, RETELL_API_KEY: SIM_KEY, PUBLIC_WEBHOOK_BASE_URL: 'https://hooks.example.com' });
    api = await createApi(apiEnv, { bootstrapDefaultTenant: false });
    await api.listen(0, '127.0.0.1');
    base = url(await api.getUrl());
    // B holds an agent Retell knows, for the conflict
    await prisma.agent.create({ data: { tenantId: B.tenantId, retellAgentId: THEIRS } });
    userDataDir = mkdtempSync(path.join(tmpdir(), 'rops-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { ...chromiumContext({ viewport: { width: 1400, height: 900 } }), acceptDownloads: true });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120000);

  afterAll(async () => {
    await context?.close();
    await Promise.all([api?.close(), sim?.close()]);
    if (A && B) await prisma.tenant.deleteMany({ where: { id: { in: [A.tenantId, B.tenantId] } } });
    await prisma?.$disconnect();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('signs in and opens Agents', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill(A.adminApiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Agents' }).first().click();
    await page.getByRole('heading', { name: 'Agents', exact: true }).waitFor();
    await row(A.agentId).waitFor();
  }, 30000);

  it('a wrong agent id shows Retell’s refusal; nothing is added', async () => {
    await connect('agent_does_not_exist');
    await page.getByText("Retell refused agent 'agent_does_not_exist' (422): Cannot find requested asset under given api key.").waitFor();
    await shot('connect-refused');
    expect(await row('agent_does_not_exist').count()).toBe(0);
  }, 30000);

  it('another tenant’s agent shows the conflict', async () => {
    await connect(THEIRS);
    await page.getByText(`agent '${THEIRS}' belongs to another tenant`).waitFor();
    await shot('connect-conflict');
    expect(await row(THEIRS).count()).toBe(0);
  }, 30000);

  it('a right one appears with its name and its warnings; sync, export, import and disconnect work', async () => {
    await connect(SCREENER);
    await page.getByText('Connected Candidate screener.').waitFor();
    const r = row(SCREENER);
    await r.getByRole('cell', { name: 'Candidate screener' }).waitFor();
    await r.getByText('analysis fields missing').waitFor();
    await r.getByText('webhook account level').waitFor();
    await shot('connected');

    // fixed at Retell, then synced: the webhook warning goes
    await retell.agent.update(SCREENER, { webhook_url: 'https://hooks.example.com/webhooks/retell', agent_name: 'Screener (synced)' });
    await r.getByRole('button', { name: `Sync ${SCREENER}` }).click();
    await r.getByRole('cell', { name: 'Screener (synced)' }).waitFor();
    expect(await r.getByText('webhook account level').count()).toBe(0);

    const [download] = await Promise.all([page.waitForEvent('download'), r.getByRole('button', { name: `Export ${SCREENER}` }).click()]);
    expect(download.suggestedFilename()).toBe(`${SCREENER}.agent.json`);
    const file = path.join(userDataDir, 'export.json');
    await download.saveAs(file);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({ format: 'retell-ops.agent/1', agent: { agent_id: SCREENER, agent_name: 'Screener (synced)' } });

    doc.agent.agent_name = 'Screener (from git)';
    writeFileSync(file, JSON.stringify(doc, null, 2));
    await page.getByLabel('Import agent file').setInputFiles(file);
    await page.getByText('Updated Screener (from git) at Retell and connected it.').waitFor();
    await r.getByRole('cell', { name: 'Screener (from git)' }).waitFor();
    expect((await retell.agent.retrieve(SCREENER)).agent_name).toBe('Screener (from git)');

    await r.getByRole('button', { name: `Disconnect ${SCREENER}` }).click();
    await r.getByText('disconnected', { exact: true }).waitFor();
    await shot('disconnected');
    expect(await prisma.agent.findUniqueOrThrow({ where: { retellAgentId: SCREENER } })).toMatchObject({ disconnectedAt: expect.any(Date) });

    await r.getByRole('button', { name: `Connect ${SCREENER} again` }).click();
    await r.getByText('connected', { exact: true }).waitFor();
    expect(await prisma.agent.findUniqueOrThrow({ where: { retellAgentId: SCREENER } })).toMatchObject({ disconnectedAt: null });
  }, 60000);

  it('points a phone number’s inbound webhook at the platform', async () => {
    const numberRow = page.locator(`tr[data-number="${FROM}"]`);
    await numberRow.getByRole('button', { name: 'Point inbound here' }).click();
    await numberRow.getByText('this platform').waitFor();
    await shot('phone-numbers');
    expect((await retell.phoneNumber.retrieve(FROM)).inbound_webhook_url).toBe(`https://hooks.example.com/webhooks/retell/inbound/${A.slug}`);
  }, 30000);

  it('edits the inbound-call rules and lists what the gateway answered', async () => {
    const redis = new IORedis(apiEnv.REDIS_URL);
    const candidate = await prisma.candidate.create({ data: { tenantId: A.tenantId, firstName: 'Ana', phone: '+14155550177' } });
    await recordInboundDecision(redis, apiEnv.QUEUE_PREFIX, A.tenantId, {
      at: Date.now(),
      kind: 'known',
      replayed: false,
      fromNumber: '+14155550177',
      toNumber: FROM,
      candidateId: candidate.id,
      agentId: 'agent_interviews',
      reason: 'agent rule 1',
      callId: null,
    });
    await page.reload();
    const section = page.getByRole('region', { name: 'Inbound calls' });
    await section.getByText(`https://hooks.example.com/webhooks/retell/inbound/${A.slug}`).waitFor();
    await section.getByLabel('Blocked numbers').fill('+14155550999\n+1900*');
    await section.getByRole('button', { name: 'Add agent rule' }).click();
    await section.getByLabel('Agent id').fill('agent_interviews');
    await section.getByRole('button', { name: 'Save inbound rules' }).click();
    await section.getByText('Saved: the gateway answers with them within 10 seconds.').waitFor();
    const table = section.getByRole('table', { name: 'Recent inbound calls' });
    await table.getByText('+14155550177').waitFor();
    await table.getByText('agent rule 1').waitFor();
    await shot('inbound');
    expect((await prisma.inboundRules.findUniqueOrThrow({ where: { tenantId: A.tenantId } })).rules).toEqual({
      blockedNumbers: ['+14155550999', '+1900*'],
      agentRules: [{ caller: 'known', interviewBooked: true, agentId: 'agent_interviews' }],
    });
    // a bad number is refused with the API's reason, beside the form
    await section.getByLabel('Blocked numbers').fill('555-0100');
    await section.getByRole('button', { name: 'Save inbound rules' }).click();
    await section.getByText('each of blockedNumbers must be an E.164 number or a prefix ending in *').waitFor();
    await redis.del(`${apiEnv.QUEUE_PREFIX}:inbound:log:t:${A.tenantId}`);
    redis.disconnect();
  }, 60000);
});
