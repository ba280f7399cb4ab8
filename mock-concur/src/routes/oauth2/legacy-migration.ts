import type { FastifyInstance } from 'fastify';
import { oauth2Errors } from '../../wire/oauth2-errors.js';
import { param } from '../../wire/params.js';
import { oauth2Bearer } from './bearer.js';

interface Params {
  consumerKey: string;
}

/**
 * `POST /appmgmt/v0/legacyApps/{consumerKey}/exchangeRefreshToken/me` (the migration guide):
 * with the new app's client-credentials token, a legacy refresh token (`token`) and the new
 * app's `secret` become a v0 refresh token. Here the demo app is both the legacy and the new
 * app (its consumer key is its client_id). The legacy token keeps working: the guide does not
 * say it ends.
 */
export function legacyMigrationRoute(app: FastifyInstance): void {
  app.post<{ Params: Params }>('/appmgmt/v0/legacyApps/:consumerKey/exchangeRefreshToken/me', async (request) => {
    const { token, partner } = oauth2Bearer(request);
    const { mock } = request;
    request.journalClient = { kind: 'api', app: partner.consumerKey, credential: token.subject === 'app' ? 'app-token' : 'user-token', token: token.masked };
    if (token.subject !== 'app') throw oauth2Errors.invalidToken(403, 'the migration needs the application token of the client-credentials grant');
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const legacyToken = param(body, 'token');
    const secret = param(body, 'secret');
    if (!legacyToken) throw oauth2Errors.badParameter('token (the legacy refresh token) was not supplied');
    if (!secret) throw oauth2Errors.badParameter('secret (the application client_secret) was not supplied');
    if (!mock.world.directory.authenticateApp(partner.consumerKey, secret)) throw oauth2Errors.wrongClientSecret();
    const legacyApp = mock.world.directory.app(request.params.consumerKey);
    if (!legacyApp) throw oauth2Errors.badParameter('INVALIDAPP: no legacy app with this consumer key');
    const loginId = mock.world.tokens.legacyRefreshOwner(legacyToken, legacyApp.consumerKey);
    if (!loginId) throw oauth2Errors.badParameter('INVALIDTOKEN: Bad or expired token');
    const now = mock.clock.now();
    const expiresAt = now + mock.options.oauth2RefreshTokenTtlMs;
    const issued = mock.world.tokens.issueOAuth2Refresh(partner.consumerKey, loginId, now, expiresAt);
    const user = mock.world.directory.user(loginId);
    const scopes = [...partner.scopes];
    request.journalNote = `legacy refresh token of ${loginId} migrated to /oauth2/v0`;
    request.journalSubject = { user: loginId };
    return {
      token: issued.refreshToken,
      created: now,
      expired: expiresAt,
      scopes,
      context: JSON.stringify({ userid: user?.id ?? loginId, ptype: 'user', scope: scopes.join(' ') }),
    };
  });
}
