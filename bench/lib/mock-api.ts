import { DEMO, MockControlClient } from 'mock-concur';
import { expectStatus, httpRequest } from './http.js';

/** The few calls the benchmark makes to set a mock up, with the demo app's credentials. */

export const LIST_PATH = '/api/v3.2/common/connectionrequests';
export const TOKEN_PATH = '/net2/oauth2/getaccesstoken.ashx';
export const NATIVE_FLOW_PATH = '/net2/oauth2/accesstoken.ashx';

export interface AdminTokens {
  token: string;
  refreshToken: string;
}

/** The Web Services Administrator's tokens through the Native flow (Basic + X-ConsumerKey). */
export async function adminTokens(baseUrl: string): Promise<AdminTokens> {
  const basic = Buffer.from(`${DEMO.admin.loginId}:${DEMO.admin.password}`).toString('base64');
  const response = expectStatus(
    await httpRequest(baseUrl + NATIVE_FLOW_PATH, { headers: { authorization: `Basic ${basic}`, 'x-consumerkey': DEMO.app.consumerKey, accept: 'application/json' } }),
    200,
    'native-flow token',
  );
  const { Access_Token: t } = JSON.parse(response.body) as { Access_Token: { Token: string; Refresh_Token: string } };
  return { token: t.Token, refreshToken: t.Refresh_Token };
}

/** The query string of a refresh-token exchange for the demo app. */
export function refreshQuery(refreshToken: string): string {
  return new URLSearchParams({ client_id: DEMO.app.consumerKey, client_secret: DEMO.app.consumerSecret, refresh_token: refreshToken }).toString();
}

/**
 * Adds `total` generated travellers with pending requests for the demo app, `chunk` per
 * call, through the shipped control client: each call builds its share in one synchronous
 * loop, so chunks keep every call (and the mock's unresponsive spell) bounded.
 */
export async function seedConnectionRequests(baseUrl: string, total: number, chunk = 200_000): Promise<void> {
  const control = new MockControlClient(baseUrl, { timeoutMs: 120_000 });
  for (let done = 0; done < total; ) {
    const count = Math.min(chunk, total - done);
    await control.seedConnectionRequests({ count });
    done += count;
  }
}

/** The ids of `count` new pending requests (generated travellers), 1 000 per call: the seed answers ids up to that many. */
export async function seededIds(baseUrl: string, count: number): Promise<string[]> {
  const control = new MockControlClient(baseUrl, { timeoutMs: 60_000 });
  const ids: string[] = [];
  while (ids.length < count) {
    const seeded = await control.seedConnectionRequests({ count: Math.min(1_000, count - ids.length) });
    if (!('ids' in seeded)) throw new Error('the seed answered no ids');
    ids.push(...seeded.ids);
  }
  return ids;
}

/** Pending requests as the mock's health endpoint counts them. */
export async function pendingCount(baseUrl: string): Promise<number> {
  return (await new MockControlClient(baseUrl).health()).connectionRequests.Pending;
}
