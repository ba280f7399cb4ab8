/**
 * The console page as the server renders it (before its script runs): the state diagram and
 * the clock with the current numbers, for screen readers too; a timeline and a filtered
 * conversation from the query string; the sandbox picker's redirect; one script, by nonce;
 * hostile data as text.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, mockConcur, nativeToken, oauth, putStatus } from '../../support/mock.js';

describe('the console page, server-rendered', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await mockConcur();
  });
  afterEach(() => app.close());

  const page = async (query = '') => {
    const res = await app.inject({ url: `/_mock/console${query}` });
    expect(res.statusCode).toBe(200);
    return res.body;
  };

  it('draws the lifecycle and the clock with the numbers of the summary, for eyes and for screen readers', async () => {
    const admin = (await nativeToken(app)).token;
    const items = (await app.inject({ url: '/api/v3.2/common/connectionrequests?limit=3', headers: { ...oauth(admin), accept: 'application/json' } })).json<{ Items: { ID: string }[] }>().Items;
    await putStatus(app, admin, items[0]!.ID, 'CRSUC');
    const html = await page();
    expect(html).toMatch(/<svg class="diagram" viewBox="[^"]+" role="img" aria-labelledby="lc-title lc-desc" data-lifecycle>/);
    expect(html).toMatch(/<text class="count"[^>]*data-state="Pending">9<\/text>/);
    expect(html).toMatch(/<text class="count"[^>]*data-state="Processing">2<\/text>/);
    expect(html).toContain('<tspan class="n" data-edge="handedOut">3</tspan>');
    expect(html).toContain('<tspan class="n" data-edge="connected">1</tspan>');
    const desc = /<desc id="lc-desc" data-lifecycle-desc>([^<]*)<\/desc>/.exec(html)![1]!;
    expect(desc).toContain('Pending (waiting to be handed out): 9.');
    expect(desc).toContain('Processing → Connected: PUT CRSUC: 1.');
    expect(html).toMatch(/<tr><th scope="row">Processing → Connected: PUT CRSUC<\/th><td data-edge="connected">1<\/td><\/tr>/);
    expect(html).toContain('aria-live="polite" data-field="announce"');
    // Each clock button is described by its forecast: both request tokens expire within 15 minutes.
    expect(html).toMatch(/<button type="submit" aria-describedby="fc-900">\+15 min<\/button>/);
    expect(html).toContain('<b data-fc="900-tokens">2</b>');
    expect(html).toContain('<span data-field="counts" aria-live="polite" aria-atomic="true">Pending 9 · Processing 2 · Retry 0 · Connected 1 · Failed 0</span>');
  });

  it('renders a timeline found by the query string, and a conversation filtered by it, without the script', async () => {
    const traveller = (await app.inject({ url: '/_mock/connection-requests?limit=1' })).json<{ items: { id: string; loginId: string }[] }>().items[0]!;
    const html = await page(`?find=${encodeURIComponent(traveller.loginId)}`);
    expect(html).toContain(`<div data-tl="view" data-request-id="${traveller.id}">`);
    expect(html).toContain(`value="${traveller.loginId}"`);
    expect(await page('?find=nobody')).toContain('No connection request found for “nobody”.');
    await nativeToken(app);
    const filtered = await page(`?user=${encodeURIComponent(DEMO.admin.loginId)}`);
    expect(filtered.match(/<li class="seq-row/g)).toHaveLength(1);
    expect((await page('?user=someone.else%40demo.example')).match(/<li class="seq-row/g)).toBeNull();
  });

  it("sends the sandbox picker's choice on to that sandbox's console, keeping the control token", async () => {
    const made = (await app.inject({ method: 'POST', url: '/_mock/sandboxes', headers: { 'content-type': 'application/json' }, payload: '{}' })).json<{ id: string; path: string }>();
    expect(await page()).toContain(`<option value="${made.id}">sandbox ${made.id}`);
    const go = await app.inject({ url: `/_mock/console?sandbox=${made.id}` });
    expect([go.statusCode, go.headers.location]).toEqual([303, `${made.path}/_mock/console`]);
    const back = await app.inject({ url: `${made.path}/_mock/console?sandbox=` });
    expect([back.statusCode, back.headers.location]).toEqual([303, '/_mock/console']);
    expect((await app.inject({ url: '/_mock/console?sandbox=not-a-sandbox' })).statusCode).toBe(200);
    const other = (await app.inject({ method: 'POST', url: '/_mock/sandboxes', headers: { 'content-type': 'application/json' }, payload: '{}' })).json<{ id: string }>();
    const inside = await app.inject({ url: `${made.path}/_mock/console` });
    expect(inside.body).toContain(`<option value="${made.id}" selected>`);
    // A sandbox's console names no other sandbox (only the root lists them).
    expect(inside.body).not.toContain(other.id);
    expect(await page()).toContain(`<option value="${other.id}">`);
    const guarded = await mockConcur({ controlToken: 'console-picker-control-token' });
    try {
      const sandbox = (await guarded.inject({ method: 'POST', url: '/_mock/sandboxes', headers: { 'content-type': 'application/json', 'x-mock-control-token': 'console-picker-control-token' }, payload: '{}' })).json<{ id: string; path: string }>();
      const res = await guarded.inject({ url: `/_mock/console?token=console-picker-control-token&sandbox=${sandbox.id}` });
      expect(res.headers.location).toBe(`${sandbox.path}/_mock/console?token=console-picker-control-token`);
    } finally {
      await guarded.close();
    }
  });

  it('has one script, by nonce, no inline handlers, and shows hostile names as text', async () => {
    const evil = '<img src=x onerror="alert(1)">';
    await app.inject({ method: 'POST', url: '/_mock/users', payload: { loginId: 'mallory@demo.example', password: 'pw', firstName: evil, lastName: '</desc><script>alert(2)</script>', loyaltyNumber: '"><svg onload=alert(3)>' } });
    await app.inject({ method: 'POST', url: '/_mock/connection-requests', payload: { loginId: 'mallory@demo.example' } });
    const res = await app.inject({ url: `/_mock/console?find=mallory%40demo.example&request=${encodeURIComponent(evil)}` });
    const nonce = /script-src 'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))![1]!;
    expect(res.body.match(/<script\b[^>]*>/g)).toEqual([expect.stringContaining(`nonce="${nonce}"`)]);
    // Every tag's attributes, their (escaped) values aside: none is an event handler.
    const markup = res.body.replace(/<script\b[^>]*>[\s\S]*?<\/script>/, '<script></script>').replace(/"[^"]*"/g, '""');
    expect(markup).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).not.toContain('<svg onload');
    expect(res.body).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(String(res.headers['content-security-policy'])).toContain("connect-src 'self'");
  });
});
