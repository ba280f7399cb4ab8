import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../wire/errors.js';
import { param, requiredParam } from '../../wire/params.js';
import { queryAndForm } from '../../wire/query-and-form.js';
import { sendAccessToken } from './send-access-token.js';

/**
 * `getaccesstoken.ashx`: a request token (`code`) or a refresh token for an access token.
 * GET as documented; POST as Concur's Passport strategy (code exchange) and SDK (refresh) send
 * it, with the parameters in the query string and/or a form body. Synchronous (a throw still
 * reaches the error handler): the hottest route, and an async handler costs a promise and a
 * microtask per request.
 */
export function exchangeOrRefresh() {
  return (request: FastifyRequest, reply: FastifyReply): void => {
    const { mock } = request;
    const query = request.method === 'POST' ? queryAndForm(request.query, request.body) : (request.query as Record<string, unknown>);
    const clientId = requiredParam(query, 'client_id');
    const clientSecret = requiredParam(query, 'client_secret');
    const code = param(query, 'code');
    const refreshToken = param(query, 'refresh_token');
    if (code === undefined && refreshToken === undefined) throw errors.missingParameter('code');
    if (code !== undefined && refreshToken !== undefined) throw errors.invalidParameter('refresh_token', 'send either code or refresh_token, not both');
    const partner = mock.world.directory.authenticateApp(clientId, clientSecret);
    if (!partner) throw errors.invalidClient();
    request.journalClient = { kind: 'api', app: partner.consumerKey, credential: 'client-secret' };
    const now = mock.clock.now();
    if (code !== undefined) {
      const result = mock.world.tokens.exchangeRequestToken(code, partner.consumerKey, now);
      if (!result.ok) {
        // A refused exchange of a connection request's token belongs on that request's timeline.
        const known = mock.world.tokens.peekRequestToken(code);
        if (known?.connectionRequestId) request.journalSubject = { requests: [known.connectionRequestId], user: known.loginId };
        throw { unknown: errors.unknownRequestToken, expired: errors.expiredRequestToken, used: errors.usedRequestToken, 'other-app': errors.requestTokenOfOtherApp }[result.reason]();
      }
      const issued = result.value;
      request.journalNote = `request token exchanged for ${issued.record.loginId}`;
      request.journalSubject = issued.connectionRequestId === null ? { user: issued.record.loginId, token: issued.record.masked } : { requests: [issued.connectionRequestId], user: issued.record.loginId, token: issued.record.masked };
      sendAccessToken(request, reply, result.value);
      return;
    }
    const result = mock.world.tokens.refresh(refreshToken!, partner.consumerKey, now);
    if (!result.ok) throw result.reason === 'revoked' ? errors.revokedRefreshToken() : errors.invalidRefreshToken();
    request.journalNote = `access token refreshed for ${result.value.record.loginId}`;
    request.journalSubject = { user: result.value.record.loginId, token: result.value.record.masked };
    sendAccessToken(request, reply, result.value);
  };
}
