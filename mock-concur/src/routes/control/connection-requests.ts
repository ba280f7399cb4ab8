import type { FastifyInstance } from 'fastify';
import { addBulkTravellers } from '../../domain/bulk-travellers.js';
import { DEMO } from '../../domain/demo-data.js';
import { errors } from '../../wire/errors.js';
import { integerParam } from '../../wire/params.js';
import { pageRequest } from './paging.js';
import type { MockState } from '../../state.js';
import { requestBody } from './views.js';

/** At most this long on the event loop at a time: health checks and other sandboxes answer meanwhile. */
const SLICE_BUDGET_MS = 15;
const SLICE_STEP = 500;

/**
 * A large seed in slices of at most ~15 ms, yielding to the event loop between them, so
 * `{"count": 1000000}` never stops the mock answering. Requests made meanwhile may see a
 * seed partly done; the answer comes once all of it is in. A reset meanwhile ends it early
 * (the world it was filling is gone).
 */
async function seedInSlices(mock: MockState, consumerKey: string, count: number, now: number): Promise<string[]> {
  const world = mock.world;
  const ids: string[] = [];
  let done = 0;
  while (done < count) {
    const sliceStart = performance.now();
    while (done < count && performance.now() - sliceStart < SLICE_BUDGET_MS) {
      const step = Math.min(SLICE_STEP, count - done);
      addBulkTravellers(world, consumerKey, step, now, ids);
      done += step;
    }
    if (done < count) await new Promise<void>((resolve) => setImmediate(resolve));
    if (mock.world !== world) break;
  }
  return ids;
}

/** Connection requests as the console and provider states see them: add, list, inspect. */
export async function connectionRequestControlRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { loginId?: string; consumerKey?: string; count?: number } }>(
    '/_mock/connection-requests',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            consumerKey: { type: 'string', minLength: 1, maxLength: 128 },
            loginId: { type: 'string', minLength: 1, maxLength: 128 },
            count: { type: 'integer', minimum: 1, maximum: 2_000_000 },
          },
        },
      },
    },
    async (request, reply) => {
      const { mock } = request;
      const { loginId, count } = request.body ?? {};
      const consumerKey = request.body?.consumerKey ?? DEMO.app.consumerKey;
      if (!mock.world.directory.app(consumerKey)) throw errors.invalidBody(`unknown consumerKey ${consumerKey}`);
      if ((loginId === undefined) === (count === undefined)) throw errors.invalidBody('send either loginId (one request for that user) or count (that many generated travellers)');
      const now = mock.clock.now();
      if (loginId !== undefined) {
        const user = mock.world.directory.user(loginId);
        if (!user) throw errors.invalidUser(loginId);
        const created = mock.world.queue.create(consumerKey, user, now);
        if (!created.ok) throw errors.connectionRequestExists(user.loginId);
        return reply.code(201).send({ ids: [created.value.id] });
      }
      const ids = await seedInSlices(mock, consumerKey, count!, now);
      // Large seeds answer with the count only; the ids of a million requests help nobody.
      return reply.code(201).send(ids.length <= 1000 ? { ids } : { count: ids.length, firstId: ids[0], lastId: ids[ids.length - 1] });
    },
  );

  // Requests in creation order with their lifecycle state, `limit` (default 100) at a time from
  // `cursor` (the Link header's next page, also in the body as `next`).
  app.get('/_mock/connection-requests', async (request, reply) => {
    const { mock } = request;
    const query = request.query as Record<string, unknown>;
    const limit = integerParam(query, 'limit', 100, 1, 1000);
    const seen = pageRequest(request).at ?? 0;
    const now = mock.clock.now();
    const items = [];
    let index = 0;
    for (const record of mock.world.queue.allRecords()) {
      if (items.length >= limit) break;
      if (index++ < seen) continue;
      items.push(requestBody(record, mock.world.queue.view(record, now)));
    }
    const total = mock.world.queue.size();
    const after = seen + items.length;
    const next = after < total ? `c${after}` : null;
    void reply.header('x-total-count', String(total));
    if (next) void reply.header('link', `<${mock.pathPrefix}/_mock/connection-requests?${new URLSearchParams({ limit: String(limit), cursor: next }).toString()}>; rel="next"`);
    return { total, items, next };
  });

  app.get<{ Params: { id: string } }>('/_mock/connection-requests/:id', async (request) => {
    const found = request.mock.world.queue.inspect(request.params.id, request.mock.clock.now());
    if (!found) throw errors.connectionRequestNotFound(request.params.id.slice(0, 128));
    return requestBody(found.record, found.view);
  });
}
