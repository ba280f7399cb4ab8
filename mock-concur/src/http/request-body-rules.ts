import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../wire/errors.js';
import { isControl } from './control-path.js';

/**
 * How the mock reads the framing of a request body, as Concur does:
 *
 * - **No body is not a bad body.** A request with `Content-Length: 0` (or neither a length nor
 *   a transfer encoding) is read as if no `Content-Type` were sent, whatever it says: Concur's
 *   SDK revokes with `Content-Type: application/json` and an empty body, and some clients send
 *   that header on every call. Endpoints that need a body still say so (PUT: "a body with the
 *   status code is required").
 * - **Chunked bodies are refused** with 400 ("Concur does not support Chunked
 *   Transfer-Encoding", the HTTP status-code page) unless `allowChunked`. The control API
 *   (`/_mock`) is the mock's own and accepts them.
 *
 * A callback hook, before the body is read; it costs the hot path two header lookups.
 */
export const requestBodyRules = fp(
  async function requestBodyRules(app: FastifyInstance) {
    app.addHook('onRequest', (request, _reply, done) => {
      const headers = request.headers;
      const transferEncoding = headers['transfer-encoding'];
      if (transferEncoding !== undefined) {
        if (!request.mock.options.allowChunked && /chunked/i.test(transferEncoding) && !isControl(request)) return done(errors.chunkedNotSupported());
        return done();
      }
      if (headers['content-type'] !== undefined) {
        const length = headers['content-length'];
        if (length === undefined || /^0+$/.test(length.trim())) delete headers['content-type'];
      }
      done();
    });
  },
  { name: 'mock-concur-request-body-rules' },
);
