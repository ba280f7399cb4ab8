import type { FastifyInstance } from 'fastify';
import { consolePage } from '../views/console-page.js';
import { sendPage } from '../send-page.js';
import { errors } from '../../wire/errors.js';
import { sendError } from '../../wire/respond.js';

const MAX_STEP_SECONDS = 366 * 24 * 3600;

/** The console page and its one form action (moving the clock), CSRF-protected. */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  // With a control token the guard has already checked the one this page was opened with.
  app.get('/_mock/console', async (request, reply) => {
    const { mock } = request;
    const token = mock.options.controlToken === undefined ? undefined : String((request.query as Record<string, unknown>)['token'] ?? request.headers['x-mock-control-token'] ?? '');
    return sendPage(reply, 200, consolePage({ base: mock.pathPrefix, sandboxId: mock.sandboxId, csrf: reply.generateCsrf(), nonce: reply.cspNonce, ...(token ? { controlToken: token } : {}) }));
  });

  app.post('/_mock/console/clock', { preHandler: app.csrfProtection, bodyLimit: 4096 }, async (request, reply) => {
    const raw = (request.body as Record<string, unknown> | undefined)?.['seconds'];
    const seconds = typeof raw === 'string' && /^\d{1,8}$/.test(raw) ? Number(raw) : NaN;
    // A control-API refusal: JSON in the control API's full envelope (Message, Server-Time, Id).
    const refuse = (why: string) => sendError(reply, 'json', errors.invalidParameter('seconds', why), request.mock.clock.now());
    if (!(seconds > 0 && seconds <= MAX_STEP_SECONDS)) return refuse(`a whole number between 1 and ${MAX_STEP_SECONDS}`);
    try {
      request.mock.clock.advance(seconds * 1000);
    } catch (error) {
      if (error instanceof RangeError) return refuse(error.message);
      throw error;
    }
    // The script asks for JSON and stays on the page; a plain form post comes back to it.
    if (String(request.headers.accept ?? '').includes('application/json')) return { now: new Date(request.mock.clock.now()).toISOString() };
    return reply.redirect(`${request.mock.pathPrefix}/_mock/console`, 303);
  });
}
