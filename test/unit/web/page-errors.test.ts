import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockConcur } from '../../support/mock.js';

const PAGE_PATHS = ['/signin', '/appcenter', '/appcenter/apps/demo-consumer-key', '/net2/oauth2/Login.aspx', '/_mock/console'];

describe('the pages under bad input and faults', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await mockConcur();
  });
  afterAll(() => app.close());

  it('answers a body it cannot read with 400 on an HTML page, never 500 (an XML DOCTYPE to the sign-in form)', async () => {
    const res = await app.inject({ method: 'POST', url: '/signin', headers: { 'content-type': 'application/xml' }, payload: '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('answers any body with any content type on a page path with a 4xx, never 500 (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PAGE_PATHS),
        fc.constantFrom('application/xml', 'text/xml', 'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream'),
        fc.string({ maxLength: 200 }),
        async (url, contentType, payload) => {
          const res = await app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
          expect(res.statusCode, `${url} ${contentType} ${JSON.stringify(payload)}: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers an injected fault on a page path with the fault status and its Retry-After, as an HTML page', async () => {
    for (const status of [429, 500, 503]) {
      await app.inject({ method: 'DELETE', url: '/_mock/faults' });
      await app.inject({ method: 'POST', url: '/_mock/faults', payload: { path: '/appcenter*', status, retryAfterSeconds: 7 } });
      const res = await app.inject({ url: '/appcenter' });
      expect(res.statusCode).toBe(status);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain(`Injected fault: HTTP ${status}`);
    }
    await app.inject({ method: 'DELETE', url: '/_mock/faults' });
  });
});
