import { basicCredentials } from '../provider-states/base-variables.js';
import { HttpFailure, send, type Fetch } from './http.js';

/**
 * A user's access token through Concur's Native flow (`accesstoken.ashx`), which any
 * Concur offers: how states are arranged on a real sandbox.
 */
export async function nativeFlowToken(baseUrl: string, loginId: string, password: string, consumerKey: string, fetchImpl: Fetch, timeoutMs: number): Promise<{ token: string; refreshToken: string }> {
  const res = await send(
    fetchImpl,
    `${baseUrl}/net2/oauth2/accesstoken.ashx`,
    { headers: { authorization: basicCredentials(loginId, password), 'x-consumerkey': consumerKey, accept: 'application/json' } },
    timeoutMs,
  );
  if (res.status !== 200) throw new HttpFailure(`the Native flow for ${loginId} answered ${res.status}`);
  const body = JSON.parse(res.text) as { Access_Token?: { Token?: string; Refresh_Token?: string } };
  if (!body.Access_Token?.Token) throw new HttpFailure(`the Native flow for ${loginId} answered no Access_Token.Token`);
  return { token: body.Access_Token.Token, refreshToken: body.Access_Token.Refresh_Token ?? '' };
}
