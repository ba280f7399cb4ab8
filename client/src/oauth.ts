import { parseAccessToken, type AccessToken } from './access-token.js';
import { readShape } from './body-shape.js';
import type { ResolvedOptions } from './options.js';
import { send } from './transport.js';
import type { WireFormat } from './wire-body.js';

export interface CallOptions {
  signal?: AbortSignal;
  format?: WireFormat;
}

/** The legacy OAuth 2.0 endpoints under `/net2/oauth2/`. */
export function oauthMethods(options: ResolvedOptions) {
  // The query serialized once (as searchParams.set would, key by key) and the URL parsed once.
  const url = (path: string, query?: Record<string, string>) => new URL(query ? `${options.baseUrl}${path}?${new URLSearchParams(query)}` : `${options.baseUrl}${path}`);
  const credentials = { client_id: options.consumerKey, client_secret: options.consumerSecret };

  return {
    /**
     * Exchanges a request token (the `code`) for the user's access token. Never retried: a
     * request token is single-use, so if the first attempt reached Concur and only its answer
     * was lost, a retry would fail with "already used" and hide the token that was issued.
     * The caller decides (usually: have the user reconnect).
     */
    async exchangeRequestToken(code: string, call: CallOptions = {}): Promise<AccessToken> {
      const res = await send(options, {
        method: 'GET',
        url: url('/net2/oauth2/getaccesstoken.ashx', { code, ...credentials }),
        format: call.format ?? options.format,
        idempotent: false,
        signal: call.signal,
      });
      return readShape(res, parseAccessToken);
    },

    /** Refreshing can be repeated: Concur answers a new token and the same refresh token. */
    async refreshAccessToken(refreshToken: string, call: CallOptions = {}): Promise<AccessToken> {
      const res = await send(options, {
        method: 'GET',
        url: url('/net2/oauth2/getaccesstoken.ashx', { refresh_token: refreshToken, ...credentials }),
        format: call.format ?? options.format,
        idempotent: true,
        signal: call.signal,
      });
      return readShape(res, parseAccessToken);
    },

    /** The Native flow: a user's own login id and password. */
    async nativeLogin(loginId: string, password: string, call: CallOptions = {}): Promise<AccessToken> {
      const res = await send(options, {
        method: 'GET',
        url: url('/net2/oauth2/accesstoken.ashx'),
        format: call.format ?? options.format,
        headers: { Authorization: `Basic ${Buffer.from(`${loginId}:${password}`).toString('base64')}`, 'X-ConsumerKey': options.consumerKey },
        idempotent: true,
        signal: call.signal,
      });
      return readShape(res, parseAccessToken);
    },

    /** Revocation is idempotent (revoking twice, or an unknown token, answers 200), so it is retried. */
    async revokeToken(adminToken: string, token: string, call: CallOptions = {}): Promise<void> {
      await send(options, {
        method: 'POST',
        url: url('/net2/oauth2/revoketoken.ashx', { token }),
        format: call.format ?? options.format,
        headers: { Authorization: `OAuth ${adminToken}` },
        idempotent: true,
        signal: call.signal,
      });
    },

    /** Revokes every token `user` holds for the app `consumerKey` (the caller's own app). */
    async revokeUserTokens(adminToken: string, target: { consumerKey: string; user: string }, call: CallOptions = {}): Promise<void> {
      await send(options, {
        method: 'POST',
        url: url('/net2/oauth2/revoketoken.ashx', { consumerKey: target.consumerKey, user: target.user }),
        format: call.format ?? options.format,
        headers: { Authorization: `OAuth ${adminToken}` },
        idempotent: true,
        signal: call.signal,
      });
    },
  };
}
