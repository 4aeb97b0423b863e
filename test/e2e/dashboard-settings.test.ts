import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { hashApiKey } from '@retell-ops/config';
import { signRelay } from '../../apps/gateway/src/relay/relay-signature';
import { startDialerStack, type DialerStack } from '../support/dialer-stack';
import { postRaw } from '../support/http';
import { lifecycle } from '../support/payloads';
import { waitFor } from '../support/wait';
import { CHROMIUM, chromiumContext } from '../support/browser';

/**
 * The Settings and API keys pages in a real browser (Debian's Chromium, headless) against the
 * platform as separate processes with the simulator, under the API's security headers (no CSP
 * violation may be reported): issue a key and see it once, use it, revoke it; change a tenant
 * default; rotate the Retell key (the simulator checks it: a wrong one is refused with its
 * answer); turn the relay on, see its secret once and deliver with it; a viewer sees settings
 * but no control. Screenshots go to .run/screenshots/.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, '.run', 'screenshots');
const haveChromium = existsSync(CHROMIUM);
const describeBrowser = haveChromium ? describe : describe.skip;
if (!haveChromium) console.warn(`skipped the dashboard settings browser tests: no ${CHROMIUM} (node tools/prepare.js test installs it as root)`);

describeBrowser('dashboard Settings and API keys pages in the browser', () => {
  const NEW_RETELL_KEY = `key_test_settings_${randomBytes(12).toString('hex')}`;
  let stack: DialerStack;
  let base: string;
  let gatewayBase: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let viewerKey: string;
  const cspViolations: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const bearer = (key: string, p: string) => fetch(`${base}${p}`, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startDialerStack({ simVars: { RETELL_SIM_OTHER_API_KEYS: NEW_RETELL_KEY } });
    base = `http://127.0.0.1:${stack.env.API_PORT}`;
    gatewayBase = `http://127.0.0.1:${stack.env.GATEWAY_PORT}`;
    viewerKey = `rops_view_${randomBytes(16).toString('hex')}`;
    await stack.prisma.apiKey.create({ data: { tenantId: stack.tenantId, name: 'viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
    userDataDir = mkdtempSync(path.join(tmpdir(), 'rops-chromium-'));
    context = await chromium.launchPersistentContext(
      userDataDir,
      chromiumContext({
        viewport: { width: 1280, height: 900 },
        timezoneId: 'America/New_York',
      }),
    );
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  }, 120000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('signs in with the owner key and opens API keys', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill(stack.vars.ADMIN_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByRole('table', { name: 'API keys' }).waitFor();
  }, 30000);

  it('issues a key, shows it once, the key works; revoking it makes it fail', async () => {
    const name = `CI ${randomBytes(3).toString('hex')}`;
    await page.getByRole('button', { name: 'Issue key' }).click();
    await page.getByText('name is required').waitFor();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Issue key' }).click();
    const shown = page.getByRole('status', { name: 'New API key' });
    await shown.waitFor();
    const key = (await shown.locator('code.secret').innerText()).trim();
    expect(key).toMatch(/^rops_/);
    const row = page.getByRole('row').filter({ hasText: name });
    await row.waitFor();
    expect(await row.innerText()).toContain(key.slice(0, 12));
    expect(await row.innerText()).toContain('viewer');
    await shot('api-keys-issued');
    expect((await bearer(key, '/api/v1/calls')).status).toBe(200);

    // once: gone after Done and after a reload, and nowhere in what the API lists
    await shown.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(key);
    await page.reload();
    await page.getByRole('table', { name: 'API keys' }).waitFor();
    expect(await page.content()).not.toContain(key);
    const list = await (await bearer(stack.vars.ADMIN_API_KEY, '/api/v1/api-keys')).text();
    expect(list).not.toContain(key);

    await waitFor(async () => (await page.getByRole('row').filter({ hasText: name }).innerText()).includes('never') || undefined, { what: 'the row' });
    await page.getByRole('button', { name: `Revoke ${name}` }).click();
    await page.getByRole('row').filter({ hasText: name }).getByText('revoked').waitFor();
    expect(await page.getByRole('button', { name: `Revoke ${name}` }).count()).toBe(0);
    await shot('api-keys-revoked');
    await waitFor(async () => (await bearer(key, '/api/v1/calls')).status === 401 || undefined, { what: 'the revoked key refused', timeoutMs: 10000 });
  }, 60000);

  it('changes a tenant default on Settings; it is kept', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('Default from number').fill('12345');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/defaultFromNumber must be an E\.164 number/).waitFor();
    await page.getByLabel('Default from number').fill('+14155550177');
    await page.getByLabel('Time zone').fill('Europe/Madrid');
    await page.getByLabel('Calling window (no call is placed outside it)').check();
    await page.getByLabel('From', { exact: true }).fill('08:30');
    await page.getByLabel('Until', { exact: true }).fill('19:00');
    await page.getByLabel('In zone').fill('Europe/Madrid');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const tenant = (await (await bearer(stack.vars.ADMIN_API_KEY, '/api/v1/tenant')).json()) as Record<string, unknown>;
    expect(tenant).toMatchObject({
      defaultFromNumber: '+14155550177',
      timeZone: 'Europe/Madrid',
      callingWindow: { start: '08:30', end: '19:00', timeZone: 'Europe/Madrid' },
    });
    await page.reload();
    await page.getByLabel('Default from number').waitFor();
    expect(await page.getByLabel('Default from number').inputValue()).toBe('+14155550177');
    // leave the tenant callable at any hour for what follows
    await page.getByLabel('Calling window (no call is placed outside it)').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
  }, 60000);

  it('rotates the Retell key against the simulator: a key Retell refuses is shown its answer, a good one is rotated in with an overlap', async () => {
    const oldLast4 = stack.vars.RETELL_API_KEY.slice(-4);
    await page.getByText(`…${oldLast4}`).first().waitFor();
    await page.getByLabel('New Retell API key').fill(`key_test_unknown_${randomBytes(8).toString('hex')}`);
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByRole('form', { name: 'Retell API key' }).getByRole('alert').waitFor();
    expect((await (await bearer(stack.vars.ADMIN_API_KEY, '/api/v1/tenant')).json()) as Record<string, unknown>).toMatchObject({ retellApiKeyLast4: oldLast4 });

    await page.getByLabel('New Retell API key').fill(NEW_RETELL_KEY);
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByText(`Retell key rotated: now …${NEW_RETELL_KEY.slice(-4)}`).waitFor();
    await page.getByText(/The previous key still verifies webhooks until/).waitFor();
    expect(await page.content()).not.toContain(NEW_RETELL_KEY);
    const tenant = (await (await bearer(stack.vars.ADMIN_API_KEY, '/api/v1/tenant')).json()) as Record<string, unknown>;
    expect(tenant.retellApiKeyLast4).toBe(NEW_RETELL_KEY.slice(-4));
    expect(Date.parse(tenant.previousRetellKeyUntil as string)).toBeGreaterThan(Date.now() + 50 * 60_000);
    await shot('settings-rotated');
  }, 60000);

  it('turns the relay on, shows its secret once, and a delivery signed with it is accepted; turns it off', async () => {
    await page.getByRole('button', { name: 'Turn relay on' }).click();
    const shown = page.getByRole('status', { name: 'New relay secret' });
    await shown.waitFor();
    const secret = (await shown.locator('code.secret').innerText()).trim();
    expect(secret).toMatch(/^rrs_/);
    await page.getByText('Relay is on').waitFor();
    await shot('settings-relay');
    const slug = ((await (await bearer(stack.vars.ADMIN_API_KEY, '/api/v1/tenant')).json()) as { slug: string }).slug;
    const body = JSON.stringify(lifecycle(stack.vars.DEFAULT_AGENT_ID).call_started);
    await waitFor(
      async () => {
        const ts = Math.floor(Date.now() / 1000);
        const res = await postRaw(`${gatewayBase}/webhooks/relay/${slug}`, body, {
          'x-relay-timestamp': String(ts),
          'x-relay-signature': signRelay(secret, ts, body),
        });
        return res.status === 204 || undefined;
      },
      { what: 'the relayed delivery accepted', timeoutMs: 15000, intervalMs: 500 },
    );
    await shown.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('button', { name: 'Turn relay off' }).click();
    await page.getByText('Relay is off').waitFor();
  }, 60000);

  it('a viewer sees the settings but no control, and cannot manage keys', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('API key', { exact: true }).fill(viewerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByText('Your role can see these settings but not change them.').waitFor();
    expect(await page.getByLabel('Default from number').inputValue()).toBe('+14155550177');
    expect(await page.getByLabel('Default from number').isDisabled()).toBe(true);
    for (const name of ['Save settings', 'Rotate key', 'Turn relay on', 'Turn relay off'])
      expect({ name, n: await page.getByRole('button', { name }).count() }).toEqual({ name, n: 0 });
    await shot('settings-viewer');
    // no link to it in the header, and the page itself says why
    expect(await page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await page.goto(`${base}/api-keys`);
    await page.getByText('Your role (viewer) cannot manage API keys.').waitFor();
    expect(await page.getByRole('button', { name: 'Issue key' }).count()).toBe(0);
  }, 30000);

  it('the Swagger UI renders under the same Content-Security-Policy, and no page reported a CSP violation', async () => {
    await page.goto(`${base}/api/docs`);
    await page.getByRole('heading', { name: /Retell Ops admin API/ }).waitFor();
    await page.locator('.opblock').first().waitFor();
    await shot('swagger-ui');
    expect(cspViolations).toEqual([]);
  }, 30000);
});
