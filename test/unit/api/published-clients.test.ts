/**
 * Issue 18: what published Concur clients send and expect, and what Concur's HTTP status-code
 * page says, by default — and each alternative reading behind its switch.
 */
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { basic, concurError, DEMO, json, mockConcur, nativeToken, oauth, parseXml } from '../../support/mock.js';

let app: FastifyInstance;
afterEach(async () => app?.close());

const code = async (loginId: string = DEMO.traveler.loginId) => (await json<{ code: string }>(app, { method: 'POST', url: '/_mock/request-tokens', payload: { consumerKey: DEMO.app.consumerKey, loginId } })).body.code;
const userToken = async () => (await json<{ token: string; refreshToken: string }>(app, { method: 'POST', url: '/_mock/access-tokens', payload: { consumerKey: DEMO.app.consumerKey, loginId: DEMO.traveler.loginId } })).body;
const firstId = async (admin: string) => (await json<{ Items: { ID: string }[] }>(app, { url: '/api/v3.2/common/connectionrequests?limit=1', headers: oauth(admin) })).body.Items[0]!.ID;
const creds = `client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}`;

describe('1. no body is not a bad body', () => {
  it.each(['application/json', 'application/xml', 'application/x-www-form-urlencoded', 'text/plain'])('revokes with Content-Type %s and Content-Length 0', async (type) => {
    app = await mockConcur();
    const admin = (await nativeToken(app)).token;
    const victim = await userToken();
    const res = await app.inject({ method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=${victim.token}`, headers: { ...oauth(admin), 'content-type': type, 'content-length': '0' } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await app.inject({ url: '/api/v3.2/common/connectionrequests', headers: oauth(victim.token) })).statusCode).toBe(403);
  });

  it('creates with POST ?user= and deletes in v3.0 under Content-Type: application/json and no body', async () => {
    app = await mockConcur();
    const admin = (await nativeToken(app)).token;
    const empty = { ...oauth(admin), 'content-type': 'application/json', 'content-length': '0', accept: 'application/json' };
    const created = await app.inject({ method: 'POST', url: `/api/v3.0/common/connectionrequests?user=${DEMO.traveler.loginId}`, headers: empty });
    expect(created.statusCode, created.body).toBe(200);
    const del = await app.inject({ method: 'DELETE', url: `/api/v3.0/common/connectionrequests/${created.json<{ ID: string }>().ID}`, headers: empty });
    expect(del.statusCode, del.body).toBe(204);
    const refresh = await app.inject({ method: 'POST', url: `/net2/oauth2/getaccesstoken.ashx?refresh_token=${(await userToken()).refreshToken}&${creds}`, headers: { 'content-type': 'application/json', 'content-length': '0' } });
    expect(refresh.statusCode, refresh.body).toBe(200);
  });

  it('still says what is missing: POST without ?user= names user, PUT without a body asks for one', async () => {
    app = await mockConcur();
    const admin = (await nativeToken(app)).token;
    const empty = { ...oauth(admin), 'content-type': 'application/json', 'content-length': '0' };
    expect(concurError(await app.inject({ method: 'POST', url: '/api/v3.0/common/connectionrequests', headers: empty })).Message).toMatch(/user/);
    expect(concurError(await app.inject({ method: 'PUT', url: `/api/v3.2/common/connectionrequests/${await firstId(admin)}`, headers: empty })).Message).toMatch(/body with the status code is required/);
  });
});

describe('2. POST on the legacy token endpoints', () => {
  it('exchanges a code by POST with the parameters in the query and repeated in a form body (passport-concur)', async () => {
    app = await mockConcur();
    const c = await code();
    const params = `grant_type=authorization_code&redirect_uri=${encodeURIComponent(DEMO.app.redirectUri)}&${creds}&code=${c}`;
    const res = await app.inject({ method: 'POST', url: `/NET2/OAuth2/GetAccessToken.ashx?${params}`, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, payload: params });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ Access_Token: { Token: string } }>().Access_Token.Token).toMatch(/^\S+$/);
  });

  it('takes the parameters from a form body alone, and refreshes by POST', async () => {
    app = await mockConcur();
    const res = await app.inject({ method: 'POST', url: '/net2/oauth2/getaccesstoken.ashx', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `code=${await code()}&${creds}` });
    expect(res.statusCode, res.body).toBe(200);
    const { refreshToken } = await userToken();
    expect((await app.inject({ method: 'POST', url: `/net2/oauth2/getaccesstoken.ashx?refresh_token=${refreshToken}&${creds}` })).statusCode).toBe(200);
  });

  it('refuses a body that contradicts the query, and answers the Native flow by POST', async () => {
    app = await mockConcur();
    const c = await code();
    const res = await app.inject({ method: 'POST', url: `/net2/oauth2/getaccesstoken.ashx?code=${c}&${creds}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `code=other&${creds}` });
    expect(res.statusCode).toBe(400);
    expect(concurError(res).Message).toMatch(/code.*more than once/);
    const native = await app.inject({ method: 'POST', url: '/net2/oauth2/accesstoken.ashx', headers: { authorization: basic(DEMO.admin.loginId, DEMO.admin.password), 'x-consumerkey': DEMO.app.consumerKey } });
    expect(native.statusCode).toBe(200);
  });

  it('never answers 500 or a token to random POST bodies and queries', async () => {
    app = await mockConcur();
    const names = fc.constantFrom('code', 'CODE', 'client_id', 'client_secret', 'refresh_token', 'grant_type', 'redirect_uri', '__proto__', 'constructor');
    const pair = fc.tuple(names, fc.string({ maxLength: 20 }));
    const enc = (pairs: [string, string][]) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { maxLength: 5 }), fc.array(pair, { maxLength: 5 }), fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain'), fc.boolean(), async (query, body, type, jsonAccept) => {
        const payload = type === 'application/json' ? JSON.stringify(Object.fromEntries(body)) : enc(body);
        const res = await app.inject({ method: 'POST', url: `/net2/oauth2/getaccesstoken.ashx?${enc(query)}`, headers: { 'content-type': type, ...(jsonAccept ? { accept: 'application/json' } : {}) }, payload });
        expect([400, 401, 415], res.body).toContain(res.statusCode);
        expect(concurError(res).Message.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });
});

describe('3. v3.0/v3.1 PUT and DELETE', () => {
  it('answer 204 No Content by default', async () => {
    app = await mockConcur();
    const admin = (await nativeToken(app)).token;
    for (const v of ['3.0', '3.1']) {
      const res = await app.inject({ method: 'PUT', url: `/api/v${v}/common/connectionrequests/${await firstId(admin)}`, headers: { ...oauth(admin), 'content-type': 'application/json' }, payload: { Status: 'CRSUC' } });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
    }
  });

  it('answer 200 with the Swagger Void and its Content-Type with legacyWriteStatus 200, never an empty 200', async () => {
    app = await mockConcur({ legacyWriteStatus: 200 });
    const admin = (await nativeToken(app)).token;
    const put = (accept?: string) => firstId(admin).then((id) => app.inject({ method: 'PUT', url: `/api/v3.0/common/connectionrequests/${id}`, headers: { ...oauth(admin), 'content-type': 'application/json', ...(accept ? { accept } : {}) }, payload: { Status: 'CRSUC' } }));
    const asJson = await put('application/json');
    expect([asJson.statusCode, asJson.headers['content-type'], asJson.body]).toEqual([200, 'application/json; charset=utf-8', '{}']);
    const asXml = await put();
    expect([asXml.statusCode, asXml.headers['content-type'], asXml.body]).toEqual([200, 'application/xml; charset=utf-8', '<Void></Void>']);
    const created = await json<{ ID: string }>(app, { method: 'POST', url: `/api/v3.0/common/connectionrequests?user=${DEMO.traveler.loginId}`, headers: oauth(admin) });
    const del = await app.inject({ method: 'DELETE', url: `/api/v3.0/common/connectionrequests/${created.body.ID}`, headers: { ...oauth(admin), accept: 'application/json' } });
    expect([del.statusCode, del.body]).toEqual([200, '{}']);
    // v3.2 documents 204 whatever the switch.
    expect((await app.inject({ method: 'PUT', url: `/api/v3.2/common/connectionrequests/${await firstId(admin)}`, headers: { ...oauth(admin), 'content-type': 'application/json' }, payload: { status: 'CRSUC' } })).statusCode).toBe(204);
  });
});

describe('4. 401 only without Authorization; 403 when it fails validation', () => {
  it.each([403, 401] as const)('answers %s for unknown, expired, revoked and malformed tokens and bad Native-flow credentials', async (status) => {
    app = await mockConcur(status === 401 ? { authFailureStatus: 401 } : {});
    const url = '/api/v3.2/common/connectionrequests';
    expect((await app.inject({ url })).statusCode).toBe(401);
    const revoked = (await json<{ token: string }>(app, { method: 'POST', url: '/_mock/access-tokens', payload: { consumerKey: DEMO.app.consumerKey, loginId: DEMO.admin.loginId, revoked: true } })).body.token;
    for (const authorization of ['OAuth 0_unknown', `OAuth ${revoked}`, 'Token abc']) {
      const res = await app.inject({ url, headers: { authorization } });
      expect(res.statusCode, authorization).toBe(status);
      expect(res.headers['www-authenticate'] !== undefined).toBe(status === 401);
    }
    const native = (authorization: string | undefined, key: string = DEMO.app.consumerKey) => app.inject({ url: '/net2/oauth2/accesstoken.ashx', headers: { ...(authorization ? { authorization } : {}), 'x-consumerkey': key } }).then((r) => r.statusCode);
    expect(await native(basic(DEMO.admin.loginId, 'wrong'))).toBe(status);
    expect(await native(basic('ghost@demo.example', 'demo-password'))).toBe(status);
    expect(await native(basic(DEMO.admin.loginId, DEMO.admin.password), 'no-such-key')).toBe(status);
    expect(await native(undefined)).toBe(401);
  });

  it('keeps 403 for a wrong role or scope under either switch', async () => {
    app = await mockConcur({ authFailureStatus: 401 });
    const traveler = (await nativeToken(app, DEMO.traveler.loginId, DEMO.app.consumerKey, DEMO.traveler.password)).token;
    const res = await app.inject({ url: '/api/v3.2/common/connectionrequests', headers: oauth(traveler) });
    expect(res.statusCode).toBe(403);
    expect(concurError(res).Message).toMatch(/Administrator role/);
  });
});

describe('5. JSON errors wrapped as the XML is', () => {
  it('wraps by default on the OAuth and v3 endpoints; flat with jsonErrors flat; the control API is flat', async () => {
    app = await mockConcur();
    const wrapped = await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=0_nope&${creds}`, headers: { accept: 'application/json' } });
    expect(Object.keys(wrapped.json())).toEqual(['Error']);
    expect(Object.keys(wrapped.json<{ Error: object }>().Error)).toEqual(['Message', 'Server-Time', 'Id']);
    expect(Object.keys((await app.inject({ url: '/api/v3.2/common/connectionrequests', headers: { accept: 'application/json' } })).json())).toEqual(['Error']);
    expect(Object.keys((await app.inject({ method: 'POST', url: '/_mock/clock/advance', payload: { seconds: -1 } })).json())).toEqual(['Message', 'Server-Time', 'Id']);
    await app.close();
    app = await mockConcur({ jsonErrors: 'flat' });
    const flat = await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=0_nope&${creds}`, headers: { accept: 'application/json' } });
    expect(Object.keys(flat.json())).toEqual(['Message', 'Server-Time', 'Id']);
    // XML is the same under both.
    expect(Object.keys(parseXml((await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=0_nope&${creds}` }))))).toEqual(['Error']);
  });
});

describe('6. chunked bodies', () => {
  it('are refused with 400 by default, and accepted with allowChunked', async () => {
    app = await mockConcur();
    const admin = (await nativeToken(app)).token;
    const victim = await userToken();
    const chunked = { ...oauth(admin), 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' };
    const res = await app.inject({ method: 'POST', url: '/net2/oauth2/revoketoken.ashx', headers: chunked, payload: `token=${victim.token}` });
    expect(res.statusCode).toBe(400);
    expect(concurError(res).Message).toBe('Concur does not support Chunked Transfer-Encoding');
    await app.close();
    app = await mockConcur({ allowChunked: true });
    const admin2 = (await nativeToken(app)).token;
    const v2 = await userToken();
    expect((await app.inject({ method: 'POST', url: '/net2/oauth2/revoketoken.ashx', headers: { ...chunked, ...oauth(admin2) }, payload: `token=${v2.token}` })).statusCode).toBe(200);
  });

  it('are refused over real HTTP too (a streamed fetch body)', async () => {
    app = await mockConcur();
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const admin = (await nativeToken(app)).token;
    const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('{"status":"CRSUC"}')), c.close()) });
    const res = await fetch(`${address}/api/v3.2/common/connectionrequests/${await firstId(admin)}`, { method: 'PUT', headers: { ...oauth(admin), 'content-type': 'application/json', accept: 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Error: { Message: string } }).Error.Message).toMatch(/Chunked/);
  });
});

describe('7. v3.2 POST ?user= for a user with an open request', () => {
  it('answers 409 Conflict in v3.2 and 400 in v3.0/v3.1', async () => {
    app = await mockConcur();
    const admin = (await nativeToken(app)).token;
    const post = (v: string) => app.inject({ method: 'POST', url: `/api/v${v}/common/connectionrequests?user=${DEMO.traveler.loginId}`, headers: oauth(admin) }).then((r) => r.statusCode);
    expect(await post('3.2')).toBe(200);
    expect(await post('3.2')).toBe(409);
    expect(await post('3.1')).toBe(400);
    expect(await post('3.0')).toBe(400);
  });
});

describe('9. doubled slashes', () => {
  it('routes //api/v3.2/… and //net2/… like the single-slash paths', async () => {
    app = await mockConcur();
    const admin = (await nativeToken(app)).token;
    expect((await app.inject({ url: '//api/v3.2/common/connectionrequests?limit=1', headers: oauth(admin) })).statusCode).toBe(200);
    expect((await app.inject({ url: `//api/v3.2//common/connectionrequests/${await firstId(admin)}`, headers: oauth(admin) })).statusCode).toBe(200);
    expect((await app.inject({ url: `//net2/oauth2/getaccesstoken.ashx?code=${await code()}&${creds}` })).statusCode).toBe(200);
    expect((await app.inject({ url: '//_mock/health' })).statusCode).toBe(200);
  });
});
