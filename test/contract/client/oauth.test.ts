import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contractExamples, throughInteractions } from 'concur-contracts';
import { ConcurHttpError, createConcurClient, ForbiddenError, RequestTokenExpiredError, UnauthorizedError, type WireFormat } from 'concur-partner-client';

const CONCUR = 'https://www.concursolutions.com';
const ex = contractExamples();
const client = (format: WireFormat, consumerSecret = ex['consumerSecret']!) =>
// nock intercepts fetch and http.request, not undici's pools: these wire-level cases run on the
// fetch transport; the undici one meets the same cases against real servers (test/integration/client,
// test/unit/client/transports.test.ts), and both share send(), which parses and types every answer.
  createConcurClient({ baseUrl: CONCUR, consumerKey: ex['consumerKey']!, consumerSecret, format, retry: false, transport: 'fetch' });

/** The fixtures' interceptors around `call`: every one must have answered. */
const through = <T>(keys: string | string[], call: () => Promise<T>): Promise<T> => throughInteractions(keys, call, { baseUrl: CONCUR });

const documentedToken = {
  token: ex['travelerToken'],
  refreshToken: '0_TravelerRefreshTokenExample000000000000000',
  expiresAt: new Date(Date.UTC(2013, 2, 30, 14, 19, 10)),
  instanceUrl: 'https://www.concursolutions.com/',
};

describe('OAuth through the contract fixtures', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it.each([
    ['xml', 'oauth-token-exchange/exchanges-request-token-xml'],
    ['json', 'oauth-token-exchange/exchanges-request-token-json'],
    ['json', 'oauth-token-exchange/accepts-request-token-within-15-minutes'],
  ] as const)('exchanges a request token for a typed AccessToken (%s, %s)', async (format, key) => {
    const token = await through(key, () => client(format).exchangeRequestToken(ex['requestToken']!));
    expect(token).toEqual({ ...documentedToken, token: expect.any(String) });
  });

  it.each([
    ['xml', 'oauth-refresh/refreshes-access-token-xml'],
    ['json', 'oauth-refresh/refreshes-access-token-json'],
  ] as const)('refreshes an access token (%s)', async (format, key) => {
    const token = await through(key, () => client(format).refreshAccessToken(ex['adminRefreshToken']!));
    expect(token.token).toMatch(/^\S+$/);
    expect(token.expiresAt).toBeInstanceOf(Date);
    expect(Number.isNaN(token.expiresAt.getTime())).toBe(false);
  });

  it.each([
    ['xml', 'oauth-native-flow/issues-token-for-credentials-xml'],
    ['json', 'oauth-native-flow/issues-token-for-credentials-json'],
  ] as const)('signs in with the Native flow (%s)', async (format, key) => {
    const token = await through(key, () => client(format).nativeLogin(ex['adminLoginId']!, ex['adminPassword']!));
    expect(token.instanceUrl).toBe('https://www.concursolutions.com/');
  });

  it('refuses unknown Native-flow credentials with an UnauthorizedError', async () => {
    const error = await through('oauth-native-flow/refuses-unknown-credentials', () =>
      client('json').nativeLogin('nobody@example.com', 'not-the-password').catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).concurMessage).toBe('Invalid login id or password');
  });

  it.each([
    ['xml', 'oauth-token-exchange/refuses-expired-request-token'],
    ['json', 'oauth-token-exchange/refuses-expired-request-token-json'],
  ] as const)('turns an expired request token into RequestTokenExpiredError (%s)', async (format, key) => {
    const error = await through(key, () => client(format).exchangeRequestToken(ex['requestToken']!).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(RequestTokenExpiredError);
    const e = error as RequestTokenExpiredError;
    expect(e).toMatchObject({ status: 400, concurMessage: 'Request token has expired', errorId: 'A55930EA-D39C-463B-A12A-356F4853F27C', serverTime: '2017-09-27T15:46:57', method: 'GET' });
    // The request token and the secret are credentials: neither may appear in the message.
    expect(e.message).not.toContain(ex['requestToken']);
    expect(e.message).not.toContain(ex['consumerSecret']);
    expect(e.message).toContain('code=REDACTED');
    expect(e.url).toContain('/net2/oauth2/getaccesstoken.ashx');
  });

  it('answers a wrong client secret with an UnauthorizedError that does not repeat the secret', async () => {
    const error = await through('oauth-token-exchange/refuses-wrong-client-secret', () =>
      client('xml', 'not-the-consumer-secret').exchangeRequestToken(ex['requestToken']!).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as Error).message).not.toContain('not-the-consumer-secret');
  });

  it.each([
    ['oauth-token-exchange/refuses-request-token-of-another-application', 'xml', ex['requestToken']!, 'Request token was not issued to this application'],
    ['oauth-token-exchange/refuses-unknown-request-token', 'json', '0_NoSuchRequestToken00000000000', 'Invalid request token'],
  ] as const)('reports other refused request tokens as a plain 400 (%s)', async (key, format, code, message) => {
    const error = await through(key, () => client(format).exchangeRequestToken(code).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(ConcurHttpError);
    expect(error).not.toBeInstanceOf(RequestTokenExpiredError);
    expect(error).toMatchObject({ status: 400, concurMessage: message });
  });

  it('reports an unknown refresh token as a 400', async () => {
    const error = await through('oauth-refresh/refuses-unknown-refresh-token', () =>
      client('json').refreshAccessToken('0_NoSuchRefreshToken0000000000000').catch((e: unknown) => e),
    );
    expect(error).toMatchObject({ status: 400, concurMessage: 'Invalid refresh token' });
    expect((error as Error).message).toContain('refresh_token=REDACTED');
  });

  it('revokes one token, and every token of a user', async () => {
    await through('oauth-revoke/revokes-one-token', () => client('xml').revokeToken(ex['adminToken']!, ex['travelerToken']!));
    await through('oauth-revoke/answers-200-for-unknown-token', () => client('xml').revokeToken(ex['adminToken']!, '0_NoSuchAccessToken00000000000000000000000000'));
    await through('oauth-revoke/revokes-every-token-of-a-user', () =>
      client('xml').revokeUserTokens(ex['adminToken']!, { consumerKey: ex['consumerKey']!, user: ex['travelerLoginId']! }),
    );
  });

  it('refuses revocation by a user without the administrator role with a ForbiddenError', async () => {
    const error = await through('oauth-revoke/requires-web-services-administrator', () =>
      client('json').revokeToken(ex['travelerToken']!, ex['travelerToken']!).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).not.toContain(ex['travelerToken']);
  });
});
