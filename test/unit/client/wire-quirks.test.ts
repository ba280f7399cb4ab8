import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConcurHttpError, createConcurClient, defaultOptions, InvalidOptionsError, MalformedResponseError, NetworkError, RateLimitedError, TimeoutError, type ConcurClientInput } from 'concur-partner-client';

const BASE = 'https://concur.test';
const creds = { baseUrl: BASE, consumerKey: 'key', consumerSecret: 'the-secret' };
const noWait = async (_ms: number, signal?: AbortSignal) => {
  if (signal?.aborted) throw signal.reason;
};
// nock intercepts fetch and http.request, not undici's pools: these wire-level cases run on the
// fetch transport; the undici one meets the same cases against real servers (test/integration/client,
// test/unit/client/transports.test.ts), and both share send(), which parses and types every answer.
const make = (extra: Partial<ConcurClientInput> = {}) => createConcurClient({ ...creds, sleep: noWait, transport: 'fetch', ...extra });
const xml = { 'Content-Type': 'application/xml' };
const json = { 'Content-Type': 'application/json' };

describe('options', () => {
  it('merges defaults once: JSON, v3.2, retries on', () => {
    expect(defaultOptions).toMatchObject({ format: 'json', apiVersion: '3.2', timeoutMs: 30_000 });
    expect(defaultOptions.retry.retries).toBeGreaterThan(0);
  });

  it.each([
    [{ baseUrl: 'www.concursolutions.com' }, /baseUrl must be an absolute/],
    [{ baseUrl: 'ftp://concur.test' }, /baseUrl must be http or https/],
    [{ consumerKey: '' }, /consumerKey is required/],
    [{ format: 'yaml' }, /format must be 'json' or 'xml', got 'yaml'/],
    [{ apiVersion: '4.0' }, /apiVersion must be '3.0', '3.1' or '3.2', got '4.0'/],
    [{ timeoutMs: 0 }, /timeoutMs must be a positive number/],
    [{ retry: { retries: -1 } }, /retry.retries must be a number >= 0/],
  ])('refuses %j precisely', (bad, message) => {
    expect(() => createConcurClient({ ...creds, ...(bad as object) } as ConcurClientInput)).toThrow(InvalidOptionsError);
    expect(() => createConcurClient({ ...creds, ...(bad as object) } as ConcurClientInput)).toThrow(message);
  });
});

describe('wire quirks', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('reads a request whatever the case of its names: the later of two spellings wins, unknown names are kept, e-mails in order without nulls', async () => {
    nock(BASE)
      .get('/api/v3.1/common/connectionrequests')
      .query(true)
      .reply(
        200,
        { Items: [{ ID: 'r1', id: 'r1-later', LASTNAME: 'Ng', loyaltynumber: 'L9', Custom: { a: 1 }, '@odata': 'x', EmailAddresses: { Email2: 'b@x.test', Email1: 'a@x.test', Email3: null, Other: 'o@x.test' }, LastModified: '2022-11-09T05:57:29' }], NextPage: null },
        json,
      );
    const page = await make({ apiVersion: '3.1' }).connectionRequests('admin').list();
    expect(page.items[0]).toEqual({
      id: 'r1-later',
      uri: null,
      firstName: null,
      middleName: null,
      lastName: 'Ng',
      loyaltyNumber: 'L9',
      requestToken: null,
      status: null,
      lastModified: new Date('2022-11-09T05:57:29Z'),
      userId: null,
      emailAddresses: ['a@x.test', 'b@x.test'],
      extra: { Custom: { a: 1 } },
    });
  });

  it('reads the alternate spellings Instance_URL / Expiration_Date, and a token without refresh token or instance', async () => {
    nock(BASE)
      .get('/net2/oauth2/getaccesstoken.ashx')
      .query(true)
      .reply(200, '<Access_Token><Instance_URL>https://www.ea1.concursolutions.com/</Instance_URL><Token>t1</Token><Expiration_Date>12/31/2026 12:05:09 AM</Expiration_Date></Access_Token>', xml);
    const token = await make({ format: 'xml' }).refreshAccessToken('r1');
    expect(token).toEqual({ token: 't1', refreshToken: null, expiresAt: new Date('2026-12-31T00:05:09Z'), instanceUrl: 'https://www.ea1.concursolutions.com/' });
  });

  it('parses 12 PM as noon and 12 AM as midnight, in UTC', async () => {
    nock(BASE).get('/net2/oauth2/getaccesstoken.ashx').query(true).reply(200, { Access_Token: { Token: 't', Expiration_date: '1/2/2027 12:00:00 PM' } }, json);
    expect((await make().refreshAccessToken('r')).expiresAt.toISOString()).toBe('2027-01-02T12:00:00.000Z');
  });

  it('refuses an expiry that is not a real date instead of rolling it over', async () => {
    nock(BASE).get('/net2/oauth2/getaccesstoken.ashx').query(true).reply(200, { Access_Token: { Token: 't', Expiration_date: '2/30/2027 1:00:00 PM' } }, json);
    await expect(make().refreshAccessToken('r')).rejects.toThrow(/not a valid Concur date/);
  });

  it('keeps fields it does not know in extra', async () => {
    nock(BASE)
      .get('/api/v3.2/common/connectionrequests')
      .reply(200, { Items: [{ ID: 'a', URI: `${BASE}/x/a`, firstName: 'A', status: 'Pending', preferredLanguage: 'fr', loyaltyTier: { level: 'gold' } }], NextPage: null }, json);
    const page = await make().connectionRequests('adm').list();
    expect(page.items[0]!.extra).toEqual({ preferredLanguage: 'fr', loyaltyTier: { level: 'gold' } });
  });

  it('follows the Instance_Url of the token it is given', async () => {
    const scope = nock('https://www.ea1.concursolutions.com').get('/api/v3.2/common/connectionrequests').matchHeader('authorization', 'OAuth adm').reply(200, { Items: [], NextPage: null }, json);
    await make().connectionRequests({ token: 'adm', refreshToken: null, expiresAt: new Date(), instanceUrl: 'https://www.ea1.concursolutions.com/' }).list();
    expect(scope.isDone()).toBe(true);
  });

  it('stops paging when NextPage comes round again', async () => {
    const page = (next: string | null) => ({ Items: [{ ID: String(next) }], NextPage: next });
    const scope = nock(BASE)
      .get('/api/v3.2/common/connectionrequests').reply(200, page(`${BASE}/api/v3.2/common/connectionrequests?offset=c1`), json)
      .get('/api/v3.2/common/connectionrequests').query({ offset: 'c1' }).reply(200, page(`${BASE}/api/v3.2/common/connectionrequests?offset=c1`), json);
    const seen = [];
    for await (const p of make().connectionRequests('adm').pages()) seen.push(p);
    expect(seen).toHaveLength(2);
    expect(scope.isDone()).toBe(true);
  });

  it('gives an HTML proxy page and an empty 502 typed errors', async () => {
    nock(BASE).get('/api/v3.2/common/connectionrequests').reply(403, '<html><body>Forbidden by proxy</body></html>', { 'Content-Type': 'text/html' });
    const forbidden = await make().connectionRequests('adm').list().catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ name: 'ForbiddenError', status: 403, concurMessage: null });
    nock(BASE).get('/api/v3.2/common/connectionrequests').times(4).reply(502, '');
    const bad = await make().connectionRequests('adm').list().catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConcurHttpError);
    expect(bad).toMatchObject({ status: 502, concurMessage: null });
  });

  it('retries a GET after 503s and a 429, honouring Retry-After', async () => {
    const waits: number[] = [];
    nock(BASE)
      .get('/api/v3.2/common/connectionrequests').reply(503, '')
      .get('/api/v3.2/common/connectionrequests').reply(429, { Message: 'slow down' }, { ...json, 'Retry-After': '7' })
      .get('/api/v3.2/common/connectionrequests').reply(200, { Items: [], NextPage: null }, json);
    const client = make({ retry: { initialDelayMs: 1, maxDelayMs: 5 }, sleep: async (ms) => void waits.push(ms) });
    await expect(client.connectionRequests('adm').list()).resolves.toEqual({ items: [], nextPage: null });
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBe(7000);
  });

  it('gives up after the configured number of retries with the last error', async () => {
    nock(BASE).get('/api/v3.2/common/connectionrequests').times(3).reply(429, '', { 'Retry-After': '0' });
    const error = await make({ retry: { retries: 2 } }).connectionRequests('adm').list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('does not wait past maxElapsedMs for a long Retry-After', async () => {
    nock(BASE).get('/api/v3.2/common/connectionrequests').reply(503, '', { 'Retry-After': '3600' });
    const waits: number[] = [];
    const error = await make({ retry: { maxElapsedMs: 5_000 }, sleep: async (ms) => void waits.push(ms) }).connectionRequests('adm').list().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, retryAfterMs: 3_600_000 });
    expect(waits).toEqual([]);
  });

  it('never retries a request-token exchange, even after a 503', async () => {
    const scope = nock(BASE).get('/net2/oauth2/getaccesstoken.ashx').query(true).times(2).reply(503, '');
    await expect(make().exchangeRequestToken('0_code')).rejects.toMatchObject({ status: 503 });
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('stops retrying as soon as the AbortSignal fires, with its reason', async () => {
    nock(BASE).get('/api/v3.2/common/connectionrequests').times(5).reply(503, '');
    const controller = new AbortController();
    const client = make({
      retry: { initialDelayMs: 1, maxDelayMs: 1 },
      // A real, abortable wait: the abort below must cut it short.
      sleep: (ms, signal) => new Promise((resolve, reject) => {
        const t = setTimeout(resolve, 60_000);
        signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
        void ms;
      }),
    });
    const pending = client.connectionRequests('adm', { signal: controller.signal }).list();
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    await expect(pending).rejects.toThrow('shutting down');
  });

  it('reports a connection failure as NetworkError and a slow server as TimeoutError, redacting secrets', async () => {
    nock(BASE).get('/net2/oauth2/getaccesstoken.ashx').query(true).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const network = await make().exchangeRequestToken('0_secretcode').catch((e: unknown) => e);
    expect(network).toBeInstanceOf(NetworkError);
    expect((network as Error).message).not.toMatch(/0_secretcode|the-secret/);
    nock(BASE).get('/api/v3.2/common/connectionrequests').delay(500).reply(200, { Items: [], NextPage: null }, json);
    const slow = await make({ timeoutMs: 50, retry: false }).connectionRequests('adm').list().catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(TimeoutError);
  });

  it('types a truncated success body as MalformedResponseError', async () => {
    nock(BASE).post('/api/v3.2/common/connectionrequests').query(true).reply(200, '<ConnectionRequest><ID>ab', xml);
    await expect(make({ format: 'xml' }).connectionRequests('adm').create('u@example.com')).rejects.toBeInstanceOf(MalformedResponseError);
  });
});
