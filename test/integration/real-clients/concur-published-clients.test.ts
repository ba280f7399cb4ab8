/* eslint-disable @typescript-eslint/no-explicit-any -- concur-platform and passport-concur ship no types: the tests drive them as the plain JavaScript they are. */
/**
 * Draft: Concur's own published Node clients, unmodified, against a mock (or real) Concur.
 *
 *   concur-platform@0.3.9   (Concur's JS SDK; HTTP through `request`@2.88)
 *   passport-concur@0.2.2   (Concur's Passport strategy; HTTP through `oauth`@0.9.15 = node:http/https)
 *
 * They run against a mock started in this process (startMockConcur, defaults), so what they
 * prove is the mock's default behaviour (issue 18).
 *
 * The packages are pointed at the mock only through their public knobs:
 *   - concur-platform reads process.env.CONCUR_BASE_URI ONCE, when it is first required
 *     (client/utils/utils.js:5), so it is set before the `require` below.
 *   - passport-concur takes `authorizationURL` and `tokenURL` options (lib/strategy.js:107-108).
 * Between the packages and the mock sits a small in-process recording proxy (node:http), so each
 * test can check the request as it was sent (method, path, headers, body) and what the mock said.
 *
 * Test naming:
 *   "[works on Concur]"  should pass against real Concur; a failure here is a mock mismatch.
 *   "[package bug]"      the package is broken whatever the server does; the test pins down what
 *                        it sends and how it fails, and (where the public API allows a workaround)
 *                        what the server should still do with it.
 * Where a package's own bug makes a call fail against Concur too, the test name says
 * "[package bug]" and asserts the documented answer.
 * Mock state is arranged with its control API (POST /_mock/reset, /_mock/request-tokens,
 * /_mock/access-tokens, /_mock/connection-requests, GET /_mock/tokens).
 */
import { createRequire } from 'node:module';
import http from 'node:http';
import domain from 'node:domain';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, startMockConcur } from 'mock-concur';

let mock: Awaited<ReturnType<typeof startMockConcur>>;
let TARGET = '';
let CONTROL = '';
const KEY = DEMO.app.consumerKey;
const SECRET = DEMO.app.consumerSecret;
const ADMIN = { login: DEMO.admin.loginId, password: DEMO.admin.password };
const TRAVELER = DEMO.traveler.loginId;
const CALLBACK = DEMO.app.redirectUri;

// ---------------------------------------------------------------- recording proxy
interface Exchange {
  method: string;
  url: string;
  reqHeaders: Record<string, string>; // as sent (raw names)
  reqBody: string;
  status: number;
  resHeaders: http.IncomingHttpHeaders;
  resBody: string;
}
const exchanges: Exchange[] = [];
let proxy: http.Server;
let BASE = ''; // the proxy's URL: what the packages are pointed at

function startProxy(): Promise<string> {
  const target = new URL(TARGET);
  const lib = http;
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const raw: Record<string, string> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) raw[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
      // Host is passed through so that URLs the mock writes (Instance_Url, URI, NextPage) point back here.
      const up = lib.request({ protocol: target.protocol, host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
        const rc: Buffer[] = [];
        ur.on('data', (c: Buffer) => rc.push(c));
        ur.on('end', () => {
          const rb = Buffer.concat(rc);
          exchanges.push({ method: req.method!, url: req.url!, reqHeaders: raw, reqBody: body.toString(), status: ur.statusCode!, resHeaders: ur.headers, resBody: rb.toString() });
          res.writeHead(ur.statusCode!, ur.headers);
          res.end(rb);
        });
      });
      up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      up.end(body);
    });
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)));
}

/** The last exchange whose method and path (case-insensitive, before '?') match. */
function sent(method: string, path: string | RegExp): Exchange {
  const found = [...exchanges].reverse().find((x) => x.method === method && (typeof path === 'string' ? x.url.split('?')[0]!.toLowerCase() === path.toLowerCase() : path.test(x.url)));
  if (!found) throw new Error(`no ${method} ${path} was sent; saw:\n${exchanges.map((x) => `${x.method} ${x.url}`).join('\n')}`);
  return found;
}
const header = (x: Exchange, name: string): string | undefined => Object.entries(x.reqHeaders).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
const describeAnswer = (x: Exchange): string => `${x.method} ${x.url.replace(/0_[\w-]+/g, '0_…')} → ${x.status} ${x.resBody.slice(0, 200)}`;

// ---------------------------------------------------------------- settling package calls
type Outcome = { kind: 'resolved' | 'rejected' | 'threw' | 'hung'; value: any };
/**
 * Both packages throw from inside their HTTP callbacks (JSON.parse of an empty body, reading
 * Access_Token of an error body): the promise then never settles and the process gets an
 * uncaught exception. A domain catches that throw and reports it as `threw`.
 */
function settle(call: () => Promise<unknown> | void, ms = 3000): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    const d = domain.create();
    const timer = setTimeout(() => resolve({ kind: 'hung', value: undefined }), ms);
    const done = (o: Outcome) => { clearTimeout(timer); resolve(o); };
    d.on('error', (e) => done({ kind: 'threw', value: e }));
    d.run(() => {
      Promise.resolve(call()).then((v) => done({ kind: 'resolved', value: v }), (e) => done({ kind: 'rejected', value: e }));
    });
  });
}
const show = (o: Outcome) => `${o.kind}: ${o.value instanceof Error ? `${o.value.name}: ${o.value.message}` : JSON.stringify(o.value)}`;

// ---------------------------------------------------------------- control API
async function control(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${CONTROL}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
const requestToken = async (loginId = TRAVELER): Promise<string> => (await control('POST', '/_mock/request-tokens', { consumerKey: KEY, loginId })).code;
const accessToken = async (loginId = TRAVELER): Promise<{ token: string; refreshToken: string }> => control('POST', '/_mock/access-tokens', { consumerKey: KEY, loginId });
/** Is `token` still usable? Checked through the mock's own API (never through the packages). */
async function tokenState(token: string): Promise<string> {
  const res = await fetch(`${TARGET}/api/v3.0/common/connectionrequests?limit=1`, { headers: { authorization: `OAuth ${token}`, accept: 'application/json' } });
  return res.status === 401 || res.status === 403 ? 'revoked-or-invalid' : `usable (${res.status})`;
}

// ---------------------------------------------------------------- the packages
const require = createRequire(import.meta.url);
let concur: any;
let ConcurStrategy: any;
let admin: { value: string; instanceUrl: string; expiration: string; refreshToken: string };

beforeAll(async () => {
  mock = await startMockConcur();
  TARGET = mock.url.replace(/\/$/, '');
  CONTROL = TARGET;
  BASE = await startProxy();
  process.env.CONCUR_BASE_URI = BASE; // must precede the first require (utils.js:5 reads it once)
  concur = require('concur-platform');
  ConcurStrategy = require('passport-concur').Strategy;
  expect(concur.utils.serviceURL, 'concur-platform was required before CONCUR_BASE_URI was set').toBe(BASE);
  await control('POST', '/_mock/reset');
  admin = await concur.oauth.native({ username: ADMIN.login, password: ADMIN.password, consumerKey: KEY });
});
afterAll(async () => {
  await new Promise<void>((r) => proxy.close(() => r()));
  await mock?.close();
});
beforeEach(() => { exchanges.length = 0; });

// ================================================================ concur-platform
describe('concur-platform oauth', () => {
  it('[works on Concur] native: GET accesstoken.ashx with Basic + X-ConsumerKey resolves with the mapped token', async () => {
    const o = await settle(() => concur.oauth.native({ username: ADMIN.login, password: ADMIN.password, consumerKey: KEY }));
    const x = sent('GET', '/net2/oauth2/accesstoken.ashx');
    expect(header(x, 'authorization')).toBe(`Basic ${Buffer.from(`${ADMIN.login}:${ADMIN.password}`).toString('base64')}`);
    expect(header(x, 'x-consumerkey')).toBe(KEY);
    expect(header(x, 'accept')).toBe('application/json');
    expect(header(x, 'content-type')).toBeUndefined();
    expect(x.reqBody).toBe('');
    expect(o.kind, show(o)).toBe('resolved');
    // nativeFlow.js:35-38 reads Access_Token.{Token, Instance_Url, Expiration_date, Refresh_Token}
    expect(o.value).toMatchObject({ value: expect.any(String), instanceUrl: expect.stringMatching(/^https?:\/\//), expiration: expect.stringMatching(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/), refreshToken: expect.any(String) });
  });

  it.each([
    ['a wrong password', ADMIN.login, 'wrong', KEY],
    ['an unknown user', 'ghost@demo.example', ADMIN.password, KEY],
    ['an unknown consumer key', ADMIN.login, ADMIN.password, 'no-such-key'],
  ])('[works on Concur] native with %s rejects with 403, as the SDK\'s own tests expect', async (_what, username, password, consumerKey) => {
    const o = await settle(() => concur.oauth.native({ username, password, consumerKey }));
    expect(o.kind, show(o)).toBe('rejected');
    expect(o.value.error).toMatch(/returned HTTP status code 403$/);
  });

  it('[works on Concur] appCenter: GET getaccesstoken.ashx?code=&client_id=&client_secret= resolves with the mapped token', async () => {
    const code = await requestToken();
    const o = await settle(() => concur.oauth.appCenter({ code, client_id: KEY, client_secret: SECRET }));
    const x = sent('GET', '/net2/oauth2/getaccesstoken.ashx');
    expect(x.url).toBe(`/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${KEY}&client_secret=${SECRET}`);
    expect(header(x, 'accept')).toBe('application/json');
    expect(o.kind, show(o)).toBe('resolved');
    expect(o.value).toMatchObject({ value: expect.any(String), refreshToken: expect.any(String), instanceUrl: expect.any(String), expiration: expect.any(String) });
  });

  it('[works on Concur] appCenter with a used code rejects (non-200)', async () => {
    const code = await requestToken();
    await concur.oauth.appCenter({ code, client_id: KEY, client_secret: SECRET });
    const o = await settle(() => concur.oauth.appCenter({ code, client_id: KEY, client_secret: SECRET }));
    expect(o.kind, show(o)).toBe('rejected');
    expect(o.value.error).toMatch(/returned HTTP status code 4\d\d$/);
  });

  it('[package bug] refreshToken sends POST …/getaccesstoken.ashx??refresh_token= (doubled "?"), JSON content type, empty body', async () => {
    const { refreshToken } = await accessToken();
    const o = await settle(() => concur.oauth.refreshToken({ refreshToken, client_id: KEY, client_secret: SECRET, oauthToken: admin.value }));
    const x = sent('POST', '/net2/oauth2/getaccesstoken.ashx');
    // refreshToken.js:4 ends the base with '?', and :8 adds another: the parameter is named "?refresh_token".
    expect(x.url).toBe(`/net2/oauth2/getaccesstoken.ashx??refresh_token=${refreshToken}&client_id=${KEY}&client_secret=${SECRET}`);
    expect(header(x, 'content-type')).toBe('application/json');
    expect(header(x, 'content-length')).toBe('0');
    expect(header(x, 'transfer-encoding')).toBeUndefined();
    expect(header(x, 'authorization')).toBe(`OAuth ${admin.value}`);
    expect(o.kind, `${show(o)}\n${describeAnswer(x)}`).toBe('rejected');
    // "?refresh_token" is not refresh_token: a 400 for the missing code/refresh_token, as Concur would.
    expect(x.status, describeAnswer(x)).toBe(400);
  });

  it('[works on Concur] refresh by POST, as the SDK does it, once its doubled "?" is worked around through the public API', async () => {
    // The refresh token is interpolated raw (refreshToken.js:8), so appending "&refresh_token=…"
    // gives the server a well-named parameter beside the mangled "?refresh_token".
    const { refreshToken } = await accessToken();
    const o = await settle(() => concur.oauth.refreshToken({ refreshToken: `${refreshToken}&refresh_token=${refreshToken}`, client_id: KEY, client_secret: SECRET, oauthToken: admin.value }));
    const x = sent('POST', '/net2/oauth2/getaccesstoken.ashx');
    // Concur ignores a body it does not need, and its Passport strategy and SDK both POST here.
    expect(o.kind, `${show(o)}\n${describeAnswer(x)}`).toBe('resolved');
    // utils.js:67 resolves with the raw body: no mapping to {value, refreshToken} as native/appCenter do.
    expect(o.value.Access_Token.Token).toEqual(expect.any(String));
  });

  it('[package bug] revokeToken({token}) puts options.revokeToken into "??token=" (and needs both options)', async () => {
    const user = await accessToken();
    const o = await settle(() => concur.oauth.revokeToken({ oauthToken: admin.value, token: user.token, revokeToken: user.token }));
    const x = sent('POST', '/net2/oauth2/revoketoken.ashx');
    expect(x.url).toBe(`/net2/oauth2/revoketoken.ashx??token=${user.token}`); // revokeToken.js:4 + :10
    expect(header(x, 'content-type')).toBe('application/json');
    expect(header(x, 'content-length')).toBe('0');
    expect(header(x, 'authorization')).toBe(`OAuth ${admin.value}`);
    expect(o.kind, `${show(o)}\n${describeAnswer(x)}`).not.toBe('resolved');
  });

  it('[works on Concur] revoke by token (doubled "?" worked around) revokes it; the SDK then chokes on the empty 200', async () => {
    const user = await accessToken();
    const o = await settle(() => concur.oauth.revokeToken({ oauthToken: admin.value, token: true, revokeToken: `${user.token}&token=${user.token}` }));
    const x = sent('POST', '/net2/oauth2/revoketoken.ashx');
    // Concur ignores Content-Type: application/json on a request without a body.
    expect(x.status, describeAnswer(x)).toBe(200);
    expect(await tokenState(user.token)).toBe('revoked-or-invalid');
    // utils.js:62 JSON.parse('') on the documented empty body: a throw from the callback, never a settle.
    expect(o.kind, show(o)).toBe('threw');
  });

  it('[package bug] revokeToken by user sends "??client_id=&user=" where Concur documents consumerKey=&user=', async () => {
    const o = await settle(() => concur.oauth.revokeToken({ oauthToken: admin.value, client_id: KEY, loginId: TRAVELER }));
    const x = sent('POST', '/net2/oauth2/revoketoken.ashx');
    expect(x.url).toBe(`/net2/oauth2/revoketoken.ashx??client_id=${KEY}&user=${TRAVELER}`); // revokeToken.js:12
    expect(o.kind, `${show(o)}\n${describeAnswer(x)}`).not.toBe('resolved');
    // Without token or consumerKey the documented answer is a 400 naming the missing parameter.
    expect(x.status, describeAnswer(x)).toBe(400);
  });

  it('[works on Concur] revoke by user (consumerKey added through the raw loginId) revokes the user\'s tokens', async () => {
    const user = await accessToken();
    await settle(() => concur.oauth.revokeToken({ oauthToken: admin.value, client_id: KEY, loginId: `${TRAVELER}&consumerKey=${KEY}` }));
    const x = sent('POST', '/net2/oauth2/revoketoken.ashx');
    expect(x.status, describeAnswer(x)).toBe(200);
    expect(await tokenState(user.token)).toBe('revoked-or-invalid');
  });
});

describe('concur-platform connectionRequests (v3.0)', () => {
  it('[works on Concur] get: GET /api/v3.0/common/connectionrequests?limit=2 resolves with the parsed page', async () => {
    const o = await settle(() => concur.connectionRequests.get({ oauthToken: admin.value, queryParameters: { limit: 2 } }));
    const x = sent('GET', '/api/v3.0/common/connectionrequests');
    expect(x.url).toBe('/api/v3.0/common/connectionrequests?limit=2');
    expect(header(x, 'authorization')).toBe(`OAuth ${admin.value}`);
    expect(header(x, 'accept')).toBe('application/json');
    expect(o.kind, show(o)).toBe('resolved');
    expect(o.value.Items).toHaveLength(2);
    expect(o.value.Items[0]).toMatchObject({ ID: expect.any(String), RequestToken: expect.any(String), Status: 'Pending' });
    expect(o.value).toHaveProperty('NextPage');
  });

  it('[works on Concur] get by id: GET …/connectionrequests/{id} resolves with the request', async () => {
    const page = await concur.connectionRequests.get({ oauthToken: admin.value, queryParameters: { limit: 1 } });
    const id = page.Items[0].ID;
    const o = await settle(() => concur.connectionRequests.get({ oauthToken: admin.value, id }));
    expect(sent('GET', `/api/v3.0/common/connectionrequests/${id}`).url).toBe(`/api/v3.0/common/connectionrequests/${id}`);
    expect(o.kind, show(o)).toBe('resolved');
    expect(o.value.ID).toBe(id);
  });

  it('[works on Concur, per the SDK] put: PUT …/{id} {"Status":"CRSUC"} resolves on 204', async () => {
    const page = await concur.connectionRequests.get({ oauthToken: admin.value, queryParameters: { limit: 1 } });
    const id = page.Items[0].ID;
    const o = await settle(() => concur.connectionRequests.put({ oauthToken: admin.value, id, body: { Status: 'CRSUC' } }));
    const x = sent('PUT', `/api/v3.0/common/connectionrequests/${id}`);
    expect(header(x, 'content-type')).toBe('application/json');
    expect(header(x, 'content-length')).toBe(String(Buffer.byteLength(x.reqBody)));
    expect(x.reqBody).toBe('{"Status":"CRSUC"}');
    // utils.js:139 resolves only on 204; anything else JSON.parses the body (:142), so an empty 200 throws.
    expect(o.kind, `${show(o)}\n${describeAnswer(x)}`).toBe('resolved');
    expect(o.value).toBe(204);
    expect((await control('GET', `/_mock/connection-requests/${id}`)).status).toBe('Connected');
  });

  it('[package bug] send (create): POST …/connectionrequests can never carry ?user= (utils.send ignores queryParameters)', async () => {
    const o = await settle(() => concur.connectionRequests.send({ oauthToken: admin.value, queryParameters: { user: TRAVELER }, body: {} }));
    const x = sent('POST', '/api/v3.0/common/connectionrequests');
    expect(x.url).toBe('/api/v3.0/common/connectionrequests');
    expect(x.reqBody).toBe('{}');
    expect(o.kind, `${show(o)}\n${describeAnswer(x)}`).toBe('rejected');
    expect(x.status).toBe(400);
  });

  it('[works on Concur] send without a body: the server should complain about the missing user, not about the empty JSON body', async () => {
    const o = await settle(() => concur.connectionRequests.send({ oauthToken: admin.value }));
    const x = sent('POST', '/api/v3.0/common/connectionrequests');
    expect(header(x, 'content-type')).toBe('application/json');
    expect(header(x, 'content-length')).toBe('0');
    expect(o.kind).toBe('rejected');
    // JSON errors come wrapped in Error, as the status-code page describes and clients read them.
    expect(JSON.parse(x.resBody).Error.Message, describeAnswer(x)).toMatch(/user/i);
  });

  it('[works on Concur, per the SDK] delete: DELETE …/{id} ("Oauth" scheme, no body) resolves on 204', async () => {
    const { ids } = await control('POST', '/_mock/connection-requests', { loginId: TRAVELER });
    const id = ids[0];
    const o = await settle(() => concur.connectionRequests.delete({ oauthToken: admin.value, id }));
    const x = sent('DELETE', `/api/v3.0/common/connectionrequests/${id}`);
    expect(header(x, 'authorization')).toBe(`Oauth ${admin.value}`); // utils.js:11, lower-case "a"
    expect(header(x, 'content-type')).toBeUndefined();
    expect(x.reqBody).toBe('');
    expect(o.kind, `${show(o)}\n${describeAnswer(x)}`).toBe('resolved');
    expect(o.value).toBe(204);
  });
});

// ================================================================ passport-concur
function strategy(verify: (...args: any[]) => void, extra: Record<string, unknown> = {}) {
  return new ConcurStrategy({ clientID: KEY, clientSecret: SECRET, callbackURL: CALLBACK, authorizationURL: `${BASE}/net2/oauth2/Login.aspx`, tokenURL: `${BASE}/net2/oauth2/GetAccessToken.ashx`, ...extra }, verify);
}
/** Runs Strategy#authenticate the way Passport does, turning success/fail/error/redirect into a promise. */
function authenticate(s: any, query: Record<string, string>): Promise<{ how: string; value: any }> {
  return new Promise((resolve, reject) => {
    Object.assign(s, {
      success: (user: unknown, info: unknown) => resolve({ how: 'success', value: { user, info } }),
      fail: (challenge: unknown, status?: number) => resolve({ how: 'fail', value: { challenge, status } }),
      redirect: (url: string) => resolve({ how: 'redirect', value: url }),
      error: (e: unknown) => reject(e),
    });
    s.authenticate({ query, headers: { host: '127.0.0.1:3000' }, connection: {}, url: '/concur/callback' });
  });
}

describe('passport-concur', () => {
  it('[works on Concur] the authorization step redirects to Login.aspx?response_type=code&redirect_uri=&scope=&client_id=, which the server serves', async () => {
    const r = await authenticate(strategy((_a: string, _r: string, _p: unknown, done: any) => done(null, {}), { scope: 'CONREQ' }), {});
    expect(r.how).toBe('redirect');
    const url = new URL(r.value);
    expect(url.pathname).toBe('/net2/oauth2/Login.aspx');
    expect(Object.fromEntries(url.searchParams)).toEqual({ response_type: 'code', redirect_uri: CALLBACK, scope: 'CONREQ', client_id: KEY });
    const page = await fetch(r.value, { redirect: 'manual' });
    expect([200, 302, 303]).toContain(page.status);
  });

  it('[works on Concur] code exchange: POST GetAccessToken.ashx?<params> with the same params form-encoded reaches verify with the tokens', async () => {
    const code = await requestToken();
    let seen: any[] = [];
    const s = strategy((accessToken: string, refreshToken: string, params: unknown, profile: unknown, done: any) => {
      seen = [accessToken, refreshToken, params, profile];
      done(null, { accessToken });
    });
    const o = await settle(() => authenticate(s, { code }));
    const x = sent('POST', '/net2/oauth2/GetAccessToken.ashx');
    const expected = `grant_type=authorization_code&redirect_uri=${encodeURIComponent(CALLBACK)}&client_id=${KEY}&client_secret=${SECRET}&code=${code}`;
    expect(x.url).toBe(`/net2/oauth2/GetAccessToken.ashx?${expected}`);
    expect(x.reqBody).toBe(expected);
    expect(header(x, 'content-type')).toBe('application/x-www-form-urlencoded');
    expect(header(x, 'accept')).toBe('application/json');
    expect(header(x, 'content-length')).toBe(String(Buffer.byteLength(expected)));
    expect(header(x, 'user-agent')).toBe('Node-oauth');
    expect(o.kind, `${show(o)}\n${describeAnswer(x)}`).toBe('resolved');
    expect(o.value.how).toBe('success');
    expect(seen[0]).toEqual(expect.any(String));
    expect(seen[1]).toEqual(expect.any(String));
    // strategy.js:45 calls back with 6 arguments into a 4-parameter function (:199): `params`
    // receives Instance_Url (a string), and the expiration date never reaches verify.
    expect(seen[2]).toEqual(expect.stringMatching(/^https?:\/\//));
  });

  it('[works on Concur] code exchange with a used code ends in error (statusCode 400 from the server)', async () => {
    const code = await requestToken();
    const first = await settle(() => authenticate(strategy((_a: string, _r: string, _p: unknown, done: any) => done(null, {})), { code }));
    const o = await settle(() => authenticate(strategy((_a: string, _r: string, _p: unknown, done: any) => done(null, {})), { code }));
    expect(o.kind, `first: ${show(first)}; second: ${show(o)}`).toBe('rejected');
    // parseErrorResponse (strategy.js:303-306) looks for OAuth's lower-case `error`: Concur's
    // `Message` is never surfaced, so this is always an InternalOAuthError wrapping {statusCode, data}.
    expect(o.value.name).toBe('InternalOAuthError');
    expect(o.value.oauthError.statusCode, JSON.stringify(o.value.oauthError)).toBe(400);
  });
});
