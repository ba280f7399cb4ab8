/**
 * The baseline for the throughput comparison: Fastify with the logger off and one GET route
 * answering a fixed body. Whatever the mock does beyond this (hooks, auth, queue, encoding)
 * is what the mock/bare ratio measures.
 *
 * Configured by the environment so a body of any size passes through verbatim:
 *   BARE_BODY_BASE64   the response body, base64 (default "ok")
 *   BARE_CONTENT_TYPE  its content type (default text/plain; charset=utf-8)
 *   BARE_PATH          the route (default /)
 * and `--port N` (default 0: a free port). It listens on 127.0.0.1 only and prints
 * "bare-fastify listening on http://127.0.0.1:PORT".
 */
import Fastify from 'fastify';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } }, strict: true });
const body = Buffer.from(process.env.BARE_BODY_BASE64 ?? Buffer.from('ok').toString('base64'), 'base64').toString('utf8');
const contentType = process.env.BARE_CONTENT_TYPE ?? 'text/plain; charset=utf-8';
const path = process.env.BARE_PATH ?? '/';

const app = Fastify({ logger: false });
// A form body (the token endpoints' POST) is read as text and dropped: the mock must parse it, the floor need not.
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, text, done) => done(null, text));
app.route({
  method: ['GET', 'POST'],
  url: path,
  handler: (_request, reply) => {
    void reply.header('content-type', contentType).send(body);
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
