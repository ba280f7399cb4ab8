/**
 * Member data goes only to the member it belongs to: `/accounts` is the signed-in member's own
 * account and nobody else's, a visitor who is not signed in is asked to sign in and shown no
 * member at all, and no other page hands one member's details to another browser.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildPartnerApp, DEMO_MEMBERS, escapeHtml } from 'partner-app';
import { startMockConcur, type StartedMockConcur } from 'mock-concur';
import { FormSession, heading } from './form-session.js';
import { DEMO_KEY, requestToken, startPair, T0, type Pair } from '../../support/partner-pair.js';

const PASSWORD = DEMO_MEMBERS[0]!.password;
const withSignIn = (m: (typeof DEMO_MEMBERS)[number]) => ({ ...m, signIn: { email: m.email, password: m.password } });
const TAYLOR = withSignIn(DEMO_MEMBERS[0]!);
const SAM = withSignIn(DEMO_MEMBERS[1]!);
const SIGN_IN_HEADING = 'Sign in to see your account';

/** Signs a browser in the only way the app has: connecting from Concur, then signing in on the link page. */
async function signIn(pair: Pick<Pair, 'mock' | 'url'>, credentials: { email: string; password: string }): Promise<FormSession> {
  const browser = new FormSession(pair.url);
  expect((await browser.get(`/concur/callback?code=${await requestToken(pair.mock)}`)).location).toBe('/link');
  await browser.get('/link');
  expect((await browser.post('/link/sign-in', credentials)).location).toBe('/linked');
  return browser;
}

function expectNoneOf(page: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(page).not.toContain(secret);
}

describe('the account page', () => {
  let pair: Pair;
  beforeEach(async () => {
    pair = await startPair();
  });
  afterEach(() => pair.close());

  it('asks a visitor who is not signed in to sign in (401, no redirect) and shows no member', async () => {
    const page = await new FormSession(pair.url).get('/accounts');
    expect(page.status).toBe(401);
    expect(page.location).toBeNull();
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(heading(page.html)).toBe(SIGN_IN_HEADING);
    // The ways in are the home page's: the App Center listing and the Web flow.
    expect(page.html).toContain(`href="${pair.mock.url}/appcenter/apps/${DEMO_KEY}"`);
    expect(page.html).toContain('href="/connect"');
    // No menu to an account the visitor does not have, and not a trace of any member.
    expect(page.html).not.toContain('href="/accounts"');
    expect(page.html).not.toContain('Signed in as');
    for (const member of DEMO_MEMBERS) expectNoneOf(page.html, [member.name, member.email, member.membershipNumber]);
  });

  it('follows no address it is given: query parameters neither redirect nor pick a member', async () => {
    for (const query of ['?next=https://evil.example/', '?returnTo=//evil.example', `?email=${encodeURIComponent(SAM.email)}`, '?member=TL-7000000002']) {
      const anonymous = await new FormSession(pair.url).get(`/accounts${query}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.location).toBeNull();
      expect(anonymous.html).not.toContain('evil.example');
      expectNoneOf(anonymous.html, [SAM.email, SAM.membershipNumber]);
    }
    const taylor = await signIn(pair, TAYLOR.signIn);
    const asTaylor = await taylor.get(`/accounts?email=${encodeURIComponent(SAM.email)}&member=TL-7000000002`);
    expect(asTaylor.status).toBe(200);
    expect(asTaylor.html).toContain(TAYLOR.email);
    expectNoneOf(asTaylor.html, [SAM.name, SAM.email, SAM.membershipNumber]);
  });

  it("shows each signed-in member their own account only, never the other's", async () => {
    const taylor = await signIn(pair, TAYLOR.signIn);
    const sam = await signIn(pair, SAM.signIn);
    for (const [browser, me, other] of [[taylor, TAYLOR, SAM], [sam, SAM, TAYLOR]] as const) {
      const page = await browser.get('/accounts');
      expect(page.status).toBe(200);
      expect(heading(page.html)).toBe('Your account');
      expect(page.html).toContain(`<h2 id="account-heading" class="account-heading">${me.name}`);
      expect(page.html).toContain(`<dd>${me.membershipNumber}</dd>`);
      expect(page.html).toContain(`<dd>${me.email}</dd>`);
      expect(page.html).toContain('<span class="status linked">Linked to SAP Concur</span>');
      expect(page.html.match(/<section class="card/g)).toHaveLength(1);
      expectNoneOf(page.html, [other.name, other.email, other.membershipNumber]);
      // The menu leads a signed-in member to it.
      expect(page.html).toContain('<a href="/accounts">Your account</a>');
    }
  });

  it('shows a signed-in member whose link never happened their account as not linked, with the ways to connect', async () => {
    const larry = new FormSession(pair.url);
    await larry.get(`/concur/callback?code=${await requestToken(pair.mock)}`);
    await larry.get('/link');
    pair.mock.clock.advance(16 * 60_000);
    expect(heading((await larry.post('/link/create', { name: 'Late Larry', email: 'larry@example.com', password: 'slow-and-steady' })).html)).toBe('This connection link has expired');
    const page = await larry.get('/accounts');
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<h2[^>]*>Late Larry\s*<span class="status unlinked">Not linked<\/span><\/h2>/);
    expect(page.html).toContain('<dd>larry@example.com</dd>');
    expect(page.html).not.toContain('Access token');
    expect(page.html).toContain(`href="${pair.mock.url}/appcenter/apps/${DEMO_KEY}"`);
    for (const member of DEMO_MEMBERS) expectNoneOf(page.html, [member.email, member.membershipNumber]);
  });

  it('asks again once the member signs out, or once the session is older than it may be', async () => {
    const taylor = await signIn(pair, TAYLOR.signIn);
    await taylor.get('/accounts');
    expect((await taylor.post('/sign-out', {})).location).toBe('/');
    const signedOut = await taylor.get('/accounts');
    expect(signedOut.status).toBe(401);
    expectNoneOf(signedOut.html, [TAYLOR.email, TAYLOR.membershipNumber, TAYLOR.name]);

    const again = await signIn(pair, TAYLOR.signIn);
    expect((await again.get('/accounts')).status).toBe(200);
    pair.mock.clock.advance(8 * 60 * 60_000 + 60_000);
    const stale = await again.get('/accounts');
    expect(stale.status).toBe(401);
    expect(heading(stale.html)).toBe(SIGN_IN_HEADING);
    expectNoneOf(stale.html, [TAYLOR.email, TAYLOR.membershipNumber]);
  });

  it("puts one member's details on no page another browser sees, signed in or not", async () => {
    const ada = new FormSession(pair.url);
    const adasCode = await requestToken(pair.mock);
    await ada.get(`/concur/callback?code=${adasCode}`);
    await ada.get('/link');
    expect((await ada.post('/link/create', { name: 'Ada Lovelace', email: 'ada@example.com', password: 'analytical-engine' })).location).toBe('/linked');
    const membershipNumber = /TL-71\d{8}/.exec((await ada.get('/linked')).html)![0];
    const adas = ['Ada Lovelace', 'ada@example.com', membershipNumber];
    expect((await ada.get('/accounts')).html).toContain(membershipNumber);

    const anonymous = new FormSession(pair.url);
    const taylor = await signIn(pair, TAYLOR.signIn);
    for (const browser of [anonymous, taylor]) {
      const pages = {
        home: await browser.get('/'),
        accounts: await browser.get('/accounts'),
        linked: await browser.get('/linked'),
        link: await browser.get('/link'),
        // Ada's own (spent) code replayed from another browser.
        replay: await browser.get(`/concur/callback?code=${encodeURIComponent(adasCode)}`),
        missing: await browser.get('/no-such-page'),
        health: await browser.get('/health'),
      };
      expect(pages.replay.status).toBe(400);
      expect(pages.link.status).toBe(409);
      for (const page of Object.values(pages)) expectNoneOf(page.html, adas);
    }
    expect((await anonymous.get('/linked')).location).toBe('/');
    expect((await anonymous.get('/')).html).not.toContain('href="/accounts"');
  });
});

/** A random member of the JSON store, with a unique email and membership number. */
interface StoredMember {
  id: string;
  membershipNumber: string;
  name: string;
  email: string;
  passwordHash: string;
  createdAt: string;
  concurLink: { accessToken: string; refreshToken: string | null; expiresAt: string; instanceUrl: string | null; linkedAt: string } | null;
}

const mask = (token: string) => `${token.slice(0, 4)}…${token.slice(-4)}`;

describe('the account page, for any members and any one of them signed in', () => {
  let mock: StartedMockConcur;
  let dir: string;
  let passwordHash: string;
  beforeAll(async () => {
    mock = await startMockConcur({ clockStartMs: T0, logLevel: 'silent' });
    dir = await mkdtemp(join(tmpdir(), 'partner-privacy-'));
    // The app's own hash of the demo password, taken from a store it seeded.
    const seededPath = join(dir, 'seeded.json');
    const seeded = await buildPartnerApp({ concurBaseUrl: mock.url, logLevel: 'silent', storePath: seededPath });
    await seeded.close();
    passwordHash = (JSON.parse(await readFile(seededPath, 'utf8')) as { members: StoredMember[] }).members[0]!.passwordHash;
  });
  afterAll(async () => {
    await mock?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const token = fc.stringMatching(/^[A-Za-z0-9]{16,48}$/);
  const member = fc.record({
    name: fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.trim()).filter((s) => s.length > 0),
    local: fc.stringMatching(/^[a-z0-9]{1,12}$/),
    number: fc.integer({ min: 0, max: 999 }),
    link: fc.option(fc.record({ accessToken: token, refreshToken: fc.option(token), instance: fc.boolean() })),
  });

  it('gives a visitor no member, and a signed-in member exactly their own identifiers', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(member, { minLength: 1, maxLength: 6 }), fc.nat(), async (drawn, pick) => {
        const linkedAt = new Date(T0).toISOString();
        // The index prefixes keep every email and number unique and none a substring of another.
        const members: StoredMember[] = drawn.map((m, i) => ({
          id: randomUUID(),
          membershipNumber: `TL-72${String(i * 1000 + m.number).padStart(8, '0')}`,
          name: m.name,
          email: `m${i}-${m.local}@example.com`,
          passwordHash,
          createdAt: linkedAt,
          concurLink: m.link && {
            accessToken: m.link.accessToken,
            refreshToken: m.link.refreshToken,
            expiresAt: new Date(T0 + 3_600_000).toISOString(),
            instanceUrl: m.link.instance ? `https://i${i}-${m.local}.concur.example/` : null,
            linkedAt,
          },
        }));
        const identifiers = (m: StoredMember) => [
          m.email,
          m.membershipNumber,
          ...(m.concurLink ? [mask(m.concurLink.accessToken), ...(m.concurLink.refreshToken ? [mask(m.concurLink.refreshToken)] : []), ...(m.concurLink.instanceUrl ? [m.concurLink.instanceUrl] : [])] : []),
        ];
        const storePath = join(dir, `members-${run++}.json`);
        await writeFile(storePath, JSON.stringify({ version: 1, members }));
        const partner = await buildPartnerApp({ concurBaseUrl: mock.url, logLevel: 'silent', storePath, now: () => mock.clock.now() });
        await partner.listen({ host: '127.0.0.1', port: 0 });
        try {
          const url = `http://127.0.0.1:${(partner.server.address() as { port: number }).port}`;
          const anonymous = await new FormSession(url).get('/accounts');
          expect(anonymous.status).toBe(401);
          for (const m of members) expectNoneOf(anonymous.html, identifiers(m));

          const me = members[pick % members.length]!;
          const browser = await signIn({ mock, url }, { email: me.email, password: PASSWORD });
          const page = await browser.get('/accounts');
          expect(page.status).toBe(200);
          expect(page.html).toContain(`<dd>${me.email}</dd>`);
          expect(page.html).toContain(`<dd>${me.membershipNumber}</dd>`);
          expect(page.html).toContain(`<h2 id="account-heading" class="account-heading">${escapeHtml(me.name)}`);
          expect(page.html.match(/<section class="card/g)).toHaveLength(1);
          for (const other of members) if (other !== me) expectNoneOf(page.html, identifiers(other));
        } finally {
          await partner.close();
        }
      }),
      { numRuns: 20 },
    );
  });
});
