/**
 * Issue 18: the client and the worker work with the mock's new defaults and with every switch
 * set the other way (and all of them at once).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MockConcurInput, StartedMockConcur } from 'mock-concur';
import { ForbiddenError, UnauthorizedError, type ApiVersion, type WireFormat } from 'concur-partner-client';
import { createAutoConnectWorker, membersMatcher } from 'concur-auto-connect';
import { ADMIN, APP, clientFor, DEMO_MEMBERS, mockWith } from './support.js';
import { DEMO } from 'mock-concur';

const SETTINGS: [string, MockConcurInput][] = [
  ['defaults', {}],
  ['authFailureStatus 401', { authFailureStatus: 401 }],
  ['legacyWriteStatus 200', { legacyWriteStatus: 200 }],
  ['jsonErrors flat', { jsonErrors: 'flat' }],
  ['allowChunked', { allowChunked: true }],
  ['every switch the other way', { authFailureStatus: 401, legacyWriteStatus: 200, jsonErrors: 'flat', allowChunked: true }],
];

let mock: StartedMockConcur | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe.each(SETTINGS)('with %s', (_name, options) => {
  const authStatus = options.authFailureStatus ?? 403;

  it.each([
    ['json', '3.0'],
    ['xml', '3.1'],
    ['json', '3.2'],
  ] as [WireFormat, ApiVersion][])('the client lists, updates, creates and removes (%s, v%s), and types every refusal', async (format, apiVersion) => {
    mock = await mockWith(options);
    const concur = clientFor(mock, { format, apiVersion });
    const admin = await concur.nativeLogin(ADMIN.loginId, ADMIN.password);
    const requests = concur.connectionRequests(admin);
    const page = await requests.list({ limit: 2 });
    expect(page.items).toHaveLength(2);
    await requests.update(page.items[0]!.id, 'CRSUC');
    const created = await requests.create(DEMO.traveler.loginId);
    await expect(requests.create(DEMO.traveler.loginId)).rejects.toMatchObject({ status: apiVersion === '3.2' ? 409 : 400, concurMessage: expect.stringMatching(/already exists/) });
    if (apiVersion === '3.0') await requests.remove(created.id);

    const wrong = await concur.nativeLogin(ADMIN.loginId, 'wrong').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(UnauthorizedError);
    expect(wrong).toMatchObject({ status: authStatus, concurMessage: 'Invalid login id or password' });

    const traveler = await concur.nativeLogin(DEMO.traveler.loginId, DEMO.traveler.password);
    const roleError = await concur.connectionRequests(traveler).list().catch((e: unknown) => e);
    expect(roleError).toBeInstanceOf(ForbiddenError);
    expect(roleError).not.toBeInstanceOf(UnauthorizedError);

    const other = await concur.nativeLogin(ADMIN.loginId, ADMIN.password);
    await concur.revokeToken(admin.token, other.token);
    const revoked = await concur.connectionRequests(other).list().catch((e: unknown) => e);
    expect(revoked).toBeInstanceOf(UnauthorizedError);
    expect(revoked).toMatchObject({ status: authStatus, concurMessage: 'Access token has been revoked' });
  });

  it('the worker settles the demo queue and renews an expired admin token by its refresh token', async () => {
    mock = await mockWith(options);
    const concur = clientFor(mock);
    // A year and a day old: refused as no longer valid (401 or 403 by the switch); its refresh token still works.
    const stale = await mock.control.issueAccessToken({ consumerKey: APP.consumerKey, loginId: ADMIN.loginId, ageSeconds: 366 * 86_400 });
    const adminToken = { token: stale.token, refreshToken: stale.refreshToken, expiresAt: new Date(), instanceUrl: `${mock.url}/` };
    const worker = createAutoConnectWorker({ client: concur, adminToken, matcher: membersMatcher(DEMO_MEMBERS) });
    const summary = await worker.runOnce();
    expect(summary).toMatchObject({ completed: true, requests: 12, putFailed: 0, revokeFailed: 0 });
    expect(worker.metrics().adminTokenRenewals).toBe(1);
  });

  it('the worker does not renew, or loop, on a role error', async () => {
    mock = await mockWith(options);
    const worker = createAutoConnectWorker({ client: clientFor(mock), adminCredentials: { loginId: DEMO.traveler.loginId, password: DEMO.traveler.password }, matcher: membersMatcher(DEMO_MEMBERS) });
    const summary = await worker.runOnce();
    expect(summary.completed).toBe(false);
    expect(summary.error).toMatch(/403.*Administrator role/);
    expect(worker.metrics().adminTokenRenewals).toBe(0);
    const entries = await mock.control.journal();
    expect(entries.filter((e) => e.url.startsWith('/net2/oauth2/accesstoken.ashx'))).toHaveLength(1);
  });
});

