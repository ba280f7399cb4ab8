import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, basic, concurError, DEMO, json, listPage, MIN, mockConcur, nativeToken, oauth, parseXml, T0, type Tokens } from '../../support/mock.js';

const exchangeUrl = (code: string, key: string = DEMO.app.consumerKey, secret: string = DEMO.app.consumerSecret) =>
  `/net2/oauth2/getaccesstoken.ashx?code=${encodeURIComponent(code)}&client_id=${key}&client_secret=${secret}`;

type AccessTokenXml = { Access_Token: Record<string, string> };

describe('legacy OAuth', () => {
  let app: FastifyInstance;
  let admin: Tokens;
  /** A fresh request token for the first pending request's user, as GET hands it out. */
  let code: string;

  beforeEach(async () => {
    app = await mockConcur();
    admin = await nativeToken(app);
    code = (await listPage(app, admin.token, '?limit=1')).Items[0]!.requestToken!;
  });
  afterEach(() => app.close());

  describe('request-token exchange', () => {
    it('answers Access_Token in XML by default with the documented element names and US-style UTC date', async () => {
      const res = await app.inject({ url: exchangeUrl(code) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(res.body).toMatch(/^<Access_Token><Instance_Url>http:\/\/localhost:80\/<\/Instance_Url><Token>0_[\w-]{40,}<\/Token><Expiration_date>1\/15\/2027 9:00:00 AM<\/Expiration_date><Refresh_Token>0_[\w-]{40,}<\/Refresh_Token><\/Access_Token>$/);
    });

    it('answers JSON when asked', async () => {
      const { status, body } = await json<{ Access_Token: Record<string, string> }>(app, { url: exchangeUrl(code) });
      expect(status).toBe(200);
      expect(Object.keys(body.Access_Token)).toEqual(['Instance_Url', 'Token', 'Expiration_date', 'Refresh_Token']);
    });

    it('writes the alternate spellings Instance_URL and Expiration_Date when configured', async () => {
      const alt = await mockConcur({ tokenElementSpelling: 'alternate' });
      const t = await nativeToken(alt);
      const c = (await listPage(alt, t.token, '?limit=1')).Items[0]!.requestToken!;
      const body = parseXml<AccessTokenXml>(await alt.inject({ url: exchangeUrl(c) }));
      expect(Object.keys(body.Access_Token)).toEqual(['Instance_URL', 'Token', 'Expiration_Date', 'Refresh_Token']);
      await alt.close();
    });

    it('treats paths case-insensitively, as Concur does', async () => {
      const res = await app.inject({ url: exchangeUrl(code).replace('getaccesstoken', 'GetAccessToken').replace('net2/oauth2', 'Net2/OAuth2') });
      expect(res.statusCode).toBe(200);
    });

    it('gives an access token for the request token’s own user that works on the user’s behalf', async () => {
      const body = parseXml<AccessTokenXml>(await app.inject({ url: exchangeUrl(code) }));
      const tokens = (await json<{ loginId: string; origin: string; state: string }[]>(app, { url: '/_mock/tokens' })).body;
      const user = (await json<{ loginId: string }[]>(app, { url: '/_mock/users' })).body[2]!;
      expect(tokens[0]).toMatchObject({ loginId: user.loginId, origin: 'request-token', state: 'active' });
      expect(body.Access_Token.Token).not.toBe(admin.token);
    });

    it('rejects a request token older than 15 minutes', async () => {
      await advance(app, 15 * MIN);
      const res = await app.inject({ url: exchangeUrl(code) });
      expect(res.statusCode).toBe(400);
      expect(concurError(res).Message).toBe('Request token has expired');
    });

    it('accepts a request token one second before its 15 minutes are up', async () => {
      await advance(app, 15 * MIN - 1);
      expect((await app.inject({ url: exchangeUrl(code) })).statusCode).toBe(200);
    });

    it('honours a configured request-token life', async () => {
      const short = await mockConcur({ requestTokenTtlMs: 60_000 });
      const t = await nativeToken(short);
      const c = (await listPage(short, t.token, '?limit=1')).Items[0]!.requestToken!;
      await advance(short, 61);
      expect(concurError(await short.inject({ url: exchangeUrl(c) })).Message).toBe('Request token has expired');
      await short.close();
    });

    it('makes request tokens single-use by default', async () => {
      expect((await app.inject({ url: exchangeUrl(code) })).statusCode).toBe(200);
      const again = await app.inject({ url: exchangeUrl(code) });
      expect(again.statusCode).toBe(400);
      expect(concurError(again).Message).toBe('Request token has already been used');
    });

    it('lets a request token be exchanged again within its life when reuse is enabled', async () => {
      const reuse = await mockConcur({ singleUseRequestTokens: false });
      const t = await nativeToken(reuse);
      const c = (await listPage(reuse, t.token, '?limit=1')).Items[0]!.requestToken!;
      expect((await reuse.inject({ url: exchangeUrl(c) })).statusCode).toBe(200);
      expect((await reuse.inject({ url: exchangeUrl(c) })).statusCode).toBe(200);
      await reuse.close();
    });

    it('refuses a request token issued to another application', async () => {
      const res = await app.inject({ url: exchangeUrl(code, DEMO.otherApp.consumerKey, DEMO.otherApp.consumerSecret) });
      expect(res.statusCode).toBe(400);
      expect(concurError(res).Message).toBe('Request token was not issued to this application');
    });

    it('answers 401 for a wrong client secret, without consuming the request token', async () => {
      const res = await app.inject({ url: exchangeUrl(code, DEMO.app.consumerKey, 'wrong-secret') });
      expect(res.statusCode).toBe(401);
      expect(concurError(res).Message).toBe('Invalid consumer key or secret');
      expect((await app.inject({ url: exchangeUrl(code) })).statusCode).toBe(200);
    });

    it('answers 400 for an unknown request token and for missing parameters', async () => {
      expect(concurError(await app.inject({ url: exchangeUrl('0_nope') })).Message).toBe('Invalid request token');
      expect(concurError(await app.inject({ url: '/net2/oauth2/getaccesstoken.ashx?client_id=x&client_secret=y' })).Message).toBe('Missing required parameter: code');
      expect(concurError(await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=${code}&client_secret=y` })).Message).toBe('Missing required parameter: client_id');
    });
  });

  describe('refresh', () => {
    it('gives a new access token a year from the refresh, for the same user', async () => {
      await advance(app, 30 * 86400);
      const res = parseXml<AccessTokenXml>(await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?refresh_token=${admin.refreshToken}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` }));
      expect(res.Access_Token.Expiration_date).toBe('2/14/2027 9:00:00 AM');
      expect(res.Access_Token.Token).not.toBe(admin.token);
      expect(res.Access_Token.Refresh_Token).toBe(admin.refreshToken);
      expect((await app.inject({ url: '/api/v3.2/common/connectionrequests', headers: oauth(res.Access_Token.Token!) })).statusCode).toBe(200);
    });

    it('works only with the app that issued the refresh token', async () => {
      const res = await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?refresh_token=${admin.refreshToken}&client_id=${DEMO.otherApp.consumerKey}&client_secret=${DEMO.otherApp.consumerSecret}` });
      expect(res.statusCode).toBe(400);
      expect(concurError(res).Message).toBe('Invalid refresh token');
    });

    it('stops working once its access token is revoked', async () => {
      await app.inject({ method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=${admin.token}`, headers: oauth((await nativeToken(app)).token) });
      const res = await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?refresh_token=${admin.refreshToken}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
      expect(concurError(res).Message).toBe('Refresh token has been revoked');
    });
  });

  describe('native flow', () => {
    it('answers 403 for a wrong password, an unknown user or an unknown consumer key, 400 without X-ConsumerKey', async () => {
      const url = '/net2/oauth2/accesstoken.ashx';
      expect((await app.inject({ url, headers: { authorization: basic(DEMO.admin.loginId, 'nope'), 'x-consumerkey': DEMO.app.consumerKey } })).statusCode).toBe(403);
      expect((await app.inject({ url, headers: { authorization: basic('ghost@demo.example', 'demo-password'), 'x-consumerkey': DEMO.app.consumerKey } })).statusCode).toBe(403);
      expect((await app.inject({ url, headers: { authorization: basic(DEMO.admin.loginId, 'demo-password'), 'x-consumerkey': 'unknown' } })).statusCode).toBe(403);
      expect((await app.inject({ url, headers: { authorization: basic(DEMO.admin.loginId, 'demo-password') } })).statusCode).toBe(400);
    });

    it('matches login ids case-insensitively', async () => {
      await expect(nativeToken(app, 'WSAdmin@Demo.Example')).resolves.toHaveProperty('token');
    });
  });

  describe('tokens', () => {
    it('expire one year after issue', async () => {
      const url = '/api/v3.2/common/connectionrequests';
      await advance(app, 365 * 86400 - 1);
      expect((await app.inject({ url, headers: oauth(admin.token) })).statusCode).toBe(200);
      await advance(app, 1);
      const res = await app.inject({ url, headers: oauth(admin.token) });
      expect(res.statusCode).toBe(403);
      expect(concurError(res).Message).toBe('Access token has expired');
    });

    it('of one app are useless to another: each app sees only its own queue', async () => {
      const other = await nativeToken(app, DEMO.admin.loginId, DEMO.otherApp.consumerKey);
      expect((await listPage(app, other.token)).Items).toHaveLength(0);
      const id = (await listPage(app, admin.token)).Items[0]!.ID;
      expect((await app.inject({ url: `/api/v3.2/common/connectionrequests/${id}`, headers: oauth(other.token) })).statusCode).toBe(404);
    });
  });

  describe('revocation', () => {
    it('revokes one token, which then answers 403 everywhere', async () => {
      const victim = await nativeToken(app);
      const res = await app.inject({ method: 'POST', url: '/net2/oauth2/revoketoken.ashx', headers: { ...oauth(admin.token), 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${victim.token}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('');
      for (const url of ['/api/v3.0/common/connectionrequests', '/api/v3.2/common/connectionrequests/x']) {
        const r = await app.inject({ url, headers: oauth(victim.token) });
        expect(r.statusCode).toBe(403);
        expect(concurError(r).Message).toBe('Access token has been revoked');
      }
      expect((await app.inject({ method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=${admin.token}`, headers: oauth(victim.token) })).statusCode).toBe(403);
    });

    it('revokes every token a user holds for the app, and only for that app', async () => {
      const a = await nativeToken(app, DEMO.traveler.loginId);
      const b = await nativeToken(app, DEMO.traveler.loginId);
      const elsewhere = await nativeToken(app, DEMO.traveler.loginId, DEMO.otherApp.consumerKey);
      const res = await app.inject({ method: 'POST', url: `/net2/oauth2/revoketoken.ashx?consumerKey=${DEMO.app.consumerKey}&user=${DEMO.traveler.loginId}`, headers: oauth(admin.token) });
      expect(res.statusCode).toBe(200);
      const states = (await json<{ loginId: string; consumerKey: string; state: string }[]>(app, { url: '/_mock/tokens' })).body.filter((t) => t.loginId === DEMO.traveler.loginId);
      expect(states.filter((t) => t.consumerKey === DEMO.app.consumerKey).map((t) => t.state)).toEqual(['revoked', 'revoked']);
      expect(states.filter((t) => t.consumerKey === DEMO.otherApp.consumerKey).map((t) => t.state)).toEqual(['active']);
      void a;
      void b;
      void elsewhere;
    });

    it('requires the Web Services Administrator role', async () => {
      const traveler = await nativeToken(app, DEMO.traveler.loginId);
      const res = await app.inject({ method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=${admin.token}`, headers: oauth(traveler.token) });
      expect(res.statusCode).toBe(403);
      expect(concurError(res).Message).toMatch(/Web Services Administrator/);
    });

    it('accepts the Can Administer role of Standard editions', async () => {
      await json(app, { method: 'POST', url: '/_mock/users', payload: { loginId: 'std@demo.example', password: 'pw', firstName: 'S', lastName: 'Admin', roles: ['CanAdminister'] } });
      const std = await nativeToken(app, 'std@demo.example', DEMO.app.consumerKey, 'pw');
      expect((await app.inject({ method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=${admin.token}`, headers: oauth(std.token) })).statusCode).toBe(200);
    });

    it("refuses to revoke another app's users and answers 200 for an unknown token", async () => {
      const res = await app.inject({ method: 'POST', url: `/net2/oauth2/revoketoken.ashx?consumerKey=${DEMO.otherApp.consumerKey}&user=${DEMO.traveler.loginId}`, headers: oauth(admin.token) });
      expect(res.statusCode).toBe(403);
      expect((await app.inject({ method: 'POST', url: '/net2/oauth2/revoketoken.ashx?token=0_unknown', headers: oauth(admin.token) })).statusCode).toBe(200);
    });

    it('answers 405 with Allow for the wrong method', async () => {
      const res = await app.inject({ method: 'GET', url: '/net2/oauth2/revoketoken.ashx' });
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('POST');
    });
  });

  it('reads time from the injectable clock (Server-Time follows it)', async () => {
    await advance(app, 3600);
    const res = await app.inject({ url: exchangeUrl('0_x') });
    expect(concurError(res)['Server-Time']).toBe(new Date(T0 + 3600_000).toISOString().slice(0, 19));
  });
});
