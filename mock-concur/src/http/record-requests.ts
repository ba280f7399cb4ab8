import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isControl } from './control-path.js';
import { principalClient } from './journal-client.js';
import { redactUrl } from './redact-url.js';

/** Every answered request (control calls aside) goes into the journal, secrets redacted. */
export const recordRequests = fp(
  async function recordRequests(app: FastifyInstance) {
    app.addHook('onResponse', (request, reply, done) => {
      if (!isControl(request)) journalRequest(request, reply.statusCode, request.journalNote, reply.elapsedTime);
      done();
    });
  },
  { name: 'mock-concur-journal' },
);

/** One journal line; also used for a reset connection, which never gets a response. */
export function journalRequest(request: FastifyRequest, status: number, note: string | undefined, durationMs = 0): void {
  const { journal, clock } = request.mock;
  journal.add({
    atMs: clock.now(),
    method: request.method,
    url: redactUrl(request.url),
    status,
    durationMs,
    fault: request.fault?.id,
    note,
    // References only: formatted when the journal is read, so this costs nothing per request.
    client: request.journalClient ?? (request.principal ? principalClient(request.principal) : undefined),
    subject: request.journalSubject,
    userAgent: request.headers['user-agent'],
  });
}
