import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { concurError, mockConcur } from '../../support/mock.js';

const TOKEN = 'a-control-token-of-some-length';

describe('the control API against other web sites (CSRF, DNS rebinding) and without its token', () => {
  let app: FastifyInstance;
  afterEach(() => app?.close());

  it('refuses a Host that is not loopback, the public URL or an allowed host (DNS rebinding): 403 in the envelope', async () => {
    app = await mockConcur({ allowedHosts: ['mock'], publicUrl: 'https://mock.partner.example' });
    for (const host of ['attacker.example', 'attacker.example:8080', '10.1.2.3', 'localhost.attacker.example']) {
      const res = await app.inject({ method: 'POST', url: '/_mock/reset', headers: { host } });
      expect(res.statusCode, host).toBe(403);
      expect(concurError(res).Message).toMatch(/may not reach the control API/);
    }
    for (const host of ['localhost:8080', '127.0.0.1:8080', '127.9.9.9', '[::1]:8080', 'mock:8080', 'mock.partner.example', 'app.localhost'])
      expect((await app.inject({ url: '/_mock/health', headers: { host } })).statusCode, host).toBe(200);
    // Concur's own endpoints answer any Host, as Concur does.
    expect((await app.inject({ url: '/api/v3.2/common/connectionrequests', headers: { host: 'attacker.example' } })).statusCode).toBe(401);
  });

  it('refuses a cross-site Origin and Sec-Fetch-Site: cross-site, and accepts the page’s own origin', async () => {
    app = await mockConcur();
    expect((await app.inject({ method: 'POST', url: '/_mock/reset', headers: { host: '127.0.0.1:8080', origin: 'https://evil.example' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/_mock/reset', headers: { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:3000' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/_mock/reset', headers: { host: '127.0.0.1:8080', origin: 'null' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/_mock/reset', headers: { host: '127.0.0.1:8080', 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/_mock/reset', headers: { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' } })).statusCode).toBe(200);
  });

  it('takes JSON bodies only: a form or text/plain post (which any page sends without a preflight) is 415', async () => {
    app = await mockConcur();
    const form = await app.inject({ method: 'POST', url: '/_mock/users', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'loginId=x&password=y&firstName=a&lastName=b' });
    expect(form.statusCode).toBe(415);
    const text = await app.inject({ method: 'POST', url: '/_mock/access-tokens', headers: { 'content-type': 'text/plain' }, payload: '{"consumerKey":"demo-consumer-key","loginId":"wsadmin@demo.example"}' });
    expect(text.statusCode).toBe(415);
    expect(concurError(text).Message).toMatch(/JSON bodies only/);
    expect((await app.inject({ url: '/_mock/tokens' })).json()).toEqual([]);
  });

  it('with a control token: every call but /_mock/health needs it in X-Mock-Control-Token (401 otherwise); the console opens with ?token=', async () => {
    app = await mockConcur({ controlToken: TOKEN });
    expect((await app.inject({ url: '/_mock/health' })).statusCode).toBe(200);
    const without = await app.inject({ method: 'POST', url: '/_mock/reset' });
    expect(without.statusCode).toBe(401);
    expect(concurError(without).Message).toMatch(/control token/);
    expect((await app.inject({ method: 'POST', url: '/_mock/reset', headers: { 'x-mock-control-token': 'wrong-token-of-the-same-len' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/_mock/reset', headers: { 'x-mock-control-token': TOKEN } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/_mock/console' })).statusCode).toBe(401);
    const page = await app.inject({ url: `/_mock/console?token=${TOKEN}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`data-control-token="${TOKEN}"`);
  });

  it('refuses a control token shorter than 16 characters as an option', async () => {
    await expect(mockConcur({ controlToken: 'short' })).rejects.toThrow(/controlToken must be at least 16 characters/);
  });
});
