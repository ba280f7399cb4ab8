import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ConcurApiError } from '../wire/errors.js';
import type { StateStore } from '../persistence/state-store.js';

/**
 * No response leaves before every change made so far is on disk: a client that saw an
 * answer can rely on it after a crash. Reads wait too when writes are in flight, so no
 * answer ever shows a state a crash could take back. If the disk fails, answers are 503.
 */
export const holdRepliesUntilDurable = fp(
  async function holdRepliesUntilDurable(app: FastifyInstance, { store }: { store: StateStore }) {
    app.addHook('onSend', (_request, reply, payload, done) => {
      // The 503 below passes through here too; let it out.
      if (store.failed && reply.statusCode === 503) return done(null, payload);
      const durable = store.whenDurable();
      if (!durable) return done(null, payload);
      durable.then(
        () => done(null, payload),
        (error: Error) => done(new ConcurApiError(503, `The mock could not save its state: ${error.message}`.slice(0, 300))),
      );
    });
    app.addHook('onClose', (_instance, done) => {
      store.close().then(() => done(), done);
    });
  },
  { name: 'mock-concur-durable-replies' },
);
