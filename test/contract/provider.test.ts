import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../contracts/src/provider/format-report.js';
import { verifyProvider, type VerificationReport } from '../../contracts/src/provider/verify-provider.js';
import { DEMO, startMockConcur, type StartedMockConcur } from 'mock-concur';
import { startRewritingProxy, type RewritingProxy } from './support/rewriting-proxy.js';

const summary = (report: VerificationReport) => report.results.filter((r) => r.outcome !== 'passed').map((r) => `${r.outcome} ${r.key}: ${r.reason ?? r.mismatches.map((m) => `${m.where}: ${m.message}`).join('; ')}`);

describe('provider verification', () => {
  let mock: StartedMockConcur;
  beforeAll(async () => {
    mock = await startMockConcur();
  });
  afterAll(() => mock.close());

  it('passes every fixture against the in-process mock, skipping none', async () => {
    const report = await verifyProvider({ baseUrl: mock.url });
    // A fixture the mock cannot even arrange is as bad as one it fails: list them all.
    expect(summary(report), formatReport(report)).toEqual([]);
    expect(report.target).toBe('mock');
    expect(report.counts.passed).toBe(report.results.length);
    expect(report.results.length).toBeGreaterThanOrEqual(60);
  });

  describe('against a deliberately wrong provider', () => {
    let proxy: RewritingProxy;
    beforeAll(async () => {
      proxy = await startRewritingProxy(mock.url, ({ method, path }, response) => {
        // Renames Access_Token/Token (XML and JSON), but not Refresh_Token or Access_Token.
        if (path.startsWith('/net2/oauth2/getaccesstoken.ashx')) return { ...response, body: response.body.replace(/(<\/?)Token>/g, '$1AccessToken>').replace(/"Token":/g, '"AccessToken":') };
        // Answers v3.2 PUTs 200 instead of 204.
        if (method === 'PUT' && path.startsWith('/api/v3.2/') && response.status === 204) return { ...response, status: 200 };
        // Writes v3.0 pages with v3.2's lower-camel firstName.
        if (method === 'GET' && path.startsWith('/api/v3.0/common/connectionrequests') && response.body.startsWith('{')) return { ...response, body: response.body.replace(/"FirstName":/g, '"firstName":') };
        return response;
      });
    });
    afterAll(() => proxy.close());

    it('reports the status, and the JSON or XML path of each body mismatch, precisely', async () => {
      const report = await verifyProvider({
        baseUrl: proxy.url,
        filter: (key) => ['oauth-token-exchange/exchanges-request-token-xml', 'oauth-token-exchange/exchanges-request-token-json', 'connection-requests-update/v3-2-crsuc', 'connection-requests-update/v3-1-json-capitalised-status', 'connection-requests-list/v3-0-json-page'].includes(key),
      });
      const byKey = Object.fromEntries(report.results.map((r) => [r.key, r]));
      expect(report.ok).toBe(false);
      expect(report.counts).toEqual({ passed: 1, failed: 4, skipped: 0, error: 0 });
      expect(byKey['oauth-token-exchange/exchanges-request-token-xml']!.mismatches).toEqual([{ where: 'body /Access_Token/Token', message: 'missing (expected a string matching /^\\S+$/)' }]);
      expect(byKey['oauth-token-exchange/exchanges-request-token-json']!.mismatches).toEqual([{ where: 'body $.Access_Token.Token', message: 'missing (expected a string matching /^\\S+$/)' }]);
      expect(byKey['connection-requests-update/v3-2-crsuc']!.mismatches).toEqual([{ where: 'status', message: 'expected 204 but got 200' }]);
      expect(byKey['connection-requests-update/v3-1-json-capitalised-status']!.outcome).toBe('passed');
      expect(byKey['connection-requests-list/v3-0-json-page']!.mismatches).toEqual([
        { where: 'body $.Items[0].FirstName', message: 'missing (expected "Taylor")' },
        { where: 'body $.Items[0].firstName', message: 'expected no such key but got "Taylor"' },
        { where: 'swagger $.Items[0]', message: "'firstName' is not a field of the v3.0 ConnectionRequestGet definition" },
      ]);
      const text = formatReport(report);
      expect(text).toContain('FAIL  connection-requests-update/v3-2-crsuc — accepts CRSUC (connected successfully) and answers 204 No Content\n      status: expected 204 but got 200');
      expect(text).toContain('      body /Access_Token/Token: missing (expected a string matching /^\\S+$/)');
      expect(text.split('\n').at(-1)).toBe('1 passed, 4 failed, 0 skipped, 0 errored (5 interactions)');
    });
  });

  describe('against a provider without /_mock (a real Concur sandbox)', () => {
    let sandbox: RewritingProxy;
    beforeAll(async () => {
      // The mock behind a proxy that hides its control API: to the verifier, just "a Concur".
      sandbox = await startRewritingProxy(mock.url, ({ path }, response) => (path.toLowerCase().startsWith('/_mock') ? null : response));
    });
    afterAll(() => sandbox.close());

    it('skips, with the reason, every interaction whose states need /_mock, and never passes them', async () => {
      const report = await verifyProvider({ baseUrl: sandbox.url });
      expect(report.target).toBe('other');
      const skipped = report.results.filter((r) => r.outcome === 'skipped');
      expect(skipped.length).toBeGreaterThan(30);
      for (const r of skipped) expect(r.reason).toMatch(/needs the mock's control API \(\/_mock\), which http:\/\/127\.0\.0\.1:\d+ does not serve|needs \{\{\w+\}\} \(--|needs --(admin|traveler)-login/);
      expect(report.results.find((r) => r.key === 'oauth-token-exchange/refuses-expired-request-token')).toMatchObject({
        outcome: 'skipped',
        reason: `state 'a request token issued 960 seconds ago' needs the mock's control API (/_mock), which ${sandbox.url} does not serve`,
      });
      expect(report.results.find((r) => r.key === 'oauth-native-flow/issues-token-for-credentials-json')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('{{consumerKey}} (--consumer-key or CONCUR_CONSUMER_KEY)') });
      expect(report.counts.passed).toBeGreaterThan(0);
      expect(report.counts.failed + report.counts.error).toBe(0);
    });

    it('runs what partner credentials make possible: the Native flow, refresh, revocation, roles', async () => {
      const report = await verifyProvider({
        baseUrl: sandbox.url,
        credentials: {
          consumerKey: DEMO.app.consumerKey,
          consumerSecret: DEMO.app.consumerSecret,
          otherConsumerKey: DEMO.otherApp.consumerKey,
          otherConsumerSecret: DEMO.otherApp.consumerSecret,
          adminLoginId: DEMO.admin.loginId,
          adminPassword: DEMO.admin.password,
          travelerLoginId: DEMO.traveler.loginId,
          travelerPassword: DEMO.traveler.password,
        },
      });
      expect(summary(report).filter((line) => !line.startsWith('skipped'))).toEqual([]);
      const passed = report.results.filter((r) => r.outcome === 'passed').map((r) => r.key);
      expect(passed).toEqual(
        expect.arrayContaining([
          'oauth-native-flow/issues-token-for-credentials-xml',
          'oauth-refresh/refreshes-access-token-json',
          'oauth-revoke/revokes-every-token-of-a-user',
          'oauth-revoke/requires-web-services-administrator',
          'connection-requests-authorization/wrong-role-list',
          'connection-requests-get/unknown-id',
        ]),
      );
      // Secrets never reach a report, even inside a mismatch or a reason.
      expect(JSON.stringify(report)).not.toContain(DEMO.app.consumerSecret);
    });
  });
});
