/**
 * The seed's App Center flow end to end in Chromium: sign in to Concur (the mock), Apps for me,
 * Learn More, Connect, the partner app's sign-in-or-create page, "Accounts linked", and back on
 * the listing "Connected". The partner app runs on a free port, so the test registers an app
 * whose redirect URI is that port's callback, exactly as a partner registers theirs.
 */
import type { Page } from 'playwright-core';
import { DEMO } from 'mock-concur';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockTokens, startPair, type Pair } from '../support/partner-pair.js';
import { launchChromium, requireChromium, screenshot as shot } from './support/browser.js';

const hasChromium = requireChromium('App Center flow');

const APP = { name: 'TripLink Demo Rewards', consumerKey: 'e2e-triplink', consumerSecret: 'e2e-triplink-secret' };
const CONCUR_USER = DEMO.traveler;
const MEMBER = { email: 'taylor.traveler@example.com', password: 'rewards-password' };
const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).first().textContent();

describe.skipIf(!hasChromium)('the App Center flow in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let pair: Pair;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    pair = await startPair({ consumerKey: APP.consumerKey, consumerSecret: APP.consumerSecret });
    const registered = await fetch(`${pair.mock.url}/_mock/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...APP,
        description: 'Earn points on every business trip; your TripLink bookings flow into Concur.',
        scopes: ['USER', 'ITINER', 'TRVPRF'],
        redirectUris: [`${pair.url}/concur/callback`],
      }),
    });
    expect(registered.status).toBe(201);
    await browser.context.clearCookies();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1100, height: 800 });
  });
  afterEach(async () => {
    await page.close();
    await pair.close();
  });

  /** Concur's sign-in page, when Concur asks for it. */
  async function signInToConcurIfAsked(): Promise<void> {
    if ((await page.getByLabel('Login ID').count()) === 0) return;
    await page.getByLabel('Login ID').fill(CONCUR_USER.loginId);
    await page.getByLabel('Password').fill(CONCUR_USER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
  }

  /** Steps 1–2: App Center, Apps for me, Learn More → Listing Details. */
  async function openListing(screenshots: boolean): Promise<void> {
    await page.goto(`${pair.mock.url}/appcenter`);
    if (screenshots && (await page.getByLabel('Login ID').count()) > 0) await shot(page, 'flow-1-concur-sign-in');
    await signInToConcurIfAsked();
    expect(await page.getByText('Apps for me').first().isVisible()).toBe(true);
    if (screenshots) await shot(page, 'flow-2-apps-for-me');
    const learnMore = page.locator(`a[href$="/appcenter/apps/${APP.consumerKey}"]`).first();
    expect(await learnMore.textContent()).toContain('Learn More');
    await learnMore.click();
    await page.waitForURL(`${pair.mock.url}/appcenter/apps/${APP.consumerKey}`);
    expect(await page.getByText(APP.name).first().isVisible()).toBe(true);
    if (screenshots) await shot(page, 'flow-3-listing-details');
  }

  /** Step 3: Connect → the partner's page (step 4). */
  async function connect(): Promise<void> {
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForURL(`${pair.url}/link`);
  }

  /** Step 7: back on the listing, which now shows the user as connected. */
  async function expectConnectedOnListing(screenshotName: string | null): Promise<void> {
    await page.getByRole('link', { name: 'Return to the SAP Concur App Center' }).click();
    await signInToConcurIfAsked();
    await page.waitForURL(`${pair.mock.url}/appcenter/apps/${APP.consumerKey}`);
    expect(await page.getByText('Connected', { exact: false }).first().isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Disconnect' }).isVisible()).toBe(true);
    if (screenshotName) await shot(page, screenshotName);
  }

  it('connects a user who creates a new partner account, from Concur sign-in to "Connected" on the listing', async () => {
    await openListing(true);
    await connect();
    expect(await h1(page)).toBe('Link your SAP Concur account to TripLink Demo Rewards');
    await shot(page, 'flow-4-partner-sign-in-or-create');
    await page.getByLabel('Full name').fill('Nadia Newcomer');
    await page.getByLabel('Email', { exact: true }).nth(1).fill('nadia@example.com');
    await page.getByLabel('Password').nth(1).fill('first-class-lounge');
    await page.getByRole('button', { name: 'Create account and link' }).click();
    await page.waitForURL(`${pair.url}/linked`);
    expect(await h1(page)).toBe('Accounts linked');
    await shot(page, 'flow-6-accounts-linked');
    await expectConnectedOnListing('flow-7-listing-connected');
    expect((await mockTokens(pair.mock)).filter((t) => t.consumerKey === APP.consumerKey && t.state === 'active')).toEqual([
      expect.objectContaining({ loginId: CONCUR_USER.loginId }),
    ]);
  });

  it('connects a user who signs in to an existing partner account, and Disconnect undoes it', async () => {
    await openListing(false);
    await connect();
    await page.getByLabel('Email', { exact: true }).first().fill(MEMBER.email);
    await page.getByLabel('Password').first().fill(MEMBER.password);
    await page.getByRole('button', { name: 'Sign in and link' }).click();
    await page.waitForURL(`${pair.url}/linked`);
    expect(await page.getByText('TL-7000000001').first().isVisible()).toBe(true);
    await expectConnectedOnListing(null);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('button', { name: 'Connect', exact: true }).isVisible()).toBe(true);
    await shot(page, 'flow-8-listing-disconnected');
    expect((await mockTokens(pair.mock)).filter((t) => t.consumerKey === APP.consumerKey).map((t) => t.state)).toEqual(['revoked']);
  });

  it('shows an expired code plainly when the user lingers 16 minutes, and connecting again from the listing works', async () => {
    await openListing(false);
    await connect();
    pair.mock.clock.advance(16 * 60_000);
    await page.getByLabel('Email', { exact: true }).first().fill(MEMBER.email);
    await page.getByLabel('Password').first().fill(MEMBER.password);
    await page.getByRole('button', { name: 'Sign in and link' }).click();
    await page.waitForLoadState();
    expect(await h1(page)).toBe('This connection link has expired');
    await shot(page, 'flow-expired-code');
    expect(await mockTokens(pair.mock)).toEqual([]);

    await page.getByRole('link', { name: 'Connect again from the SAP Concur App Center' }).click();
    await signInToConcurIfAsked();
    await page.waitForURL(`${pair.mock.url}/appcenter/apps/${APP.consumerKey}`);
    expect(await page.getByRole('button', { name: 'Disconnect' }).count()).toBe(0);
    await connect();
    // The failed attempt signed the member in, so one button links the account now.
    await page.getByRole('button', { name: 'Link accounts' }).click();
    await page.waitForURL(`${pair.url}/linked`);
    await expectConnectedOnListing(null);
  });

  it("connects through today's App Center redirect (?id=&requestToken=), the partner exchanging at /oauth2/v0/token", async () => {
    // The same partner, registered for the current redirect instead of the legacy ?code=.
    const v0 = { ...APP, consumerKey: 'e2e-triplink-v0', consumerSecret: 'e2e-triplink-v0-secret' };
    const other = await startPair({ consumerKey: v0.consumerKey, consumerSecret: v0.consumerSecret });
    try {
      const registered = await other.mock.control.addApp({ ...v0, scopes: ['USER', 'ITINER'], redirectUris: [`${other.url}/concur/callback`], appCenterRedirect: 'requestToken' });
      expect(registered.appCenterRedirect).toBe('requestToken');
      await page.goto(`${other.mock.url}/appcenter/apps/${v0.consumerKey}`);
      await signInToConcurIfAsked();
      await page.waitForURL(`${other.mock.url}/appcenter/apps/${v0.consumerKey}`);
      const redirect = page.waitForRequest((request) => request.url().startsWith(`${other.url}/concur/callback`));
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      const callback = new URL((await redirect).url());
      expect([...callback.searchParams.keys()]).toEqual(['id', 'requestToken']);
      await page.waitForURL(`${other.url}/link`);
      await page.getByLabel('Email', { exact: true }).first().fill(MEMBER.email);
      await page.getByLabel('Password').first().fill(MEMBER.password);
      await page.getByRole('button', { name: 'Sign in and link' }).click();
      await page.waitForURL(`${other.url}/linked`);
      expect(await h1(page)).toBe('Accounts linked');
      await shot(page, 'flow-v0-accounts-linked');
      const tokens = (await other.mock.control.tokens()).filter((t) => t.consumerKey === v0.consumerKey && t.state === 'active');
      expect(tokens).toEqual([expect.objectContaining({ loginId: CONCUR_USER.loginId, origin: 'oauth2-authtoken' })]);
      const journal = await other.mock.control.journal();
      expect(journal.some((e) => e.method === 'POST' && e.url === '/oauth2/v0/token' && e.status === 200)).toBe(true);
    } finally {
      await other.close();
    }
  });
});
