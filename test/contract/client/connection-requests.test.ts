import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contractExamples, throughInteractions } from 'concur-contracts';
import { ConcurHttpError, createConcurClient, ForbiddenError, NotFoundError, UnauthorizedError, type ApiVersion, type WireFormat } from 'concur-partner-client';

const CONCUR = 'https://www.concursolutions.com';
const ex = contractExamples();
const id = ex['connectionRequestId']!;
// nock intercepts fetch and http.request, not undici's pools: these wire-level cases run on the
// fetch transport; the undici one meets the same cases against real servers (test/integration/client,
// test/unit/client/transports.test.ts), and both share send(), which parses and types every answer.
const requests = (format: WireFormat, apiVersion: ApiVersion, token = ex['adminToken']!) =>
  createConcurClient({ baseUrl: CONCUR, consumerKey: ex['consumerKey']!, consumerSecret: ex['consumerSecret']!, format, apiVersion, retry: false, transport: 'fetch' }).connectionRequests(token);

/** The fixtures' interceptors around `call`: every one must have answered. */
const through = <T>(keys: string | string[], call: () => Promise<T>): Promise<T> => throughInteractions(keys, call, { baseUrl: CONCUR });

describe('Connection Requests through the contract fixtures', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it.each([
    ['xml', '3.2', 'connection-requests-list/v3-2-xml-page'],
    ['json', '3.2', 'connection-requests-list/v3-2-json-page'],
    ['json', '3.1', 'connection-requests-list/v3-1-json-page'],
    ['xml', '3.1', 'connection-requests-list/v3-1-xml-page'],
    ['json', '3.0', 'connection-requests-list/v3-0-json-page'],
    ['xml', '3.0', 'connection-requests-list/v3-0-xml-page'],
    ['json', '3.2', 'connection-requests-list/v3-2-json-page-default-size'],
  ] as const)('reads a %s v%s page into one normalised shape (%s)', async (format, version, key) => {
    const page = await through(key, () => requests(format, version).list());
    expect(page.items.length).toBeGreaterThan(0);
    const first = page.items[0]!;
    expect(first).toMatchObject({ id, firstName: 'Taylor', lastName: 'Traveler', status: 'Pending', requestToken: ex['requestToken'] });
    expect(first.uri).toContain(`/api/v${version}/common/connectionrequests/${id}`);
    expect(first.lastModified?.toISOString()).toBe('2022-11-09T05:57:29.000Z');
    expect(first.extra).toEqual({});
    if (version !== '3.0') expect(first.emailAddresses.length).toBeGreaterThan(0);
    for (const email of first.emailAddresses) expect(email).toContain('@');
    if (version === '3.2') expect(first.userId).toMatch(/^\S+$/);
  });

  it('reads nulls (xsi:nil in XML, null in JSON) as null', async () => {
    const page = await through('connection-requests-list/v3-2-json-page-names-the-user', () => requests('json', '3.2').list());
    expect(page.items).toHaveLength(1);
    expect(page.nextPage).toBeNull();
    expect(page.items[0]!.loyaltyNumber).toBe('7000000001');
  });

  it('reads an empty page', async () => {
    const page = await through('connection-requests-list/v3-2-json-page-empty', () => requests('json', '3.2').list());
    expect(page).toEqual({ items: [], nextPage: null });
  });

  it('sends limit and offset, and leaves a clamped limit to Concur', async () => {
    const page = await through('connection-requests-list/v3-2-json-page-capped-at-10', () => requests('json', '3.2').list({ limit: 50 }));
    expect(page.items).toHaveLength(10);
  });

  it('follows NextPage until it is null, fetching each page once', async () => {
    const pages = await through(['connection-requests-list/v3-2-json-page-first-of-two', 'connection-requests-list/v3-2-json-page-last-of-two'], async () => {
      const out = [];
      for await (const page of requests('json', '3.2').pages({ limit: 5 })) out.push(page);
      return out;
    });
    expect(pages.map((p) => p.items.length)).toEqual([5, 2]);
    expect(pages[1]!.nextPage).toBeNull();
  });

  it.each([
    ['json', '3.2', 'connection-requests-get/v3-2-json-by-id'],
    ['xml', '3.2', 'connection-requests-get/v3-2-xml-by-id'],
    ['json', '3.1', 'connection-requests-get/v3-1-json-by-id'],
    ['json', '3.0', 'connection-requests-get/v3-0-json-by-id'],
  ] as const)('gets one request by id (%s v%s)', async (format, version, key) => {
    const request = await through(key, () => requests(format, version).get(id));
    expect(request.id).toBe(id);
    expect(request.uri).toContain(`/api/v${version}/common/connectionrequests/${id}`);
    expect(request.status).toMatch(/^\w+$/);
  });

  it('answers an unknown id with a NotFoundError (GET and PUT)', async () => {
    const missing = '00000000-0000-0000-0000-000000000000';
    await expect(through('connection-requests-get/unknown-id', () => requests('json', '3.2').get(missing))).rejects.toBeInstanceOf(NotFoundError);
    await expect(through('connection-requests-update/unknown-id', () => requests('json', '3.2').update(missing, 'CRSUC'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([
    ['json', '3.2', 'connection-requests-create/v3-2-json-creates'],
    ['xml', '3.2', 'connection-requests-create/v3-2-xml-creates'],
    ['json', '3.0', 'connection-requests-create/v3-0-json-creates'],
  ] as const)('creates a request for a user (%s v%s)', async (format, version, key) => {
    const created = await through(key, () => requests(format, version).create(ex['userLoginId']!));
    expect(created.id).toBe(id);
    expect(created.uri).toContain(`/api/v${version}/common/connectionrequests/`);
  });

  it('reports Concur\'s own message for an invalid user', async () => {
    const error = await through('connection-requests-create/invalid-user', () => requests('xml', '3.2').create('someone@example.com').catch((e: unknown) => e));
    expect(error).toBeInstanceOf(ConcurHttpError);
    expect(error).toMatchObject({ status: 400, concurMessage: 'Invalid User:someone@example.com' });
  });

  it('reports a v3.2 POST for a user with an open request as a 409 ConcurHttpError, reading the wrapped JSON error', async () => {
    const error = await through('connection-requests-create/v3-2-conflict-open-request', () => requests('json', '3.2').create(ex['userLoginId']!).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(ConcurHttpError);
    expect(error).toMatchObject({ status: 409, concurMessage: expect.stringMatching(/open connection request already exists/) });
  });

  it.each(['CRSUC', 'CREU1', 'CREU2', 'CREU3', 'CRPA1', 'CRPA2', 'CRRET'])('puts status %s back in v3.2 (204)', async (code) => {
    await through(`connection-requests-update/v3-2-${code.toLowerCase()}`, () => requests('json', '3.2').update(id, code));
  });

  it('puts the seed\'s XML body in v3.0 and a capitalised Status in v3.1', async () => {
    await through('connection-requests-update/v3-0-xml-body-from-seed', () => requests('xml', '3.0').update(id, 'CRSUC', 'Welcome aboard'));
    await through('connection-requests-update/v3-1-json-capitalised-status', () => requests('json', '3.1').update(id, 'CREU1'));
  });

  it('surfaces a refused status code with its message', async () => {
    const error = await through('connection-requests-update/invalid-code', () => requests('json', '3.2').update(id, 'CRXXX').catch((e: unknown) => e));
    expect(error).toMatchObject({ status: 400 });
    expect((error as ConcurHttpError).concurMessage).toContain('CRXXX');
  });

  it('deletes in v3.0, and reports the 405 of v3.1 and v3.2', async () => {
    await through('connection-requests-delete/v3-0-deletes', () => requests('xml', '3.0').remove(id));
    for (const version of ['3.1', '3.2'] as const) {
      const error = await through(`connection-requests-delete/v${version.replace('.', '-')}-has-no-delete`, () => requests('json', version).remove(id).catch((e: unknown) => e));
      expect(error).toMatchObject({ status: 405, method: 'DELETE' });
    }
  });

  it.each([
    ['connection-requests-authorization/unknown-token', '0_NoSuchAccessToken00000000000000000000000000', UnauthorizedError, /Invalid access token/],
    ['connection-requests-authorization/expired-token', ex['expiredToken']!, UnauthorizedError, /[Ee]xpired/],
    ['connection-requests-authorization/revoked-token', ex['revokedToken']!, UnauthorizedError, /[Rr]evoked/],
    ['connection-requests-authorization/wrong-role-list', ex['travelerToken']!, ForbiddenError, /Administrator/],
    ['connection-requests-authorization/missing-conreq-scope', ex['noScopeToken']!, ForbiddenError, /CONREQ/],
  ] as const)('types an authorization failure (%s)', async (key, token, type, message) => {
    const error = await through(key, () => requests('json', '3.2', token).list().catch((e: unknown) => e));
    expect(error).toBeInstanceOf(type);
    expect((error as ConcurHttpError).concurMessage).toMatch(message);
    expect((error as Error).message).not.toContain(token);
  });

  it('types the role failures of PUT and POST as ForbiddenError', async () => {
    const api = requests('json', '3.2', ex['travelerToken']!);
    await expect(through('connection-requests-authorization/wrong-role-update', () => api.update(id, 'CRSUC'))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(through('connection-requests-authorization/wrong-role-create', () => api.create(ex['travelerLoginId']!))).rejects.toBeInstanceOf(ForbiddenError);
  });
});
