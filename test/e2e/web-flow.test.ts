/**
 * Concur's own pages in Chromium: the Web flow (approve, deny, an expired code, a forged
 * redirect_uri), script injection through a user's name and through `state`, and the console
 * following the clock without a reload. The "partner" here is a bare HTTP listener standing in
 * for the redirect URI, so the test sees exactly where Concur sends the browser.
 */
import { createServer, type Server } from 'node:http';
import { DEMO, startMockConcur, type StartedMockConcur } from 'mock-concur';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium, screenshot } from './support/browser.js';

const run = requireChromium('Web flow and console');
const USER: { loginId: string; password: string } = DEMO.traveler;
const APP = { consumerKey: 'e2e-web-flow', consumerSecret: 'e2e-web-flow-secret-value' };

describe.skipIf(!run)("Concur's pages in Chromium", () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let mock: StartedMockConcur;
  let partner: Server;
  let partnerUrl: string;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    // The partner's redirect URI: shows the query it received.
    partner = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`partner received ${req.url}`);
    });
    await new Promise<void>((r) => partner.listen(0, '127.0.0.1', r));
    partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => partner?.close(r));
  });
  beforeEach(async () => {
    mock = await startMockConcur();
    await post('/_mock/apps', { name: 'Web Flow Partner', ...APP, description: 'Reads your itineraries.', scopes: ['CONREQ', 'ITINER'], redirectUris: [`${partnerUrl}/callback`] });
    await browser.context.clearCookies();
    page = await browser.context.newPage();
    dialogs.length = 0;
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  afterEach(async () => {
    await page.close();
    await mock.close();
  });

  async function post(path: string, body: unknown): Promise<Response> {
    const res = await fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 400) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  }

  const loginAspx = (q: Record<string, string>) => `${mock.url}/net2/oauth2/Login.aspx?${new URLSearchParams(q)}`;

  async function signIn(user = USER, shot?: string): Promise<void> {
    await page.getByLabel('Login ID').fill(user.loginId);
    await page.getByLabel('Password').fill(user.password);
    if (shot) await screenshot(page, shot);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
  }

  it('approves: sign-in, consent naming the app and scopes, back to the partner with code and state', async () => {
    const state = 'session 42 & more';
    await page.goto(loginAspx({ client_id: APP.consumerKey, scope: 'CONREQ,ITINER', redirect_uri: `${partnerUrl}/callback`, state }));
    await signIn(USER, 'web-flow-1-sign-in');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Allow Web Flow Partner to access your SAP Concur data?');
    expect(await page.getByText('Your itineraries: trips and bookings').isVisible()).toBe(true);
    await screenshot(page, 'web-flow-2-consent');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/callback\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('state')).toBe(state);
    const code = url.searchParams.get('code')!;
    const exchanged = await fetch(`${mock.url}/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${APP.consumerKey}&client_secret=${APP.consumerSecret}`, { headers: { accept: 'application/json' } });
    expect(exchanged.status).toBe(200);
  });

  it('can be used by keyboard alone: skip link, labelled fields, Enter to sign in, focus on the buttons', async () => {
    await page.goto(loginAspx({ client_id: APP.consumerKey, scope: 'ITINER', redirect_uri: `${partnerUrl}/callback`, state: 'kb' }));
    // The login field has focus on arrival (autofocus lands at the page's first rendering,
    // which headless Chromium may run after the load event); type, Tab to the password, Enter submits.
    await page.waitForFunction("document.activeElement?.id === 'loginId'", undefined, { timeout: 5_000 });
    expect(await page.evaluate('document.activeElement.id')).toBe('loginId');
    await page.keyboard.type(USER.loginId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(USER.password);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Approve' }).waitFor();
    // A page without a form to fill starts at the skip link, which lands on the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    await page.getByRole('button', { name: 'Approve' }).focus();
    await screenshot(page, 'web-flow-consent-keyboard-focus');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Deny');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/callback\?/);
    expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
  });

  it('denies: back to the partner with access_denied and the state', async () => {
    await page.goto(loginAspx({ client_id: APP.consumerKey, scope: 'ITINER', redirect_uri: `${partnerUrl}/callback`, state: 's1' }));
    await signIn();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(/\/callback\?/);
    expect(new URL(page.url()).search).toBe('?error=access_denied&error_description=User+denied+access&state=s1');
  });

  it('refuses a code exchanged after 16 minutes', async () => {
    await page.goto(loginAspx({ client_id: APP.consumerKey, scope: 'ITINER', redirect_uri: `${partnerUrl}/callback` }));
    await signIn();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/callback\?/);
    const code = new URL(page.url()).searchParams.get('code')!;
    mock.clock.advance(16 * 60_000);
    const exchanged = await fetch(`${mock.url}/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${APP.consumerKey}&client_secret=${APP.consumerSecret}`, { headers: { accept: 'application/json' } });
    expect(exchanged.status).toBe(400);
    expect(((await exchanged.json()) as { Error: { Message: string } }).Error.Message).toMatch(/expired/i);
  });

  it('stays on an error page for a forged redirect_uri: the browser goes nowhere else', async () => {
    await page.goto(loginAspx({ client_id: APP.consumerKey, scope: 'ITINER', redirect_uri: 'https://attacker.example/steal', state: 'x' }));
    expect(page.url()).toContain(`${mock.url}/net2/oauth2/Login.aspx`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Redirect URI mismatch');
    await screenshot(page, 'web-flow-forged-redirect-uri');
  });

  it('runs no script from a user name or from state, and shows them as text', async () => {
    const evil = '<img src=x onerror="window.__xss=1;alert(1)">';
    await post('/_mock/users', { loginId: 'mallory@demo.example', password: 'pw-mallory', firstName: '<script>window.__xss=2;alert(2)</script>', lastName: evil });
    const state = '"><script>window.__xss=3;alert(3)</script>';
    await page.goto(loginAspx({ client_id: APP.consumerKey, scope: 'ITINER', redirect_uri: `${partnerUrl}/callback`, state }));
    await signIn({ loginId: 'mallory@demo.example', password: 'pw-mallory' });
    expect(await page.getByText(evil).first().isVisible()).toBe(true);
    await page.goto(`${mock.url}/appcenter`);
    await page.goto(`${mock.url}/_mock/console`);
    await page.getByText('mallory@demo.example').first().waitFor();
    await screenshot(page, 'web-flow-xss-console');
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  it('updates the console after a clock move without a reload, and reads on a phone', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${mock.url}/_mock/console`);
    const clock = page.locator('[data-field="clock"]');
    await page.getByText('Pending 12').waitFor();
    const before = await clock.textContent();
    await page.evaluate('window.__sameDocument = true');
    await page.getByRole('button', { name: '+24 h' }).click();
    // Waits on the condition (the page's CSP forbids evaluating strings in it).
    await expect.poll(() => clock.textContent(), { timeout: 5_000 }).not.toBe(before);
    expect(new Date((await clock.textContent())!).getTime() - new Date(before!).getTime()).toBe(24 * 3600_000);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    // A page that fits 375 px: nothing scrolls sideways but the wide tables in their own boxes.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'console-375px');
  });

  it("lists the sandboxes in the root's console and opens each one's own console and App Center", async () => {
    await using sandbox = await mock.sandbox({ travelers: 3 });
    await sandbox.control.advanceClock(3600);
    await sandbox.control.addApp({ name: 'Sandboxed Partner', ...APP, scopes: ['CONREQ'], redirectUris: [`${partnerUrl}/callback`] });
    await page.goto(`${mock.url}/_mock/console`);
    const link = page.locator('[data-rows="sandboxes"] a');
    await link.waitFor();
    expect(await page.locator('[data-rows="sandboxes"] td').first().textContent()).toBe(sandbox.id);
    await screenshot(page, 'console-sandboxes');
    await link.click();
    await page.waitForURL(`${sandbox.url}/_mock/console`);
    // The sandbox's own queue and clock, read through its prefix.
    await page.getByText('Pending 3').waitFor();
    expect(await page.locator('[data-field="clock-mode"]').textContent()).toContain('offset 3600 s');
    expect(await page.locator('[data-rows="sandboxes"]').count()).toBe(0);
    // Its App Center: sign-in and Connect stay inside the sandbox, to the app's redirect URI.
    await page.goto(`${sandbox.url}/appcenter`);
    expect(page.url()).toBe(`${sandbox.url}/signin?returnTo=${encodeURIComponent(`/sandboxes/${sandbox.id}/appcenter`)}`);
    await signIn(USER);
    expect(page.url()).toBe(`${sandbox.url}/appcenter`);
    await page.getByRole('link', { name: 'Learn More about Sandboxed Partner' }).click();
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.waitForURL(/\/callback\?code=/);
    const code = new URL(page.url()).searchParams.get('code')!;
    // The code is the sandbox's: unknown at the root, exchanged in the sandbox.
    const exchange = (base: string) => fetch(`${base}/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${APP.consumerKey}&client_secret=${APP.consumerSecret}`);
    expect((await exchange(mock.url)).status).toBe(400); // the root has the same app (beforeEach), not the code
    expect((await exchange(sandbox.url)).status).toBe(200);
    // Signed in to the sandbox only.
    await page.goto(`${mock.url}/appcenter`);
    expect(page.url()).toContain(`${mock.url}/signin`);
  });

  it('authorizes through /oauth2/v0/authorize: consent, back with code, geolocation and state; the code exchanged once at /oauth2/v0/token', async () => {
    const state = 'v0 state';
    await page.goto(`${mock.url}/oauth2/v0/authorize?${new URLSearchParams({ client_id: APP.consumerKey, scope: 'CONREQ ITINER', redirect_uri: `${partnerUrl}/callback`, response_type: 'code', state })}`);
    await signIn(USER);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Allow Web Flow Partner to access your SAP Concur data?');
    await screenshot(page, 'oauth2-authorize-consent');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/callback\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('geolocation')).toBe(mock.url);
    const code = url.searchParams.get('code')!;
    const exchange = () =>
      fetch(`${mock.url}/oauth2/v0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: APP.consumerKey, client_secret: APP.consumerSecret, grant_type: 'authorization_code', code, redirect_uri: `${partnerUrl}/callback` }),
      });
    const first = await exchange();
    expect(first.status).toBe(200);
    expect((await first.json()) as object).toMatchObject({ token_type: 'Bearer', id_token: expect.any(String) });
    expect(((await (await exchange()).json()) as { code: number }).code).toBe(103);
  });

  it('denies through /oauth2/v0/authorize with error_code=user_denied', async () => {
    await page.goto(`${mock.url}/oauth2/v0/authorize?${new URLSearchParams({ client_id: APP.consumerKey, scope: 'ITINER', redirect_uri: `${partnerUrl}/callback`, response_type: 'code' })}`);
    await signIn(USER);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(/\/callback\?/);
    expect(new URL(page.url()).searchParams.get('error_code')).toBe('user_denied');
  });
});
