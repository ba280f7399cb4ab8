import type { FastifyInstance, FastifyReply } from 'fastify';
import { baseUrl } from '../../wire/base-url.js';
import { connectionRequestEntity, type ApiVersion } from '../../wire/connection-request-codec.js';
import { errors } from '../../wire/errors.js';
import type { WireFormat } from '../../wire/negotiate.js';
import { sendEntity, type Entity } from '../../wire/respond.js';
import { xmlDocument } from '../../wire/xml.js';
import type { Caller } from './caller.js';
import { idParam, statusCodeFromBody } from './request-params.js';

const VOID_ENTITY: Entity = { json: () => '{}', xml: () => xmlDocument('Void', []) };

/** One request: read it, PUT the connection's outcome, and (v3.0 only) DELETE it. */
export function itemRoutes(app: FastifyInstance, version: ApiVersion, base: string, caller: Caller): void {
  // v3.2 documents 204 No Content, and Concur's SDK resolves a v3.0 PUT or DELETE only on 204.
  // The v3.0/v3.1 Swagger's 200 `Void` is --legacy-write-status 200: `{}` or `<Void />` with its
  // Content-Type, never an empty 200.
  const sendWritten = (reply: FastifyReply, format: WireFormat) =>
    version === '3.2' || reply.request.mock.options.legacyWriteStatus === 204 ? reply.code(204).send() : sendEntity(reply, format, 200, VOID_ENTITY);

  // Synchronous handlers: an async one costs every call a promise and a microtask turn.
  app.get(`${base}/:id`, (request, reply) => {
    const { principal, now, mock } = caller(request);
    const id = idParam(request);
    const view = mock.world.queue.get(principal.app.consumerKey, id, now);
    if (!view) throw errors.connectionRequestNotFound(id);
    request.journalSubject = { requests: [view.id], user: view.user.loginId };
    void sendEntity(reply, request.wireFormat, 200, connectionRequestEntity(view, version, baseUrl(request)));
  });

  app.put(`${base}/:id`, (request, reply) => {
    const { principal, now, mock } = caller(request);
    const id = idParam(request);
    const code = statusCodeFromBody(request.body);
    const result = mock.world.queue.put(principal.app.consumerKey, id, code, now);
    if (!result.ok) {
      if (result.reason === 'not-found') throw errors.connectionRequestNotFound(id);
      if (result.reason === 'final') throw errors.connectionRequestFinal(id, result.before ?? 'final');
      throw errors.connectionRequestNotInQueue(id);
    }
    request.journalNote = `${code}: ${id} ${result.before} → ${result.value.status}`;
    request.journalSubject = { requests: [result.value.id], user: result.value.user.loginId };
    void sendWritten(reply, request.wireFormat);
  });

  if (version === '3.0') {
    // DELETE exists only in the v3.0 Swagger.
    app.delete(`${base}/:id`, (request, reply) => {
      const { principal, now, mock } = caller(request);
      const id = idParam(request);
      if (!mock.world.queue.remove(principal.app.consumerKey, id, now)) throw errors.connectionRequestNotFound(id);
      request.journalNote = `deleted ${id}`;
      request.journalSubject = { requests: [id] };
      void sendWritten(reply, request.wireFormat);
    });
  }
}
