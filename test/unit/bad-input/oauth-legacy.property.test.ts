/**
 * Property tests: every endpoint of the mock under random bad input, through `inject()`.
 *
 * For each generated request: no 5xx, an answer within a few seconds, the right 4xx in
 * Concur's error envelope (XML by default, JSON for `Accept: application/json`, always JSON
 * under /_mock/), and afterwards the seeded state is still there.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMockConcur, DEMO } from 'mock-concur';
import { SEEDED, RUNS, send, describeResponse, assertConcurError, basic, nativeToken, queueCounts, expectSeededFirstPage, expectTokenWorks, pct, onWire, nastyText, headerText, acceptArb, type Part, queryArb, queryString, valuesOf, badAuthArb, JSON_TYPES, FORM_TYPES, badPutBody } from './support.js';

describe('legacy OAuth endpoints under bad input', () => {
  let app: FastifyInstance;
  let admin: string;
  let revoked: string;
  let knownLogins: string[];

  beforeAll(async () => {
    app = await buildMockConcur({ logLevel: 'silent', clock: 'manual' });
    admin = await nativeToken(app);
    revoked = await nativeToken(app);
    const res = await send(app, { method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=${pct(revoked)}`, headers: { authorization: `OAuth ${admin}` } });
    expect(res.statusCode).toBe(200);
    knownLogins = ((await send(app, { url: '/_mock/users' })).json() as { loginId: string }[]).map((u) => u.loginId.toLowerCase());
  });
  afterAll(() => app.close());

  it('answers every malformed getaccesstoken.ashx query with 400 or 401, never with a token', async () => {
    const value = fc.oneof(
      { weight: 4, arbitrary: nastyText },
      { weight: 2, arbitrary: fc.constantFrom(DEMO.app.consumerKey, DEMO.app.consumerSecret, DEMO.otherApp.consumerKey, DEMO.otherApp.consumerSecret) },
    );
    const query = queryArb({ client_id: value, client_secret: value, code: value, refresh_token: value });
    const expectedStatus = (parts: Part[]): 400 | 401 => {
      const [ids, secrets, codes, refreshes] = ['client_id', 'client_secret', 'code', 'refresh_token'].map((n) => valuesOf(parts, n)) as [string[], string[], string[], string[]];
      if ([ids, secrets, codes, refreshes].some((list) => list.length > 1)) return 400;
      const [id] = ids;
      const [secret] = secrets;
      if (!id || !secret) return 400;
      if ((codes[0] === undefined) === (refreshes[0] === undefined)) return 400;
      const knownClient = [DEMO.app, DEMO.otherApp].some((a) => a.consumerKey === id && a.consumerSecret === secret);
      // A known client with a garbage code or refresh token is a 400; an unknown client a 401.
      return knownClient ? 400 : 401;
    };
    await fc.assert(
      fc.asyncProperty(query, acceptArb, fc.constantFrom('/net2/oauth2/getaccesstoken.ashx', '/NET2/OAuth2/GetAccessToken.ashx'), async (parts, { accept, format }, path) => {
        const res = await send(app, { url: path + queryString(parts), headers: { accept } });
        assertConcurError(res, format, [expectedStatus(parts)]);
      }),
      RUNS,
    );
  });

  it('refuses the Native flow for malformed Basic credentials or consumer keys with 400 or 401', async () => {
    const wrongPassword = nastyText.filter((p) => onWire(p) !== DEMO.admin.password);
    const unknownLogin = nastyText.filter((l) => !l.includes(':') && !knownLogins.includes(onWire(l).toLowerCase()));
    const authorization = fc.oneof(
      fc.constant(undefined),
      headerText,
      fc.stringMatching(/^[A-Za-z0-9+/=]{0,60}$/).map((b64) => `Basic ${b64}`),
      nastyText.filter((s) => !s.includes(':')).map((s) => basic(s)),
      nastyText.map((password) => basic(`:${password}`)),
      fc.tuple(fc.constantFrom(DEMO.admin.loginId, DEMO.traveler.loginId, 'WSADMIN@DEMO.EXAMPLE'), wrongPassword).map(([l, p]) => basic(`${l}:${p}`)),
      fc.tuple(unknownLogin, nastyText).map(([l, p]) => basic(`${l}:${p}`)),
      fc.constantFrom('Basic', 'Basic ', 'Basic ====', 'Basic Og==', 'Bearer abc', 'OAuth abc', 'Digest x', 'basic', 'Basic !!!!'),
    );
    const consumerKey = fc.oneof(fc.constant(undefined), fc.constant(''), headerText, fc.constantFrom(DEMO.app.consumerKey, DEMO.otherApp.consumerKey, DEMO.app.consumerSecret));
    await fc.assert(
      fc.asyncProperty(authorization, consumerKey, acceptArb, async (auth, key, { accept, format }) => {
        const res = await send(app, { url: '/net2/oauth2/accesstoken.ashx', headers: { authorization: auth, 'x-consumerkey': key, accept } });
        // No Authorization: 401; present but wrong, or an unknown consumer key: 403 (issue 18).
        const error = assertConcurError(res, format, [key === undefined || key === '' ? 400 : auth === undefined || auth === '' ? 401 : 403]);
        if (res.statusCode === 403) expect(['Invalid consumer key', 'Invalid login id or password']).toContain(error.Message);
      }),
      RUNS,
    );
  });

  it('answers random revocation parameters with an admin token with 200, 400 or 403 as the rules say', async () => {
    const user = fc.oneof(
      { weight: 4, arbitrary: nastyText.filter((u) => onWire(u).toLowerCase() !== DEMO.admin.loginId) },
      { weight: 1, arbitrary: fc.constantFrom(DEMO.traveler.loginId, DEMO.traveler.loginId.toUpperCase()) },
    );
    const consumerKeyValue = fc.oneof(nastyText, fc.constantFrom(DEMO.app.consumerKey, DEMO.otherApp.consumerKey));
    const query = queryArb({ token: nastyText, consumerKey: consumerKeyValue, user });
    const expectedStatus = (parts: Part[]): 200 | 400 | 403 => {
      const [tokens, keys, users] = ['token', 'consumerKey', 'user'].map((n) => valuesOf(parts, n)) as [string[], string[], string[]];
      if ([tokens, keys, users].some((list) => list.length > 1)) return 400;
      const [token] = tokens;
      const [key] = keys;
      const [loginId] = users;
      // Like RFC 7009, revoking an unknown token answers 200.
      if (token !== undefined) return key === undefined && loginId === undefined ? 200 : 400;
      if (key === undefined || !loginId) return 400;
      if (key !== DEMO.app.consumerKey) return 403;
      return knownLogins.includes(loginId.toLowerCase()) ? 200 : 400;
    };
    await fc.assert(
      fc.asyncProperty(query, acceptArb, async (parts, { accept, format }) => {
        const res = await send(app, { method: 'POST', url: `/net2/oauth2/revoketoken.ashx${queryString(parts)}`, headers: { authorization: `OAuth ${admin}`, accept } });
        const expected = expectedStatus(parts);
        if (expected === 200) expect(res.statusCode, describeResponse(res)).toBe(200);
        else assertConcurError(res, format, [expected]);
      }),
      RUNS,
    );
    await expectTokenWorks(app, admin);
  });

  it('answers revocation with a missing, malformed, unknown or revoked token with 401, and a traveller’s with 403', async () => {
    const traveler = await nativeToken(app, DEMO.traveler.loginId, DEMO.traveler.password);
    await fc.assert(
      fc.asyncProperty(badAuthArb({ traveler, revoked }), acceptArb, nastyText, async ({ authorization, expected }, { accept, format }, token) => {
        const res = await send(app, { method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=${pct(token)}`, headers: { authorization, accept } });
        assertConcurError(res, format, [expected]);
      }),
      RUNS,
    );
  });

  it('answers revocation bodies of any shape and content type with 200, 400, 403, 413 or 415', async () => {
    const user = nastyText.filter((u) => onWire(u).toLowerCase() !== DEMO.admin.loginId);
    const fields = fc.record(
      { token: nastyText, consumerKey: fc.oneof(nastyText, fc.constant(DEMO.app.consumerKey)), user, extra: nastyText },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.tuple(fc.constantFrom(...FORM_TYPES), fields).map(([ct, f]) => ({ ct, payload: Object.entries(f).map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&') })),
      fc.tuple(fc.constantFrom(...JSON_TYPES), fc.oneof(fields, fc.jsonValue({ maxDepth: 3 }))).map(([ct, v]) => ({ ct, payload: JSON.stringify(v) })),
      badPutBody.map((b) => ({ ct: b.contentType, payload: b.payload })),
    );
    await fc.assert(
      fc.asyncProperty(body, acceptArb, async ({ ct, payload }, { accept, format }) => {
        const res = await send(app, { method: 'POST', url: '/net2/oauth2/revoketoken.ashx', headers: { authorization: `OAuth ${admin}`, 'content-type': ct, accept }, payload });
        if (res.statusCode === 200) expect(res.body).toBe('');
        else assertConcurError(res, format, [400, 403, 413, 415]);
      }),
      RUNS,
    );
    await expectTokenWorks(app, admin);
  });

  it('still issues tokens and has lost nothing after all the bad requests', async () => {
    expect(await queueCounts(app)).toEqual(SEEDED);
    const seeded = await send(app, { method: 'POST', url: '/_mock/request-tokens', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ consumerKey: DEMO.app.consumerKey, loginId: DEMO.traveler.loginId }) });
    const code = (seeded.json() as { code: string }).code;
    const exchanged = await send(app, {
      url: `/net2/oauth2/getaccesstoken.ashx?code=${pct(code)}&client_id=${pct(DEMO.app.consumerKey)}&client_secret=${pct(DEMO.app.consumerSecret)}`,
      headers: { accept: 'application/json' },
    });
    expect(exchanged.statusCode, describeResponse(exchanged)).toBe(200);
    await expectSeededFirstPage(app, await nativeToken(app));
  });
});

// ---------------------------------------------------------------------------------------
// Connection Requests
// ---------------------------------------------------------------------------------------
