import nock from 'nock';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contractExamples, throughInteractions } from 'concur-contracts';
import { ConcurHttpError, createConcurClient, IdTokenError, UnauthorizedError, type AccessToken } from 'concur-partner-client';

// The client's OAuth 2.0 calls through the v0 contract fixtures (contracts/interactions/oauth2-*.json):
// every request the client sends must match the fixture, and every documented answer must read.
const CONCUR = 'https://www.concursolutions.com';
const ex = contractExamples();
const NOW = Date.UTC(2026, 11, 1, 9, 0, 0);
// nock intercepts fetch and http.request, not undici's pools: these wire-level cases run on the
// fetch transport; the undici one meets the same cases against real servers (test/integration/client,
// test/unit/client/transports.test.ts), and both share send(), which parses and types every answer.
const client = (consumerKey = ex['consumerKey']!, consumerSecret = ex['consumerSecret']!) => createConcurClient({ baseUrl: CONCUR, consumerKey, consumerSecret, retry: false, now: () => NOW, transport: 'fetch' });

/** The fixtures' interceptors around `call`: every one must have answered. */
const through = <T>(keys: string | string[], call: () => Promise<T>): Promise<T> => throughInteractions(keys, call, { baseUrl: CONCUR });
const refusal = async (key: string, call: () => Promise<unknown>) => (await through(key, () => call().then(() => null, (e: unknown) => e))) as ConcurHttpError;

const userToken = (token: AccessToken) => {
  expect(token).toMatchObject({ flow: 'oauth2', expiresAt: new Date(NOW + 3_600_000) });
  expect(token.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(token.refreshToken).toMatch(/^[0-9a-f-]{36}$/);
  expect(token.refreshExpiresAt).toBeInstanceOf(Date);
  expect(token.idToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(token.scope).toEqual(expect.any(String));
  expect(token.instanceUrl).toEqual(expect.any(String));
};

describe('OAuth 2.0 (/oauth2/v0) through the contract fixtures', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('passwordLogin: the password grant', async () => {
    userToken(await through('oauth2-token/password-grant', () => client().passwordLogin(ex['travelerLoginId']!, ex['travelerPassword']!)));
  });

  it('passwordLogin: a wrong password is code 5, an UnauthorizedError with the correlation id', async () => {
    const e = await refusal('oauth2-token/wrong-password', () => client().passwordLogin(ex['travelerLoginId']!, 'not-the-password'));
    expect(e).toBeInstanceOf(UnauthorizedError);
    expect(e).toMatchObject({ status: 400, oauth2Error: 'invalid_grant', oauth2Code: 5, correlationId: expect.stringMatching(/^[0-9A-Fa-f-]{32,36}$/) });
  });

  it('exchangeAuthToken: credtype=authtoken with the user id and the request token', async () => {
    userToken(await through('oauth2-token/authtoken-exchange', () => client().exchangeAuthToken(ex['travelerUserId']!, ex['requestToken']!)));
  });

  it('exchangeAuthToken: an expired auth token is code 5; one of another app code 136', async () => {
    const expired = await refusal('oauth2-token/authtoken-expired', () => client().exchangeAuthToken(ex['travelerUserId']!, ex['requestToken']!));
    expect(expired).toBeInstanceOf(UnauthorizedError);
    expect(expired.oauth2Code).toBe(5);
    const other = await refusal('oauth2-token/authtoken-of-another-app', () => client().exchangeAuthToken(ex['travelerUserId']!, ex['requestToken']!));
    expect(other.constructor).toBe(ConcurHttpError);
    expect(other).toMatchObject({ status: 400, oauth2Error: 'invalid_request', oauth2Code: 136 });
  });

  it('clientCredentials: an application token without refresh or id token', async () => {
    const app = await through('oauth2-token/client-credentials', () => client().clientCredentials());
    expect(app).toMatchObject({ flow: 'oauth2', refreshToken: null, expiresAt: new Date(NOW + 3_600_000) });
    expect(app.idToken).toBeUndefined();
  });

  it('an unknown client (61) and a wrong secret (64) are 401 UnauthorizedErrors', async () => {
    const unknown = await refusal('oauth2-token/unknown-client', () => client('no-such-client', 'whatever').clientCredentials());
    expect(unknown).toBeInstanceOf(UnauthorizedError);
    expect(unknown).toMatchObject({ status: 401, oauth2Error: 'invalid_client', oauth2Code: 61 });
    const wrong = await refusal('oauth2-token/wrong-client-secret', () => client(ex['consumerKey']!, 'not-the-secret').clientCredentials());
    expect(wrong).toMatchObject({ status: 401, oauth2Error: 'invalid_client', oauth2Code: 64 });
  });

  it('refresh: a new access token and a rotated refresh token; a bad one is code 108', async () => {
    userToken(await through('oauth2-token/refresh-grant', () => client().refresh(ex['oauth2RefreshToken']!)));
    const bad = await refusal('oauth2-token/bad-refresh-token', () => client().refresh('e013335d-b4ce-4c43-a7e4-b67abc1adcb0'));
    expect(bad).toBeInstanceOf(UnauthorizedError);
    expect(bad).toMatchObject({ oauth2Error: 'invalid_grant', oauth2Code: 108 });
  });

  it('verifyIdToken reads the documented JWKS (its example key is no real RSA key, so a token naming it is refused as an IdTokenError)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    expect((await exportJWK(publicKey)).kty).toBe('RSA');
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: '1455614346' }).setAudience(ex['consumerKey']!).setIssuedAt(NOW / 1000).setExpirationTime(NOW / 1000 + 3600).sign(privateKey);
    const error = await through('oauth2-token/jwks', () => client().verifyIdToken(jwt).then(() => null, (e: unknown) => e));
    expect(error).toBeInstanceOf(IdTokenError);
  });

  it('connectionRequests(app token): v3.2 with Authorization: Bearer', async () => {
    const app: AccessToken = { token: ex['oauth2AppToken']!, refreshToken: null, expiresAt: new Date(NOW + 3_600_000), instanceUrl: null, flow: 'oauth2' };
    const page = await through('oauth2-app-mgmt/v3-2-json-page-with-application-token', () => client().connectionRequests(app).list());
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((r) => r.userId !== null)).toBe(true);
  });

  it('revokeConnection: DELETE /app-mgmt/v0/connections with the user’s Bearer token', async () => {
    await expect(through('oauth2-app-mgmt/delete-connection', () => client().revokeConnection(ex['oauth2AccessToken']!))).resolves.toBeUndefined();
  });
});
