/**
 * The baseline for the throughput comparison: Fastify with the logger off and one GET route
 * answering a fixed body. Whatever the mock does beyond this (hooks, auth, queue, encoding)
 * is what the mock/bare ratio measures.
 *
 * Configured by the environment so a body of any size passes through verbatim:
 *   BARE_BODY_BASE64   the response body, base64 (default "ok")
 *   BARE_CONTENT_TYPE  its content type (default text/plain; charset=utf-8)
 *   BARE_PATH          the route (default /), Fastify's syntax (`/items/:id` for one per id)
 *   BARE_STATUS        the status (default 200; 204 sends no body)
 *   BARE_RS256         when set, signs the body with a fresh RS256 signature per request (an
 *                      RSA-2048 key made at start): the floor of an endpoint that mints a JWT
 * and `--port N` (default 0: a free port). It listens on 127.0.0.1 only and prints
 * "bare-fastify listening on http://127.0.0.1:PORT".
 */
import Fastify from 'fastify';
import { generateKeyPairSync, sign } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } }, strict: true });
const body = Buffer.from(process.env.BARE_BODY_BASE64 ?? Buffer.from('ok').toString('base64'), 'base64').toString('utf8');
const contentType = process.env.BARE_CONTENT_TYPE ?? 'text/plain; charset=utf-8';
const path = process.env.BARE_PATH ?? '/';
const status = Number(process.env.BARE_STATUS ?? 200);
const signingKey = process.env.BARE_RS256 ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : null;

const app = Fastify({ logger: false });
// A form body (the token endpoints' POST) is read as text and dropped: the mock must parse it, the floor need not.
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, text, done) => done(null, text));
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => done(null, text));
app.route({
  method: ['GET', 'POST', 'PUT'],
  url: path,
  handler: (_request, reply) => {
    if (signingKey) sign('sha256', Buffer.from(body), signingKey);
    if (status === 204) return void reply.code(204).send();
    void reply.code(status).header('content-type', contentType).send(body);
  },
});

await app.listen({ host: '127.0.0.1', port: Number(values.port) });
const address = app.server.address();
const port = address && typeof address === 'object' ? address.port : Number(values.port);
console.log(`bare-fastify listening on http://127.0.0.1:${port}`);

// Stop with the benchmark: on a signal, or when the parent's end of stdin closes (the
// parent died without a chance to signal us).
const shutdown = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
process.stdin.on('end', shutdown).resume();
