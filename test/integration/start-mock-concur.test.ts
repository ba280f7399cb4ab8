import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockConcur, type StartedMockConcur } from 'mock-concur';
import { basic, DEMO } from '../support/mock.js';

type Page = { Items: { URI: string; requestToken: string }[]; NextPage: string | null };

describe('startMockConcur over real HTTP', () => {
  let mock: StartedMockConcur;
  let admin: string;
  beforeAll(async () => {
    mock = await startMockConcur();
    const res = await fetch(`${mock.url}/net2/oauth2/accesstoken.ashx`, { headers: { authorization: basic(DEMO.admin.loginId, DEMO.admin.password), 'x-consumerkey': DEMO.app.consumerKey, accept: 'application/json' } });
    admin = ((await res.json()) as { Access_Token: { Token: string } }).Access_Token.Token;
  });
  afterAll(() => mock.close());

  it('listens on a free loopback port and writes its own URL into Instance_Url and URIs', async () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${mock.url}/api/v3.2/common/connectionrequests?limit=1`, { headers: { authorization: `OAuth ${admin}`, accept: 'application/json' } });
    const page = (await res.json()) as Page;
    expect(page.Items[0]!.URI.startsWith(`${mock.url}/api/v3.2/common/connectionrequests/`)).toBe(true);
    expect(page.NextPage).toBe(`${mock.url}/api/v3.2/common/connectionrequests/?limit=1&offset=1`);
  });

  it('hands tests the clock: advancing it expires request tokens at once', async () => {
    const page = (await (await fetch(`${mock.url}/api/v3.2/common/connectionrequests?limit=1`, { headers: { authorization: `OAuth ${admin}`, accept: 'application/json' } })).json()) as Page;
    mock.clock.advance(15 * 60_000);
    const res = await fetch(`${mock.url}/net2/oauth2/getaccesstoken.ashx?code=${page.Items[0]!.requestToken}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Message>Request token has expired</Message>');
  });

  it('resets the connection for a reset fault, and journals it', async () => {
    await mock.control.addFault({ path: '/api/v3.2/*', reset: true, times: 1 });
    await expect(fetch(`${mock.url}/api/v3.2/common/connectionrequests`, { headers: { authorization: `OAuth ${admin}` } })).rejects.toThrow();
    const next = await fetch(`${mock.url}/api/v3.2/common/connectionrequests`, { headers: { authorization: `OAuth ${admin}` } });
    expect(next.status).toBe(200);
    const journal = (await (await fetch(`${mock.url}/_mock/journal`)).json()) as { note?: string; status: number }[];
    expect(journal.some((e) => e.note === 'connection reset' && e.status === 0)).toBe(true);
  });

  it('answers 413 in Concur’s envelope for a body over the limit', async () => {
    const res = await fetch(`${mock.url}/api/v3.2/common/connectionrequests/x`, { method: 'PUT', headers: { authorization: `OAuth ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'CRSUC', pad: 'x'.repeat(70_000) }) });
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/^<Error><Message>Request body is larger than 65536 bytes<\/Message>/);
  });
});
