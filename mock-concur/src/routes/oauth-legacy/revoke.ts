import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, requireAdministrator } from '../../auth/principal.js';
import { mask } from '../../domain/secrets.js';
import { principalClient } from '../../http/journal-client.js';
import { errors } from '../../wire/errors.js';
import { param } from '../../wire/params.js';
import { queryAndForm } from '../../wire/query-and-form.js';

/**
 * `revoketoken.ashx`: one access token (`token`), or every token a user holds for the caller's
 * app (`consumerKey` + `user`). Needs the Web Services Administrator role.
 */
export function revokeTokens() {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const { mock } = request;
    const now = mock.clock.now();
    const principal = authenticate(request, mock.world, now);
    request.journalClient = principalClient(principal);
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
      request.journalSubject = { token: mask(token) };
      return reply.code(200).send();
    }
    if (consumerKey === undefined) throw errors.missingParameter('token');
    if (loginId === undefined || loginId === '') throw errors.missingParameter('user');
    if (consumerKey !== principal.app.consumerKey) throw errors.otherApplication();
    const user = mock.world.directory.user(loginId);
    if (!user) throw errors.invalidUser(loginId);
    const count = mock.world.tokens.revokeUser(consumerKey, user.loginId, now);
    request.journalNote = `revoked ${count} token(s) of ${user.loginId}`;
    request.journalSubject = { user: user.loginId };
    return reply.code(200).send();
  };
}
