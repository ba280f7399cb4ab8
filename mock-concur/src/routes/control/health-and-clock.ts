import type { FastifyInstance } from 'fastify';
import { errors } from '../../wire/errors.js';
import { PACKAGE_VERSION } from '../../package-version.js';
import type { MockState } from '../../state.js';
import { iso } from './views.js';

/** `/_mock/health` and the clock: read it, move it forward. */
export async function healthAndClockRoutes(app: FastifyInstance): Promise<void> {
  const clockBody = ({ clock }: MockState) => ({ now: iso(clock.now()), nowMs: clock.now(), mode: clock.mode, offsetSeconds: clock.offsetMs() / 1000 });

  app.get('/_mock/health', async ({ mock }) => ({
    status: 'ok',
    // Which mock a container or a shared server is running.
    version: PACKAGE_VERSION,
    now: iso(mock.clock.now()),
    queueMode: mock.world.queue.mode,
    connectionRequests: mock.world.queue.counts(mock.clock.now()),
  }));

  app.get('/_mock/clock', async (request) => clockBody(request.mock));

  app.post<{ Body: { seconds: number } }>(
    '/_mock/clock/advance',
    { schema: { body: { type: 'object', required: ['seconds'], additionalProperties: false, properties: { seconds: { type: 'number', minimum: 0, maximum: 100 * 365 * 86400 } } } } },
    async (request) => {
      try {
        request.mock.clock.advance(Math.round(request.body.seconds * 1000));
      } catch (error) {
        if (error instanceof RangeError) throw errors.invalidParameter('seconds', error.message);
        throw error;
      }
      return clockBody(request.mock);
    },
  );
}
