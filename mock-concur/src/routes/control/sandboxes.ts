import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SANDBOX_ID } from '../../sandbox-registry.js';
import { sandboxOptionsSchema, type SandboxOptions } from '../../sandbox-options.js';
import { InvalidMockOptionsError } from '../../options.js';
import { baseUrl } from '../../wire/base-url.js';
import { errors } from '../../wire/errors.js';

/**
 * `/_mock/sandboxes`: make one (`201 { id, url }`), list them, read or delete one. Only at the
 * root: sandboxes do not nest.
 */
export async function sandboxRoutes(app: FastifyInstance): Promise<void> {
  const atRoot = (request: FastifyRequest) => {
    if (request.mock.sandboxId !== null) throw errors.sandboxesAtRootOnly();
  };
  const knownId = (id: string) => {
    if (!SANDBOX_ID.test(id)) throw errors.notASandboxId(id.slice(0, 64));
    return id;
  };

  app.post<{ Body: SandboxOptions }>(
    '/_mock/sandboxes',
    {
      schema: { body: sandboxOptionsSchema },
      // No body at all (`curl -X POST …/_mock/sandboxes`) is a sandbox with the root's options.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
    },
    async (request, reply) => {
      atRoot(request);
      let created;
      try {
        created = await app.sandboxes.create(request.body);
      } catch (error) {
        if (error instanceof InvalidMockOptionsError) throw errors.invalidBody(error.message.replace(/^mock-concur option /, ''));
        throw error;
      }
      if (!created.ok) throw created.reason === 'full' ? errors.tooManySandboxes(app.sandboxes.max) : errors.durableNeedsStateDir();
      const url = baseUrl(request) + created.sandbox.path;
      return reply.code(201).header('location', `/_mock/sandboxes/${created.sandbox.id}`).send({ ...created.sandbox, url });
    },
  );

  app.get('/_mock/sandboxes', async (request) => {
    atRoot(request);
    const base = baseUrl(request);
    const items = app.sandboxes.list().map((s) => ({ ...s, url: base + s.path }));
    return { total: items.length, max: app.sandboxes.max, items };
  });

  app.get<{ Params: { id: string } }>('/_mock/sandboxes/:id', async (request) => {
    atRoot(request);
    const found = app.sandboxes.get(knownId(request.params.id));
    if (!found) throw errors.unknownSandbox(request.params.id);
    return { ...found, url: baseUrl(request) + found.path };
  });

  app.delete<{ Params: { id: string } }>('/_mock/sandboxes/:id', async (request, reply) => {
    atRoot(request);
    if (!(await app.sandboxes.delete(knownId(request.params.id)))) throw errors.unknownSandbox(request.params.id);
    return reply.code(204).send();
  });
}
