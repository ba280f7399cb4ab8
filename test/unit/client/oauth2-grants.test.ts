import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConcurError,
  ConcurHttpError,
  createConcurClient,
  ForbiddenError,
  MalformedResponseError,
  RequestTokenExpiredError,
  tokenFlow,
  UnauthorizedError,
  type AccessToken,
  type ConcurClientInput,
} from 'concur-partner-client';

const BASE = 'https://us.api.concursolutions.test';
const EMEA = 'https://emea.api.concursolutions.test';
const NOW = Date.UTC(2026, 11, 1, 9, 0, 0);
const CORRELATION = '0123456789abcdef0123456789abcdef';
const noWait = async (_ms: number, signal?: AbortSignal) => {
  if (signal?.aborted) throw signal.reason;
};
// nock intercepts fetch and http.request, not undici's pools: these wire-level cases run on the
// fetch transport; the undici one meets the same cases against real servers (test/integration/client,
// test/unit/client/transports.test.ts), and both share send(), which parses and types every answer.
const make = (extra: Partial<ConcurClientInput> = {}) => createConcurClient({ baseUrl: BASE, consumerKey: 'app-id', consumerSecret: 'app-secret', sleep: noWait, now: () => NOW, transport: 'fetch', ...extra });
const headers = { 'Content-Type': 'application/json', 'concur-correlationid': CORRELATION };

/** A success body with the keys in the order a real call prints them. */
const userBody = (over: Record<string, unknown> = {}) => ({
  expires_in: 3600,
  scope: 'CONREQ USER',
  token_type: 'Bearer',
  access_token: 'eyJ.access.jwt',
  refresh_token: '9c3f1e0a-1111-4222-8333-444455556666',
  refresh_expires_in: 1_796_000_000,
  geolocation: EMEA,
  id_token: 'eyJ.id.jwt',
  ...over,
});
const form = (body: unknown) => Object.fromEntries(new URLSearchParams(String(body)));

describe('OAuth 2.0 grants (POST /oauth2/v0/token)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('passwordLogin sends the password grant form-encoded and reads one AccessToken', async () => {
    let sent: Record<string, string> = {};
    const scope = nock(BASE)
      .post('/oauth2/v0/token', (body) => ((sent = form(new URLSearchParams(body as Record<string, string>))), true))
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .matchHeader('accept', 'application/json')
      .reply(200, userBody(), headers);
    const token = await make().passwordLogin('traveler@demo.example', 'pw');
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual({ client_id: 'app-id', client_secret: 'app-secret', grant_type: 'password', username: 'traveler@demo.example', password: 'pw' });
    expect(token).toEqual<AccessToken>({
      token: 'eyJ.access.jwt',
      refreshToken: '9c3f1e0a-1111-4222-8333-444455556666',
      expiresAt: new Date(NOW + 3_600_000),
      instanceUrl: EMEA,
      flow: 'oauth2',
      scope: 'CONREQ USER',
      idToken: 'eyJ.id.jwt',
      refreshExpiresAt: new Date(1_796_000_000 * 1000),
    });
    expect(tokenFlow(token)).toBe('oauth2');
  });

  it('reads expires_in printed as a string too', async () => {
    nock(BASE).post('/oauth2/v0/token').reply(200, userBody({ expires_in: '3600' }), headers);
    expect((await make().passwordLogin('u', 'p')).expiresAt).toEqual(new Date(NOW + 3_600_000));
  });

  it('exchangeAuthToken sends credtype=authtoken with the user id and the request token', async () => {
    let sent: Record<string, string> = {};
    nock(BASE)
      .post('/oauth2/v0/token', (body) => ((sent = body as Record<string, string>), true))
      .reply(200, userBody(), headers);
    const token = await make().exchangeAuthToken('0f0e-user-id', 'request-token-1');
    expect(sent).toMatchObject({ grant_type: 'password', credtype: 'authtoken', username: '0f0e-user-id', password: 'request-token-1' });
    expect(token.refreshToken).not.toBeNull();
  });

  it('exchangeAuthToken is never retried, even after a 503', async () => {
    const scope = nock(BASE).post('/oauth2/v0/token').reply(503, { error: 'temporarily_unavailable', error_description: 'busy', code: 0 }, headers);
    const second = nock(BASE).post('/oauth2/v0/token').reply(200, userBody(), headers);
    await expect(make().exchangeAuthToken('u', 'rt')).rejects.toThrow(ConcurHttpError);
    expect(scope.isDone()).toBe(true);
    expect(second.isDone()).toBe(false);
  });

  it('clientCredentials gets an application token: no refresh token, no id token', async () => {
    let sent: Record<string, string> = {};
    nock(BASE)
      .post('/oauth2/v0/token', (body) => ((sent = body as Record<string, string>), true))
      .reply(200, { expires_in: 3600, scope: 'CONREQ', token_type: 'Bearer', access_token: 'app.jwt', geolocation: BASE }, headers);
    const token = await make().clientCredentials();
    expect(sent).toEqual({ client_id: 'app-id', client_secret: 'app-secret', grant_type: 'client_credentials' });
    expect(token).toEqual({ token: 'app.jwt', refreshToken: null, expiresAt: new Date(NOW + 3_600_000), instanceUrl: BASE, flow: 'oauth2', scope: 'CONREQ' });
  });

  it('clientCredentials is retried through a 503', async () => {
    nock(BASE).post('/oauth2/v0/token').reply(503, { error: 'temporarily_unavailable', error_description: 'busy', code: 0 }, headers);
    nock(BASE).post('/oauth2/v0/token').reply(200, userBody(), headers);
    expect((await make().clientCredentials()).token).toBe('eyJ.access.jwt');
  });

  it('refresh returns the rotated refresh token and goes to the token’s geolocation', async () => {
    let sent: Record<string, string> = {};
    const emea = nock(EMEA)
      .post('/oauth2/v0/token', (body) => ((sent = body as Record<string, string>), true))
      .reply(200, userBody({ access_token: 'new.jwt', refresh_token: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' }), headers);
    const old: AccessToken = { token: 'old.jwt', refreshToken: 'old-refresh', expiresAt: new Date(NOW), instanceUrl: EMEA, flow: 'oauth2' };
    const renewed = await make().refresh(old, { scope: 'CONREQ' });
    expect(emea.isDone()).toBe(true);
    expect(sent).toEqual({ client_id: 'app-id', client_secret: 'app-secret', grant_type: 'refresh_token', refresh_token: 'old-refresh', scope: 'CONREQ' });
    expect(renewed.refreshToken).toBe('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
    expect(renewed.token).toBe('new.jwt');
  });

  it('refresh of a bare refresh-token string goes to baseUrl, and a token without one is refused without a call', async () => {
    const scope = nock(BASE).post('/oauth2/v0/token').reply(200, userBody(), headers);
    await make().refresh('r1');
    expect(scope.isDone()).toBe(true);
    await expect(make().refresh({ token: 'app', refreshToken: null, expiresAt: new Date(), instanceUrl: BASE, flow: 'oauth2' })).rejects.toThrow(ConcurError);
  });

  it('an explicit geolocation wins for the grants', async () => {
    const scope = nock(EMEA).post('/oauth2/v0/token').reply(200, userBody(), headers);
    await make().exchangeAuthToken('u', 'rt', { geolocation: `${EMEA}/` });
    expect(scope.isDone()).toBe(true);
  });

  it('authorizationCode sends code and redirect_uri, and is not retried', async () => {
    let sent: Record<string, string> = {};
    nock(BASE)
      .post('/oauth2/v0/token', (body) => ((sent = body as Record<string, string>), true))
      .reply(200, userBody(), headers);
    await make().authorizationCode('the-code', 'http://127.0.0.1:3000/concur/callback');
    expect(sent).toMatchObject({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'http://127.0.0.1:3000/concur/callback' });
    nock(BASE).post('/oauth2/v0/token').replyWithError({ code: 'ECONNRESET' });
    const retried = nock(BASE).post('/oauth2/v0/token').reply(200, userBody(), headers);
    await expect(make().authorizationCode('c', 'r')).rejects.toThrow(/failed/);
    expect(retried.isDone()).toBe(false);
  });

  it.each([
    ['no access_token', { expires_in: 3600, token_type: 'Bearer' }, /no access_token/],
    ['no expires_in', { access_token: 'a', token_type: 'Bearer' }, /expires_in/],
    ['a token type other than Bearer', { access_token: 'a', expires_in: 3600, token_type: 'MAC' }, /not Bearer/],
    ['a refresh_expires_in that is not a number', { access_token: 'a', expires_in: 3600, refresh_expires_in: 'soon' }, /refresh_expires_in/],
    ['not an object', ['a'], /not a JSON object/],
  ])('a body with %s is a MalformedResponseError', async (_what, body, message) => {
    nock(BASE).post('/oauth2/v0/token').reply(200, body, headers);
    const error = await make({ retry: false }).clientCredentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(String(error)).toMatch(message);
  });
});

describe('OAuth 2.0 errors: { error, error_description, code } and the correlation id', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  // Every documented code (spec.md), its status and the class it maps to.
  const cases: [number, number, string, string, new (...args: never[]) => ConcurHttpError][] = [
    [400, 65, 'invalid_request', 'grant_type was not supplied', ConcurHttpError],
    [400, 62, 'invalid_request', 'client_id was not supplied', ConcurHttpError],
    [400, 63, 'invalid_request', 'client_secret was not supplied', ConcurHttpError],
    [401, 61, 'invalid_client', 'client not found', UnauthorizedError],
    [401, 64, 'invalid_client', 'Incorrect credentials. Please Retry', UnauthorizedError],
    [400, 60, 'invalid_grant', 'these are not the grants you are looking for', ConcurHttpError],
    [400, 135, 'invalid_request', 'unsupported request format', ConcurHttpError],
    [400, 51, 'invalid_request', 'username was not supplied', ConcurHttpError],
    [400, 52, 'invalid_request', 'password was not supplied', ConcurHttpError],
    [400, 120, 'invalid_request', 'credtype is invalid', ConcurHttpError],
    [400, 5, 'invalid_grant', 'Incorrect credentials. Please Retry', UnauthorizedError],
    [400, 136, 'invalid_request', 'Authtoken was not issued for you', ConcurHttpError],
    [400, 106, 'invalid_request', 'refresh_token was not supplied', ConcurHttpError],
    [400, 108, 'invalid_grant', 'bad or expired refresh token', UnauthorizedError],
    [400, 54, 'invalid_scope', 'requested scope exceeds granted scope', ConcurHttpError],
    [400, 101, 'invalid_request', 'code was not supplied', ConcurHttpError],
    [400, 102, 'invalid_request', 'redirect_uri was not supplied', ConcurHttpError],
    [400, 103, 'invalid_request', 'code is bad or expired', RequestTokenExpiredError],
    [400, 104, 'invalid_grant', 'redirect_uri does not match the previous grant', ConcurHttpError],
    [400, 105, 'invalid_grant', 'this grant was not issued to you!', ConcurHttpError],
  ];

  it.each(cases)('%i code %i (%s: %s) → %o, with error, code and correlation id', async (status, code, error, description, cls) => {
    nock(BASE).post('/oauth2/v0/token').reply(status, { error, error_description: description, code }, headers);
    const thrown = await make({ retry: false }).passwordLogin('u', 'p').catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(cls);
    const e = thrown as ConcurHttpError;
    expect(e.constructor).toBe(cls);
    expect(e).toMatchObject({ status, oauth2Error: error, oauth2Code: code, concurMessage: description, correlationId: CORRELATION });
    expect(e.message).toContain(CORRELATION);
    expect(e.message).toContain(`[${error} ${code}]`);
    expect(e.message).not.toContain('app-secret');
  });

  it('an injected 503 (code 0) is retried for the idempotent grants and surfaces its fields at the end', async () => {
    nock(BASE).post('/oauth2/v0/token').times(4).reply(503, { error: 'temporarily_unavailable', error_description: 'down', code: 0 }, headers);
    const e = (await make().clientCredentials().catch((x: unknown) => x)) as ConcurHttpError;
    expect(e).toMatchObject({ status: 503, oauth2Error: 'temporarily_unavailable', oauth2Code: 0, correlationId: CORRELATION });
  });

  it('legacy errors keep their fields, with null OAuth 2.0 fields', async () => {
    nock(BASE).get('/net2/oauth2/getaccesstoken.ashx').query(true).reply(400, { Error: { Message: 'Request token has expired', 'Server-Time': 't', Id: 'E1' } }, { 'Content-Type': 'application/json' });
    const e = (await make().exchangeRequestToken('c').catch((x: unknown) => x)) as ConcurHttpError;
    expect(e).toBeInstanceOf(RequestTokenExpiredError);
    expect(e).toMatchObject({ oauth2Error: null, oauth2Code: null, correlationId: null, errorId: 'E1' });
  });
});

describe('revokeConnection (DELETE /app-mgmt/v0/connections) and v3.2 with a Bearer token', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const user: AccessToken = { token: 'user.jwt', refreshToken: 'r', expiresAt: new Date(NOW + 3_600_000), instanceUrl: `${EMEA}/`, flow: 'oauth2' };

  it('sends the user’s token as Bearer to its geolocation and reads the empty 200', async () => {
    const scope = nock(EMEA).delete('/app-mgmt/v0/connections').matchHeader('authorization', 'Bearer user.jwt').reply(200, '', { 'concur-correlationid': CORRELATION });
    await expect(make().revokeConnection(user)).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('a bare token string goes to baseUrl', async () => {
    const scope = nock(BASE).delete('/app-mgmt/v0/connections').matchHeader('authorization', 'Bearer raw').reply(200);
    await make().revokeConnection('raw');
    expect(scope.isDone()).toBe(true);
  });

  it('is retried through a 503 (it is idempotent)', async () => {
    nock(EMEA).delete('/app-mgmt/v0/connections').reply(503);
    const scope = nock(EMEA).delete('/app-mgmt/v0/connections').reply(200);
    await make().revokeConnection(user);
    expect(scope.isDone()).toBe(true);
  });

  it('401 without a token is an UnauthorizedError; an application token refused is a ForbiddenError', async () => {
    nock(BASE).delete('/app-mgmt/v0/connections').reply(401, { Error: { Message: 'Authorization header is missing' } }, { 'Content-Type': 'application/json', 'concur-correlationid': CORRELATION });
    const e = (await make().revokeConnection('').catch((x: unknown) => x)) as ConcurHttpError;
    expect(e).toBeInstanceOf(UnauthorizedError);
    expect(e.correlationId).toBe(CORRELATION);
    nock(BASE).delete('/app-mgmt/v0/connections').reply(403, { Error: { Message: 'An application token cannot end a user connection: not allowed' } }, { 'Content-Type': 'application/json' });
    await expect(make().revokeConnection('app.jwt')).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('Connection Requests take an OAuth 2.0 token as Bearer, at its geolocation; a legacy token stays OAuth', async () => {
    const app: AccessToken = { token: 'app.jwt', refreshToken: null, expiresAt: new Date(NOW + 3_600_000), instanceUrl: EMEA, flow: 'oauth2' };
    const bearer = nock(EMEA).get('/api/v3.2/common/connectionrequests').query(true).matchHeader('authorization', 'Bearer app.jwt').reply(200, { Items: [{ ID: 'r1', userId: 'u-1', requestToken: 't' }], NextPage: null }, { 'Content-Type': 'application/json' });
    const page = await make().connectionRequests(app).list({ limit: 1 });
    expect(bearer.isDone()).toBe(true);
    expect(page.items[0]!.userId).toBe('u-1');
    const legacy = nock(BASE).get('/api/v3.2/common/connectionrequests').matchHeader('authorization', 'OAuth adm').reply(200, { Items: [], NextPage: null }, { 'Content-Type': 'application/json' });
    await make().connectionRequests({ token: 'adm', refreshToken: null, expiresAt: new Date(), instanceUrl: null, flow: 'legacy' }).list();
    expect(legacy.isDone()).toBe(true);
  });

  it('a legacy token without flow is read as legacy', () => {
    expect(tokenFlow({})).toBe('legacy');
  });
});
