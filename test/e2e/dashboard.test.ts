import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DateTime } from 'luxon';
import { hashApiKey } from '@retell-ops/config';
import { seedCall } from '@retell-ops/domain';
import { simNumber, startDialerStack, type DialerStack } from '../support/dialer-stack';
import { postSigned } from '../support/http';
import { startApp, type AppProcess } from '../support/processes';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { waitFor } from '../support/wait';
import { CHROMIUM, chromiumContext } from '../support/browser';

/**
 * The dashboard in a real browser (Debian's Chromium, headless, nothing reaching outside) against
 * the platform as separate processes with the simulator: the API serves the built SPA. Sign in with
 * the admin key, a simulated call shows on /calls and its detail shows the transcript, a call sent
 * from the form completes, a batch is created from an uploaded CSV, a screening call moves a
 * candidate's card and books an interview shown in both zones, another tenant's call is never
 * shown, analytics bars read and link right, a viewer sees no send or cancel controls.
 * Screenshots of every page go to .run/screenshots/.
 */
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
  /** the candidate and scheduling workers, beside the dialer stack, for the screening flow */
  const recruiting: AppProcess[] = [];
  const VIEWER_ZONE = 'America/New_York';

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
    context = await chromium.launchPersistentContext(
      userDataDir,
      chromiumContext({
        viewport: { width: 1280, height: 860 },
        timezoneId: VIEWER_ZONE,
      }),
    );
    page = context.pages()[0] ?? (await context.newPage());
    recruiting.push(...(await Promise.all([startApp('candidate-worker', stack.vars, /consuming/), startApp('scheduling-worker', stack.vars, /consuming/)])));
  }, 120000);

  afterAll(async () => {
    await Promise.all(recruiting.map((a) => a.stop()));
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

  it("a screening call for a candidate moves the candidate's card to interviewing and books an interview that the interviews page shows in both zones", async () => {
    const candidateZone = 'America/Los_Angeles';
    const position = await stack.api('POST', '/api/v1/positions', { title: 'Senior Python Developer' });
    expect(position.status).toBe(201);
    const created = await stack.api('POST', '/api/v1/candidates', {
      firstName: 'Grace',
      lastName: 'Hopper',
      phone: simNumber('0'),
      timeZone: candidateZone,
      positionId: position.json.id,
      positionApplied: 'Senior Python Developer',
    });
    expect(created.status).toBe(201);
    const candidateId = created.json.id as string;
    const candidatePhone = created.json.phone as string;

    await page.getByRole('link', { name: 'Candidates', exact: true }).click();
    const card = page.locator(`li[data-candidate-id="${candidateId}"]`);
    const column = (status: string) => page.locator(`section[data-status="${status}"] li[data-candidate-id="${candidateId}"]`);
    await card.waitFor();
    expect(await column('new').count()).toBe(1);

    // The top of an hour two days ahead, said in the candidate's zone; the simulator's answered
    // call reports the recruiting guide's analysis with this time (metadata.sim_custom_analysis).
    const at = DateTime.fromMillis(Math.ceil((Date.now() + 2 * 86_400_000) / 3_600_000) * 3_600_000, { zone: candidateZone });
    const call = await stack.api('POST', '/api/v1/calls', {
      candidateId,
      toNumber: candidatePhone,
      metadata: {
        sim_custom_analysis: {
          ...seedCall().call_analysis.custom_analysis_data,
          scheduled_date: at.toFormat('yyyy-MM-dd'),
          scheduled_time: at.toFormat('h:mm a'),
          scheduled_timezone: 'Pacific Time (PT)',
          scheduled_datetime_iso: at.toISO({ suppressMilliseconds: true }),
          candidate_timezone: 'Pacific Time',
        },
      },
    });
    expect(call.status).toBe(202);
    await shownLive(async () => (await column('interviewing').count()) === 1, 'the card in the interviewing column', 60000);
    expect(await column('new').count()).toBe(0);
    await shot('candidates');

    // the candidate worker moves the card; the scheduling worker books the interview after it
    const interview = await waitFor(() => stack.prisma.interview.findFirst({ where: { candidateId } }).then((i) => i ?? undefined), {
      what: 'the interview booked',
      timeoutMs: 30000,
    });
    expect(interview).toMatchObject({ status: 'scheduled', scheduledAt: at.toJSDate(), timeZone: candidateZone });
    // formatInstant's format, written with Luxon in each zone
    const shown = (zone: string) =>
      at
        .setZone(zone)
        .toLocaleString(
          { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' },
          { locale: 'en-US' },
        );
    await page.getByRole('link', { name: 'Interviews', exact: true }).click();
    const item = page.locator(`li[data-interview-id="${interview.id}"]`);
    await item.waitFor();
    expect(shown(VIEWER_ZONE)).not.toBe(shown(candidateZone));
    await item.getByText(shown(VIEWER_ZONE), { exact: true }).waitFor();
    await item.getByText(shown(candidateZone), { exact: true }).waitFor();
    await item.getByText(`Your time (${VIEWER_ZONE})`).waitFor();
    await item.getByText(`Candidate's time (${candidateZone})`).waitFor();
    await item.getByRole('link', { name: 'Grace Hopper' }).waitFor();
    await shot('interviews');
  }, 90000);

  it("another tenant's call is never shown, not in the list nor after its live events, and its page is not found", async () => {
    const other: TestTenant = await createTestTenant(stack.prisma, stack.env, 'dash-other');
    await page.getByRole('link', { name: 'Calls', exact: true }).click();
    await page.getByRole('heading', { name: 'Calls', exact: true }).waitFor();
    // The other tenant's call arrives through the gateway (signed with its Retell key) while /calls is open.
    const theirs = seedCall({ callId: `call_other_${randomBytes(8).toString('hex')}`, agentId: other.agentId, endTimestamp: Date.now() - 30_000 });
    for (const event of ['call_started', 'call_ended', 'call_analyzed']) {
      const res = await postSigned(`${stack.env.GATEWAY_URL}/webhooks/retell/${other.slug}`, JSON.stringify({ event, call: theirs }), other.retellApiKey);
      expect(res.status).toBe(204);
    }
    await waitFor(
      () => stack.prisma.call.findFirst({ where: { tenantId: other.tenantId, retellCallId: theirs.call_id, status: 'completed' } }).then((c) => c ?? undefined),
      { what: "the other tenant's call recorded", timeoutMs: 30000 },
    );
    // Then one of ours: once it shows live, the other tenant's events (sent first) have had their turn.
    const ours = await fetch(`${stack.simUrl}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'answered' }),
    });
    const ourCallId = ((await ours.json()) as { callId: string }).callId;
    await shownLive(async () => (await page.locator(`tr[data-call-id="${ourCallId}"]`).count()) > 0, 'our call on /calls');
    expect(await page.locator(`tr[data-call-id="${theirs.call_id}"]`).count()).toBe(0);
    expect(await page.getByText(theirs.call_id).count()).toBe(0);
    await page.goto(`${base}/calls/${theirs.call_id}`);
    await page.getByText('Not found.').waitFor();
    expect(await page.getByText(`no call '${theirs.call_id}'`).count()).toBe(1);
    expect(await page.getByRole('list', { name: 'Transcript' }).count()).toBe(0);
    await shot('call-not-found');
  }, 60000);

  it('shows the other pages (screenshots)', async () => {
    for (const [link, heading, name] of [
      ['Candidates', 'Candidates', 'candidates'],
      ['Interviews', 'Interviews', 'interviews'],
      ['Analytics', 'Analytics', 'analytics'],
      ['Agents', 'Agents', 'agents'],
    ]) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      // An SPA route change has no load state to wait for: wait until nothing on the page is loading.
      await shownLive(async () => (await page.getByText('Loading…').count()) === 0, `${heading} loaded`);
      await shot(name);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/calls/${playedCallId}`);
    await page.getByRole('list', { name: 'Transcript' }).waitFor();
    await shownLive(async () => (await page.getByText('Loading…').count()) === 0, 'the call page loaded');
    // At phone width the links are one row that scrolls sideways, and the page itself never does.
    const linkTops = await page.locator('header.top nav a').evaluateAll((links) => links.map((a) => (a as unknown as { offsetTop: number }).offsetTop));
    const widths = await page.locator('html').evaluate((html: { scrollWidth: number; clientWidth: number }) => [html.scrollWidth, html.clientWidth]);
    expect({ linkRows: new Set(linkTops).size, pageWider: widths[0] > widths[1] }).toEqual({ linkRows: 1, pageWider: false });
    await shot('call-detail-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  }, 60000);

  it('analytics bars stand as high as their numbers, and each links to exactly its calls', async () => {
    await page.getByRole('link', { name: 'Analytics', exact: true }).click();
    const chart = (title: string) => page.locator('figure.chart', { has: page.locator('figcaption', { hasText: title }) });
    await chart('Calls by day').locator('.recharts-bar-rectangle').first().waitFor();
    const totalCalls = Number(await page.locator('.kpis div', { hasText: 'Calls' }).first().locator('dd').innerText());
    expect(totalCalls).toBeGreaterThan(10);

    /** Each bar's label, and the value its top reads against the y axis' tick lines. */
    const bars = (title: string) =>
      chart(title).evaluate((fig) => {
        // tick lines and tick labels are separate groups (the labels in a layer of their own), in the same order
        const lines = [...fig.querySelectorAll('.recharts-yAxis-tick-lines .recharts-cartesian-axis-tick-line')];
        const ticks = [...fig.querySelectorAll('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')].map((t, i) => ({
          value: Number(t.textContent),
          y: lines[i].getBoundingClientRect().top,
        }));
        const [t0, t1] = ticks;
        const perPx = (t1.value - t0.value) / (t0.y - t1.y);
        const tops = [...fig.querySelectorAll('.recharts-bar-rectangle path')].map((b) => t0.value + (t0.y - b.getBoundingClientRect().top) * perPx);
        const labels = [...fig.querySelectorAll('.recharts-label-list text')].map((l) => Number(l.textContent));
        return { tops, labels };
      });
    const byDay = await bars('Calls by day');
    expect(byDay.labels.reduce((a, b) => a + b, 0)).toBe(totalCalls);
    expect(byDay.tops).toHaveLength(byDay.labels.length);
    byDay.tops.forEach((top, i) => expect(Math.abs(top - byDay.labels[i])).toBeLessThan(0.3));
    const byBatch = await bars('By batch');
    expect(byBatch.labels.reduce((a, b) => a + b, 0)).toBe(totalCalls);
    byBatch.tops.forEach((top, i) => expect(Math.abs(top - byBatch.labels[i])).toBeLessThan(0.3));
    await page.getByText('Total cost').waitFor();
    expect(await page.locator('.kpis div', { hasText: 'Total cost' }).locator('dd').innerText()).toMatch(/^\$\d+\.\d\d$/);

    const listed = async (what: string, expected: number) => {
      await page.getByRole('heading', { name: 'Calls', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Show all calls' }).waitFor();
      await shownLive(async () => (await page.locator('tr[data-call-id]').count()) === expected, `${expected} calls listed for ${what}`);
    };
    await chart('Calls by day').locator('.recharts-bar-rectangle path').first().click();
    await listed('the first day', byDay.labels[0]);
    expect(new URL(page.url()).searchParams.get('from')).toMatch(/T00:00:00\.000Z$/);
    await page.goBack();
    // the batch of 10 has the most calls of all batches: the first bar
    await chart('By batch').locator('.recharts-bar-rectangle path').first().click();
    await listed('the batch', 10);
    expect(new URL(page.url()).searchParams.get('batchId')).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Show all calls' }).click();
    await shownLive(async () => (await page.locator('tr[data-call-id]').count()) === totalCalls, 'every call listed again');
    await shot('calls-many');
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
