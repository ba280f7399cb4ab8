import type { FastifyInstance, HTTPMethods } from 'fastify';
import { errors } from '../wire/errors.js';

const ALL: HTTPMethods[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** 405 with `Allow` for the methods a known path does not support (rather than a bare 404). */
export function methodNotAllowed(app: FastifyInstance, url: string, allowed: readonly string[]): void {
  const others = ALL.filter((m) => !allowed.includes(m) && !(m === 'HEAD' && allowed.includes('GET')));
  app.route({
    method: others,
    url,
    handler: async (request) => {
      throw errors.methodNotAllowed(request.method, allowed.join(', '));
    },
  });
}
