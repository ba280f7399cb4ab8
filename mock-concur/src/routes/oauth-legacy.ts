import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, requireAdministrator } from '../auth/principal.js';
import type { IssuedAccessToken } from '../domain/token-service.js';
import { accessTokenEntity } from '../wire/access-token-codec.js';
import { baseUrl } from '../wire/base-url.js';
import { errors } from '../wire/errors.js';
import { param, requiredParam } from '../wire/params.js';
import { queryAndForm } from '../wire/query-and-form.js';
import { sendEntity } from '../wire/respond.js';
import { methodNotAllowed } from './method-not-allowed.js';

/**
 * Concur's legacy OAuth 2.0 endpoints (the ones the App Center and Auto-Connect seeds use):
 * request-token exchange and refresh, the Native flow, and revocation.
 */
export async function oauthLegacyRoutes(app: FastifyInstance): Promise<void> {
  const { mock } = app;
  const options = mock.options;

  const sendToken = (request: FastifyRequest, reply: FastifyReply, issued: IssuedAccessToken): void =>
    void sendEntity(
      reply,
      request.wireFormat,
      200,
      accessTokenEntity({ instanceUrl: `${baseUrl(request, options.publicUrl)}/`, token: issued.token, expiresAt: issued.expiresAt, refreshToken: issued.refreshToken }, options.tokenElementSpelling),
    );

  // Synchronous handlers (a throw still reaches the error handler): the token endpoint is the
  // hottest route, and an async handler costs a promise and a microtask per request.
  // GET as documented; POST as Concur's Passport strategy (code exchange) and SDK (refresh)
  // send it, with the parameters in the query string and/or a form body.
  const exchangeOrRefresh = (request: FastifyRequest, reply: FastifyReply): void => {
    const query = request.method === 'POST' ? queryAndForm(request.query, request.body) : (request.query as Record<string, unknown>);
    const clientId = requiredParam(query, 'client_id');
    const clientSecret = requiredParam(query, 'client_secret');
    const code = param(query, 'code');
    const refreshToken = param(query, 'refresh_token');
    if (code === undefined && refreshToken === undefined) throw errors.missingParameter('code');
    if (code !== undefined && refreshToken !== undefined) throw errors.invalidParameter('refresh_token', 'send either code or refresh_token, not both');
    const partner = mock.world.directory.authenticateApp(clientId, clientSecret);
    if (!partner) throw errors.invalidClient();
    const now = mock.clock.now();
    if (code !== undefined) {
      const result = mock.world.tokens.exchangeRequestToken(code, partner.consumerKey, now);
      if (!result.ok) {
        throw { unknown: errors.unknownRequestToken, expired: errors.expiredRequestToken, used: errors.usedRequestToken, 'other-app': errors.requestTokenOfOtherApp }[result.reason]();
      }
      request.journalNote = `request token exchanged for ${result.value.record.loginId}`;
      sendToken(request, reply, result.value);
      return;
    }
    const result = mock.world.tokens.refresh(refreshToken!, partner.consumerKey, now);
    if (!result.ok) throw result.reason === 'revoked' ? errors.revokedRefreshToken() : errors.invalidRefreshToken();
    request.journalNote = `access token refreshed for ${result.value.record.loginId}`;
    sendToken(request, reply, result.value);
  };
  app.get('/net2/oauth2/getaccesstoken.ashx', exchangeOrRefresh);
  app.post('/net2/oauth2/getaccesstoken.ashx', exchangeOrRefresh);

  // The Native flow: a user's own login and password plus the app's consumer key. This is
  // how an auto-connect service gets its Web Services Administrator's token.
  // Bad credentials and an unknown consumer key are auth failures (403 by default: Concur's
  // SDK's tests expect 403 for all three); no Authorization header at all is 401.
  const nativeFlow = (request: FastifyRequest, reply: FastifyReply): void => {
    const consumerKey = request.headers['x-consumerkey'];
    if (typeof consumerKey !== 'string' || consumerKey === '') throw errors.missingParameter('X-ConsumerKey');
    const credentials = basicCredentials(request.headers.authorization);
    const partner = mock.world.directory.app(consumerKey);
    if (!partner) throw errors.unknownConsumerKey();
    const user = mock.world.directory.authenticateUser(credentials.loginId, credentials.password);
    if (!user) throw errors.invalidCredentials();
    const issued = mock.world.tokens.issueAccessToken(partner.consumerKey, user.loginId, mock.clock.now(), 'native');
    request.journalNote = `native-flow token for ${user.loginId}`;
    sendToken(request, reply, issued);
  };
  app.get('/net2/oauth2/accesstoken.ashx', nativeFlow);
  app.post('/net2/oauth2/accesstoken.ashx', nativeFlow);

  app.post('/net2/oauth2/revoketoken.ashx', async (request, reply) => {
    const now = mock.clock.now();
    const principal = authenticate(request, mock.world, now);
    requireAdministrator(principal);
    // Parameters come in the query string (as documented) or a form body.
    const input = queryAndForm(request.query, request.body);
    const token = param(input, 'token');
    const consumerKey = param(input, 'consumerKey');
    const loginId = param(input, 'user');
    if (token !== undefined) {
      if (consumerKey !== undefined || loginId !== undefined) throw errors.invalidParameter('token', 'send either token or consumerKey and user, not both');
      const revoked = mock.world.tokens.revoke(token, principal.app.consumerKey, now);
      // Like RFC 7009, an unknown token answers 200 too: revocation never reveals what exists.
      request.journalNote = revoked ? 'revoked 1 token' : 'token not found for this app; nothing revoked';
      return reply.code(200).send();
    }
    if (consumerKey === undefined) throw errors.missingParameter('token');
    if (loginId === undefined || loginId === '') throw errors.missingParameter('user');
    if (consumerKey !== principal.app.consumerKey) throw errors.otherApplication();
    const user = mock.world.directory.user(loginId);
    if (!user) throw errors.invalidUser(loginId);
    const count = mock.world.tokens.revokeUser(consumerKey, user.loginId, now);
    request.journalNote = `revoked ${count} token(s) of ${user.loginId}`;
    return reply.code(200).send();
  });

  methodNotAllowed(app, '/net2/oauth2/getaccesstoken.ashx', ['GET', 'POST']);
  methodNotAllowed(app, '/net2/oauth2/accesstoken.ashx', ['GET', 'POST']);
  methodNotAllowed(app, '/net2/oauth2/revoketoken.ashx', ['POST']);
}

function basicCredentials(header: string | undefined): { loginId: string; password: string } {
  if (!header) throw errors.missingCredentials();
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) throw errors.invalidCredentials();
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw errors.invalidCredentials();
  return { loginId: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
