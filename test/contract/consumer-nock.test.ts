import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contractExamples, explainUnmatched, InteractionsNotUsedError, interceptInteraction, loadFixtures, throughInteractions } from 'concur-contracts';
import { checkConsumerUsage, ENFORCE_CONSUMER_USAGE, isFilteredRun } from '../../contracts/src/consumer/usage-gate.js';
import { ConsumerUsage, formatUnused, readRecordedUsage, unusedInteractions } from '../../contracts/src/consumer/usage-registry.js';

// The client (issue 4) does not exist yet: these tests drive the helper with plain fetch.
const CONCUR = 'https://www.concursolutions.com';
const ex = contractExamples();
const exchangeUrl = (code: string) => `${CONCUR}/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${ex['consumerKey']}&client_secret=${ex['consumerSecret']}`;

describe('fixtures as nock interceptors', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('answers a matching request with exactly the response the provider was verified to give', async () => {
    const usage = new ConsumerUsage(undefined);
    const interceptor = interceptInteraction('oauth-token-exchange/exchanges-request-token-json', { usage });
    const res = await fetch(exchangeUrl(ex['requestToken']!), { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({
      Access_Token: { Instance_Url: 'https://www.concursolutions.com/', Token: ex['travelerToken'], Expiration_date: '3/30/2013 2:19:10 PM', Refresh_Token: '0_TravelerRefreshTokenExample000000000000000' },
    });
    expect(interceptor.isDone()).toBe(true);
    expect([...usage.used()]).toEqual(['oauth-token-exchange/exchanges-request-token-json']);
  });

  it('turns away a request that differs from the fixture, and says exactly how', async () => {
    const interceptor = interceptInteraction('oauth-token-exchange/exchanges-request-token-json');
    await expect(fetch(`${exchangeUrl('0_SomeOtherCode')}&extra=1`)).rejects.toThrow();
    expect(interceptor.isDone()).toBe(false);
    expect(explainUnmatched([interceptor])).toBe(
      [
        'oauth-token-exchange/exchanges-request-token-json did not match /net2/oauth2/getaccesstoken.ashx:',
        '  query code: expected "0_XI1GL5BTe05Wr76W0bkK3hPg2sF7gcZ" but got "0_SomeOtherCode"',
        '  query extra: not in the contract',
        '  header Accept: missing',
      ].join('\n'),
    );
  });

  it("matches the seed's XML body by content, whatever the whitespace", async () => {
    const interceptor = interceptInteraction('connection-requests-update/v3-0-xml-body-from-seed');
    const res = await fetch(`${CONCUR}/api/v3.0/common/connectionrequests/${ex['connectionRequestId']}`, {
      method: 'PUT',
      headers: { authorization: `OAuth ${ex['adminToken']}`, 'content-type': 'application/xml' },
      body: '<ConnectionRequest>\n  <Message>Welcome aboard</Message>\n  <Status>CRSUC</Status>\n</ConnectionRequest>',
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(interceptor.isDone()).toBe(true);
  });

  it('checks a JSON body field by field', async () => {
    const interceptor = interceptInteraction('connection-requests-update/v3-2-crsuc');
    const put = (status: string) =>
      fetch(`${CONCUR}/api/v3.2/common/connectionrequests/${ex['connectionRequestId']}`, { method: 'PUT', headers: { authorization: `OAuth ${ex['adminToken']}`, 'content-type': 'application/json' }, body: JSON.stringify({ status }) });
    await expect(put('CRRET')).rejects.toThrow();
    expect(explainUnmatched([interceptor])).toContain('  body $.status: expected "CRSUC" but got "CRRET"');
    expect((await put('CRSUC')).status).toBe(204);
  });

  it('serves XML pages with xsi:nil, and writes the base URL the client uses into URIs', async () => {
    interceptInteraction('connection-requests-list/v3-2-xml-page', { baseUrl: 'http://concur.test/' });
    const res = await fetch('http://concur.test/api/v3.2/common/connectionrequests', { headers: { authorization: `OAuth ${ex['adminToken']}`, accept: 'application/xml' } });
    const body = await res.text();
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(body).toMatch(/^<ConnectionRequests xmlns:xsd="http:\/\/www\.w3\.org\/2001\/XMLSchema" xmlns:xsi="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance"><Items><ConnectionRequest><ID>/);
    expect(body).toContain(`<URI>http://concur.test/api/v3.2/common/connectionrequests/${ex['connectionRequestId']}</URI>`);
    expect(body).toContain('<email2 xsi:nil="true" />');
    expect(body).toContain('<NextPage xsi:nil="true" /></ConnectionRequests>');
  });

  it('answers as many times as asked, or for good with persist', async () => {
    const twice = interceptInteraction('connection-requests-authorization/missing-token', { times: 2 });
    for (let i = 0; i < 2; i++) expect((await fetch(`${CONCUR}/api/v3.2/common/connectionrequests`)).status).toBe(401);
    expect(twice.isDone()).toBe(true);
    await expect(fetch(`${CONCUR}/api/v3.2/common/connectionrequests`)).rejects.toThrow();
    interceptInteraction('connection-requests-authorization/missing-token', { persist: true });
    for (let i = 0; i < 3; i++) expect((await fetch(`${CONCUR}/api/v3.2/common/connectionrequests`)).status).toBe(401);
  });

  it('refuses a key no fixture has', () => {
    expect(() => interceptInteraction('oauth-token-exchange/no-such-thing')).toThrow(/no contract interaction 'oauth-token-exchange\/no-such-thing'/);
  });
});

describe('throughInteractions: the consumer-test helper', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('answers what the call answered when the interaction was used, and fails naming it when it was not', async () => {
    const ex = contractExamples();
    const base = 'https://concur.test';
    const refresh = `${base}/net2/oauth2/getaccesstoken.ashx?${new URLSearchParams({ refresh_token: '0_NoSuchRefreshToken0000000000000', client_id: ex['consumerKey']!, client_secret: ex['consumerSecret']! })}`;
    const status = await throughInteractions('oauth-refresh/refuses-unknown-refresh-token', async () => (await fetch(refresh, { headers: { accept: 'application/json' } })).status, { baseUrl: base, usage: new ConsumerUsage() });
    expect(status).toBe(400);
    await expect(throughInteractions('oauth-refresh/refuses-unknown-refresh-token', async () => 'never called Concur', { baseUrl: base, usage: new ConsumerUsage() })).rejects.toThrow(InteractionsNotUsedError);
  });
});

describe('which fixtures consumer tests use', () => {
  const fixtures = loadFixtures();
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-usage-'));
    dirs.push(dir);
    return dir;
  };

  it('counts a fixture as used only once its interceptor has answered, across processes through files', async () => {
    nock.disableNetConnect();
    const dir = tempDir();
    const usage = new ConsumerUsage(dir);
    interceptInteraction('oauth-revoke/refuses-missing-token', { usage });
    const answered = interceptInteraction('connection-requests-authorization/missing-token', { usage });
    await fetch(`${CONCUR}/api/v3.2/common/connectionrequests`);
    expect(answered.isDone()).toBe(true);
    expect([...usage.used()]).toEqual(['connection-requests-authorization/missing-token']);
    expect(readFileSync(join(dir, `usage-${process.pid}.txt`), 'utf8')).toBe('connection-requests-authorization/missing-token\n');
    expect(readRecordedUsage(dir)).toEqual(new Set(['connection-requests-authorization/missing-token']));
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('lists every fixture no consumer test used, by key, file and name', () => {
    const used = new Set(fixtures.interactions.map((i) => i.key).filter((k) => k !== 'oauth-refresh/refuses-unknown-refresh-token'));
    const unused = unusedInteractions(fixtures, used);
    expect(unused.map((i) => i.key)).toEqual(['oauth-refresh/refuses-unknown-refresh-token']);
    expect(formatUnused(unused)).toBe(`1 contract fixture(s) no consumer test uses:\n  oauth-refresh/refuses-unknown-refresh-token (${unused[0]!.file}) — refuses a refresh token it never issued`);
    expect(formatUnused([])).toBe('Every contract fixture is used by some consumer test.');
  });

  it('fails the suite over unused fixtures, exempting provider-only ones, and only reports on a filtered run', () => {
    const dir = tempDir();
    const all = new ConsumerUsage(dir);
    for (const i of fixtures.interactions) if (i.providerOnly === undefined) all.record(i.key);
    expect(checkConsumerUsage(true, dir)).toBe('');
    const consumerSide = fixtures.interactions.filter((i) => i.providerOnly === undefined);
    expect(consumerSide.length).toBeLessThan(fixtures.interactions.length);
    const empty = tempDir();
    expect(() => checkConsumerUsage(true, empty)).toThrow(new RegExp(`^${consumerSide.length} contract fixture\\(s\\) no consumer test uses:`));
    expect(checkConsumerUsage(false, empty)).toContain('oauth-token-exchange/exchanges-request-token-xml');
    expect(ENFORCE_CONSUMER_USAGE).toBe(true);
    expect(isFilteredRun(['run'])).toBe(false);
    expect(isFilteredRun(['run', '--reporter=default', '--reporter', 'json', '--outputFile.json=x.json'])).toBe(false);
    expect(isFilteredRun(['run', 'test/unit'])).toBe(true);
    expect(isFilteredRun(['run', '-t', 'expired'])).toBe(true);
  });
});
