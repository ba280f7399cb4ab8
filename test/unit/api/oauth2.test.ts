import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser } from '../../support/inject-browser.js';
import { DAY, DEMO, HOUR, MIN, advance, mockConcur, nativeToken, oauth, T0 } from '../../support/mock.js';

const TOKEN = '/oauth2/v0/token';
const CLIENT = { client_id: DEMO.app.consumerKey, client_secret: DEMO.app.consumerSecret };
const LIST = '/api/v3.2/common/connectionrequests';

function post(app: FastifyInstance, form: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: TOKEN, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(form).toString() });
}

interface TokenAnswer {
  expires_in: number | string;
  scope: string;
  token_type: string;
  access_token: string;
  refresh_token?: string;
  refresh_expires_in?: number;
  geolocation: string;
  id_token?: string;
}

async function grant(app: FastifyInstance, form: Record<string, string>): Promise<TokenAnswer> {
  const res = await post(app, { ...CLIENT, ...form });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<TokenAnswer>();
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A pending v3.2 request's id, userId and request token (read with the admin's legacy token). */
async function pendingRequest(app: FastifyInstance): Promise<{ ID: string; userId: string; requestToken: string }> {
  const admin = await nativeToken(app);
  const res = await app.inject({ url: `${LIST}?limit=1`, headers: { ...oauth(admin.token), accept: 'application/json' } });
  return res.json<{ Items: { ID: string; userId: string; requestToken: string }[] }>().Items[0]!;
}

function expectError(res: LightMyRequestResponse, status: number, error: string, code: number): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['concur-correlationid']).toMatch(/^[0-9a-f]{32}$/);
  const body = res.json<{ error: string; error_description: string; code: number }>();
  expect(body).toMatchObject({ error, code });
  expect(typeof body.error_description).toBe('string');
}

describe('the OAuth 2.0 Authentication API (/oauth2/v0)', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await mockConcur();
  });
  afterEach(() => app.close());

  describe('the password grant', () => {
    it('answers the documented fields in a real call’s order, one-hour tokens, and a correlation id', async () => {
      const res = await post(app, { ...CLIENT, grant_type: 'password', username: DEMO.traveler.loginId, password: DEMO.traveler.password });
      expect(res.statusCode).toBe(200);
      expect(res.headers['concur-correlationid']).toMatch(/^[0-9a-f]{32}$/);
      const body = res.json<TokenAnswer>();
      expect(Object.keys(body)).toEqual(['expires_in', 'scope', 'token_type', 'access_token', 'refresh_token', 'refresh_expires_in', 'geolocation', 'id_token']);
      expect(body).toMatchObject({ expires_in: 3600, token_type: 'Bearer', scope: 'CONREQ USER ITINER TRVPRF', geolocation: 'http://localhost:80' });
      expect(body.refresh_token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(body.refresh_expires_in).toBe(Math.floor((T0 + 180 * DAY * 1000) / 1000));
      expect(decodeJwt(body.access_token)).toMatchObject({ 'concur.type': 'user', 'concur.app': DEMO.app.consumerKey, exp: Math.floor(T0 / 1000) + 3600 });
    });

    it('signs an id_token the published JWKS verifies, naming the user and the client', async () => {
      const body = await grant(app, { grant_type: 'password', username: DEMO.traveler.loginId, password: DEMO.traveler.password });
      const jwks = (await app.inject({ url: '/oauth2/v0/jwks' })).json<JSONWebKeySet>();
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
      expect(jwks.keys[0]).not.toHaveProperty('d');
      const { payload, protectedHeader } = await jwtVerify(body.id_token!, createLocalJWKSet(jwks), { audience: DEMO.app.consumerKey, currentDate: new Date(T0) });
      expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: jwks.keys[0]!.kid });
      const users = (await app.inject({ url: '/_mock/users' })).json<{ id: string; loginId: string }[]>();
      expect(payload).toMatchObject({ sub: users.find((u) => u.loginId === DEMO.traveler.loginId)!.id, 'concur.type': 'user', 'concur.version': 2 });
    });

    it('refuses a wrong password with code 5, and missing fields with their codes', async () => {
      expectError(await post(app, { ...CLIENT, grant_type: 'password', username: DEMO.traveler.loginId, password: 'nope' }), 400, 'invalid_grant', 5);
      expectError(await post(app, { ...CLIENT, grant_type: 'password', password: 'x' }), 400, 'invalid_request', 51);
      expectError(await post(app, { ...CLIENT, grant_type: 'password', username: 'x' }), 400, 'invalid_request', 52);
      expectError(await post(app, { ...CLIENT, grant_type: 'password', username: 'x', password: 'y', credtype: 'magic' }), 400, 'invalid_request', 120);
    });

    it('answers expires_in as the string "3600" with --expires-in-format string', async () => {
      const other = await mockConcur({ expiresInFormat: 'string' });
      try {
        const body = await grant(other, { grant_type: 'password', username: DEMO.traveler.loginId, password: DEMO.traveler.password });
        expect(body.expires_in).toBe('3600');
      } finally {
        await other.close();
      }
    });
  });

  describe('credtype=authtoken: a connection request’s request token', () => {
    it('exchanges it with the request’s userId, once, and the token then reads v3.2 as the user', async () => {
      const item = await pendingRequest(app);
      const body = await grant(app, { grant_type: 'password', credtype: 'authtoken', username: item.userId, password: item.requestToken });
      expect(body.refresh_token).toBeDefined();
      expectError(await post(app, { ...CLIENT, grant_type: 'password', credtype: 'authtoken', username: item.userId, password: item.requestToken }), 400, 'invalid_grant', 5);
    });

    it('accepts the login id as username too, and refuses another user’s id (code 5)', async () => {
      const admin = await nativeToken(app);
      const page = (await app.inject({ url: `${LIST}?limit=2`, headers: { ...oauth(admin.token), accept: 'application/json' } })).json<{ Items: { userId: string; requestToken: string }[] }>();
      const [a, b] = page.Items as [{ userId: string; requestToken: string }, { userId: string; requestToken: string }];
      expectError(await post(app, { ...CLIENT, grant_type: 'password', credtype: 'authtoken', username: b.userId, password: a.requestToken }), 400, 'invalid_grant', 5);
      const users = (await app.inject({ url: '/_mock/users' })).json<{ id: string; loginId: string }[]>();
      const loginId = users.find((u) => u.id === b.userId)!.loginId;
      await grant(app, { grant_type: 'password', credtype: 'authtoken', username: loginId, password: b.requestToken });
    });

    it('refuses a request token after its 15 minutes (code 5) and one of another app (code 136)', async () => {
      const item = await pendingRequest(app);
      await advance(app, 15 * MIN);
      expectError(await post(app, { ...CLIENT, grant_type: 'password', credtype: 'authtoken', username: item.userId, password: item.requestToken }), 400, 'invalid_grant', 5);
      const other = (await app.inject({ method: 'POST', url: '/_mock/request-tokens', payload: { consumerKey: DEMO.otherApp.consumerKey, loginId: DEMO.traveler.loginId } })).json<{ code: string }>();
      expectError(await post(app, { ...CLIENT, grant_type: 'password', credtype: 'authtoken', username: DEMO.traveler.loginId, password: other.code }), 400, 'invalid_request', 136);
    });
  });

  describe('client credentials: the application token of the current supplier flow', () => {
    it('answers no refresh token and no id_token, and polls and answers Connection Requests v3.2', async () => {
      const body = await grant(app, { grant_type: 'client_credentials' });
      expect(Object.keys(body)).toEqual(['expires_in', 'scope', 'token_type', 'access_token', 'geolocation']);
      const page = await app.inject({ url: `${LIST}?limit=1`, headers: { ...bearer(body.access_token), accept: 'application/json' } });
      expect(page.statusCode).toBe(200);
      const id = page.json<{ Items: { ID: string }[] }>().Items[0]!.ID;
      const put = await app.inject({ method: 'PUT', url: `${LIST}/${id}`, headers: { ...bearer(body.access_token), 'content-type': 'application/json' }, payload: { status: 'CRSUC' } });
      expect(put.statusCode).toBe(204);
    });

    it('is refused by v3.0/v3.1 (legacy tokens only) and by the legacy revocation (no user, no role): 403', async () => {
      const { access_token: token } = await grant(app, { grant_type: 'client_credentials' });
      for (const v of ['3.0', '3.1']) expect((await app.inject({ url: `/api/v${v}/common/connectionrequests`, headers: bearer(token) })).statusCode).toBe(403);
      expect((await app.inject({ method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=x`, headers: bearer(token) })).statusCode).toBe(403);
    });

    it('expires after one hour on the mock’s clock', async () => {
      const { access_token: token } = await grant(app, { grant_type: 'client_credentials' });
      await advance(app, HOUR);
      expect((await app.inject({ url: LIST, headers: bearer(token) })).statusCode).toBe(403);
    });

    it('refuses an unknown client (61, 401), a wrong secret (64, 401), missing fields (62, 63, 65) and an unknown grant (60)', async () => {
      expectError(await post(app, { client_id: 'nobody', client_secret: 'x', grant_type: 'client_credentials' }), 401, 'invalid_client', 61);
      expectError(await post(app, { client_id: DEMO.app.consumerKey, client_secret: 'wrong', grant_type: 'client_credentials' }), 401, 'invalid_client', 64);
      expectError(await post(app, { client_secret: 'x', grant_type: 'client_credentials' }), 400, 'invalid_request', 62);
      expectError(await post(app, { client_id: 'x', grant_type: 'client_credentials' }), 400, 'invalid_request', 63);
      expectError(await post(app, { ...CLIENT }), 400, 'invalid_request', 65);
      expectError(await post(app, { ...CLIENT, grant_type: 'implicit' }), 400, 'invalid_grant', 60);
    });
  });

  describe('the refresh grant', () => {
    const login = () => grant(app, { grant_type: 'password', username: DEMO.traveler.loginId, password: DEMO.traveler.password });

    it('answers a new access token and a new refresh token; the old refresh token is ended at once (108)', async () => {
      const first = await login();
      await advance(app, DAY);
      const second = await grant(app, { grant_type: 'refresh_token', refresh_token: first.refresh_token! });
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.refresh_expires_in).toBe(first.refresh_expires_in! + 86_400);
      expectError(await post(app, { ...CLIENT, grant_type: 'refresh_token', refresh_token: first.refresh_token! }), 400, 'invalid_grant', 108);
      await grant(app, { grant_type: 'refresh_token', refresh_token: second.refresh_token! });
    });

    it('answers the same refresh token again with --refresh-token-rotation reuse', async () => {
      const other = await mockConcur({ refreshTokenRotation: 'reuse' });
      try {
        const first = await grant(other, { grant_type: 'password', username: DEMO.traveler.loginId, password: DEMO.traveler.password });
        const second = await grant(other, { grant_type: 'refresh_token', refresh_token: first.refresh_token! });
        expect(second.refresh_token).toBe(first.refresh_token);
      } finally {
        await other.close();
      }
    });

    it('may narrow the scope but not widen it (54); a refresh token dies after six months (108)', async () => {
      const first = await login();
      expect((await grant(app, { grant_type: 'refresh_token', refresh_token: first.refresh_token!, scope: 'CONREQ' })).scope).toBe('CONREQ');
      const again = await login();
      expectError(await post(app, { ...CLIENT, grant_type: 'refresh_token', refresh_token: again.refresh_token!, scope: 'CONREQ EXPRPT' }), 400, 'invalid_scope', 54);
      await advance(app, 180 * DAY);
      expectError(await post(app, { ...CLIENT, grant_type: 'refresh_token', refresh_token: again.refresh_token! }), 400, 'invalid_grant', 108);
      expectError(await post(app, { ...CLIENT, grant_type: 'refresh_token' }), 400, 'invalid_request', 106);
    });

    it('does not refresh a legacy refresh token, nor the legacy endpoint a v0 one', async () => {
      const legacy = await nativeToken(app, DEMO.traveler.loginId);
      expectError(await post(app, { ...CLIENT, grant_type: 'refresh_token', refresh_token: legacy.refreshToken }), 400, 'invalid_grant', 108);
      const v0 = await login();
      const res = await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?${new URLSearchParams({ ...CLIENT, refresh_token: v0.refresh_token! })}` });
      expect(res.statusCode).toBe(400);
    });
  });

  describe('the request format', () => {
    it('refuses a JSON body (135), confidential parameters in the URL (135) and a parameter given twice (135)', async () => {
      const json = await app.inject({ method: 'POST', url: TOKEN, headers: { 'content-type': 'application/json' }, payload: { ...CLIENT, grant_type: 'client_credentials' } });
      expectError(json, 400, 'invalid_request', 135);
      const inUrl = await app.inject({ method: 'POST', url: `${TOKEN}?client_secret=${DEMO.app.consumerSecret}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials' });
      expectError(inUrl, 400, 'invalid_request', 135);
      const twice = await app.inject({ method: 'POST', url: TOKEN, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `${new URLSearchParams({ ...CLIENT, grant_type: 'client_credentials' })}&grant_type=password` });
      expectError(twice, 400, 'invalid_request', 135);
      expectError(await app.inject({ method: 'GET', url: TOKEN }), 405, 'invalid_request', 0);
    });

    it('answers an injected fault in its own body, with the fault’s status', async () => {
      await app.inject({ method: 'POST', url: '/_mock/faults', payload: { path: '/oauth2/v0/token', status: 503, retryAfterSeconds: 3, times: 1 } });
      const res = await post(app, { ...CLIENT, grant_type: 'client_credentials' });
      expectError(res, 503, 'temporarily_unavailable', 0);
      expect(res.headers['retry-after']).toBe('3');
    });
  });

  describe('App Management', () => {
    it('DELETE /app-mgmt/v0/connections with the user’s token ends every token of the user for the app', async () => {
      const v0 = await grant(app, { grant_type: 'password', username: DEMO.traveler.loginId, password: DEMO.traveler.password });
      const legacy = await nativeToken(app, DEMO.traveler.loginId);
      const res = await app.inject({ method: 'DELETE', url: '/app-mgmt/v0/connections', headers: bearer(v0.access_token) });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('');
      expect(res.headers['concur-correlationid']).toMatch(/^[0-9a-f]{32}$/);
      expectError(await post(app, { ...CLIENT, grant_type: 'refresh_token', refresh_token: v0.refresh_token! }), 400, 'invalid_grant', 108);
      const tokens = (await app.inject({ url: '/_mock/tokens' })).json<{ loginId: string; state: string }[]>();
      expect(tokens.filter((t) => t.loginId === DEMO.traveler.loginId).map((t) => t.state)).toEqual(['revoked', 'revoked']);
      expect((await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?${new URLSearchParams({ ...CLIENT, refresh_token: legacy.refreshToken })}` })).statusCode).toBe(400);
    });

    it('refuses DELETE without a token (401), with an application token or a legacy one (403)', async () => {
      expect((await app.inject({ method: 'DELETE', url: '/app-mgmt/v0/connections' })).statusCode).toBe(401);
      const appToken = await grant(app, { grant_type: 'client_credentials' });
      expectError(await app.inject({ method: 'DELETE', url: '/app-mgmt/v0/connections', headers: bearer(appToken.access_token) }), 403, 'invalid_token', 0);
      const legacy = await nativeToken(app, DEMO.traveler.loginId);
      expect((await app.inject({ method: 'DELETE', url: '/app-mgmt/v0/connections', headers: bearer(legacy.token) })).statusCode).toBe(403);
    });

    it('migrates a legacy refresh token to a v0 one with the app’s client-credentials token', async () => {
      const legacy = await nativeToken(app, DEMO.traveler.loginId);
      const appToken = await grant(app, { grant_type: 'client_credentials' });
      const res = await app.inject({ method: 'POST', url: `/appmgmt/v0/legacyApps/${DEMO.app.consumerKey}/exchangeRefreshToken/me`, headers: bearer(appToken.access_token), payload: { token: legacy.refreshToken, secret: DEMO.app.consumerSecret } });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ token: string; created: number; expired: number; scopes: string[]; context: string }>();
      expect(body).toMatchObject({ created: T0, expired: T0 + 180 * DAY * 1000, scopes: ['CONREQ', 'USER', 'ITINER', 'TRVPRF'] });
      expect(JSON.parse(body.context)).toMatchObject({ ptype: 'user' });
      const refreshed = await grant(app, { grant_type: 'refresh_token', refresh_token: body.token });
      expect(refreshed.access_token).toBeDefined();
      const bad = await app.inject({ method: 'POST', url: `/appmgmt/v0/legacyApps/${DEMO.app.consumerKey}/exchangeRefreshToken/me`, headers: bearer(appToken.access_token), payload: { token: 'nope', secret: DEMO.app.consumerSecret } });
      expect(bad.statusCode).toBe(400);
    });
  });

  describe('the authorization-code grant and the App Center’s requestToken redirect', () => {
    it('signs in, consents, redirects with code, geolocation and state, and the code is exchanged once with its redirect_uri', async () => {
      const browser = new Browser(app);
      const authorize = `/oauth2/v0/authorize?${new URLSearchParams({ client_id: DEMO.app.consumerKey, redirect_uri: DEMO.app.redirectUri, scope: 'CONREQ', response_type: 'code', state: 'xyz' })}`;
      await browser.signIn(DEMO.traveler.loginId, DEMO.traveler.password, authorize);
      const consent = await browser.request('GET', authorize);
      expect(consent.statusCode).toBe(200);
      const back = await browser.request('POST', '/oauth2/v0/authorize', { _csrf: browser.csrf(consent), client_id: DEMO.app.consumerKey, redirect_uri: DEMO.app.redirectUri, scope: 'CONREQ', response_type: 'code', state: 'xyz', decision: 'approve' });
      expect(back.statusCode).toBe(303);
      const target = new URL(back.headers.location as string);
      expect(target.origin + target.pathname).toBe(DEMO.app.redirectUri);
      expect(target.searchParams.get('state')).toBe('xyz');
      expect(target.searchParams.get('geolocation')).toBe('http://localhost:80');
      const code = target.searchParams.get('code')!;
      expectError(await post(app, { ...CLIENT, grant_type: 'authorization_code', code, redirect_uri: 'http://elsewhere.example/cb' }), 400, 'invalid_grant', 104);
      expectError(await post(app, { ...CLIENT, grant_type: 'authorization_code', code }), 400, 'invalid_request', 102);
      expectError(await post(app, { ...CLIENT, grant_type: 'authorization_code', redirect_uri: DEMO.app.redirectUri }), 400, 'invalid_request', 101);
      expect((await grant(app, { grant_type: 'authorization_code', code, redirect_uri: DEMO.app.redirectUri })).id_token).toBeDefined();
      expectError(await post(app, { ...CLIENT, grant_type: 'authorization_code', code, redirect_uri: DEMO.app.redirectUri }), 400, 'invalid_request', 103);
    });

    it('denies with error_code=user_denied, and needs response_type=code', async () => {
      const browser = new Browser(app);
      const query = { client_id: DEMO.app.consumerKey, redirect_uri: DEMO.app.redirectUri, scope: 'CONREQ', response_type: 'code' };
      await browser.signIn();
      const consent = await browser.request('GET', `/oauth2/v0/authorize?${new URLSearchParams(query)}`);
      const back = await browser.request('POST', '/oauth2/v0/authorize', { _csrf: browser.csrf(consent), ...query, decision: 'deny' });
      expect(new URL(back.headers.location as string).searchParams.get('error_code')).toBe('user_denied');
      expect((await browser.request('GET', `/oauth2/v0/authorize?${new URLSearchParams({ ...query, response_type: 'token' })}`)).statusCode).toBe(400);
    });

    it('sends an app registered with appCenterRedirect requestToken back with ?id=&requestToken=, exchanged with credtype=authtoken', async () => {
      const created = await app.inject({ method: 'POST', url: '/_mock/apps', payload: { name: 'Current Partner', consumerKey: 'current-key', consumerSecret: 'current-secret', scopes: ['CONREQ'], redirectUris: ['http://127.0.0.1:4000/cb'], appCenterRedirect: 'requestToken' } });
      expect(created.json()).toMatchObject({ appCenterRedirect: 'requestToken' });
      const browser = new Browser(app);
      await browser.signIn();
      const listing = await browser.request('GET', '/appcenter/apps/current-key');
      const back = await browser.request('POST', '/appcenter/apps/current-key/connect', { _csrf: browser.csrf(listing) });
      const target = new URL(back.headers.location as string);
      expect([...target.searchParams.keys()]).toEqual(['id', 'requestToken']);
      const res = await post(app, { client_id: 'current-key', client_secret: 'current-secret', grant_type: 'password', credtype: 'authtoken', username: target.searchParams.get('id')!, password: target.searchParams.get('requestToken')! });
      expect(res.statusCode, res.body).toBe(200);
    });
  });
});
