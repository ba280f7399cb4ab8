/**
 * The partner app's own pages in a real Chromium: what a user sees between Concur's Connect and
 * "Accounts linked", on a desktop and a phone, by keyboard, and when things go wrong. Codes come
 * from the mock's control API here; app-center-flow.test.ts clicks through Concur's pages too.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestToken, startPair, type Pair } from '../support/partner-pair.js';
import { launchChromium, requireChromium, screenshot as shot } from './support/browser.js';

const hasChromium = requireChromium('partner-app');

describe.skipIf(!hasChromium)('the partner app in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let pair: Pair;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    pair = await startPair();
    await browser.context.clearCookies();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1100, height: 800 });
    // Any alert() would mean an injected script ran.
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterEach(async () => {
    await page.close();
    await pair.close();
    expect(dialogs).toEqual([]);
  });

  async function arrive(): Promise<void> {
    await page.goto(`${pair.url}/concur/callback?code=${await requestToken(pair.mock)}`);
    await expect.poll(() => page.url()).toBe(`${pair.url}/link`);
  }

  it('takes a new member from the callback to "Accounts linked", with the code gone from the address bar', async () => {
    await page.goto(pair.url);
    await shot(page, 'partner-home');
    await arrive();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Link your SAP Concur account to TripLink Demo Rewards');
    await shot(page, 'partner-sign-in-or-create');
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Email', { exact: true }).nth(1).fill('ada@example.com');
    await page.getByLabel('Password').nth(1).fill('analytical-engine');
    await page.getByRole('button', { name: 'Create account and link' }).click();
    await page.waitForURL(`${pair.url}/linked`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Accounts linked');
    expect(await page.getByText('Signed in as Ada Lovelace').isVisible()).toBe(true);
    await shot(page, 'partner-accounts-linked');
    await page.getByRole('link', { name: 'See your account' }).click();
    await page.waitForURL(`${pair.url}/accounts`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your account');
    expect(await page.getByRole('heading', { name: /Ada Lovelace/ }).textContent()).toContain('Linked to SAP Concur');
    expect(await page.getByText('ada@example.com').isVisible()).toBe(true);
    expect(await page.getByText(/taylor\.traveler@example\.com|sam\.rivera@example\.com|TL-700000000[12]/).count()).toBe(0);
    await shot(page, 'partner-your-account');
    // Signed out, the menu has no account link and the page asks to sign in, showing no one's data.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${pair.url}/`);
    expect(await page.getByRole('link', { name: 'Your account' }).count()).toBe(0);
    const signedOut = await page.goto(`${pair.url}/accounts`);
    expect(signedOut?.status()).toBe(401);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in to see your account');
    expect(await page.getByText(/Ada Lovelace|ada@example\.com/).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Connect with SAP Concur' }).getAttribute('href')).toBe('/connect');
    await shot(page, 'partner-account-signed-out');
  });

  it('signs an existing member in by keyboard alone, with a visible focus ring', async () => {
    await arrive();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.getByLabel('Email', { exact: true }).first().focus();
    const outline = await page.evaluate<string>('(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + " " + s.outlineWidth; })()');
    expect(outline).toBe('solid 3px');
    await page.keyboard.type('taylor.traveler@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type('rewards-password');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${pair.url}/linked`);
    expect(await page.getByText('TL-7000000001').first().isVisible()).toBe(true);
  });

  it('names each problem beside its field and focuses the first one', async () => {
    await arrive();
    await page.getByRole('button', { name: 'Create account and link' }).click();
    await page.waitForLoadState();
    expect(await page.locator(':focus').getAttribute('id')).toBe('create-name');
    expect(await page.getByLabel('Full name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('Use at least 10 characters.').isVisible()).toBe(true);
    await shot(page, 'partner-create-errors');
  });

  it('fits a 375 px phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await arrive();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await shot(page, 'partner-sign-in-or-create-375px');
    await page.getByLabel('Email', { exact: true }).first().fill('taylor.traveler@example.com');
    await page.getByLabel('Password').first().fill('rewards-password');
    await page.getByRole('button', { name: 'Sign in and link' }).click();
    await page.waitForURL(`${pair.url}/linked`);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await shot(page, 'partner-accounts-linked-375px');
  });

  it('shows an expired code plainly, with a way back to the App Center listing', async () => {
    await arrive();
    pair.mock.clock.advance(16 * 60_000);
    await page.getByLabel('Email', { exact: true }).first().fill('taylor.traveler@example.com');
    await page.getByLabel('Password').first().fill('rewards-password');
    await page.getByRole('button', { name: 'Sign in and link' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This connection link has expired');
    expect(await page.getByRole('link', { name: 'Connect again from the SAP Concur App Center' }).getAttribute('href')).toBe(`${pair.mock.url}/appcenter/apps/demo-consumer-key`);
    await shot(page, 'partner-code-expired');
  });

  it('says "You chose not to connect" when the user denied access in Concur', async () => {
    await page.goto(`${pair.url}/concur/callback?error=access_denied&error_description=User+denied+access`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You chose not to connect');
    await shot(page, 'partner-access-denied');
  });

  it('shows a script-bearing name as text, and runs none of it', async () => {
    const name = '<img src=x onerror="alert(document.cookie)"><script>alert(1)</script>';
    await arrive();
    await page.getByLabel('Full name').fill(name);
    await page.getByLabel('Email', { exact: true }).nth(1).fill('mallory@example.com');
    await page.getByLabel('Password').nth(1).fill('long-enough-password');
    await page.getByRole('button', { name: 'Create account and link' }).click();
    await page.waitForURL(`${pair.url}/linked`);
    expect(await page.locator('dd').first().textContent()).toBe(name);
    expect(await page.locator('main img, main script').count()).toBe(0);
    await page.goto(`${pair.url}/accounts`);
    expect(await page.locator('#account-heading').textContent()).toContain(name);
    expect(await page.locator('main img, main script').count()).toBe(0);
    await shot(page, 'partner-xss-name-as-text');
  });
});
