import type { FastifyInstance } from 'fastify';
import { addBulkTravellers } from '../../domain/bulk-travellers.js';
import { DEMO } from '../../domain/demo-accounts.js';
import { errors } from '../../wire/errors.js';
import { integerParam } from '../../wire/params.js';
import { pageRequest } from './paging.js';
import type { MockState } from '../../state.js';
import { requestBody } from './views.js';

/** At most this long on the event loop at a time: health checks and other sandboxes answer meanwhile. */
const SLICE_BUDGET_MS = 15;
const SLICE_STEP = 500;
/** And at most this many requests per slice: a seed is cheap enough to finish in one slice otherwise, and then nothing answers meanwhile. */
const SLICE_MAX = 20_000;
/** Up to this many the answer lists every id; a larger seed answers its count and first and last ids. */
const LISTED_IDS = 1000;

interface SeedResult {
  count: number;
  /** Every id while there are at most LISTED_IDS, else the first ones (the rest are not made). */
  ids: string[];
  lastId: string | undefined;
}

/**
 * A large seed in slices of at most ~15 ms, yielding to the event loop between them, so
 * `{"count": 1000000}` never stops the mock answering. Requests made meanwhile may see a
 * seed partly done; the answer comes once all of it is in. A reset meanwhile ends it early
 * (the world it was filling is gone).
 */
async function seedInSlices(mock: MockState, consumerKey: string, count: number, now: number): Promise<SeedResult> {
  const world = mock.world;
  const result: SeedResult = { count: 0, ids: [], lastId: undefined };
  while (result.count < count) {
    const sliceStart = performance.now();
    const sliceEnd = Math.min(count, result.count + SLICE_MAX);
    while (result.count < sliceEnd && performance.now() - sliceStart < SLICE_BUDGET_MS) {
      const batch = addBulkTravellers(world, consumerKey, Math.min(SLICE_STEP, sliceEnd - result.count), now);
      for (let i = 0; i < batch.count && result.ids.length <= LISTED_IDS; i++) result.ids.push(batch.idAt(i));
      result.count += batch.count;
      result.lastId = batch.idAt(batch.count - 1);
    }
    if (result.count < count) await new Promise<void>((resolve) => setImmediate(resolve));
    if (mock.world !== world) break;
  }
  return result;
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
      const seeded = await seedInSlices(mock, consumerKey, count!, now);
      // Large seeds answer with the count only; the ids of a million requests help nobody.
      return reply.code(201).send(seeded.count <= LISTED_IDS ? { ids: seeded.ids } : { count: seeded.count, firstId: seeded.ids[0], lastId: seeded.lastId });
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
    // From the cursor's position: skipped requests are never built (a seeded one has no record until read).
    for (const record of mock.world.queue.allRecords(seen)) {
      if (items.length >= limit) break;
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
