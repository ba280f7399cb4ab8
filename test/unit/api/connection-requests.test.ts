import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, concurError, DAY, DEMO, HOUR, json, listPage, MIN, mockConcur, nativeToken, oauth, parseXml, putStatus, T0 } from '../../support/mock.js';

const v32 = '/api/v3.2/common/connectionrequests';

describe('Connection Requests', () => {
  let app: FastifyInstance;
  let admin: string;

  beforeEach(async () => {
    app = await mockConcur();
    admin = (await nativeToken(app)).token;
  });
  afterEach(() => app.close());

  const record = async (id: string) => (await json<{ status: string; lastCode: string | null; requeues: Record<string, number>; availableAt: string | null }>(app, { url: `/_mock/connection-requests/${id}` })).body;

  describe('wire shapes per version', () => {
    it('writes v3.2 XML by default, lower-camel, with xsi:nil for nulls and ID/URI first', async () => {
      const res = await app.inject({ url: `${v32}?limit=2`, headers: oauth(admin) });
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(res.body.startsWith('<ConnectionRequests xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Items><ConnectionRequest><ID>')).toBe(true);
      expect(res.body).toContain('<email5 xsi:nil="true" />');
      const item = parseXml<{ ConnectionRequests: { Items: { ConnectionRequest: Record<string, unknown>[] } } }>(res).ConnectionRequests.Items.ConnectionRequest[0]!;
      expect(Object.keys(item)).toEqual(['ID', 'URI', 'firstName', 'middleName', 'lastName', 'loyaltyNumber', 'status', 'requestToken', 'lastModified', 'emailAddresses', 'userId']);
      expect(item.status).toBe('Pending');
      expect(item.lastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    });

    it('writes v3.2 JSON with null and ID/URI last, as in Concur’s example', async () => {
      const page = await listPage(app, admin, '?limit=1');
      expect(Object.keys(page.Items[0]!)).toEqual(['firstName', 'middleName', 'lastName', 'loyaltyNumber', 'status', 'requestToken', 'lastModified', 'emailAddresses', 'userId', 'ID', 'URI']);
      expect(Object.keys(page.Items[0]!.emailAddresses as object)).toEqual(['email1', 'email2', 'email3', 'email4', 'email5']);
      expect(page.Items[0]!.URI).toBe(`http://localhost:80${v32}/${page.Items[0]!.ID}`);
    });

    it('writes v3.0 with capitalised names and no EmailAddresses, v3.1 with EmailAddresses', async () => {
      const v30 = (await json<{ Items: Record<string, unknown>[] }>(app, { url: '/api/v3.0/common/connectionrequests?limit=1', headers: oauth(admin) })).body.Items[0]!;
      expect(Object.keys(v30)).toEqual(['ID', 'URI', 'FirstName', 'MiddleName', 'LastName', 'LoyaltyNumber', 'Status', 'RequestToken', 'LastModified']);
      const v31 = (await json<{ Items: Record<string, unknown>[] }>(app, { url: '/api/v3.1/common/connectionrequests?limit=1', headers: oauth(admin) })).body.Items[0]!;
      expect(Object.keys(v31)).toEqual(['ID', 'URI', 'FirstName', 'MiddleName', 'LastName', 'LoyaltyNumber', 'Status', 'RequestToken', 'LastModified', 'EmailAddresses']);
      expect(Object.keys(v31.EmailAddresses as object)).toEqual(['Email1', 'Email2', 'Email3', 'Email4', 'Email5']);
      expect(v31.URI).toContain('/api/v3.1/common/connectionrequests/');
    });

    it('answers errors in the caller’s format', async () => {
      const asXml = await app.inject({ url: v32 });
      expect(asXml.statusCode).toBe(401);
      expect(asXml.body).toMatch(/^<Error><Message>Authorization header with an OAuth access token is required<\/Message><Server-Time>2026-01-15T09:00:00<\/Server-Time><Id>[0-9A-F-]{36}<\/Id><\/Error>$/);
      const asJson = await json<{ Error: Record<string, string> }>(app, { url: v32 });
      expect(Object.keys(asJson.body)).toEqual(['Error']);
      expect(Object.keys(asJson.body.Error)).toEqual(['Message', 'Server-Time', 'Id']);
    });
  });

  describe('paging', () => {
    it('defaults to 5 items and follows NextPage (offset = offset + limit), null on the last page', async () => {
      const first = await listPage(app, admin);
      expect(first.Items).toHaveLength(5);
      expect(first.NextPage).toBe(`http://localhost:80${v32}/?limit=5&offset=5`);
      const second = await listPage(app, admin, '?limit=5&offset=5');
      const third = await listPage(app, admin, '?limit=5&offset=10');
      expect(third.Items).toHaveLength(2);
      expect(third.NextPage).toBeNull();
      const ids = [...first.Items, ...second.Items, ...third.Items].map((i) => i.ID);
      expect(new Set(ids).size).toBe(12);
    });

    it('never returns more than 10 items', async () => {
      expect((await listPage(app, admin, '?limit=50')).Items).toHaveLength(10);
      expect((await listPage(app, admin, '?limit=50')).NextPage).toContain('limit=10&offset=10');
    });

    it('scenario 1 of the v3.2 page: GET everything, then PUT, then nothing is left', async () => {
      const ids: string[] = [];
      for (let next: string | null = '?limit=10'; next; ) {
        const page = await listPage(app, admin, next);
        ids.push(...page.Items.map((i) => i.ID));
        next = page.NextPage && page.NextPage.slice(page.NextPage.indexOf('?'));
      }
      expect(ids).toHaveLength(12);
      for (const id of ids) expect((await putStatus(app, admin, id, 'CRSUC')).statusCode).toBe(204);
      expect((await listPage(app, admin)).Items).toEqual([]);
    });

    it('scenario 2 of the v3.2 page: PUT pops from the left, so GET without offset sees the next ones', async () => {
      const seen: string[] = [];
      for (;;) {
        const page = await listPage(app, admin, '?limit=5');
        if (page.Items.length === 0) break;
        for (const item of page.Items) {
          expect(seen).not.toContain(item.ID);
          seen.push(item.ID);
          await putStatus(app, admin, item.ID, 'CRSUC');
        }
      }
      expect(seen).toHaveLength(12);
    });

    it('keeps a page stable when read twice: same ids, same request tokens', async () => {
      const a = await listPage(app, admin, '?limit=3');
      const b = await listPage(app, admin, '?limit=3');
      expect(b.Items.map((i) => [i.ID, i.requestToken])).toEqual(a.Items.map((i) => [i.ID, i.requestToken]));
    });

    it('lists other states read-only with status=', async () => {
      const [first, second] = (await listPage(app, admin, '?limit=2')).Items;
      await putStatus(app, admin, first!.ID, 'CRSUC');
      await putStatus(app, admin, second!.ID, 'CRRET');
      const connected = await listPage(app, admin, '?status=Connected');
      expect(connected.Items.map((i) => [i.ID, i.status])).toEqual([[first!.ID, 'Connected']]);
      const retry = await listPage(app, admin, '?status=retry');
      expect(retry.Items.map((i) => [i.ID, i.status, i.requestToken])).toEqual([[second!.ID, 'Retry', null]]);
      expect(concurError(await app.inject({ url: `${v32}?status=Bogus`, headers: oauth(admin) })).Message).toMatch(/status/);
    });
  });

  describe('by id, create, delete', () => {
    it('gets a request by id and answers 404 for an unknown one', async () => {
      const item = (await listPage(app, admin, '?limit=1')).Items[0]!;
      const got = (await json<Record<string, unknown>>(app, { url: `${v32}/${item.ID}`, headers: oauth(admin) })).body;
      expect(got).toMatchObject({ ID: item.ID, status: 'Processing', requestToken: item.requestToken });
      const missing = await app.inject({ url: `${v32}/00000000-0000-0000-0000-000000000000`, headers: oauth(admin) });
      expect(missing.statusCode).toBe(404);
    });

    it('creates a request for a user with POST ?user= and hands it out at the back of the queue', async () => {
      const res = await json<{ ID: string; URI: string }>(app, { method: 'POST', url: `${v32}?user=${DEMO.traveler.loginId}`, headers: oauth(admin) });
      expect(res.status).toBe(200);
      expect(res.body.URI).toBe(`http://localhost:80${v32}/${res.body.ID}`);
      const last = await listPage(app, admin, '?limit=5&offset=10');
      expect(last.Items.map((i) => i.ID)).toContain(res.body.ID);
      expect(last.Items.find((i) => i.ID === res.body.ID)!.loyaltyNumber).toBe(DEMO.traveler.loyaltyNumber);
    });

    it('answers Invalid User for an unknown login id, and refuses a second open request for a user', async () => {
      const unknown = await app.inject({ method: 'POST', url: `${v32}?user=someone@example.com`, headers: oauth(admin) });
      expect(unknown.statusCode).toBe(400);
      expect(concurError(unknown).Message).toBe('Invalid User:someone@example.com');
      await app.inject({ method: 'POST', url: `${v32}?user=${DEMO.traveler.loginId}`, headers: oauth(admin) });
      expect((await app.inject({ method: 'POST', url: `${v32}?user=${DEMO.traveler.loginId}`, headers: oauth(admin) })).statusCode).toBe(409);
    });

    it('deletes in v3.0 only; v3.1 and v3.2 answer 405', async () => {
      const id = (await listPage(app, admin, '?limit=1')).Items[0]!.ID;
      expect((await app.inject({ method: 'DELETE', url: `/api/v3.2/common/connectionrequests/${id}`, headers: oauth(admin) })).statusCode).toBe(405);
      expect((await app.inject({ method: 'DELETE', url: `/api/v3.1/common/connectionrequests/${id}`, headers: oauth(admin) })).statusCode).toBe(405);
      expect((await app.inject({ method: 'DELETE', url: `/api/v3.0/common/connectionrequests/${id}`, headers: oauth(admin) })).statusCode).toBe(204);
      expect((await app.inject({ url: `${v32}/${id}`, headers: oauth(admin) })).statusCode).toBe(404);
    });
  });

  describe('PUT', () => {
    it('accepts the seed’s XML body, JSON "Status" and JSON "status"; every version answers 204', async () => {
      const [a, b, c] = (await listPage(app, admin, '?limit=3')).Items;
      const xmlPut = await app.inject({ method: 'PUT', url: `/api/v3.0/common/connectionrequests/${a!.ID}`, headers: { ...oauth(admin), 'content-type': 'application/xml' }, payload: '<ConnectionRequest><Message>Welcome aboard</Message><Status>CRSUC</Status></ConnectionRequest>' });
      expect(xmlPut.statusCode).toBe(204);
      const upper = await app.inject({ method: 'PUT', url: `/api/v3.1/common/connectionrequests/${b!.ID}`, headers: { ...oauth(admin), 'content-type': 'application/json' }, payload: { Status: 'CREU1' } });
      expect(upper.statusCode).toBe(204);
      expect((await putStatus(app, admin, c!.ID, 'CRRET')).statusCode).toBe(204);
      expect((await record(a!.ID)).status).toBe('Connected');
      expect((await record(b!.ID)).status).toBe('Retry');
    });

    it('answers 400 for an invalid code and 404 for an unknown id', async () => {
      const id = (await listPage(app, admin, '?limit=1')).Items[0]!.ID;
      const bad = await putStatus(app, admin, id, 'CRXXX');
      expect(bad.statusCode).toBe(400);
      expect(concurError(bad).Message).toMatch(/^Invalid status code: CRXXX/);
      expect((await putStatus(app, admin, 'no-such-id', 'CRSUC')).statusCode).toBe(404);
      expect((await record(id)).status).toBe('Processing');
    });

    it('makes CRSUC final: GET by id reports Connected and a second PUT is refused', async () => {
      const id = (await listPage(app, admin, '?limit=1')).Items[0]!.ID;
      await putStatus(app, admin, id, 'CRSUC');
      const got = (await json<{ status: string }>(app, { url: `${v32}/${id}`, headers: oauth(admin) })).body;
      expect(got.status).toBe('Connected');
      const again = await putStatus(app, admin, id, 'CRRET');
      expect(again.statusCode).toBe(400);
      await advance(app, 30 * DAY);
      expect((await listPage(app, admin, '?limit=10&offset=0')).Items.map((i) => i.ID)).not.toContain(id);
    });

    it.each(['CREU1', 'CREU2', 'CREU3'])('%s requeues after 24 hours with a fresh request token', async (code) => {
      const first = (await listPage(app, admin, '?limit=1')).Items[0]!;
      await putStatus(app, admin, first.ID, code);
      await advance(app, DAY - 1);
      expect((await listPage(app, admin, '?limit=10&offset=0')).Items.map((i) => i.ID)).not.toContain(first.ID);
      expect((await putStatus(app, admin, first.ID, 'CRSUC')).statusCode).toBe(400);
      await advance(app, 1);
      // Requeued at the back: behind the 11 requests that were waiting all along.
      const back = (await listPage(app, admin, '?limit=10&offset=10')).Items.find((i) => i.ID === first.ID)!;
      expect(back.requestToken).not.toBe(first.requestToken);
      expect(back.lastModified).toBe(new Date(T0).toISOString().slice(0, 19));
    });

    it('fails a request for good after 4 user-error requeues', async () => {
      const id = (await listPage(app, admin, '?limit=1')).Items[0]!.ID;
      for (let i = 1; i <= 4; i++) {
        expect((await putStatus(app, admin, id, 'CREU2')).statusCode).toBe(204);
        expect((await record(id)).requeues.userError).toBe(i);
        await advance(app, DAY);
      }
      expect((await putStatus(app, admin, id, 'CREU2')).statusCode).toBe(204);
      expect((await record(id)).status).toBe('Failed');
      await advance(app, 10 * DAY);
      expect((await listPage(app, admin, '?status=failed')).Items.map((i) => i.ID)).toEqual([id]);
      expect((await listPage(app, admin, '?limit=10')).Items.map((i) => i.ID)).not.toContain(id);
    });

    it.each(['CRRET', 'CRPA1', 'CRPA2'])('%s requeues after 1 hour', async (code) => {
      const id = (await listPage(app, admin, '?limit=1')).Items[0]!.ID;
      await putStatus(app, admin, id, code);
      await advance(app, HOUR - 1);
      expect((await record(id)).status).toBe('Retry');
      await advance(app, 1);
      expect((await record(id)).status).toBe('Pending');
    });

    it('fails a request after 48 retry requeues', async () => {
      const id = (await listPage(app, admin, '?limit=1')).Items[0]!.ID;
      for (let i = 0; i < 48; i++) {
        expect((await putStatus(app, admin, id, 'CRRET')).statusCode).toBe(204);
        await advance(app, HOUR);
      }
      expect((await record(id)).requeues.retry).toBe(48);
      await putStatus(app, admin, id, 'CRRET');
      expect((await record(id)).status).toBe('Failed');
    });
  });

  describe('a request handed out and never PUT back', () => {
    it('comes back after 24 hours with a fresh token, at the back of the queue', async () => {
      const first = (await listPage(app, admin, '?limit=1')).Items[0]!;
      await advance(app, DAY - 1);
      expect((await record(first.ID)).status).toBe('Processing');
      await advance(app, 1);
      expect((await record(first.ID)).requeues.lease).toBe(1);
      const all = (await listPage(app, admin, '?limit=10&offset=10')).Items;
      const back = all[all.length - 1]!;
      expect(back.ID).toBe(first.ID);
      expect(back.requestToken).not.toBe(first.requestToken);
    });

    it('gets a fresh request token on GET once the old one expired, within the same lease', async () => {
      const first = (await listPage(app, admin, '?limit=1')).Items[0]!;
      await advance(app, 16 * MIN);
      const again = (await listPage(app, admin, '?limit=1')).Items[0]!;
      expect(again.ID).toBe(first.ID);
      expect(again.requestToken).not.toBe(first.requestToken);
      expect((await record(first.ID)).requeues.lease).toBe(0);
    });

    it('fails after 48 lease requeues', async () => {
      const short = await mockConcur({ demoTravelers: 1 });
      const token = (await nativeToken(short)).token;
      const id = (await listPage(short, token)).Items[0]!.ID;
      for (let i = 0; i < 48; i++) {
        await advance(short, DAY);
        expect((await listPage(short, token)).Items.map((x) => x.ID)).toEqual([id]);
      }
      await advance(short, DAY);
      expect((await listPage(short, token)).Items).toEqual([]);
      expect((await json<{ status: string }>(short, { url: `/_mock/connection-requests/${id}` })).body.status).toBe('Failed');
      await short.close();
    });
  });

  describe('lease mode (the earlier v3.2 page: each GET returns a new page)', () => {
    it('hands each request out once, hides it for 24 hours, and pages with an id cursor', async () => {
      const lease = await mockConcur({ queueMode: 'lease' });
      const token = (await nativeToken(lease)).token;
      const a = await listPage(lease, token, '?limit=5');
      expect(a.NextPage).toBe(`http://localhost:80${v32}/?limit=5&offset=${a.Items[4]!.ID}`);
      const b = await listPage(lease, token, '?limit=5');
      const c = await listPage(lease, token, '?limit=5');
      expect(c.NextPage).toBeNull();
      const ids = [...a.Items, ...b.Items, ...c.Items].map((i) => i.ID);
      expect(new Set(ids).size).toBe(12);
      expect((await listPage(lease, token)).Items).toEqual([]);
      await putStatus(lease, token, ids[0]!, 'CRSUC');
      await advance(lease, DAY);
      expect((await listPage(lease, token, '?limit=10')).Items.map((i) => i.ID)).toEqual(ids.slice(1, 11));
      await lease.close();
    });
  });

  describe('authorization', () => {
    it('answers 401 for a missing token, 403 for malformed, unknown, expired and revoked ones', async () => {
      const cases: [Record<string, string>, string, number][] = [
        [{}, 'Authorization header with an OAuth access token is required', 401],
        [{ authorization: 'Token abc' }, "Authorization header must be 'OAuth {access token}'", 403],
        [{ authorization: 'OAuth 0_unknown' }, 'Invalid access token', 403],
      ];
      for (const [headers, message, status] of cases) {
        const res = await app.inject({ url: v32, headers });
        expect(res.statusCode).toBe(status);
        expect(concurError(res).Message).toBe(message);
      }
      const expired = (await json<{ token: string }>(app, { method: 'POST', url: '/_mock/access-tokens', payload: { consumerKey: DEMO.app.consumerKey, loginId: DEMO.admin.loginId, ageSeconds: 366 * DAY } })).body.token;
      expect(concurError(await app.inject({ url: v32, headers: oauth(expired) })).Message).toBe('Access token has expired');
      const revoked = (await json<{ token: string }>(app, { method: 'POST', url: '/_mock/access-tokens', payload: { consumerKey: DEMO.app.consumerKey, loginId: DEMO.admin.loginId, revoked: true } })).body.token;
      expect(concurError(await app.inject({ url: v32, headers: oauth(revoked) })).Message).toBe('Access token has been revoked');
    });

    it('accepts the Bearer scheme of the v3.2 examples', async () => {
      expect((await app.inject({ url: v32, headers: { authorization: `Bearer ${admin}` } })).statusCode).toBe(200);
    });

    it('answers 403 for a user without the Web Services Administrator role', async () => {
      const traveler = (await nativeToken(app, DEMO.traveler.loginId)).token;
      for (const req of [{ url: v32 }, { method: 'PUT' as const, url: `${v32}/x`, payload: { status: 'CRSUC' } }, { method: 'POST' as const, url: `${v32}?user=${DEMO.traveler.loginId}` }]) {
        const res = await app.inject({ ...req, headers: oauth(traveler) });
        expect(res.statusCode).toBe(403);
      }
    });

    it('answers 403 for an app without the CONREQ scope', async () => {
      await json(app, { method: 'POST', url: '/_mock/apps', payload: { name: 'No CONREQ', consumerKey: 'noconreq', consumerSecret: 'noconreq-secret', scopes: ['USER'] } });
      const token = (await nativeToken(app, DEMO.admin.loginId, 'noconreq')).token;
      const res = await app.inject({ url: v32, headers: oauth(token) });
      expect(res.statusCode).toBe(403);
      expect(concurError(res).Message).toBe('The application does not have the CONREQ scope');
    });
  });
});
