/* eslint-disable @typescript-eslint/no-explicit-any -- passport-concur ships no types: it is driven as the plain JavaScript it is. */
import { createRequire } from 'node:module';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contractExamples, explainUnmatched, interceptInteraction } from 'concur-contracts';

/**
 * Published clients as consumers of the fixtures: what they send must be what the provider
 * was verified to answer. passport-concur's code exchange (POST, parameters in the query and
 * again as a form body) against the fixture's nock interceptor.
 */
const CONCUR = 'https://www.concursolutions.com';
const ex = contractExamples();
const require = createRequire(import.meta.url);
const { Strategy } = require('passport-concur') as { Strategy: any };

describe('published clients through the contract fixtures', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it("passport-concur's code exchange matches the POST-with-form fixture and reads its Access_Token", async () => {
    const interceptor = interceptInteraction('oauth-token-exchange/exchanges-request-token-by-post-form', { baseUrl: CONCUR });
    const strategy = new Strategy(
      { clientID: ex['consumerKey'], clientSecret: ex['consumerSecret'], callbackURL: 'http://127.0.0.1:3000/concur/callback', tokenURL: `${CONCUR}/net2/oauth2/GetAccessToken.ashx` },
      (accessToken: string, refreshToken: string, _params: unknown, done: (e: unknown, user?: unknown) => void) => done(null, { accessToken, refreshToken }),
    );
    const outcome = await new Promise<{ how: string; value: any }>((resolve, reject) => {
      Object.assign(strategy, {
        success: (user: unknown) => resolve({ how: 'success', value: user }),
        fail: (challenge: unknown) => resolve({ how: 'fail', value: challenge }),
        redirect: (url: string) => resolve({ how: 'redirect', value: url }),
        error: (e: unknown) => reject(e),
      });
      strategy.authenticate({ query: { code: ex['requestToken'] }, headers: { host: '127.0.0.1:3000' }, connection: {}, url: '/concur/callback' });
    });
    expect(interceptor.isDone(), explainUnmatched([interceptor])).toBe(true);
    expect(outcome).toEqual({ how: 'success', value: { accessToken: ex['travelerToken'], refreshToken: '0_TravelerRefreshTokenExample000000000000000' } });
  });
});
