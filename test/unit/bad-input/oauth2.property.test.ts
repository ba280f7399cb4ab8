/**
 * Property tests: the Authentication API (`/oauth2/v0/token`, the App Management calls) under
 * random bad input, through `inject()`: never a 5xx, always a 4xx in the API's own body
 * `{ error, error_description, code }` with a correlation id, and the demo state intact.
 */
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, mockConcur } from '../../support/mock.js';

const RUNS = { numRuns: 200 };
const FIELDS = ['grant_type', 'client_id', 'client_secret', 'username', 'password', 'credtype', 'refresh_token', 'code', 'redirect_uri', 'scope', 'GRANT_TYPE', '__proto__', 'constructor'];
const GOOD_VALUES: Record<string, string[]> = {
  grant_type: ['password', 'client_credentials', 'refresh_token', 'authorization_code', 'implicit', ''],
  client_id: [DEMO.app.consumerKey, DEMO.otherApp.consumerKey, 'nobody', ''],
  client_secret: [DEMO.app.consumerSecret, 'wrong', ''],
  username: [DEMO.traveler.loginId, DEMO.admin.loginId, ''],
  password: [DEMO.traveler.password, 'wrong', ''],
  credtype: ['password', 'authtoken', 'AUTHTOKEN', 'otp'],
};

const value = (name: string): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...(Object.hasOwn(GOOD_VALUES, name) ? GOOD_VALUES[name]! : [''])), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const form = fc.array(fc.constantFrom(...FIELDS).chain((name) => value(name).map((v) => [name, v] as const)), { maxLength: 8 });
const contentType = fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/json', 'text/plain', 'application/xml', undefined);

function assertOAuth2Error(res: LightMyRequestResponse): void {
  const what = `${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, what).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, what).toBeLessThan(500);
  expect(res.headers['concur-correlationid'], what).toMatch(/^[0-9a-f]{32}$/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(Object.keys(body).sort(), what).toEqual(['code', 'error', 'error_description']);
  expect(typeof body['error'], what).toBe('string');
  expect(typeof body['error_description'], what).toBe('string');
  expect(Number.isInteger(body['code']), what).toBe(true);
}

describe('the Authentication API under bad input', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await mockConcur();
  });
  afterAll(() => app.close());

  it('answers any form to /oauth2/v0/token with a token or a 4xx in its own body, never a 5xx (property)', async () => {
    await fc.assert(
      fc.asyncProperty(form, contentType, async (pairs, type) => {
        const payload = type === 'application/json' ? JSON.stringify(Object.fromEntries(pairs)) : pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const res = await app.inject({ method: 'POST', url: '/oauth2/v0/token', headers: type ? { 'content-type': type } : {}, payload });
        if (res.statusCode === 200) {
          expect(res.json()).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
          return;
        }
        assertOAuth2Error(res);
      }),
      RUNS,
    );
  });

  it('answers any Authorization on the App Management calls with a 4xx in its own body (property)', async () => {
    const authorization = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }).map((t) => `Bearer ${t}`), fc.constantFrom('Bearer', 'OAuth abc', 'Basic Zm9vOmJhcg=='));
    await fc.assert(
      fc.asyncProperty(authorization, fc.constantFrom('DELETE /app-mgmt/v0/connections', `POST /appmgmt/v0/legacyApps/${DEMO.app.consumerKey}/exchangeRefreshToken/me`, 'GET /app-mgmt/v0/connections'), async (auth, call) => {
        const [method, url] = call.split(' ') as ['GET' | 'POST' | 'DELETE', string];
        // Header values must be valid HTTP header text; the rest is the mock's to judge.
        const headers = auth !== undefined && /^[\t\x20-\x7e]*$/.test(auth) && auth.trim() !== '' ? { authorization: auth } : {};
        const res = await app.inject({ method, url, headers, ...(method === 'POST' ? { payload: { token: 'x', secret: 'y' } } : {}) });
        assertOAuth2Error(res);
      }),
      RUNS,
    );
    expect((await app.inject({ url: '/_mock/health' })).json()).toMatchObject({ connectionRequests: { Pending: 12 } });
  });
});
