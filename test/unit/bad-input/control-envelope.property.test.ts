/**
 * Every refusal of the control API carries its full envelope — `Message`, `Server-Time`, `Id`,
 * as JSON, flat — whatever went wrong: a bad body, a bad id, a wrong method, a foreign Host or
 * Origin, a missing control token, a path that does not exist, in the root or a sandbox.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMockConcur } from 'mock-concur';
import { describeResponse, ERROR_ID, nastyText, RUNS, send, SERVER_TIME } from './support.js';

const TOKEN = 'control-token-of-the-envelope-test';

/** Every control route, its path's parameters filled with something that names nothing. */
const ROUTES = [
  ['GET', '/_mock/health'],
  ['GET', '/_mock/clock'],
  ['POST', '/_mock/clock/advance'],
  ['GET', '/_mock/users'],
  ['POST', '/_mock/users'],
  ['GET', '/_mock/apps'],
  ['POST', '/_mock/apps'],
  ['GET', '/_mock/connection-requests'],
  ['POST', '/_mock/connection-requests'],
  ['GET', '/_mock/connection-requests/{id}'],
  ['POST', '/_mock/request-tokens'],
  ['POST', '/_mock/access-tokens'],
  ['GET', '/_mock/tokens'],
  ['GET', '/_mock/journal'],
  ['GET', '/_mock/faults'],
  ['POST', '/_mock/faults'],
  ['DELETE', '/_mock/faults'],
  ['DELETE', '/_mock/faults/{id}'],
  ['POST', '/_mock/reset'],
  ['GET', '/_mock/sandboxes'],
  ['POST', '/_mock/sandboxes'],
  ['GET', '/_mock/sandboxes/{id}'],
  ['DELETE', '/_mock/sandboxes/{id}'],
  ['GET', '/_mock/summary'],
  ['GET', '/_mock/forecast'],
  ['GET', '/_mock/timeline'],
  ['GET', '/_mock/connection-requests/{id}/timeline'],
  ['GET', '/_mock/conversation'],
  ['GET', '/_mock/nothing-here'],
] as const;

describe('every control-API error carries the full envelope', () => {
  let app: FastifyInstance;
  let sandboxPath: string;

  beforeAll(async () => {
    app = await buildMockConcur({ logLevel: 'silent', clock: 'manual', controlToken: TOKEN });
    const made = await send(app, { method: 'POST', url: '/_mock/sandboxes', headers: { 'content-type': 'application/json', 'x-mock-control-token': TOKEN }, payload: '{}' });
    sandboxPath = (made.json() as { path: string }).path;
  });
  afterAll(() => app.close());

  const route = fc.constantFrom(...ROUTES);
  const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE');
  const id = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), nastyText.filter((s) => s.length > 0 && s.length < 200));
  const body = fc.oneof(
    fc.constant(undefined),
    fc.jsonValue({ maxDepth: 2 }).map((v) => ({ ct: 'application/json', payload: JSON.stringify(v) })),
    fc.constantFrom('{', '[', 'null', '{"seconds":-1}', '{"count":0}', '{"loginId":""}').map((payload) => ({ ct: 'application/json', payload })),
    nastyText.map((payload) => ({ ct: 'text/plain', payload })),
    fc.constant({ ct: 'application/x-www-form-urlencoded', payload: 'a=1' }),
  );
  /** How the caller may be wrong besides its input: no token, a wrong one, a foreign Host or Origin. */
  const caller = fc.constantFrom<Record<string, string>>(
    { 'x-mock-control-token': TOKEN },
    { 'x-mock-control-token': TOKEN },
    {},
    { 'x-mock-control-token': 'not-the-token' },
    { 'x-mock-control-token': TOKEN, host: 'evil.example' },
    { 'x-mock-control-token': TOKEN, origin: 'https://evil.example' },
    { 'x-mock-control-token': TOKEN, 'sec-fetch-site': 'cross-site' },
  );

  it('answers every refusal as JSON {Message, Server-Time, Id}, in the root and in a sandbox', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.boolean(), id, fc.boolean(), method, body, caller, fc.boolean(), async ([routeMethod, path], sameMethod, anId, encode, otherMethod, payload, headers, inSandbox) => {
        const filled = path.replace('{id}', encode ? encodeURIComponent(anId) : anId.replace(/[/?#%\s]/g, '_'));
        const url = `${inSandbox ? sandboxPath : ''}${filled}`;
        const res = await send(app, {
          method: sameMethod ? routeMethod : otherMethod,
          url,
          headers: { ...headers, ...(payload ? { 'content-type': payload.ct } : {}) },
          ...(payload ? { payload: payload.payload } : {}),
        });
        const what = `${sameMethod ? routeMethod : otherMethod} ${url}: ${describeResponse(res)}`;
        expect(res.statusCode, what).toBeLessThan(500);
        if (res.statusCode < 400) return;
        expect(res.headers['content-type'], what).toBe('application/json; charset=utf-8');
        const envelope = JSON.parse(res.body) as Record<string, unknown>;
        expect(Object.keys(envelope), what).toEqual(['Message', 'Server-Time', 'Id']);
        expect(typeof envelope['Message'] === 'string' && envelope['Message'].length > 0, what).toBe(true);
        expect(envelope['Server-Time'], what).toMatch(SERVER_TIME);
        expect(envelope['Id'], what).toMatch(ERROR_ID);
      }),
      { ...RUNS, numRuns: 400 },
    );
  });

  it("answers the console's clock form in the same envelope when it asks for JSON", async () => {
    const page = await app.inject({ url: `/_mock/console?token=${TOKEN}` });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    for (const seconds of ['-5', '0', 'abc', '99999999']) {
      const res = await app.inject({
        method: 'POST',
        url: '/_mock/console/clock',
        headers: { cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'x-mock-control-token': TOKEN },
        payload: new URLSearchParams({ _csrf: csrf, seconds }).toString(),
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(Object.keys(res.json() as object)).toEqual(['Message', 'Server-Time', 'Id']);
    }
  });
});
