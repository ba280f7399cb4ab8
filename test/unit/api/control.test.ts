import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildMockConcur } from 'mock-concur';
import { advance, concurError, DEMO, json, listPage, mockConcur, nativeToken, oauth, T0 } from '../../support/mock.js';

describe('control API', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await mockConcur();
  });
  afterEach(() => app.close());

  it('reports health with queue counts', async () => {
    const { status, body } = await json<{ status: string; connectionRequests: Record<string, number> }>(app, { url: '/_mock/health' });
    expect(status).toBe(200);
    expect(body.connectionRequests).toEqual({ Pending: 12, Processing: 0, Retry: 0, Connected: 0, Failed: 0 });
  });

  it.each([
    ['DELETE', '/_mock/health', 'GET'],
    ['GET', '/_mock/clock/advance', 'POST'],
    ['PUT', '/_mock/users', 'GET, POST'],
    ['POST', '/_mock/connection-requests/abc', 'GET'],
    ['PATCH', '/_mock/faults', 'GET, POST, DELETE'],
    ['GET', '/_mock/reset', 'POST'],
  ])('answers %s %s with 405 and Allow: %s', async (method, url, allow) => {
    const res = await app.inject({ method: method as 'GET', url });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(concurError(res).Message).toMatch(/does not support http method/i);
  });

  it('moves a manual clock forward and never backward', async () => {
    expect((await json<{ now: string; mode: string }>(app, { url: '/_mock/clock' })).body).toMatchObject({ now: new Date(T0).toISOString(), mode: 'manual' });
    const moved = await json<{ now: string; offsetSeconds: number }>(app, { method: 'POST', url: '/_mock/clock/advance', payload: { seconds: 900 } });
    expect(moved.body).toMatchObject({ now: new Date(T0 + 900_000).toISOString(), offsetSeconds: 900 });
    const back = await app.inject({ method: 'POST', url: '/_mock/clock/advance', payload: { seconds: -1 } });
    expect(back.statusCode).toBe(400);
    expect(concurError(back).Message).toMatch(/seconds/);
  });

  it('runs a system clock as real time plus the advanced offset', async () => {
    const sys = await buildMockConcur({ clock: 'system', logLevel: 'silent' });
    const before = Date.now();
    const { body } = await json<{ nowMs: number; mode: string }>(sys, { method: 'POST', url: '/_mock/clock/advance', payload: { seconds: 3600 } });
    expect(body.mode).toBe('system');
    expect(body.nowMs).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(body.nowMs).toBeLessThan(Date.now() + 3_600_000 + 1000);
    await sys.close();
  });

  it('creates users who can sign in, and refuses duplicates', async () => {
    const payload = { loginId: 'new.admin@demo.example', password: 's3cret', firstName: 'New', lastName: 'Admin', loyaltyNumber: '42', roles: ['WebServicesAdministrator'] };
    const created = await json<{ id: string; loginId: string; emails: string[] }>(app, { method: 'POST', url: '/_mock/users', payload });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ loginId: 'new.admin@demo.example', emails: ['new.admin@demo.example'] });
    expect(created.body).not.toHaveProperty('password');
    const token = (await nativeToken(app, 'new.admin@demo.example', DEMO.app.consumerKey, 's3cret')).token;
    expect((await app.inject({ url: '/api/v3.2/common/connectionrequests', headers: oauth(token) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/_mock/users', payload })).statusCode).toBe(400);
  });

  it('registers apps, showing a generated secret once', async () => {
    const created = await json<{ consumerKey: string; consumerSecret: string; scopes: string[] }>(app, { method: 'POST', url: '/_mock/apps', payload: { name: 'Acme', scopes: ['CONREQ'] } });
    expect(created.status).toBe(201);
    expect(created.body.consumerSecret.length).toBeGreaterThanOrEqual(24);
    const listed = (await json<Record<string, unknown>[]>(app, { url: '/_mock/apps' })).body;
    expect(listed).toHaveLength(3);
    expect(JSON.stringify(listed)).not.toContain(created.body.consumerSecret);
  });

  it('seeds many requests with count, and one for a user with loginId', async () => {
    const many = await json<{ ids: string[] }>(app, { method: 'POST', url: '/_mock/connection-requests', payload: { count: 50 } });
    expect(many.body.ids).toHaveLength(50);
    const one = await json<{ ids: string[] }>(app, { method: 'POST', url: '/_mock/connection-requests', payload: { loginId: DEMO.traveler.loginId } });
    expect(one.status).toBe(201);
    expect((await json<{ connectionRequests: { Pending: number } }>(app, { url: '/_mock/health' })).body.connectionRequests.Pending).toBe(63);
    expect((await app.inject({ method: 'POST', url: '/_mock/connection-requests', payload: {} })).statusCode).toBe(400);
  });

  it('seeds a large count in slices: other requests are answered while it runs, and two seeds at once never collide', async () => {
    const seeding = json<{ count: number; firstId: string; lastId: string }>(app, { method: 'POST', url: '/_mock/connection-requests', payload: { count: 60_000 } });
    const alongside = json<{ count: number }>(app, { method: 'POST', url: '/_mock/connection-requests', payload: { count: 40_000 } });
    let finished = false;
    void seeding.then(() => (finished = true));
    // A health check sent after the seed started is answered before the seed is done.
    const health = await json<{ connectionRequests: { Pending: number } }>(app, { url: '/_mock/health' });
    expect(finished).toBe(false);
    expect(health.body.connectionRequests.Pending).toBeLessThan(12 + 100_000);
    expect((await seeding).body.count).toBe(60_000);
    expect((await alongside).body.count).toBe(40_000);
    expect((await json<{ connectionRequests: { Pending: number } }>(app, { url: '/_mock/health' })).body.connectionRequests.Pending).toBe(12 + 100_000);
    const users = await app.inject({ url: '/_mock/users?limit=1' });
    expect(users.headers['x-total-count']).toBe(String(14 + 100_000));
  }, 60_000);

  it('mints request tokens of a given age for provider states', async () => {
    const { body } = await json<{ code: string }>(app, { method: 'POST', url: '/_mock/request-tokens', payload: { consumerKey: DEMO.app.consumerKey, loginId: DEMO.traveler.loginId, ageSeconds: 16 * 60 } });
    const res = await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=${body.code}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
    expect(concurError(res).Message).toBe('Request token has expired');
  });

  it('mints a load test\'s supply of distinct single-use request tokens in one call', async () => {
    const { body } = await json<{ codes: string[] }>(app, { method: 'POST', url: '/_mock/request-tokens', payload: { consumerKey: DEMO.app.consumerKey, loginId: DEMO.traveler.loginId, count: 500 } });
    expect(new Set(body.codes).size).toBe(500);
    const exchange = (code: string) => app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
    for (const code of [body.codes[0]!, body.codes[499]!]) expect((await exchange(code)).statusCode).toBe(200);
    expect(concurError(await exchange(body.codes[0]!)).Message).not.toBe('');
    for (const count of [0, 100_001, 1.5]) {
      const refused = await app.inject({ method: 'POST', url: '/_mock/request-tokens', payload: { consumerKey: DEMO.app.consumerKey, loginId: DEMO.traveler.loginId, count } });
      expect(refused.statusCode).toBe(400);
    }
  });

  it('lists tokens masked, never in full', async () => {
    const { token, refreshToken } = await nativeToken(app);
    const res = await app.inject({ url: '/_mock/tokens' });
    expect(res.body).not.toContain(token);
    expect(res.body).not.toContain(refreshToken);
    expect(res.json()[0]).toMatchObject({ token: `${token.slice(0, 4)}…${token.slice(-3)}`, state: 'active', origin: 'native' });
  });

  it('journals requests with secrets redacted, and not its own control calls', async () => {
    const { token } = await nativeToken(app);
    await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=0_secretcode&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
    await app.inject({ url: '/_mock/health' });
    const res = await app.inject({ url: '/_mock/journal' });
    expect(res.body).not.toContain('0_secretcode');
    expect(res.body).not.toContain(DEMO.app.consumerSecret);
    expect(res.body).not.toContain(token);
    const entries = res.json<{ seq: number; url: string; status: number; note?: string }[]>();
    expect(entries.map((e) => e.url)).toEqual(['/net2/oauth2/accesstoken.ashx', `/net2/oauth2/getaccesstoken.ashx?code=REDACTED&client_id=${DEMO.app.consumerKey}&client_secret=REDACTED`]);
    expect(entries[1]!.status).toBe(400);
    expect((await json<unknown[]>(app, { url: `/_mock/journal?since=${entries[0]!.seq}` })).body).toHaveLength(1);
  });

  it('resets to the seeded demo data, clearing faults and the journal', async () => {
    const admin = (await nativeToken(app)).token;
    const before = (await listPage(app, admin)).Items.map((i) => i.ID);
    await app.inject({ method: 'PUT', url: `/api/v3.2/common/connectionrequests/${before[0]}`, headers: { ...oauth(admin), 'content-type': 'application/json' }, payload: { status: 'CRSUC' } });
    await json(app, { method: 'POST', url: '/_mock/faults', payload: { path: '/never', status: 503 } });
    await json(app, { method: 'POST', url: '/_mock/reset' });
    expect((await json<unknown[]>(app, { url: '/_mock/faults' })).body).toEqual([]);
    expect((await json<unknown[]>(app, { url: '/_mock/journal' })).body).toEqual([]);
    // Old tokens belonged to the old world.
    expect((await app.inject({ url: '/api/v3.2/common/connectionrequests', headers: oauth(admin) })).statusCode).toBe(403);
    const fresh = (await nativeToken(app)).token;
    expect((await listPage(app, fresh)).Items.map((i) => i.ID)).toEqual(before);
  });

  it('seeds the same travellers for the same seed and different ones for another', async () => {
    const ids = async (seed: number) => {
      const m = await mockConcur({ seed });
      const users = (await json<{ id: string; loginId: string; loyaltyNumber: string }[]>(m, { url: '/_mock/users' })).body;
      await m.close();
      return users;
    };
    const [a, b, c] = [await ids(7), await ids(7), await ids(8)];
    expect(a).toEqual(b);
    expect(a.slice(2)).not.toEqual(c.slice(2));
    expect(a.slice(0, 2).map((u) => u.loginId)).toEqual([DEMO.admin.loginId, DEMO.traveler.loginId]);
  });

  describe('faults', () => {
    let admin: string;
    beforeEach(async () => {
      admin = (await nativeToken(app)).token;
    });
    const list = () => app.inject({ url: '/api/v3.2/common/connectionrequests', headers: { ...oauth(admin), accept: 'application/json' } });

    it('answers an injected status a given number of times, with Retry-After', async () => {
      const rule = await json<{ id: string }>(app, { method: 'POST', url: '/_mock/faults', payload: { method: 'GET', path: '/api/*/connectionrequests*', status: 503, retryAfterSeconds: 2, times: 2 } });
      expect(rule.status).toBe(201);
      const first = await list();
      expect(first.statusCode).toBe(503);
      expect(first.headers['retry-after']).toBe('2');
      expect(concurError(first).Message).toBe('Injected fault: HTTP 503');
      expect((await list()).statusCode).toBe(503);
      expect((await list()).statusCode).toBe(200);
      const journal = (await json<{ fault?: string; status: number }[]>(app, { url: '/_mock/journal' })).body;
      expect(journal.filter((e) => e.fault === rule.body.id).map((e) => e.status)).toEqual([503, 503]);
    });

    it('malforms a successful body so no parser accepts it', async () => {
      await json(app, { method: 'POST', url: '/_mock/faults', payload: { path: '/api/v3.2/*', malformedBody: true, times: 1 } });
      const res = await list();
      expect(res.statusCode).toBe(200);
      expect(() => JSON.parse(res.body)).toThrow();
      const next = (await list()).body;
      expect(() => JSON.parse(next)).not.toThrow();
    });

    it('delays by the given latency', async () => {
      await json(app, { method: 'POST', url: '/_mock/faults', payload: { path: '/api/*', latencyMs: 60, times: 1 } });
      const started = performance.now();
      expect((await list()).statusCode).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    });

    it('fires with a seeded probability: the same seed gives the same sequence', async () => {
      const run = async () => {
        await json(app, { method: 'DELETE', url: '/_mock/faults' });
        await json(app, { method: 'POST', url: '/_mock/faults', payload: { path: '/api/*', status: 500, probability: 0.5, seed: 42 } });
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) statuses.push((await list()).statusCode);
        return statuses;
      };
      const a = await run();
      expect(a).toContain(500);
      expect(a).toContain(200);
      expect(await run()).toEqual(a);
    });

    it('refuses a rule that does nothing, and deletes rules by id', async () => {
      expect((await app.inject({ method: 'POST', url: '/_mock/faults', payload: { path: '/x' } })).statusCode).toBe(400);
      const { body } = await json<{ id: string }>(app, { method: 'POST', url: '/_mock/faults', payload: { path: '/x', status: 502 } });
      expect((await app.inject({ method: 'DELETE', url: `/_mock/faults/${body.id}` })).statusCode).toBe(204);
      expect((await app.inject({ method: 'DELETE', url: `/_mock/faults/${body.id}` })).statusCode).toBe(404);
    });
  });

  it('moves expiry with the clock: advancing 16 minutes expires a handed-out request token', async () => {
    const admin = (await nativeToken(app)).token;
    const code = (await listPage(app, admin, '?limit=1')).Items[0]!.requestToken!;
    await advance(app, 16 * 60);
    const res = await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
    expect(res.statusCode).toBe(400);
  });

  it('refuses a redirect URI that is not http(s): a javascript: or data: one would run script from a consent page', async () => {
    const app = await mockConcur();
    try {
      for (const uri of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://partner.example/cb']) {
        const res = await app.inject({ method: 'POST', url: '/_mock/apps', payload: { name: 'Bad', scopes: ['CONREQ'], redirectUris: [uri] } });
        expect(res.statusCode, uri).toBe(400);
      }
      expect((await app.inject({ method: 'POST', url: '/_mock/apps', payload: { name: 'Good', scopes: ['CONREQ'], redirectUris: ['HTTPS://partner.example/cb'] } })).statusCode).toBe(201);
    } finally {
      await app.close();
    }
  });
});
