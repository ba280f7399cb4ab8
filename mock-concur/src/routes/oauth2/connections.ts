import type { FastifyInstance } from 'fastify';
import { oauth2Errors } from '../../wire/oauth2-errors.js';
import { oauth2Bearer } from './bearer.js';

/**
 * `DELETE /app-mgmt/v0/connections` with the user's own Bearer token: ends the user's
 * connection to the app. Every token the user holds for the app (v0 and legacy, access and
 * refresh) is revoked, so the App Center shows the app disconnected. 200 with no body.
 */
export function connectionRoutes(app: FastifyInstance): void {
  app.delete('/app-mgmt/v0/connections', async (request, reply) => {
    const { token, partner } = oauth2Bearer(request);
    const { mock } = request;
    request.journalClient = { kind: 'api', app: partner.consumerKey, credential: token.subject === 'app' ? 'app-token' : 'user-token', token: token.masked, ...(token.subject === 'app' ? {} : { user: token.loginId }) };
    if (token.subject === 'app') throw oauth2Errors.invalidToken(403, "an application token has no user's connection to end; use the user's access token");
    const count = mock.world.tokens.revokeUser(partner.consumerKey, token.loginId, mock.clock.now());
    request.journalNote = `connection of ${token.loginId} to ${partner.consumerKey} ended (${count} token(s) revoked)`;
    request.journalSubject = { user: token.loginId };
    return reply.code(200).send();
  });
}
