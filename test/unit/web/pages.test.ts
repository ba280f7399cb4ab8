import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser } from '../../support/inject-browser.js';
import { DEMO, mockConcur } from '../../support/mock.js';

const REGISTERED = DEMO.app.redirectUri;
const loginUrl = (q: Record<string, string>) => `/net2/oauth2/Login.aspx?${new URLSearchParams(q)}`;

describe("the mock's web pages", () => {
  let app: FastifyInstance;
  let browser: Browser;
  beforeEach(async () => {
    app = await mockConcur();
    browser = new Browser(app);
  });
  afterEach(() => app.close());

  it('sends a signed-out visitor to sign in and back to the App Center afterwards', async () => {
    const res = await browser.request('GET', '/appcenter/apps/demo-consumer-key');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signin?returnTo=%2Fappcenter%2Fapps%2Fdemo-consumer-key');
    const signedIn = await browser.signIn(undefined, undefined, '/appcenter/apps/demo-consumer-key');
    expect(signedIn.headers.location).toBe('/appcenter/apps/demo-consumer-key');
    const listing = await browser.request('GET', '/appcenter/apps/demo-consumer-key');
    expect(listing.statusCode).toBe(200);
    expect(listing.body).toContain('<h1>Demo TripLink Partner</h1>');
    expect(listing.body).toContain('Connection requests: lets the app complete your connection automatically');
  });

  it('refuses a wrong password on the form, keeping the login id and saying why', async () => {
    const res = await browser.signIn(DEMO.traveler.loginId, 'nope');
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('That login ID and password do not match');
    expect(res.body).toContain(`value="${DEMO.traveler.loginId}"`);
    expect(res.body).toContain('aria-invalid="true"');
  });

  it.each(['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/ok\r\nLocation: https://evil.example'])('never redirects off the site after sign-in (returnTo %j)', async (returnTo) => {
    const res = await browser.signIn(undefined, undefined, returnTo);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/appcenter');
  });

  it('answers any returnTo with a redirect to a local path, never an error or another origin (property)', async () => {
    const pathLike = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => '/' + s), fc.constantFrom('/€', '/a b', '/\u2028x', '/\\x', '//x', '/%2F%2Fx'));
    await fc.assert(
      fc.asyncProperty(pathLike, async (returnTo) => {
        const res = await new Browser(app).signIn(undefined, undefined, returnTo);
        expect(res.statusCode).toBe(303);
        const location = String(res.headers.location);
        expect(location).toMatch(/^\/(?![/\\])/);
        expect(new URL(location, 'http://mock.test').origin).toBe('http://mock.test');
      }),
      { numRuns: 60 },
    );
  });

  it('answers 403 with a page, and does nothing, when a form comes without its CSRF token or with a forged one', async () => {
    await browser.signIn();
    for (const form of [{}, { _csrf: 'forged-token' }] as Record<string, string>[]) {
      const res = await browser.request('POST', '/appcenter/apps/demo-consumer-key/connect', form);
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('This form has expired');
    }
    expect(app.mock.journal.list().filter((e) => e.note?.includes('App Center connect'))).toHaveLength(0);
  });

  it('ends the session on the server at sign-out: a copy of the cookie kept elsewhere signs nobody in', async () => {
    await browser.signIn();
    const copy = browser.against(app);
    const appCenter = await browser.request('GET', '/appcenter');
    expect(appCenter.statusCode).toBe(200);
    const out = await browser.request('POST', '/signout', { _csrf: browser.csrf(appCenter) });
    expect([out.statusCode, out.headers.location]).toEqual([303, '/signin']);
    expect((await browser.request('GET', '/appcenter')).statusCode).toBe(303);
    expect((await copy.request('GET', '/appcenter')).statusCode).toBe(303);
    // Signing in again is a new session.
    await copy.signIn();
    expect((await copy.request('GET', '/appcenter')).statusCode).toBe(200);
  });

  it('ends a session after 12 hours of machine time, whatever the mock clock says', async () => {
    let now = Date.UTC(2026, 11, 1, 8);
    const timed = await mockConcur({ wallClock: () => now });
    const b = new Browser(timed);
    await b.signIn();
    await timed.inject({ method: 'POST', url: '/_mock/clock/advance', payload: { seconds: 30 * 86_400 } });
    now += 11 * 3_600_000;
    expect((await b.request('GET', '/appcenter')).statusCode).toBe(200);
    now += 3_600_000;
    expect((await b.request('GET', '/appcenter')).statusCode).toBe(303);
    await timed.close();
  });

  it('treats a tampered session cookie as signed out', async () => {
    await browser.signIn();
    browser.setCookie('concur_mock_session', Buffer.from(JSON.stringify({ u: DEMO.admin.loginId })).toString('base64url') + '.forgedsignature');
    const res = await browser.request('GET', '/appcenter');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/signin/);
  });

  it('connects through the listing: Connect 303s to the registered redirect URI with a request token that exchanges once', async () => {
    await browser.signIn();
    const listing = await browser.request('GET', '/appcenter/apps/demo-consumer-key');
    const connect = await browser.request('POST', '/appcenter/apps/demo-consumer-key/connect', { _csrf: browser.csrf(listing) });
    expect(connect.statusCode).toBe(303);
    const target = new URL(connect.headers.location as string);
    expect(`${target.origin}${target.pathname}`).toBe(REGISTERED);
    const code = target.searchParams.get('code')!;
    expect(code).toMatch(/^0_/);
    expect(connect.headers['referrer-policy']).toBe('no-referrer');

    const exchange = await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
    expect(exchange.statusCode).toBe(200);
    const connected = await browser.request('GET', '/appcenter/apps/demo-consumer-key');
    expect(connected.body).toContain('Connected: Taylor Traveler is connected to Demo TripLink Partner.');
    const disconnect = await browser.request('POST', '/appcenter/apps/demo-consumer-key/disconnect', { _csrf: browser.csrf(connected) });
    expect(disconnect.statusCode).toBe(303);
    const after = await browser.request('GET', '/appcenter/apps/demo-consumer-key');
    expect(after.body).not.toContain('Connected:');
    expect(after.body).toContain('>Connect</button>');
    expect(app.mock.world.tokens.isConnected(DEMO.app.consumerKey, DEMO.traveler.loginId, app.mock.clock.now())).toBe(false);
  });

  it('runs the Web flow: consent names the app and scopes; Approve returns code and state, Deny access_denied', async () => {
    await browser.signIn();
    const state = 'xyz 123 &=?/ü';
    const consent = await browser.request('GET', loginUrl({ client_id: DEMO.app.consumerKey, scope: 'CONREQ,USER', redirect_uri: REGISTERED, state }));
    expect(consent.statusCode).toBe(200);
    expect(consent.body).toContain('Allow Demo TripLink Partner to access your SAP Concur data?');
    expect(consent.body).toContain('Your profile: name, email addresses and employee details');
    const form = { _csrf: browser.csrf(consent), client_id: DEMO.app.consumerKey, scope: 'CONREQ,USER', redirect_uri: REGISTERED, state };

    const approved = new URL((await browser.request('POST', '/net2/oauth2/Login.aspx', { ...form, decision: 'approve' })).headers.location as string);
    expect(approved.searchParams.get('state')).toBe(state);
    expect(approved.searchParams.get('code')).toMatch(/^0_/);

    const denied = new URL((await browser.request('POST', '/net2/oauth2/Login.aspx', { ...form, decision: 'deny' })).headers.location as string);
    expect(denied.search).toBe(`?error=access_denied&error_description=User+denied+access&state=${new URLSearchParams({ state }).toString().slice(6)}`);
  });

  it.each([
    [{ client_id: DEMO.app.consumerKey, scope: 'USER', redirect_uri: 'https://evil.example/callback' }, 'Redirect URI mismatch'],
    [{ client_id: DEMO.app.consumerKey, scope: 'USER', redirect_uri: `${REGISTERED}/../../steal` }, 'Redirect URI mismatch'],
    [{ client_id: DEMO.app.consumerKey, scope: 'USER', redirect_uri: `${REGISTERED}?extra=1` }, 'Redirect URI mismatch'],
    [{ client_id: 'nobody', scope: 'USER', redirect_uri: REGISTERED }, 'Unknown application'],
    [{ client_id: DEMO.app.consumerKey, scope: 'USER' }, 'redirect_uri is required'],
    [{ client_id: DEMO.app.consumerKey, redirect_uri: REGISTERED }, 'scope is required'],
  ])('shows an error page and redirects nowhere for %j', async (query, message) => {
    await browser.signIn();
    const res = await browser.request('GET', loginUrl(query));
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toContain(message);
    // Posting the same forged values (with a valid CSRF token) does not redirect either.
    const page = await browser.request('GET', '/appcenter');
    const post = await browser.request('POST', '/net2/oauth2/Login.aspx', { ...query, _csrf: browser.csrf(page), decision: 'approve' });
    expect(post.statusCode).toBe(400);
    expect(post.headers.location).toBeUndefined();
  });

  it('escapes any user name and any state on every page it is shown (property)', async () => {
    const nasty = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('<script>window.__xss=1</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>", '</title><script>1</script>', '`${x}`'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(nasty, nasty, async (name, state) => {
        const loginId = `p${n++}@demo.example`;
        app.mock.world.directory.addUser({ loginId, firstName: name, lastName: name, emails: [loginId], password: 'pw' });
        app.mock.world.directory.addApp({ name, consumerKey: `k${n}`, consumerSecret: 'secret-secret', description: name, scopes: ['USER', name.slice(0, 10) || 'X'], redirectUris: ['http://127.0.0.1:3000/cb'] });
        const b = new Browser(app);
        await b.signIn(loginId, 'pw');
        const pages = [
          await b.request('GET', '/appcenter'),
          await b.request('GET', `/appcenter/apps/k${n}`),
          await b.request('GET', loginUrl({ client_id: `k${n}`, scope: `USER,${name}`, redirect_uri: 'http://127.0.0.1:3000/cb', state })),
        ];
        for (const page of pages) {
          expect(page.statusCode).toBe(200);
          // Every tag on the page is one the templates wrote: a name or state never adds one.
          const tags = page.body.match(/<[a-zA-Z!/][^>]*>/g) ?? [];
          for (const tag of tags) expect(tag).not.toMatch(/<(script|img|svg)(?![^>]*nonce=)[^>]*(onerror|onload|src=x)/i);
          expect(page.body).not.toContain('<script>window.__xss');
          expect(page.body).not.toContain('<img src=x');
          expect(page.body).not.toContain('<svg onload');
        }
      }),
      { numRuns: 60 },
    );
  });

  it('moves the clock from the console form, CSRF-protected', async () => {
    const consolePage = await browser.request('GET', '/_mock/console');
    expect(consolePage.statusCode).toBe(200);
    expect(consolePage.headers['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(consolePage.headers['content-security-policy'] as string)![1]!;
    // The console's one script, by nonce; its data attributes carry the base and the page's starting state.
    expect(consolePage.body).toContain(`<script nonce="${nonce}" data-base="" `);
    expect(consolePage.body.match(/<script\b/g)).toHaveLength(1);
    const before = app.mock.clock.now();
    expect((await browser.request('POST', '/_mock/console/clock', { seconds: '3600' })).statusCode).toBe(403);
    const moved = await browser.request('POST', '/_mock/console/clock', { _csrf: browser.csrf(consolePage), seconds: '3600' });
    expect(moved.statusCode).toBe(303);
    expect(app.mock.clock.now()).toBe(before + 3_600_000);
    expect((await browser.request('POST', '/_mock/console/clock', { _csrf: browser.csrf(consolePage), seconds: '-5' })).statusCode).toBe(400);
  });

  it('keeps browsers signed in across a restart only when given a session secret', async () => {
    const secret = 'a-session-secret-of-at-least-32-characters';
    const first = await mockConcur({ sessionSecret: secret });
    const b = new Browser(first);
    await b.signIn();
    await first.close();
    const second = await mockConcur({ sessionSecret: secret });
    const again = await new Browser(second).request('GET', '/appcenter');
    expect(again.statusCode).toBe(303); // a new browser is signed out…
    expect((await b.against(second).request('GET', '/appcenter')).statusCode).toBe(200); // …the old one is still in
    await second.close();
    await expect(mockConcur({ sessionSecret: 'short' })).rejects.toThrow(/sessionSecret must be at least 32 characters/);
  });

  it('lists connection requests with their lifecycle state for the console', async () => {
    const res = await app.inject({ url: '/_mock/connection-requests?limit=3' });
    const body = res.json<{ total: number; items: { status: string; loginId: string }[] }>();
    expect(body.total).toBe(12);
    expect(body.items).toHaveLength(3);
    expect(body.items[0]).toMatchObject({ status: 'Pending' });
  });

  it('serves its stylesheet as written, not entity-escaped (quoted font names and > selectors must work)', async () => {
    const page = await browser.request('GET', '/signin');
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.body)?.[1] ?? '';
    expect(style).toContain('"Segoe UI"');
    expect(style).toContain('.card > :first-child');
    expect(style).not.toMatch(/&(?:quot|gt|lt|amp|#39);/);
  });
});
