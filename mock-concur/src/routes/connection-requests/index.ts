import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, requireConnectionRequestAccess } from '../../auth/principal.js';
import type { ApiVersion } from '../../wire/connection-request-codec.js';
import { methodNotAllowed } from '../method-not-allowed.js';
import type { Caller } from './caller.js';
import { createRoute } from './create.js';
import { itemRoutes } from './item.js';
import { listRoutes } from './list.js';

export { DEFAULT_LIMIT, MAX_LIMIT } from './request-params.js';

/**
 * Connection Requests for one API version. Every handler reads as a pipeline:
 * authenticate → authorize → validate → act on the queue → write in the caller's format.
 */
export function connectionRequestRoutes(version: ApiVersion) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const base = `/api/v${version}/common/connectionrequests`;

    // Who is calling is settled before the body is even read: no token, no parsing. A
    // callback hook: an async one costs every call a promise.
    app.addHook('onRequest', (request, _reply, done) => {
      const { mock } = request;
      try {
        const principal = authenticate(request, mock.world, mock.clock.now());
        requireConnectionRequestAccess(principal, version);
        request.principal = principal;
      } catch (error) {
        return done(error as Error);
      }
      done();
    });
    const caller: Caller = (request: FastifyRequest) => ({ principal: request.principal!, now: request.mock.clock.now(), mock: request.mock });

    listRoutes(app, version, base, caller);
    createRoute(app, version, base, caller);
    itemRoutes(app, version, base, caller);
    methodNotAllowed(app, base, ['GET', 'POST']);
    methodNotAllowed(app, `${base}/:id`, version === '3.0' ? ['GET', 'PUT', 'DELETE'] : ['GET', 'PUT']);
  };
}
