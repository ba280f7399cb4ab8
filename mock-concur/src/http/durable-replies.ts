import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ConcurApiError } from '../wire/errors.js';

/**
 * No response leaves before every change made so far is on disk: a client that saw an
 * answer can rely on it after a crash. Reads wait too when writes are in flight, so no
 * answer ever shows a state a crash could take back. If the disk fails, answers are 503.
 * Each sandbox has its own store (or none: a sandbox not made `durable` lives in memory).
 */
export const holdRepliesUntilDurable = fp(
  async function holdRepliesUntilDurable(app: FastifyInstance) {
    app.addHook('onSend', (request, reply, payload, done) => {
      const store = request.mock.persistence;
      if (!store) return done(null, payload);
      // The 503 below passes through here too; let it out.
      if (store.failed && reply.statusCode === 503) return done(null, payload);
      const durable = store.whenDurable();
      if (!durable) return done(null, payload);
      durable.then(
        () => done(null, payload),
        (error: Error) => done(new ConcurApiError(503, `The mock could not save its state: ${error.message}`.slice(0, 300))),
      );
    });
  },
  { name: 'mock-concur-durable-replies' },
);
