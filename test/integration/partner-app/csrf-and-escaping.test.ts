import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from 'partner-app';
import { FormSession, heading } from './form-session.js';
import { requestToken, startPair, type Pair } from '../../support/partner-pair.js';

describe('CSRF protection on every form', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(() => pair.close());

  async function onLinkPage(): Promise<FormSession> {
    const browser = new FormSession(pair.url);
    await browser.get(`/concur/callback?code=${await requestToken(pair.mock)}`);
    await browser.get('/link');
    return browser;
  }

  it.each(['/link/sign-in', '/link/create', '/link/confirm', '/sign-out'])('refuses a POST to %s without a CSRF token with a 403 page', async (path) => {
    const browser = await onLinkPage();
    const refused = await browser.post(path, { email: 'taylor.traveler@example.com', password: 'rewards-password', name: 'X' }, null);
    expect(refused.status).toBe(403);
    expect(heading(refused.html)).toBe('This form could not be accepted');
  });

  it("refuses another browser's CSRF token, and a form from a browser that never loaded one", async () => {
    const victim = await onLinkPage();
    const victimToken = victim.csrfToken();
    const attacker = await onLinkPage();
    const crossed = await victim.post('/link/sign-in', { email: 'taylor.traveler@example.com', password: 'rewards-password' }, attacker.csrfToken());
    expect(crossed.status).toBe(403);
    const stranger = new FormSession(pair.url);
    const noCookie = await stranger.post('/link/sign-in', { email: 'a@b.example', password: 'x' }, victimToken);
    expect(noCookie.status).toBe(403);
    // The refused attempts linked nothing: the victim's own form still works.
    expect((await victim.post('/link/sign-in', { email: 'taylor.traveler@example.com', password: 'rewards-password' }, victimToken)).location).toBe('/linked');
  });

  it('keeps its cookies apart from the mock’s (same host, other port): own names, HttpOnly, SameSite=Lax, signed', async () => {
    const browser = new FormSession(pair.url);
    const res = await fetch(`${pair.url}/concur/callback?code=${await requestToken(pair.mock)}`, { redirect: 'manual' });
    const cookies = res.headers.getSetCookie();
    expect(cookies).toEqual([expect.stringMatching(/^triplink_session=[^;]+\.[^;]+; Path=\/; HttpOnly; SameSite=Lax$/)]);
    await browser.get('/');
  });

  it('ignores a session cookie whose signature does not match', async () => {
    const forgedValue = Buffer.from(JSON.stringify({ issuedAt: Date.now(), pendingCode: 'x', memberId: 'anyone' })).toString('base64url');
    const res = await fetch(`${pair.url}/link`, { headers: { cookie: `triplink_session=${forgedValue}.AAAA` } });
    expect(res.status).toBe(409);
  });
});

const ATTACKS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)", '&lt;b&gt;', '</main><h1>owned</h1>', '`${x}`'];

describe('escaping of member names', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(() => pair.close());

  it('shows any name a member chooses as text on the linked and account pages, never as markup', async () => {
    const names = fc
      .oneof(fc.constantFrom(...ATTACKS), fc.string({ minLength: 1, maxLength: 60 }), fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", 'a', ' ', '/', '='), minLength: 1, maxLength: 30 }))
      .map((name) => name.trim())
      // eslint-disable-next-line no-control-regex -- the app rightly refuses control characters in names
      .filter((name) => name.length > 0 && name.length <= 100 && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name));
    let n = 0;
    async function linkMember(name: string) {
      const browser = new FormSession(pair.url);
      await browser.get(`/concur/callback?code=${await requestToken(pair.mock)}`);
      await browser.get('/link');
      const index = n++;
      const created = await browser.post('/link/create', { name, email: `member${index}@example.com`, password: 'long-enough-password' });
      expect(created.location).toBe('/linked');
      return { index, linked: await browser.get('/linked'), accounts: await browser.get('/accounts') };
    }
    // Tags with their attributes: a name that became markup would change this skeleton.
    const skeleton = (page: string) => page.match(/<[^>]*>/g)!.map((tag) => tag.replace(/value="[^"]*"/, 'value=""'));
    const first = await linkMember('Baseline Member');
    const baseline = skeleton(first.linked.html);
    const accountBaseline = skeleton(first.accounts.html);
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        const { index, linked, accounts } = await linkMember(name);
        expect(linked.html).toContain(escapeHtml(name));
        expect(skeleton(linked.html)).toEqual(baseline);
        expect(accounts.status).toBe(200);
        expect(accounts.html).toContain(escapeHtml(name));
        expect(skeleton(accounts.html)).toEqual(accountBaseline);
        expect(accounts.html.match(/<h1[\s>]/g)).toHaveLength(1);
        expect(accounts.html.match(/<\/main>/g)).toHaveLength(1);
        // One account on the page, the member's own: no other member's email.
        expect(accounts.html.match(/<section class="card/g)).toHaveLength(1);
        expect(accounts.html).toContain(`member${index}@example.com`);
        for (let other = 0; other < n; other++) if (other !== index) expect(accounts.html).not.toContain(`member${other}@example.com`);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a name with control characters', async () => {
    const browser = new FormSession(pair.url);
    await browser.get(`/concur/callback?code=${await requestToken(pair.mock)}`);
    await browser.get('/link');
    const refused = await browser.post('/link/create', { name: 'Line\nBreak', email: 'lb@example.com', password: 'long-enough-password' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Use letters, spaces and punctuation only.');
  });

  it('escapes what Concur sends back to the callback, such as an error description', async () => {
    const page = await new FormSession(pair.url).get(`/concur/callback?error=server_error&error_description=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).not.toContain('<script>');
  });
});
