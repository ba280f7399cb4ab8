/**
 * The console's pictures in Chromium, checked against the control API while things happen:
 * an App Center connection (Concur's pages, the partner app exchanging the code) and a full
 * auto-connect cycle (`concur-auto-connect`'s `runOnce()`) with the console open — the state
 * diagram's counts and pulses, the sequence diagram's rows and lanes, a request's countdown
 * (found by loyalty number, red near the end) and the clock buttons' forecasts. Then the
 * sandbox picker, the conversation's filters, the keyboard, reduced motion and a 375 px
 * phone. Screenshots of each view go to test-artifacts/screenshots/console-*.png.
 */
import { readFileSync } from 'node:fs';
import { createAutoConnectWorker, membersMatcher, parseMembers } from 'concur-auto-connect';
import { createConcurClient } from 'concur-partner-client';
import { DEMO } from 'mock-concur';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPair, type Pair } from '../support/partner-pair.js';
import { launchChromium, requireChromium, screenshot } from './support/browser.js';

const run = requireChromium('Console');
const APP = { name: 'TripLink Demo Rewards', consumerKey: 'e2e-console-triplink', consumerSecret: 'e2e-console-triplink-secret' };
const MEMBER = { email: 'taylor.traveler@example.com', password: 'rewards-password' };
const ADMIN_LANE = `${DEMO.app.consumerKey}|user|${DEMO.admin.loginId}`;
const POLL = { timeout: 8_000, interval: 200 };

interface Summary {
  nowMs: number;
  states: Record<string, number>;
  edges: Record<string, number>;
  forecast: { seconds: number; tokensExpire: number; retriesDue: { total: number }; leasesEnd: number }[];
}
interface Conversation {
  lanes: { id: string; label: string }[];
  entries: { seq: number; at: string; method: string; url: string; status: number; durationMs: number; lane: string }[];
}

describe.skipIf(!run)('the console in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let pair: Pair;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    pair = await startPair({ consumerKey: APP.consumerKey, consumerSecret: APP.consumerSecret });
    await post('/_mock/apps', { ...APP, description: 'Earn points on every business trip.', scopes: ['USER', 'ITINER'], redirectUris: [`${pair.url}/concur/callback`] });
    await browser.context.clearCookies();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    problems.length = 0;
    // A CSP violation or a script error shows up here: the page must have none.
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
  });
  afterEach(async () => {
    await page.close();
    await pair.close();
  });

  async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(`${pair.mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    if (res.status >= 400) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  }
  const api = async <T>(path: string): Promise<T> => (await fetch(`${pair.mock.url}${path}`)).json() as Promise<T>;
  const texts = (selector: string) => page.locator(selector).allTextContents();

  /** Every number of the state diagram is the API's (the page refreshes every two seconds). */
  async function expectDiagramMatchesApi(): Promise<Summary> {
    const s = await api<Summary>('/_mock/summary');
    const shown = () => page.locator('svg [data-state], svg [data-edge]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-state') ?? `edge:${e.getAttribute('data-edge')}`, Number(e.textContent)])));
    const keys = Object.keys(await shown());
    const want = Object.fromEntries(keys.map((k) => [k, k.startsWith('edge:') ? s.edges[k.slice(5)] : s.states[k]]));
    await expect.poll(shown, POLL).toEqual(want);
    // The same numbers for screen readers: the picture's description and the hidden table.
    const desc = (await page.locator('[data-lifecycle-desc]').textContent())!;
    for (const [state, n] of Object.entries(s.states)) expect(desc).toMatch(new RegExp(`${state} \\([^)]*\\): ${n}\\.`));
    for (const key of ['handedOut', 'connected', 'userErrorRetry']) expect(await page.locator(`[data-lifecycle-table] td[data-edge="${key}"]`).textContent()).toBe(String(s.edges[key]));
    return s;
  }

  /** The sequence diagram's latest rows are the API's latest entries, each in its lane. */
  async function expectConversationMatchesApi(): Promise<Conversation> {
    const c = await api<Conversation>('/_mock/conversation?limit=20');
    const rows = () => page.locator('[data-seq-rows] > li').evaluateAll((els) => els.slice(-20).map((e) => Number(e.getAttribute('data-seq'))));
    await expect.poll(rows, POLL).toEqual(c.entries.map((e) => e.seq));
    const lanes = await page.locator('.seq-lanes li').evaluateAll((els) => els.map((e) => [e.getAttribute('data-lane'), e.textContent]));
    expect(lanes.at(-1)).toEqual([null, 'Concur (mock)']);
    for (const e of c.entries.slice(-8)) {
      const row = page.locator(`[data-seq-rows] > li[data-seq="${e.seq}"]`);
      expect(await row.locator('.seq-req .seq-label').textContent()).toBe(`${e.at.slice(11, 19)} ${e.method} ${e.url}`);
      expect(await row.locator('.seq-res .seq-label').textContent()).toMatch(new RegExp(`^${e.status} · ${e.durationMs} ms`));
      const from = await row.evaluate((el) => (el as unknown as { style: { getPropertyValue(name: string): string } }).style.getPropertyValue('--from').trim());
      expect(lanes[Number(from) - 1]![0]).toBe(e.lane);
    }
    return c;
  }

  it('follows an App Center connection and a full auto-connect cycle live: counts and pulses, the conversation, a countdown, the forecasts', async () => {
    await page.goto(`${pair.mock.url}/_mock/console`);
    await expectDiagramMatchesApi();
    expect(await page.getByText('Pending 12').count()).toBe(1);

    // An App Center connection in another tab, the console open.
    const flow = await browser.context.newPage();
    await flow.goto(`${pair.mock.url}/appcenter/apps/${APP.consumerKey}`);
    await flow.getByLabel('Login ID').fill(DEMO.traveler.loginId);
    await flow.getByLabel('Password').fill(DEMO.traveler.password);
    await flow.getByRole('button', { name: 'Sign in' }).click();
    await flow.waitForURL(`${pair.mock.url}/appcenter/apps/${APP.consumerKey}`);
    await flow.getByRole('button', { name: 'Connect', exact: true }).click();
    await flow.waitForURL(`${pair.url}/link`);
    await flow.getByLabel('Email', { exact: true }).first().fill(MEMBER.email);
    await flow.getByLabel('Password').first().fill(MEMBER.password);
    await flow.getByRole('button', { name: 'Sign in and link' }).click();
    await flow.waitForURL(`${pair.url}/linked`);
    await flow.close();
    const afterAppCenter = await expectConversationMatchesApi();
    expect(afterAppCenter.lanes.map((l) => l.id)).toEqual(expect.arrayContaining(['browser', `${APP.consumerKey}|secret`]));

    // A full auto-connect cycle with the demo members: some connect, some are not found or do not match.
    const client = createConcurClient({ baseUrl: pair.mock.url, consumerKey: DEMO.app.consumerKey, consumerSecret: DEMO.app.consumerSecret });
    const worker = createAutoConnectWorker({
      client,
      adminCredentials: { loginId: DEMO.admin.loginId, password: DEMO.admin.password },
      matcher: membersMatcher(parseMembers(readFileSync(new URL('../../auto-connect/demo-members.csv', import.meta.url), 'utf8'), 'csv')),
      clock: { now: () => pair.mock.clock.now() },
    });
    const cycle = await worker.runOnce();
    expect(cycle.requests).toBe(12);
    // The arrows the cycle took pulse at the next refresh.
    await page.locator('g.edge.pulse[data-edges~="handedOut"]').waitFor({ state: 'attached', timeout: 5_000 });
    await screenshot(page, 'console-overview');
    const s = await expectDiagramMatchesApi();
    expect(s.states).toMatchObject({ Pending: 0, Processing: 0, Connected: cycle.outcomes.CRSUC, Retry: 12 - cycle.outcomes.CRSUC });
    expect(cycle.outcomes.CRSUC).toBeGreaterThan(0);
    expect(s.edges).toMatchObject({ handedOut: 12, connected: cycle.outcomes.CRSUC, userErrorRetry: cycle.outcomes.CREU1 + cycle.outcomes.CREU2 + cycle.outcomes.CREU3 });
    expect(await page.locator('[data-field="announce"]').textContent()).toMatch(/handed out by a GET.*: \+12/);
    await page.locator('section[aria-labelledby="lifecycle-h"]').screenshot({ path: 'test-artifacts/screenshots/console-lifecycle.png' });

    const c = await expectConversationMatchesApi();
    expect(c.lanes.map((l) => l.id)).toEqual(expect.arrayContaining([ADMIN_LANE, `${DEMO.app.consumerKey}|secret`]));
    await page.locator('#conversation').screenshot({ path: 'test-artifacts/screenshots/console-conversation.png' });

    // A new request, handed out, found by the traveller's loyalty number: its token's countdown.
    await post('/_mock/users', { loginId: 'casey.countdown@demo.example', password: 'pw', firstName: 'Casey', lastName: 'Countdown', loyaltyNumber: '7100000042' });
    await post('/_mock/connection-requests', { loginId: 'casey.countdown@demo.example' });
    const admin = await (await fetch(`${pair.mock.url}/net2/oauth2/accesstoken.ashx`, { headers: { authorization: `Basic ${Buffer.from(`${DEMO.admin.loginId}:${DEMO.admin.password}`).toString('base64')}`, 'x-consumerkey': DEMO.app.consumerKey, accept: 'application/json' } })).json() as { Access_Token: { Token: string } };
    const handed = (await (await fetch(`${pair.mock.url}/api/v3.2/common/connectionrequests`, { headers: { authorization: `OAuth ${admin.Access_Token.Token}`, accept: 'application/json' } })).json()) as { Items: { ID: string; requestToken: string }[] };
    expect(handed.Items).toHaveLength(1);
    const find = page.getByLabel('Request id, login id or loyalty number');
    await find.fill('7100000042');
    await find.press('Enter');
    const bar = page.locator('[data-tl="bar"]');
    await expect.poll(() => bar.getAttribute('aria-valuenow'), POLL).toBe('900');
    expect(await page.locator('[data-tl="left"]').textContent()).toBe('15:00');
    expect(await page.locator('[data-tl="status"]').textContent()).toBe('Processing');
    const timeline = await api<{ request: { id: string; requestToken: { secondsLeft: number } } }>(`/_mock/timeline?find=7100000042`);
    expect(timeline.request).toMatchObject({ id: handed.Items[0]!.ID, requestToken: { secondsLeft: 900 } });
    expect(await page.locator('.countdown').getAttribute('class')).not.toContain('low');

    // The +15 min button's forecast (before pressing): this token will expire.
    const forecast = (await api<Summary>('/_mock/summary')).forecast;
    await expect.poll(() => page.locator('[data-fc="900-tokens"]').textContent(), POLL).toBe(String(forecast[0]!.tokensExpire));
    expect(forecast[0]!.tokensExpire).toBe(1);
    expect(await page.locator('[data-fc="86400-retries"]').textContent()).toBe(String(forecast[2]!.retriesDue.total));

    // 13 minutes later: two minutes left, the bar red.
    await post('/_mock/clock/advance', { seconds: 13 * 60 });
    await expect.poll(() => page.locator('[data-tl="left"]').textContent(), POLL).toBe('02:00');
    expect(await bar.getAttribute('aria-valuenow')).toBe('120');
    expect(await page.locator('.countdown').getAttribute('class')).toContain('low');
    expect(await page.evaluate('getComputedStyle(document.querySelector(".countdown .fill")).backgroundColor')).toBe('rgb(187, 0, 0)');
    await page.locator('#timeline').screenshot({ path: 'test-artifacts/screenshots/console-timeline.png' });

    // Pressed: the forecast comes true; the token answers "expired".
    await page.getByRole('button', { name: '+15 min' }).click();
    await expect.poll(() => page.locator('[data-tl="left"]').textContent(), POLL).toBe('00:00');
    expect(await page.locator('.countdown').getAttribute('class')).toContain('done');
    const exchange = await fetch(`${pair.mock.url}/net2/oauth2/getaccesstoken.ashx?code=${handed.Items[0]!.requestToken}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}`);
    expect([exchange.status, await exchange.text()]).toEqual([400, expect.stringContaining('expired')]);
    await expect.poll(async () => (await texts('[data-tl="view"] .events li')).some((t) => t.includes('request token refused (HTTP 400)')), POLL).toBe(true);
    await page.locator('section[aria-labelledby="clock-h"]').screenshot({ path: 'test-artifacts/screenshots/console-clock.png' });
    expect(problems).toEqual([]);
  });

  it('shows the chosen sandbox, filters the conversation, works by keyboard, keeps still with reduced motion, fits a phone', async () => {
    await using sandbox = await pair.mock.sandbox({ travelers: 3 });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${pair.mock.url}/_mock/console`);
    // The picker lists the sandbox; choosing it and "Open" shows its world.
    await page.getByLabel('Showing').selectOption(sandbox.id);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(`${sandbox.url}/_mock/console`);
    await page.getByText('Pending 3').waitFor();
    expect(await page.locator('svg [data-state="Pending"]').textContent()).toBe('3');
    expect(await page.getByLabel('Showing').inputValue()).toBe(sandbox.id);

    // Activity in the sandbox only, read through its prefix.
    const admin = await (await fetch(`${sandbox.url}/net2/oauth2/accesstoken.ashx`, { headers: { authorization: `Basic ${Buffer.from(`${DEMO.admin.loginId}:${DEMO.admin.password}`).toString('base64')}`, 'x-consumerkey': DEMO.app.consumerKey, accept: 'application/json' } })).json() as { Access_Token: { Token: string } };
    const items = ((await (await fetch(`${sandbox.url}/api/v3.2/common/connectionrequests?limit=2`, { headers: { authorization: `OAuth ${admin.Access_Token.Token}`, accept: 'application/json' } })).json()) as { Items: { ID: string }[] }).Items;
    await fetch(`${sandbox.url}/api/v3.2/common/connectionrequests/${items[0]!.ID}`, { method: 'PUT', headers: { authorization: `OAuth ${admin.Access_Token.Token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'CRRET' }) });
    await expect.poll(() => page.locator('svg [data-state="Retry"]').textContent(), POLL).toBe('1');
    await expect.poll(() => page.locator('[data-seq-rows] > li').count(), POLL).toBe(3);
    // Reduced motion: the arrow that moved is marked, without animation.
    const pulsing = page.locator('g.edge.pulse[data-edges~="retryRetry"] path');
    await pulsing.waitFor({ state: 'attached', timeout: 5_000 });
    expect(await page.evaluate('getComputedStyle(document.querySelector(\'g.edge.pulse[data-edges~="retryRetry"] path\')).animationName')).toBe('none');
    await screenshot(page, 'console-sandbox');

    // The conversation filtered by the request: only the entries about it.
    await page.getByLabel('Request id', { exact: true }).fill(items[1]!.ID);
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('[data-seq-rows] > li').count(), POLL).toBe(1);
    expect(await page.locator('[data-seq-rows] .seq-req .seq-label').textContent()).toContain('GET /api/v3.2/common/connectionrequests?limit=2');

    // Keyboard only: find a request by login id and move the clock.
    const loginId = (await (await fetch(`${sandbox.url}/_mock/connection-requests/${items[0]!.ID}`)).json() as { loginId: string }).loginId;
    await page.getByLabel('Request id, login id or loyalty number').focus();
    await page.keyboard.type(loginId);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-tl="status"]').textContent(), POLL).toBe('Retry');
    const clock = page.locator('[data-field="clock"]');
    const before = await clock.textContent();
    await page.getByRole('button', { name: '+1 h' }).focus();
    expect(await page.evaluate('document.activeElement.textContent')).toBe('+1 h');
    await page.keyboard.press('Enter');
    await expect.poll(() => clock.textContent(), POLL).not.toBe(before);
    expect(new Date((await clock.textContent())!).getTime() - new Date(before!).getTime()).toBe(3600_000);
    await expect.poll(() => page.locator('[data-tl="status"]').textContent(), POLL).toBe('Pending');

    // The button's forecast is its accessible description.
    const described = await page.getByRole('button', { name: '+24 h' }).getAttribute('aria-describedby');
    expect(await page.locator(`#${described}`).textContent()).toMatch(/^expires \d+ request token\(s\) · requeues \d+ Retry request\(s\)/);
    expect(await page.locator('svg[data-lifecycle]').getAttribute('role')).toBe('img');

    // A phone: nothing scrolls sideways but the diagrams and tables, in their own boxes.
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'console-phone');
    expect(problems).toEqual([]);
  });
});
