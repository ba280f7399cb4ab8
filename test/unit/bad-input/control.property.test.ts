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
import { SEEDED, HUNDRED_YEARS_MS, RUNS, send, describeResponse, assertConcurError, nativeToken, queueCounts, expectSeededFirstPage, pct, onWire, nastyText, numberish, acceptArb, queryArb, queryString, valuesOf, unsupportedType, nonEmptyText, unknownIdArb } from './support.js';

describe('control API under bad input', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await buildMockConcur({ logLevel: 'silent', clock: 'manual' });
  });
  afterAll(() => app.close());

  const clockNow = async () => ((await send(app, { url: '/_mock/clock' })).json() as { nowMs: number }).nowMs;

  const json = (payload: string) => ({ ct: 'application/json' as string | undefined, payload });
  const malformedJsonPayload = fc.constantFrom('', '{', '{"a":}', '[', 'NaN', '{"a":1}{', "{'a':1}", '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}');

  it('moves the clock only forward and only on a 200; anything else is a 4xx in JSON', async () => {
    const seconds: fc.Arbitrary<unknown> = fc.oneof(
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.integer({ min: -1e9, max: -1 }),
      fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
      fc.double({ min: 3153600000.001, noNaN: true }),
      fc.constantFrom(null, true, false, '', '5', 'five', '1e3', '-1', [], [5], {}, { seconds: 5 }, '0x10'),
      nastyText,
    );
    const body = fc.oneof(
      fc.record({ seconds }).map((b) => json(JSON.stringify(b))),
      fc.record({ seconds, extra: fc.jsonValue({ maxDepth: 1 }) }).map((b) => json(JSON.stringify(b))),
      fc.jsonValue({ maxDepth: 3 }).map((v) => json(JSON.stringify(v))),
      fc.constantFrom('{"seconds":1e400}', '{"seconds":-1e400}', '{"seconds":NaN}', '{"seconds":Infinity}', '{"seconds":0x10}', '{"seconds":5,"seconds":-5}', 'null', '[]', '"5"', '{"Seconds":5}').map(json),
      malformedJsonPayload.map(json),
      fc.constantFrom('<seconds>5</seconds>', '<seconds>-5</seconds>', '<x/>', '<seconds>abc</seconds>', '<').map((payload) => ({ ct: 'application/xml' as string | undefined, payload })),
      fc.constantFrom('seconds=5', 'seconds=-1', 'seconds=abc', 'seconds=1&seconds=2').map((payload) => ({ ct: 'application/x-www-form-urlencoded' as string | undefined, payload })),
      nastyText.map((payload) => ({ ct: 'text/plain' as string | undefined, payload })),
      fc.tuple(unsupportedType, nonEmptyText).map(([ct, payload]) => ({ ct: ct as string | undefined, payload })),
    );
    await fc.assert(
      fc.asyncProperty(body, acceptArb, async ({ ct, payload }, { accept }) => {
        const before = await clockNow();
        const res = await send(app, { method: 'POST', url: '/_mock/clock/advance', headers: { 'content-type': ct, accept }, payload });
        const after = await clockNow();
        if (res.statusCode === 200) {
          expect((res.json() as { nowMs: number }).nowMs).toBe(after);
          expect(after).toBeGreaterThanOrEqual(before);
          expect(after - before).toBeLessThanOrEqual(HUNDRED_YEARS_MS);
        } else {
          assertConcurError(res, 'json', [400, 415]);
          expect(after).toBe(before);
        }
      }),
      RUNS,
    );
  });

  it('answers random bodies on every seeding endpoint with 201 or 400, in JSON', async () => {
    const anyValue: fc.Arbitrary<unknown> = fc.oneof(nastyText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(nastyText, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }));
    const loose = (arb: fc.Arbitrary<unknown>) => fc.oneof(arb, anyValue);
    const consumerKey = loose(fc.constantFrom(DEMO.app.consumerKey, DEMO.otherApp.consumerKey, 'nope'));
    const loginId = loose(fc.constantFrom(DEMO.admin.loginId, DEMO.traveler.loginId, 'nobody@demo.example'));
    // count stays small or invalid: a valid count of two million is allowed and merely slow.
    const count = fc.oneof(fc.integer({ min: -1000, max: 0 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(2_000_001, 1e12, 1.5, -0.5, '2', 'x', null, true, [], {}, [2]));
    const shapes: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
      '/_mock/users': fc.record(
        {
          loginId: loose(nastyText),
          password: loose(nastyText),
          firstName: loose(nastyText),
          middleName: loose(nastyText),
          lastName: loose(nastyText),
          loyaltyNumber: loose(nastyText),
          emails: loose(fc.array(nastyText, { maxLength: 6 })),
          roles: loose(fc.array(fc.constantFrom('WebServicesAdministrator', 'CanAdminister', 'Root'), { maxLength: 3 })),
        },
        { requiredKeys: [] },
      ),
      '/_mock/apps': fc.record(
        {
          name: loose(nastyText),
          consumerKey: loose(fc.stringMatching(/^[A-Za-z0-9._~-]{1,20}$/)),
          consumerSecret: loose(nastyText),
          description: loose(nastyText),
          scopes: loose(fc.array(fc.constantFrom('CONREQ', 'USER', 'bad scope!'), { maxLength: 3 })),
          redirectUris: loose(fc.array(fc.oneof(fc.webUrl(), nastyText), { maxLength: 3 })),
        },
        { requiredKeys: [] },
      ),
      '/_mock/faults': fc.record(
        {
          method: loose(fc.constantFrom('GET', '*', 'get', 'PURGE', 'X', 'TOOLONGMETHOD')),
          path: loose(nastyText),
          latencyMs: loose(fc.integer({ min: -10, max: 200_000 })),
          status: loose(fc.integer({ min: 0, max: 1000 })),
          retryAfterSeconds: anyValue,
          reset: anyValue,
          malformedBody: anyValue,
          times: anyValue,
          probability: anyValue,
          seed: anyValue,
        },
        { requiredKeys: [] },
      ),
      '/_mock/connection-requests': fc.record({ consumerKey, loginId, count }, { requiredKeys: [] }),
      '/_mock/request-tokens': fc.record({ consumerKey, loginId, ageSeconds: anyValue, count }, { requiredKeys: [] }),
      '/_mock/access-tokens': fc.record({ consumerKey, loginId, ageSeconds: anyValue, revoked: anyValue }, { requiredKeys: [] }),
    };
    const request = fc.constantFrom(...Object.keys(shapes)).chain((url) =>
      fc.tuple(
        fc.constant(url),
        fc.oneof(
          { weight: 4, arbitrary: shapes[url]!.map((b) => json(JSON.stringify(b))) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => json(JSON.stringify(v))) },
          { weight: 1, arbitrary: malformedJsonPayload.map(json) },
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, acceptArb, async ([url, { ct, payload }], { accept }) => {
        const res = await send(app, { method: 'POST', url, headers: { 'content-type': ct, accept }, payload });
        if (res.statusCode === 201) expect(typeof res.json()).toBe('object');
        else assertConcurError(res, 'json', [400]);
      }),
      { numRuns: 200 },
    );
    expect((await send(app, { method: 'DELETE', url: '/_mock/faults' })).statusCode).toBe(204);
  });

  // Fails today: Fastify's Ajv coerces the strings "1e400", "Infinity", "-1e400" to ±Infinity
  // and they pass the schemas' minimum/maximum; clock.advance() and iso() then throw → 500.
  // /_mock/access-tokens stores its token before failing, so /_mock/tokens is a 500 until reset.
  it('refuses seconds and ageSeconds that only become numbers as ±Infinity with 400, storing nothing', async () => {
    const infinite = fc.constantFrom('1e400', '-1e400', 'Infinity', '-Infinity', '1e309');
    const request = fc.tuple(
      fc.constantFrom<{ url: string; field: string; rest: Record<string, string> }>(
        { url: '/_mock/clock/advance', field: 'seconds', rest: {} },
        { url: '/_mock/request-tokens', field: 'ageSeconds', rest: { consumerKey: DEMO.app.consumerKey, loginId: DEMO.traveler.loginId } },
        { url: '/_mock/access-tokens', field: 'ageSeconds', rest: { consumerKey: DEMO.app.consumerKey, loginId: DEMO.traveler.loginId } },
      ),
      infinite,
      fc.constantFrom('json', 'form'),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([{ url, field, rest }, value, encoding]) => {
        const fields: Record<string, string> = { ...rest, [field]: value };
        try {
          const res =
            encoding === 'json'
              ? await send(app, { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(fields) })
              : await send(app, { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
          // A form body is refused before it is read: the control API takes JSON only (issue 15).
          assertConcurError(res, 'json', encoding === 'json' ? [400] : [415]);
          const tokens = await send(app, { url: '/_mock/tokens' });
          expect(tokens.statusCode, describeResponse(tokens)).toBe(200);
        } finally {
          await send(app, { method: 'POST', url: '/_mock/reset' });
        }
      }),
      { numRuns: 30 },
    );
  });

  it('answers any since and limit on the journal with 200 and at most limit entries, or 400 in JSON', async () => {
    await send(app, { method: 'DELETE', url: '/_mock/faults' });
    for (let i = 0; i < 30; i++) await send(app, { url: `/nowhere/${i}` });
    await fc.assert(
      fc.asyncProperty(queryArb({ since: numberish, limit: numberish }, true), acceptArb, async (parts, { accept }) => {
        const res = await send(app, { url: `/_mock/journal${queryString(parts)}`, headers: { accept } });
        if (res.statusCode !== 200) {
          assertConcurError(res, 'json', [400]);
          return;
        }
        const entries = res.json() as unknown[];
        expect(Array.isArray(entries)).toBe(true);
        const limits = valuesOf(parts, 'limit', true);
        if (limits.length === 1 && /^\d{1,5}$/.test(limits[0]!)) expect(entries.length).toBeLessThanOrEqual(Number(limits[0]));
      }),
      RUNS,
    );
  });

  it('answers unknown ids on the control API with 404 in JSON', async () => {
    const route = fc.constantFrom<{ method: 'GET' | 'DELETE'; path: string }>({ method: 'GET', path: '/_mock/connection-requests/' }, { method: 'DELETE', path: '/_mock/faults/' });
    await fc.assert(
      fc.asyncProperty(route, unknownIdArb([]).filter((id) => !/^fault-\d+$/.test(onWire(id))), acceptArb, async ({ method, path }, id, { accept }) => {
        const res = await send(app, { method, url: path + pct(id), headers: { accept } });
        assertConcurError(res, 'json', [404]);
      }),
      RUNS,
    );
  });

  // Fails today: globToRegExp turns each `*` into `.*`, so a glob with a handful of stars
  // backtracks polynomially (6 stars against a 60-character path: ~0.4 s; 8: ~20 s),
  // blocking the event loop for every request the rule is checked against.
  it('keeps answering in time whatever path glob a fault rule is given', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'aa', '/a', ''), { minLength: 1, maxLength: 6 }), fc.integer({ min: 10, max: 60 }), async (segments, length) => {
        const glob = '*' + segments.join('*') + '!';
        const created = await send(app, { method: 'POST', url: '/_mock/faults', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ method: 'GET', path: glob, status: 503 }) });
        expect(created.statusCode, describeResponse(created)).toBe(201);
        try {
          const started = performance.now();
          const res = await send(app, { url: '/' + 'a'.repeat(length) });
          expect(performance.now() - started, `fault glob ${glob}`).toBeLessThan(100);
          assertConcurError(res, 'xml', [404]);
        } finally {
          await send(app, { method: 'DELETE', url: '/_mock/faults' });
        }
      }),
      { numRuns: 20, endOnFailure: true, examples: [[['a', 'a', 'a', 'a', 'a', 'a'], 60]] },
    );
  });

  // Fails today: nothing bounds the clock. Past year 9999 Server-Time reads
  // "+010021-07-31T08:08"; past year 275760 every request (errors included) is a 500.
  it('keeps Server-Time well-formed and never answers 500, however far the clock is advanced', async () => {
    const fresh = await buildMockConcur({ logLevel: 'silent', clock: 'manual' });
    try {
      for (let i = 1; i <= 3000; i++) {
        const res = await send(fresh, { method: 'POST', url: '/_mock/clock/advance', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ seconds: 100 * 365 * 86400 }) });
        if (res.statusCode === 400) break;
        expect(res.statusCode, describeResponse(res)).toBe(200);
        if (i % 20 === 0) assertConcurError(await send(fresh, { url: '/nowhere' }), 'xml', [404]);
      }
      assertConcurError(await send(fresh, { url: '/nowhere' }), 'xml', [404]);
      expect((await send(fresh, { url: '/_mock/health' })).statusCode).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('is back to the seeded demo data after a reset', async () => {
    const reset = await send(app, { method: 'POST', url: '/_mock/reset' });
    expect(reset.statusCode).toBe(200);
    expect(await queueCounts(app)).toEqual(SEEDED);
    expect((await send(app, { url: '/_mock/faults' })).json()).toEqual([]);
    expect((await send(app, { url: '/_mock/users' })).json()).toHaveLength(14);
    await expectSeededFirstPage(app, await nativeToken(app));
  });
});

// ---------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------
