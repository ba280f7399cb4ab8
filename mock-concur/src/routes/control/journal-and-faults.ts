import type { FastifyInstance } from 'fastify';
import type { FaultRuleInput } from '../../http/faults.js';
import { errors } from '../../wire/errors.js';
import { integerParam } from '../../wire/params.js';

/** What the mock saw (the journal) and what it should break (fault rules). */
export async function journalAndFaultRoutes(app: FastifyInstance): Promise<void> {
  app.get('/_mock/journal', async (request) => {
    const { mock } = request;
    const query = request.query as Record<string, unknown>;
    return mock.journal.list(integerParam(query, 'since', 0, 0, Number.MAX_SAFE_INTEGER), integerParam(query, 'limit', mock.options.journalSize, 1, 10_000));
  });

  app.get('/_mock/faults', async ({ mock }) => mock.faults.list());

  app.post<{ Body: FaultRuleInput }>(
    '/_mock/faults',
    {
      schema: {
        body: {
          type: 'object',
          required: ['path'],
          additionalProperties: false,
          properties: {
            method: { type: 'string', pattern: '^(\\*|[A-Za-z]{3,7})$' },
            path: { type: 'string', minLength: 1, maxLength: 512 },
            latencyMs: { type: 'integer', minimum: 0, maximum: 120000 },
            status: { type: 'integer', minimum: 400, maximum: 599 },
            retryAfterSeconds: { type: 'integer', minimum: 0, maximum: 86400 },
            reset: { type: 'boolean' },
            malformedBody: { type: 'boolean' },
            times: { type: 'integer', minimum: 1 },
            probability: { type: 'number', minimum: 0, maximum: 1 },
            seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (!b.latencyMs && b.status === undefined && !b.reset && !b.malformedBody) throw errors.invalidBody('a fault needs at least one of latencyMs, status, reset, malformedBody');
      return reply.code(201).send(request.mock.faults.add(b));
    },
  );

  app.delete('/_mock/faults', async (request, reply) => {
    request.mock.faults.clear();
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/_mock/faults/:id', async (request, reply) => {
    if (!request.mock.faults.remove(request.params.id)) throw errors.notFound(`/_mock/faults/${request.params.id.slice(0, 64)}`);
    return reply.code(204).send();
  });
}
