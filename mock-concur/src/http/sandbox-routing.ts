import type { FastifyInstance, RawRequestDefaultExpression } from 'fastify';
import fp from 'fastify-plugin';
import { SANDBOX_ID } from '../sandbox-registry.js';
import { errors } from '../wire/errors.js';
import { answerFormat } from './control-path.js';

/** `//sandboxes/…` too: doubled slashes route like single ones. */
const SANDBOX_PATH = /^\/+sandboxes\/([^/?#]*)/i;
const SANDBOX_OF = Symbol('mock-concur.sandbox');

type TaggedRequest = RawRequestDefaultExpression & { [SANDBOX_OF]?: string };

/**
 * Fastify's `rewriteUrl`: `/sandboxes/{id}/rest` routes as `/rest`, so a sandbox serves every
 * route the root serves without registering anything twice. The id is kept on the raw request
 * for `resolveSandbox`; `request.originalUrl` keeps the path as sent.
 */
export function routeInsideSandbox(req: RawRequestDefaultExpression): string {
  const url = req.url ?? '/';
  const match = SANDBOX_PATH.exec(url);
  if (!match) return url;
  (req as TaggedRequest)[SANDBOX_OF] = match[1]!;
  const rest = url.slice(match[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * The first hook of every request: which state it reads (`request.mock`: the root's or its
 * sandbox's) and the format every answer to it is written in. An id that names no sandbox is
 * 404 in Concur's envelope, like any unknown resource.
 */
export const resolveSandbox = fp(
  async function resolveSandbox(app: FastifyInstance) {
    app.addHook('onRequest', (request, _reply, done) => {
      request.mock = app.mock;
      request.wireFormat = answerFormat(request);
      const id = (request.raw as TaggedRequest)[SANDBOX_OF];
      if (id === undefined) return done();
      const shown = id.slice(0, 64);
      if (!SANDBOX_ID.test(id)) return done(errors.notASandboxId(shown));
      const state = app.sandboxes.use(id);
      if (!state) return done(errors.unknownSandbox(shown));
      request.mock = state;
      done();
    });
  },
  { name: 'mock-concur-sandboxes' },
);
