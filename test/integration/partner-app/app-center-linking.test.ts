import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPartnerApp, DEMO_MEMBERS } from 'partner-app';
import { FormSession, heading } from './form-session.js';
import { DEMO_KEY, mockTokens, requestToken, startPair, TRAVELER, type Pair } from '../../support/partner-pair.js';

const TAYLOR = { email: 'taylor.traveler@example.com', password: 'rewards-password' };

describe('the partner app linking through the App Center flow', () => {
  let pair: Pair;
  let browser: FormSession;
  beforeEach(async () => {
    pair = await startPair();
    browser = new FormSession(pair.url);
  });
  afterEach(() => pair.close());

  async function arrive(code: string) {
    const callback = await browser.get(`/concur/callback?code=${encodeURIComponent(code)}`);
    expect(callback.status).toBe(303);
    expect(callback.location).toBe('/link');
    return browser.get('/link');
  }

  it('offers "Sign in" and "Create an account" once Concur sends the browser back with a code, and exchanges nothing yet', async () => {
    const page = await arrive(await requestToken(pair.mock));
    expect(page.status).toBe(200);
    expect(heading(page.html)).toBe('Link your SAP Concur account to TripLink Demo Rewards');
    expect(page.html).toContain('<h2 id="sign-in-heading">Sign in</h2>');
    expect(page.html).toContain('<h2 id="create-heading">Create an account</h2>');
    expect(page.html).toContain(`href="${pair.mock.url}/appcenter/apps/${DEMO_KEY}"`);
    expect(await mockTokens(pair.mock)).toEqual([]);
  });

  it('creates a new member, exchanges the code and shows "Accounts linked"; Concur now holds a live token for the user', async () => {
    await arrive(await requestToken(pair.mock));
    const created = await browser.post('/link/create', { name: 'Ada Lovelace', email: 'Ada@Example.com', password: 'analytical-engine' });
    expect(created.status).toBe(303);
    expect(created.location).toBe('/linked');
    const linked = await browser.get('/linked');
    expect(heading(linked.html)).toBe('Accounts linked');
    expect(linked.html).toContain('Ada Lovelace');
    expect(linked.html).toContain('ada@example.com');
    expect(linked.html).toMatch(/TL-71\d{8}/);
    const tokens = await mockTokens(pair.mock);
    expect(tokens).toEqual([expect.objectContaining({ consumerKey: DEMO_KEY, loginId: TRAVELER, state: 'active' })]);
    // The account page is Ada's own, and only hers.
    const accounts = await browser.get('/accounts');
    expect(accounts.status).toBe(200);
    expect(heading(accounts.html)).toBe('Your account');
    expect(accounts.html).toMatch(/<h2[^>]*>Ada Lovelace\s*<span class="status linked">Linked to SAP Concur<\/span><\/h2>/);
    expect(accounts.html).toContain('ada@example.com');
    for (const other of DEMO_MEMBERS) {
      expect(accounts.html).not.toContain(other.email);
      expect(accounts.html).not.toContain(other.membershipNumber);
    }
  });

  it('links an existing member who signs in, and the signed-in header names them', async () => {
    await arrive(await requestToken(pair.mock));
    const signedIn = await browser.post('/link/sign-in', TAYLOR);
    expect(signedIn.location).toBe('/linked');
    const linked = await browser.get('/linked');
    expect(heading(linked.html)).toBe('Accounts linked');
    expect(linked.html).toContain('TL-7000000001');
    expect(linked.html).toContain('Signed in as Taylor Traveler');
    expect((await mockTokens(pair.mock)).filter((t) => t.state === 'active')).toHaveLength(1);
  });

  it('answers a wrong password with 401, keeps the email in both forms, and the code still links afterwards', async () => {
    await arrive(await requestToken(pair.mock));
    const wrong = await browser.post('/link/sign-in', { email: TAYLOR.email, password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('That email and password do not match a member');
    expect(wrong.html.match(/value="taylor.traveler@example.com"/g)).toHaveLength(2);
    expect(await mockTokens(pair.mock)).toEqual([]);
    expect((await browser.post('/link/sign-in', TAYLOR)).location).toBe('/linked');
  });

  it('re-renders "Create an account" with each problem named beside its field and nothing created', async () => {
    await arrive(await requestToken(pair.mock));
    const bad = await browser.post('/link/create', { name: '  ', email: 'not-an-email', password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Enter your full name.');
    expect(bad.html).toContain('Enter an email address like name@example.com.');
    expect(bad.html).toContain('Use at least 10 characters.');
    expect(bad.html).toContain('aria-invalid="true"');
    const taken = await browser.post('/link/create', { name: 'Another Taylor', email: TAYLOR.email.toUpperCase(), password: 'long-enough-password' });
    expect(taken.status).toBe(409);
    expect(taken.html).toContain('A member with this email already exists. Sign in instead.');
    expect(await mockTokens(pair.mock)).toEqual([]);
  });

  it('shows "expired" when the user takes longer than 15 minutes (mock clock moved 16), links nothing, and points back to the App Center listing', async () => {
    await arrive(await requestToken(pair.mock));
    pair.mock.clock.advance(16 * 60_000);
    const expired = await browser.post('/link/sign-in', TAYLOR);
    expect(expired.status).toBe(400);
    expect(heading(expired.html)).toBe('This connection link has expired');
    expect(expired.html).toContain(`href="${pair.mock.url}/appcenter/apps/${DEMO_KEY}"`);
    expect(await mockTokens(pair.mock)).toEqual([]);
    // The spent code is forgotten: the form cannot be re-posted into the same failure.
    expect((await browser.get('/link')).status).toBe(409);
  });

  it('tells a user whose new account was made that it exists, when the code then turns out expired', async () => {
    await arrive(await requestToken(pair.mock));
    pair.mock.clock.advance(16 * 60_000);
    const expired = await browser.post('/link/create', { name: 'Late Larry', email: 'larry@example.com', password: 'slow-and-steady' });
    expect(heading(expired.html)).toBe('This connection link has expired');
    expect(expired.html).toMatch(/Your TripLink Demo Rewards account \(TL-71\d{8}\) was created and you are signed in/);
  });

  it('recognises a code it already exchanged the moment it arrives again', async () => {
    const code = await requestToken(pair.mock);
    await arrive(code);
    await browser.post('/link/sign-in', TAYLOR);
    const again = await browser.get(`/concur/callback?code=${code}`);
    expect(again.status).toBe(400);
    expect(heading(again.html)).toBe('This connection link was already used');
    expect(again.html).toContain('Your accounts are linked');
  });

  it('shows "already used" when Concur says the code was exchanged elsewhere', async () => {
    const code = await requestToken(pair.mock);
    await arrive(code);
    const elsewhere = await fetch(`${pair.mock.url}/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${DEMO_KEY}&client_secret=demo-consumer-secret`);
    expect(elsewhere.status).toBe(200);
    const used = await browser.post('/link/sign-in', TAYLOR);
    expect(used.status).toBe(400);
    expect(heading(used.html)).toBe('This connection link was already used');
  });

  it('shows "did not recognise" for a code Concur never issued', async () => {
    await arrive('0_not-a-real-code');
    const invalid = await browser.post('/link/sign-in', TAYLOR);
    expect(heading(invalid.html)).toBe('SAP Concur did not recognise this connection link');
    expect(invalid.html).toContain('SAP Concur said: <q>Invalid request token</q>');
  });

  it('says "You chose not to connect" for error=access_denied, with a way to try again', async () => {
    const denied = await browser.get('/concur/callback?error=access_denied&error_description=User+denied+access&state=abc');
    expect(denied.status).toBe(200);
    expect(heading(denied.html)).toBe('You chose not to connect');
    expect(denied.html).toContain(`href="${pair.mock.url}/appcenter/apps/${DEMO_KEY}"`);
  });

  it('explains a callback that came without a code, and a form re-posted once no code is waiting', async () => {
    const bare = await browser.get('/concur/callback');
    expect(bare.status).toBe(400);
    expect(heading(bare.html)).toBe('There is nothing to link yet');
    // The back button and a second submit after the link was made: no code is waiting any more.
    await arrive(await requestToken(pair.mock));
    const token = browser.csrfToken();
    expect((await browser.post('/link/sign-in', TAYLOR, token)).location).toBe('/linked');
    const orphan = await browser.post('/link/sign-in', TAYLOR, token);
    expect(orphan.status).toBe(409);
    expect(heading(orphan.html)).toBe('Your connection session has ended');
  });

  it('links a member who is already signed in with one "Link accounts" button', async () => {
    await arrive(await requestToken(pair.mock));
    await browser.post('/link/sign-in', TAYLOR);
    const page = await arrive(await requestToken(pair.mock));
    expect(page.html).toContain('Link this account?');
    expect(page.html).not.toContain('Create an account');
    expect((await browser.post('/link/confirm', {})).location).toBe('/linked');
    expect((await mockTokens(pair.mock)).filter((t) => t.state === 'active')).toHaveLength(2);
  });

  it('exchanges a code once when the form is submitted twice at the same moment', async () => {
    await arrive(await requestToken(pair.mock));
    const token = browser.csrfToken();
    const [first, second] = await Promise.all([browser.post('/link/sign-in', TAYLOR, token), browser.post('/link/sign-in', TAYLOR, token)]);
    expect([first.location, second.location]).toEqual(['/linked', '/linked']);
    expect(await mockTokens(pair.mock)).toHaveLength(1);
  });

  it('masks tokens on the accounts page: the stored token never appears whole', async () => {
    await arrive(await requestToken(pair.mock));
    await browser.post('/link/sign-in', TAYLOR);
    const accounts = await browser.get('/accounts');
    expect(accounts.html).toMatch(/<code>0_[^<]{2}…[^<]{4}<\/code>/);
    // The page is the signed-in member's own: Taylor, linked; Sam (not signed in) is not on it.
    expect(accounts.html).toMatch(/<h2[^>]*>Taylor Traveler\s*<span class="status linked">Linked to SAP Concur<\/span><\/h2>/);
    expect(accounts.html).toContain('TL-7000000001');
    expect(accounts.html).not.toContain('TL-7000000002');
    expect(accounts.html).not.toContain('sam.rivera@example.com');
  });
});

describe('the Web flow through the same callback', () => {
  let pair: Pair;
  beforeEach(async () => {
    pair = await startPair({ publicUrl: 'http://127.0.0.1:3000' });
  });
  afterEach(() => pair.close());

  it("sends /connect to Concur's Login.aspx with the app, its scopes, the registered redirect URI and a fresh state", async () => {
    const browser = new FormSession(pair.url);
    const start = await browser.get('/connect');
    expect(start.status).toBe(303);
    const login = new URL(start.location!);
    expect(`${login.origin}${login.pathname}`).toBe(`${pair.mock.url}/net2/oauth2/Login.aspx`);
    expect(login.searchParams.get('client_id')).toBe(DEMO_KEY);
    expect(login.searchParams.get('scope')).toBe('USER,ITINER,TRVPRF');
    expect(login.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000/concur/callback');
    expect(login.searchParams.get('state')).toMatch(/^[\w-]{32}$/);
    const again = await new FormSession(pair.url).get('/connect');
    expect(new URL(again.location!).searchParams.get('state')).not.toBe(login.searchParams.get('state'));
  });

  it('accepts the state it sent and refuses a different one', async () => {
    const good = new FormSession(pair.url);
    const state = new URL((await good.get('/connect')).location!).searchParams.get('state')!;
    const back = await good.get(`/concur/callback?code=${await requestToken(pair.mock)}&state=${state}`);
    expect(back.location).toBe('/link');

    const forged = new FormSession(pair.url);
    await forged.get('/connect');
    const refused = await forged.get(`/concur/callback?code=${await requestToken(pair.mock)}&state=someone-elses-state`);
    expect(refused.status).toBe(400);
    expect(heading(refused.html)).toBe('This connection did not start here');
  });
});

describe('the partner app when Concur cannot be reached', () => {
  it('says so with 502, keeps the code and offers "Try again"', async () => {
    const partner = await buildPartnerApp({ concurBaseUrl: 'http://127.0.0.1:9', logLevel: 'silent' });
    await partner.listen({ host: '127.0.0.1', port: 0 });
    try {
      const browser = new FormSession(`http://127.0.0.1:${(partner.server.address() as { port: number }).port}`);
      await browser.get('/concur/callback?code=0_some-code');
      await browser.get('/link');
      const down = await browser.post('/link/sign-in', TAYLOR);
      expect(down.status).toBe(502);
      expect(heading(down.html)).toBe('We could not reach SAP Concur');
      expect(down.html).toContain('<a class="button" href="/link">Try again</a>');
      expect((await browser.get('/link')).status).toBe(200);
    } finally {
      await partner.close();
    }
  });
});

describe('the partner app with a wrong consumer secret', () => {
  it("says Concur refused the app itself (502), not the user's link", async () => {
    const pair = await startPair({ consumerSecret: 'not-the-secret' });
    try {
      const browser = new FormSession(pair.url);
      await browser.get(`/concur/callback?code=${await requestToken(pair.mock)}`);
      await browser.get('/link');
      const refused = await browser.post('/link/sign-in', TAYLOR);
      expect(refused.status).toBe(502);
      expect(heading(refused.html)).toBe('SAP Concur refused this app');
    } finally {
      await pair.close();
    }
  });
});

describe('the JSON file store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'partner-store-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps members and their tokens across a restart, in a file only its owner can read', async () => {
    const storePath = join(dir, 'members.json');
    // One cookie secret across the restart (as SESSION_SECRET gives a real deployment), so Pat's browser stays signed in.
    const cookieSecret = 'the-same-cookie-secret-before-and-after-the-restart';
    const pair = await startPair({ storePath, cookieSecret });
    try {
      const browser = new FormSession(pair.url);
      await browser.get(`/concur/callback?code=${await requestToken(pair.mock)}`);
      await browser.get('/link');
      await browser.post('/link/create', { name: 'Persistent Pat', email: 'pat@example.com', password: 'remember-me-please' });
      const saved = JSON.parse(await readFile(storePath, 'utf8')) as { members: { email: string; concurLink: { accessToken: string } | null }[] };
      const pat = saved.members.find((m) => m.email === 'pat@example.com')!;
      expect(pat.concurLink?.accessToken).toMatch(/^0_/);
      expect((await stat(storePath)).mode & 0o777).toBe(0o600);

      const restarted = await buildPartnerApp({ concurBaseUrl: pair.mock.url, logLevel: 'silent', storePath, cookieSecret, now: () => pair.mock.clock.now() });
      try {
        // All three members came back (the two demo members were not seeded again).
        expect((await restarted.inject({ url: '/health' })).json()).toEqual({ status: 'ok', members: 3 });
        const accessToken = pat.concurLink!.accessToken;
        const accounts = await restarted.inject({ url: '/accounts', headers: { cookie: `triplink_session=${browser.cookie('triplink_session')!}` } });
        expect(accounts.statusCode).toBe(200);
        expect(accounts.body).toMatch(/Persistent Pat\s*<span class="status linked">Linked to SAP Concur/);
        expect(accounts.body).toContain(`<code>${accessToken.slice(0, 4)}…${accessToken.slice(-4)}</code>`);
        expect(accounts.body).not.toContain(accessToken);
        // Without Pat's session the restarted app shows none of it.
        const anonymous = await restarted.inject({ url: '/accounts' });
        expect(anonymous.statusCode).toBe(401);
        expect(anonymous.body).not.toContain('pat@example.com');
        expect(anonymous.body).not.toContain('Persistent Pat');
      } finally {
        await restarted.close();
      }
    } finally {
      await pair.close();
    }
  });
});
