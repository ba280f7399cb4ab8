import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConcurClient, MalformedResponseError } from 'concur-partner-client';

const BASE = 'https://concur.test';
const json = { 'Content-Type': 'application/json' };
// nock intercepts fetch and http.request, not undici's pools: these wire-level cases run on the
// fetch transport; the undici one meets the same cases against real servers (test/integration/client,
// test/unit/client/transports.test.ts), and both share send(), which parses and types every answer.
const client = createConcurClient({ baseUrl: BASE, consumerKey: 'key', consumerSecret: 'the-secret', retry: false, transport: 'fetch' });

/** The error a call failed with (the test fails if it resolved). */
async function failure(call: Promise<unknown>): Promise<MalformedResponseError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MalformedResponseError);
  return error as MalformedResponseError;
}

describe('a body that parses but lacks what Concur promises', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('is a MalformedResponseError naming the method, the redacted URL and the status: a token without Token', async () => {
    nock(BASE).get('/net2/oauth2/getaccesstoken.ashx').query(true).reply(200, { Access_Token: { Expiration_date: '1/1/2030 1:00:00 AM' } }, json);
    const error = await failure(client.exchangeRequestToken('the-request-token'));
    expect(error).toMatchObject({ method: 'GET', status: 200 });
    expect(error.url).toContain('/net2/oauth2/getaccesstoken.ashx');
    expect(error.message).toMatch(/^GET https:\/\/concur\.test\/net2\/oauth2\/getaccesstoken\.ashx\?.* answered 200 with a body that could not be read: Access_Token has no Token$/);
    expect(error.message).not.toContain('the-request-token');
    expect(error.message).not.toContain('the-secret');
  });

  it('is a MalformedResponseError for a page that is not a ConnectionRequests page, and for a request without ID', async () => {
    nock(BASE).get('/api/v3.2/common/connectionrequests').query(true).reply(200, '"not a page"', json);
    const page = await failure(client.connectionRequests('admin').list());
    expect(page).toMatchObject({ method: 'GET', status: 200 });
    expect(page.message).toContain('response is not a ConnectionRequests page');

    nock(BASE).get('/api/v3.2/common/connectionrequests/abc').reply(200, { status: 'Pending' }, json);
    const one = await failure(client.connectionRequests('admin').get('abc'));
    expect(one.url).toBe(`${BASE}/api/v3.2/common/connectionrequests/abc`);
    expect(one.message).toContain('a ConnectionRequest has no ID');

    nock(BASE).post('/api/v3.2/common/connectionrequests').query(true).reply(200, {}, json);
    const created = await failure(client.connectionRequests('admin').create('someone@example.com'));
    expect(created).toMatchObject({ method: 'POST', status: 200 });
    expect(created.message).toContain('the created ConnectionRequest has no ID');
  });
});
