import type { FastifyInstance } from 'fastify';
import { methodNotAllowed } from '../method-not-allowed.js';
import { connectionRequestControlRoutes } from './connection-requests.js';
import { conversationRoutes } from './conversation.js';
import { directoryRoutes } from './directory.js';
import { healthAndClockRoutes } from './health-and-clock.js';
import { journalAndFaultRoutes } from './journal-and-faults.js';
import { sandboxRoutes } from './sandboxes.js';
import { summaryRoutes } from './summary.js';
import { timelineRoutes } from './timeline.js';
import { tokenControlRoutes } from './tokens.js';

/**
 * The control API under /_mock/ (JSON only): health, the clock, users, apps, seeded
 * requests and tokens for provider states, fault rules, the journal and reset, and the
 * console's summaries (counts, edges, forecasts, timelines, the conversation). Bodies are
 * checked by Fastify's JSON-schema validation; a bad one answers 400 in Concur's envelope.
 */
export async function controlRoutes(app: FastifyInstance): Promise<void> {
  // Every path registered below answers 405 with `Allow` for the methods it lacks.
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = methodsByPath.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) if (m !== 'HEAD') methods.add(m);
    methodsByPath.set(route.url, methods);
  });

  await app.register(healthAndClockRoutes);
  await app.register(directoryRoutes);
  await app.register(connectionRequestControlRoutes);
  await app.register(tokenControlRoutes);
  await app.register(journalAndFaultRoutes);
  await app.register(sandboxRoutes);
  // The console's pictures: summaries and cursors, each cheap at any queue size.
  await app.register(summaryRoutes);
  await app.register(timelineRoutes);
  await app.register(conversationRoutes);
  app.post('/_mock/reset', async ({ mock }) => {
    mock.reset();
    return { status: 'reset', connectionRequests: mock.world.queue.counts(mock.clock.now()) };
  });

  for (const [url, methods] of [...methodsByPath]) methodNotAllowed(app, url, [...methods]);
}
