import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { createApi } from '../../apps/api/src/create-api';
import { call } from '../support/api-client';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { CHROMIUM, chromiumContext } from '../support/browser';

/**
 * People in a real browser (Debian's Chromium, headless): an owner signs in with email and
 * password, invites a recruiter from the Users page and copies the one-time link; the link opened
 * in a fresh browser (no shared cookies) sets the recruiter's name and password and signs them in;
 * the recruiter sees candidates and no batch, API-key or user controls. The API runs in-process
 * and serves the built SPA. Screenshots go to .run/screenshots/.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, '.run', 'screenshots');
const haveChromium = existsSync(CHROMIUM);
const describeBrowser = haveChromium ? describe : describe.skip;
if (!haveChromium) console.warn(`skipped the people browser tests: no ${CHROMIUM}`);

describeBrowser('dashboard: people in the browser', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let base: string;
  let T: TestTenant;
  const dirs: string[] = [];
  const contexts: BrowserContext[] = [];
  let owner: Page;
  let inviteUrl = '';
  const ownerEmail = `olive-${randomBytes(4).toString('hex')}@people-e2e.test`;
  const ownerPassword = 'owner password 123';
  const recruiterEmail = `rita-${randomBytes(4).toString('hex')}@people-e2e.test`;

  /** A browser of its own: a fresh user-data dir, so nothing (cookies included) is shared. */
  async function freshBrowser(): Promise<Page> {
    const dir = mkdtempSync(path.join(tmpdir(), 'rops-chromium-'));
    dirs.push(dir);
    const context = await chromium.launchPersistentContext(dir, chromiumContext({ viewport: { width: 1280, height: 860 } }));
    contexts.push(context);
    return context.pages()[0] ?? (await context.newPage());
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    T = await createTestTenant(prisma, env, 'people-e2e');
    await prisma.candidate.create({ data: { tenantId: T.tenantId, firstName: 'Carla', lastName: 'Candidate', phone: '+14155550190' } });
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    // the tenant's first person, an owner, invited with the tenant's owner key
    const inv = await call(base, 'POST', '/api/v1/users/invitations', { bearer: T.adminApiKey }, { email: ownerEmail, role: 'owner' });
    const accepted = await call(base, 'POST', '/api/v1/auth/invitations/accept', {}, { token: inv.json.token, name: 'Olive Owner', password: ownerPassword });
    expect(accepted.status).toBe(200);
    owner = await freshBrowser();
  }, 120000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await app?.close();
    if (prisma && T) {
      await prisma.user.deleteMany({ where: { email: { in: [ownerEmail, recruiterEmail] } } });
      await prisma.tenant.delete({ where: { id: T.tenantId } });
    }
    await prisma?.$disconnect();
  });

  it('signs in with email and password (a wrong password is refused under the field)', async () => {
    await owner.goto(`${base}/`);
    await owner.getByLabel('Email').waitFor();
    await owner.getByLabel('API key').waitFor();
    await owner.getByLabel('Email').fill(ownerEmail);
    await owner.getByLabel('Password').fill('not the password');
    await owner.getByRole('button', { name: 'Log in' }).click();
    await owner.getByText('email or password is wrong').waitFor();
    await shot(owner, 'people-sign-in');
    await owner.getByLabel('Password').fill(ownerPassword);
    await owner.getByRole('button', { name: 'Log in' }).click();
    await owner.getByRole('heading', { name: 'Calls' }).waitFor();
    const who = owner.getByLabel('Signed in as');
    expect(await who.innerText()).toMatch(new RegExp(`Olive Owner \\(${ownerEmail}\\).*owner`));
    const cookie = (await contexts[0].cookies(base)).find((c) => c.name === 'rops_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  }, 60000);

  it('the owner invites a recruiter from the Users page and gets the one-time link', async () => {
    await owner.getByRole('link', { name: 'Users' }).click();
    await owner.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await owner.getByRole('cell', { name: ownerEmail, exact: true }).waitFor();
    await owner.getByLabel('Email').fill(recruiterEmail);
    await owner.getByLabel('Role', { exact: true }).selectOption('recruiter');
    await owner.getByRole('button', { name: 'Invite' }).click();
    const link = owner.getByLabel('Invitation link');
    await link.waitFor();
    inviteUrl = await link.inputValue();
    expect(inviteUrl).toMatch(new RegExp(`^${base}/invite/[A-Za-z0-9_-]{40,}$`));
    await owner.getByRole('cell', { name: recruiterEmail, exact: true }).waitFor(); // listed under pending invitations
    await shot(owner, 'people-users-invite');
  }, 60000);

  it('the link, opened in a fresh browser, sets the recruiter up and signs them in; they see candidates and no batch or API-key controls', async () => {
    const rita = await freshBrowser();
    await rita.goto(inviteUrl);
    await rita.getByRole('heading', { name: 'Join Retell Ops' }).waitFor();
    await rita.getByLabel('Your name').fill('Rita Recruiter');
    await rita.getByLabel('Password', { exact: true }).fill('recruiter password 1');
    await rita.getByLabel('Repeat the password').fill('recruiter password 1');
    await shot(rita, 'people-accept-invite');
    await rita.getByRole('button', { name: 'Join and sign in' }).click();
    await rita.getByRole('heading', { name: 'Calls' }).waitFor();
    expect(await rita.getByLabel('Signed in as').innerText()).toMatch(/Rita Recruiter.*recruiter/);

    const nav = rita.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Candidates' }).click();
    await rita.getByRole('heading', { name: 'Candidates' }).waitFor();
    await rita.getByRole('link', { name: 'Carla Candidate' }).waitFor();
    for (const name of ['Batches', 'Users', 'API keys']) expect(await nav.getByRole('link', { name }).count()).toBe(0);
    expect(await rita.getByRole('button', { name: /batch/i }).count()).toBe(0);
    expect(await rita.getByRole('button', { name: /api key/i }).count()).toBe(0);
    await shot(rita, 'people-recruiter-candidates');

    // the link was used once: opened again it says so
    const again = await freshBrowser();
    await again.goto(inviteUrl);
    await again.getByLabel('Your name').fill('Mallory');
    await again.getByLabel('Password', { exact: true }).fill('another password 1');
    await again.getByLabel('Repeat the password').fill('another password 1');
    await again.getByRole('button', { name: 'Join and sign in' }).click();
    await again.getByText(/already been used/).waitFor();

    // and the owner's list shows Rita as a recruiter
    await owner.reload();
    await owner.getByLabel(`Role of ${recruiterEmail}`).waitFor();
    expect(await owner.getByLabel(`Role of ${recruiterEmail}`).inputValue()).toBe('recruiter');
    // A long "signed in as" (name, email, tenant) is cut short, with the whole of it on hover: the links keep their room.
    const linkTops = await owner.locator('header.top nav a').evaluateAll((links) => links.map((a) => (a as unknown as { offsetTop: number }).offsetTop));
    expect(new Set(linkTops).size).toBeLessThanOrEqual(2);
    expect(await owner.getByLabel('Signed in as').getAttribute('title')).toContain(ownerEmail);
    await shot(owner, 'people-users');
  }, 90000);
});
