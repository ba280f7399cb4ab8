import type { FastifyRequest } from 'fastify';
import type { ConcurUser, PartnerApp } from '../../domain/directory.js';
import { newId } from '../../domain/secrets.js';
import type { TokenOrigin } from '../../domain/token-service.js';
import type { MockConcurOptions } from '../../options.js';
import { baseUrl } from '../../wire/base-url.js';

/** A v0 refresh token already decided on (rotated or kept) by the refresh grant. */
export interface RefreshGrant {
  refreshToken: string;
  refreshDigest: string;
  expiresAt: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * The token answer, keys in the order a real call prints them: `expires_in` (a number, or the
 * reference page's string), `scope`, `token_type`, `access_token`, then for a user
 * `refresh_token`, `refresh_expires_in` (epoch seconds), `geolocation` and the `id_token`.
 */
export async function issueUserTokens(request: FastifyRequest, partner: PartnerApp, user: ConcurUser, origin: TokenOrigin, scopes: readonly string[], refresh?: RefreshGrant, connectionRequests?: readonly string[]): Promise<Record<string, unknown>> {
  const { mock } = request;
  const { options } = mock;
  const now = mock.clock.now();
  const iss = baseUrl(request);
  const expiresAt = now + options.oauth2AccessTokenTtlMs;
  const grant = refresh ?? { ...mock.world.tokens.issueOAuth2Refresh(partner.consumerKey, user.loginId, now, now + options.oauth2RefreshTokenTtlMs), expiresAt: now + options.oauth2RefreshTokenTtlMs };
  const signer = await mock.signer();
  const times = { iat: seconds(now), nbf: seconds(now), exp: seconds(expiresAt) };
  const accessToken = await signer.sign({ aud: '*', sub: user.id, iss, ...times, jti: newId(), 'concur.type': 'user', 'concur.app': partner.consumerKey, 'concur.scopes': [...scopes] });
  const idToken = await signer.sign({ aud: partner.consumerKey, sub: user.id, iss, ...times, 'concur.type': 'user', 'concur.version': 2, 'concur.profile': `${iss}/profile/v1/principals/${user.id}` });
  const record = mock.world.tokens.registerOAuth2Access(accessToken, partner.consumerKey, user.loginId, now, expiresAt, grant.refreshDigest, origin);
  request.journalNote = `oauth2 ${origin.replace('oauth2-', '')} token for ${user.loginId}`;
  request.journalSubject = connectionRequests ? { requests: connectionRequests, user: user.loginId, token: record.masked } : { user: user.loginId, token: record.masked };
  return {
    expires_in: expiresIn(options, expiresAt - now),
    scope: scopes.join(' '),
    token_type: 'Bearer',
    access_token: accessToken,
    refresh_token: grant.refreshToken,
    refresh_expires_in: seconds(grant.expiresAt),
    geolocation: iss,
    id_token: idToken,
  };
}

/** The client-credentials answer: an application token, with no refresh token and no id_token. */
export async function issueApplicationToken(request: FastifyRequest, partner: PartnerApp): Promise<Record<string, unknown>> {
  const { mock } = request;
  const now = mock.clock.now();
  const iss = baseUrl(request);
  const expiresAt = now + mock.options.oauth2AccessTokenTtlMs;
  const scopes = [...partner.scopes];
  const signer = await mock.signer();
  const accessToken = await signer.sign({ aud: '*', sub: partner.consumerKey, iss, iat: seconds(now), nbf: seconds(now), exp: seconds(expiresAt), jti: newId(), 'concur.type': 'app', 'concur.app': partner.consumerKey, 'concur.scopes': scopes });
  const record = mock.world.tokens.registerOAuth2Access(accessToken, partner.consumerKey, null, now, expiresAt, null, 'oauth2-client-credentials');
  request.journalNote = `oauth2 application token for ${partner.consumerKey}`;
  request.journalSubject = { token: record.masked };
  return { expires_in: expiresIn(mock.options, expiresAt - now), scope: scopes.join(' '), token_type: 'Bearer', access_token: accessToken, geolocation: iss };
}

function expiresIn(options: MockConcurOptions, ms: number): number | string {
  const value = seconds(ms);
  return options.expiresInFormat === 'string' ? String(value) : value;
}
