/**
 * Property tests: the sandbox routes under random bad input, through `inject()`. Unknown,
 * malformed and deleted ids, bad bodies and any path under a sandbox prefix get a 4xx in
 * Concur's envelope (JSON under /_mock/, XML or JSON elsewhere by `Accept`), never a 5xx; no
 * bad request makes or loses a sandbox; a sandbox deleted while requests run answers them.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMockConcur, DEMO } from 'mock-concur';
import { acceptArb, assertConcurError, describeResponse, nastyText, RUNS, send } from './support.js';

describe('sandbox routes under bad input', () => {
  let app: FastifyInstance;
  let live: { id: string; path: string };

  beforeAll(async () => {
    app = await buildMockConcur({ logLevel: 'silent', clock: 'manual', maxSandboxes: 50 });
    live = (await send(app, { method: 'POST', url: '/_mock/sandboxes', headers: { 'content-type': 'application/json' }, payload: '{}' })).json();
  });
  afterAll(() => app.close());

  const total = async () => ((await send(app, { url: '/_mock/sandboxes' })).json() as { total: number }).total;

  /** Ids that name no sandbox: wrong length, wrong alphabet, encoded tricks, and well-formed unknown ones. */
  const badId = fc.oneof(
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[/?#]/.test(s)),
    fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    fc.constantFrom('.', '...', '%2e%2e', '%2F', '%00', 'null', 'undefined', '__proto__', 'constructor', 'A'.repeat(600), '%E2%80%AE', ' ', '+', '%80 ', '%C3'),
    nastyText.filter((s) => s.length > 0 && !/[/?#]/.test(s)),
  );
  const encode = (id: string) => encodeURIComponent(id).replace(/%25([0-9A-F]{2})/g, '%$1');
  /** How the router reads the segment (`.`/`..` resolve as paths); an invalid escape stays as sent. */
  const dotsOnly = (id: string) => {
    let decoded = encode(id);
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      // A malformed %-escape: the router answers it (400) before any sandbox is looked up.
    }
    return /^\.+$/.test(decoded);
  };
  const malformedEscape = (id: string) => {
    try {
      decodeURIComponent(encode(id));
      return false;
    } catch {
      return true;
    }
  };
  const rest = fc.constantFrom('/_mock/health', '/_mock/clock', '/_mock/journal', '/api/v3.2/common/connectionrequests', '/net2/oauth2/accesstoken.ashx', '/oauth2/v0/token', '/appcenter', '/signin', '/_mock/console', '', '/', '/nope');

  it('answers any path under an unknown or malformed sandbox id with 404 (414 when too long) in the envelope', async () => {
    await fc.assert(
      fc.asyncProperty(badId, rest, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), acceptArb, async (id, path, method, { accept, format }) => {
        const url = `/sandboxes/${encode(id)}${path}`;
        const res = await send(app, { method, url, headers: { accept } });
        expect(res.statusCode, `${method} ${url}: ${describeResponse(res)}`).toBeLessThan(500);
        if (res.statusCode === 414) return;
        // `/sandboxes/./x` and `%2e%2e` resolve as paths do; anything still under the prefix is a 404.
        if (dotsOnly(id)) return;
        // The pages answer people (a method they serve): an HTML error page, 404 as well.
        if (String(res.headers['content-type']).startsWith('text/html')) {
          expect(['/appcenter', '/signin', '/_mock/console']).toContain(path);
          expect([res.statusCode, res.headers['content-type']], describeResponse(res)).toEqual([404, 'text/html; charset=utf-8']);
          expect(res.body).toContain('No sandbox');
          return;
        }
        // The Authentication API answers in its own JSON, as for all its errors.
        if (path.startsWith('/oauth2/v0')) {
          expect(res.statusCode).toBe(404);
          expect(res.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/^No sandbox /) });
          return;
        }
        assertConcurError(res, path.startsWith('/_mock') ? 'json' : format, [404]);
      }),
      RUNS,
    );
    expect(await total()).toBe(1);
  });

  it('answers bad ids on /_mock/sandboxes/{id} with 404, and bad bodies on POST with 400/415, making nothing', async () => {
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }).map((v) => ({ ct: 'application/json', payload: JSON.stringify(v) })),
      fc.record({ seed: fc.oneof(fc.integer({ max: -1 }), fc.double(), fc.string()), travelers: fc.oneof(fc.integer({ min: 10_001 }), fc.string(), fc.constant(null)) }, { requiredKeys: [] })
        .filter((b) => Object.keys(b).length > 0)
        .map((b) => ({ ct: 'application/json', payload: JSON.stringify(b) })),
      fc.record({ clock: nastyText, queueMode: nastyText, clockStart: nastyText, durable: fc.constant(true) }, { requiredKeys: [] })
        .filter((b) => Object.keys(b).length > 0)
        .map((b) => ({ ct: 'application/json', payload: JSON.stringify(b) })),
      fc.constantFrom('{', '[]', 'null', '"x"', '{"seed":1}{', '{"__proto__":{"durable":true}}').map((payload) => ({ ct: 'application/json', payload })),
      fc.constantFrom('seed=1', '<seed>1</seed>').map((payload) => ({ ct: 'application/x-www-form-urlencoded', payload })),
      nastyText.map((payload) => ({ ct: 'text/plain', payload })),
    );
    await fc.assert(
      fc.asyncProperty(body, async ({ ct, payload }) => {
        const before = await total();
        const res = await send(app, { method: 'POST', url: '/_mock/sandboxes', headers: { 'content-type': ct }, payload });
        expect(res.statusCode, describeResponse(res)).toBeLessThan(500);
        if (res.statusCode === 201) {
          // A body of valid options (an empty object, {} from jsonValue): it made one; take it back.
          const made = res.json() as { id: string };
          expect((await send(app, { method: 'DELETE', url: `/_mock/sandboxes/${made.id}` })).statusCode).toBe(204);
        } else {
          assertConcurError(res, 'json', [400, 415]);
        }
        expect(await total()).toBe(before);
      }),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(badId, fc.constantFrom('GET', 'DELETE'), async (id, method) => {
        const res = await send(app, { method, url: `/_mock/sandboxes/${encode(id)}` });
        expect(res.statusCode, describeResponse(res)).toBeLessThan(500);
        if (dotsOnly(id) || res.statusCode === 414) return;
        // A malformed %-escape (`%80`) is the router's 400 "Malformed request URL", in the envelope too.
        assertConcurError(res, 'json', malformedEscape(id) ? [400] : [404, 405]);
      }),
      RUNS,
    );
    expect((await send(app, { url: `${live.path}/_mock/health` })).statusCode).toBe(200);
  });

  it('answers every request in flight when its sandbox is deleted, and 404 to every one after', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 20 }), async (inFlight, latencyMs) => {
        const made = (await send(app, { method: 'POST', url: '/_mock/sandboxes', headers: { 'content-type': 'application/json' }, payload: '{}' })).json() as { id: string; path: string };
        if (latencyMs > 0) await send(app, { method: 'POST', url: `${made.path}/_mock/faults`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ path: '/net2/oauth2/accesstoken.ashx', latencyMs }) });
        const basic = 'Basic ' + Buffer.from(`${DEMO.admin.loginId}:${DEMO.admin.password}`).toString('base64');
        const call = () => send(app, { url: `${made.path}/net2/oauth2/accesstoken.ashx`, headers: { authorization: basic, 'x-consumerkey': DEMO.app.consumerKey } });
        const running = Array.from({ length: inFlight }, call);
        const deleted = await send(app, { method: 'DELETE', url: `/_mock/sandboxes/${made.id}` });
        expect(deleted.statusCode).toBe(204);
        for (const res of await Promise.all(running)) expect([200, 404], describeResponse(res)).toContain(res.statusCode);
        assertConcurError(await call(), 'xml', [404]);
      }),
      { numRuns: 40 },
    );
    expect(await total()).toBe(1);
  });
});
