import type { FastifyInstance } from 'fastify';
import { baseUrl } from '../../wire/base-url.js';
import { createdEntity, type ApiVersion } from '../../wire/connection-request-codec.js';
import { errors } from '../../wire/errors.js';
import { requiredParam } from '../../wire/params.js';
import { sendEntity } from '../../wire/respond.js';
import type { Caller } from './caller.js';

/** `POST …/connectionrequests?user=`: a new request for a user (certification and testing only). */
export function createRoute(app: FastifyInstance, version: ApiVersion, base: string, caller: Caller): void {
  app.post(base, async (request, reply) => {
    const { principal, now, mock } = caller(request);
    const loginId = requiredParam(request.query as Record<string, unknown>, 'user');
    const user = mock.world.directory.user(loginId);
    if (!user) throw errors.invalidUser(loginId);
    const created = mock.world.queue.create(principal.app.consumerKey, user, now);
    // v3.2's Swagger lists 409 Conflict; v3.0/v3.1 document no status for it: 400.
    if (!created.ok) throw errors.connectionRequestExists(user.loginId, version === '3.2' ? 409 : 400);
    request.journalNote = `created ${created.value.id} for ${user.loginId}`;
    request.journalSubject = { requests: [created.value.id], user: user.loginId };
    return sendEntity(reply, request.wireFormat, 200, createdEntity(created.value.id, version, baseUrl(request)));
  });
}
