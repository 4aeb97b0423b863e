import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import Retell from 'retell-sdk';
import { startDialerStack, type DialerStack } from '../support/dialer-stack';
import { CHROMIUM, chromiumContext } from '../support/browser';

/**
 * The agent's tools on the dashboard, in a real browser against the platform as separate
 * processes: a tool call made through the gateway shows in the call's "Tool calls" card, and the
 * Settings page turns a tool off. Screenshots go to .run/screenshots/.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, '.run', 'screenshots');
const haveChromium = existsSync(CHROMIUM);
const describeBrowser = haveChromium ? describe : describe.skip;
if (!haveChromium) console.warn(`skipped the dashboard tools browser tests: no ${CHROMIUM} (node tools/prepare.js test installs it as root)`);

describeBrowser('dashboard: tool calls on the call page, tools on/off in Settings', () => {
  let stack: DialerStack;
  let base: string;
  let gatewayBase: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let callRowId: string;
  const retellCallId = `call_tools_${randomBytes(6).toString('hex')}`;

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const slug = () => stack.vars.DEFAULT_TENANT_SLUG;

  async function callTool(tool: string, args: unknown) {
    const body = JSON.stringify({ name: tool, call: { call_id: retellCallId, direction: 'inbound', from_number: '+14155550188' }, args });
    const res = await fetch(`${gatewayBase}/webhooks/retell/tools/${slug()}/${tool}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-retell-signature': await Retell.sign(body, stack.vars.RETELL_API_KEY) },
      body,
    });
    return { status: res.status, json: await res.json() };
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startDialerStack();
    base = `http://127.0.0.1:${stack.env.API_PORT}`;
    gatewayBase = `http://127.0.0.1:${stack.env.GATEWAY_PORT}`;
    await stack.prisma.candidate.create({
      data: { tenantId: stack.tenantId, firstName: 'Ana', lastName: 'Silva', phone: '+14155550188', timeZone: 'America/New_York' },
    });
    const call = await stack.prisma.call.create({
      data: { tenantId: stack.tenantId, retellCallId, direction: 'inbound', fromNumber: '+14155550188', status: 'in_progress', callType: 'phone_call' },
    });
    callRowId = call.id;
    userDataDir = mkdtempSync(path.join(tmpdir(), 'rops-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, chromiumContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/New_York' }));
    page = context.pages()[0] ?? (await context.newPage());
  }, 120000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('shows the tool calls of a call: tool, arguments, answer, ok and duration', async () => {
    const found = await callTool('get_customer_info', {});
    expect(found).toMatchObject({ status: 200, json: { ok: true, found: true, candidate: { name: 'Ana Silva' } } });
    const bad = await callTool('check_availability', { date_from: 'soon' });
    expect(bad.json).toMatchObject({ ok: false });

    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill(stack.vars.ADMIN_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    await page.goto(`${base}/calls/${callRowId}`);
    const table = page.getByRole('table', { name: 'Tool calls' });
    await table.waitFor();
    const rows = table.getByRole('row');
    await expect(rows.count()).resolves.toBe(3); // header + 2
    await expect(rows.nth(1).innerText()).resolves.toMatch(/get_candidate[\s\S]*Ana Silva[\s\S]*yes[\s\S]*\d+ ms/);
    await expect(rows.nth(2).innerText()).resolves.toMatch(/check_interview_slots[\s\S]*soon[\s\S]*I need the first day[\s\S]*no/);
    await shot('dashboard-call-tool-calls');
  }, 60000);

  it('turns a tool off in Settings (the gateway answers it as turned off within its 30 s cache: live-tools.test.ts)', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const card = page.getByRole('region', { name: 'Agent tools' });
    await card.waitFor();
    const book = card.getByRole('checkbox', { name: /book_interview/ });
    await expect(book.isChecked()).resolves.toBe(true);
    await book.click();
    // The box follows the saved settings: unchecked once the PATCH is in and the tenant read again.
    await card.getByRole('checkbox', { name: /book_interview/, checked: false }).waitFor();
    await shot('dashboard-settings-agent-tools');
    const t = await stack.prisma.tenant.findUniqueOrThrow({ where: { id: stack.tenantId }, select: { disabledTools: true } });
    expect(t.disabledTools).toEqual(['book_interview']);
  }, 60000);
});
