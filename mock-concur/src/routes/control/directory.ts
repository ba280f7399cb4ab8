import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { DuplicateError } from '../../domain/directory.js';
import type { Role } from '../../domain/roles.js';
import { KNOWN_ROLES } from '../../domain/roles.js';
import { errors } from '../../wire/errors.js';
import { pageOf, pageRequest } from './paging.js';
import { publicApp, publicUser } from './views.js';

/** Users and apps: list them, add one (the secret of a new app is shown this once). */
export async function directoryRoutes(app: FastifyInstance): Promise<void> {
  app.get('/_mock/users', async (request, reply) => pageOf(request, reply, request.mock.world.directory.allUsers(), pageRequest(request), 'oldest-first').map(publicUser));

  app.post<{ Body: { loginId: string; password: string; firstName: string; middleName?: string | null; lastName: string; loyaltyNumber?: string | null; emails?: string[]; roles?: Role[] } }>(
    '/_mock/users',
    {
      schema: {
        body: {
          type: 'object',
          required: ['loginId', 'password', 'firstName', 'lastName'],
          additionalProperties: false,
          properties: {
            loginId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\s:]+$' },
            password: { type: 'string', minLength: 1, maxLength: 256 },
            firstName: { type: 'string', minLength: 1, maxLength: 64 },
            middleName: { type: ['string', 'null'], maxLength: 64 },
            lastName: { type: 'string', minLength: 1, maxLength: 64 },
            loyaltyNumber: { type: ['string', 'null'], maxLength: 64 },
            emails: { type: 'array', maxItems: 5, items: { type: 'string', minLength: 3, maxLength: 254 } },
            roles: { type: 'array', maxItems: 2, uniqueItems: true, items: { type: 'string', enum: [...KNOWN_ROLES] } },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      try {
        const user = request.mock.world.directory.addUser({ ...body, emails: body.emails ?? [body.loginId] });
        return reply.code(201).send(publicUser(user));
      } catch (error) {
        if (error instanceof DuplicateError) throw errors.invalidBody(error.message);
        throw error;
      }
    },
  );

  app.get('/_mock/apps', async (request, reply) => pageOf(request, reply, request.mock.world.directory.allApps(), pageRequest(request), 'oldest-first').map(publicApp));

  app.post<{ Body: { name: string; consumerKey?: string; consumerSecret?: string; description?: string; scopes: string[]; redirectUris?: string[]; appCenterRedirect?: 'code' | 'requestToken' } }>(
    '/_mock/apps',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name', 'scopes'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 128 },
            consumerKey: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._~-]+$' },
            consumerSecret: { type: 'string', minLength: 8, maxLength: 256 },
            description: { type: 'string', maxLength: 2000 },
            scopes: { type: 'array', maxItems: 32, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9_.]{1,32}$' } },
            // http(s) only: a javascript: or data: redirect URI would let a consent page run script.
            redirectUris: { type: 'array', maxItems: 8, items: { type: 'string', format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', maxLength: 2000 } },
            appCenterRedirect: { type: 'string', enum: ['code', 'requestToken'] },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const consumerKey = body.consumerKey ?? randomBytes(16).toString('base64url');
      const consumerSecret = body.consumerSecret ?? randomBytes(24).toString('base64url');
      try {
        const created = request.mock.world.directory.addApp({ ...body, consumerKey, consumerSecret });
        // The secret is shown this once, as Concur's registration page does.
        return reply.code(201).send({ ...publicApp(created), consumerSecret });
      } catch (error) {
        if (error instanceof DuplicateError) throw errors.invalidBody(error.message);
        throw error;
      }
    },
  );
}
