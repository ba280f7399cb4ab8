import type { FastifyInstance } from 'fastify';
import { conversationBody, conversationQuery } from '../../routes/control/conversation.js';
import { summaryBody } from '../../routes/control/summary.js';
import { findRequest, timelineBody } from '../../routes/control/timeline.js';
import { publicApp, requestBody } from '../../routes/control/views.js';
import { SANDBOX_ID } from '../../sandbox-registry.js';
import { errors } from '../../wire/errors.js';
import { param } from '../../wire/params.js';
import { sendError } from '../../wire/respond.js';
import { consolePage } from '../views/console-page.js';
import { sendPage } from '../send-page.js';

const MAX_STEP_SECONDS = 366 * 24 * 3600;
/** Rows the page starts with: what the script then keeps up to date. */
const FIRST_REQUESTS = 10;
const FIRST_EXCHANGES = 30;

/** The console page, the sandbox picker's redirect and the one form action (moving the clock), CSRF-protected. */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  // With a control token the guard has already checked the one this page was opened with.
  app.get('/_mock/console', async (request, reply) => {
    const { mock } = request;
    const query = request.query as Record<string, unknown>;
    const token = mock.options.controlToken === undefined ? undefined : String(query['token'] ?? request.headers['x-mock-control-token'] ?? '') || undefined;
    const keepToken = token ? `?token=${encodeURIComponent(token)}` : '';

    // The picker (a GET form at the root's console): on to the chosen world's console.
    let picked: string | undefined;
    try {
      picked = param(query, 'sandbox');
    } catch {
      picked = undefined;
    }
    if (picked !== undefined) {
      if (picked === '') return reply.redirect(`/_mock/console${keepToken}`, 303);
      if (SANDBOX_ID.test(picked) && app.sandboxes.get(picked)) return reply.redirect(`/sandboxes/${picked}/_mock/console${keepToken}`, 303);
    }

    // Every part is a summary or a page: the page costs the same with a million requests queued.
    let conversation;
    let find: string | undefined;
    try {
      conversation = conversationQuery(query);
      const raw = param(query, 'find')?.trim();
      find = raw ? raw.slice(0, 256) : undefined;
    } catch {
      conversation = conversationQuery({});
    }
    const record = find === undefined ? undefined : findRequest(mock, find);
    const now = mock.clock.now();
    const requests = [];
    for (const r of mock.world.queue.allRecords()) {
      if (requests.length >= FIRST_REQUESTS) break;
      requests.push(requestBody(r, mock.world.queue.view(r, now)));
    }
    return sendPage(
      reply,
      200,
      consolePage({
        base: mock.pathPrefix,
        sandboxId: mock.sandboxId,
        csrf: reply.generateCsrf(),
        nonce: reply.cspNonce,
        controlToken: token,
        summary: summaryBody(mock),
        conversation: conversationBody(mock, 0, FIRST_EXCHANGES, conversation.filter),
        filter: conversation.filter,
        find,
        timeline: record ? timelineBody(mock, record) : null,
        requests,
        faults: mock.faults.list(),
        apps: mock.world.directory.allApps().map(publicApp),
        // Only the root lists every sandbox (as /_mock/sandboxes does): a sandbox's console
        // names no other sandbox, whose id is as good as a key to it.
        sandboxes: mock.sandboxId === null ? app.sandboxes.list() : [app.sandboxes.get(mock.sandboxId)!].filter(Boolean),
      }),
    );
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
