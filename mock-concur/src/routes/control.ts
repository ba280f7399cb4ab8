import type { FastifyInstance } from 'fastify';
import { DuplicateError, type ConcurUser, type PartnerApp } from '../domain/directory.js';
import { DEMO } from '../domain/demo-data.js';
import type { ConnectionRequestRecord, ConnectionRequestView } from '../domain/connection-requests.js';
import type { FaultRuleInput } from '../domain/faults.js';
import { KNOWN_ROLES, type Role } from '../domain/roles.js';
import { newId } from '../domain/secrets.js';
import { randomBytes } from 'node:crypto';
import { errors } from '../wire/errors.js';
import { concurDateTime } from '../wire/dates.js';
import { integerParam } from '../wire/params.js';
import { methodNotAllowed } from './method-not-allowed.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The control API under /_mock/ (JSON only): health, the clock, users, apps, seeded
 * requests and tokens for provider states, fault rules, the journal and reset. Bodies are
 * checked by Fastify's JSON-schema validation; a bad one answers 400 in Concur's envelope.
 */
export async function controlRoutes(app: FastifyInstance): Promise<void> {
  const { mock } = app;
  // Every path registered below answers 405 with `Allow` for the methods it lacks.
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = methodsByPath.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) if (m !== 'HEAD') methods.add(m);
    methodsByPath.set(route.url, methods);
  });

  const clockBody = () => ({ now: iso(mock.clock.now()), nowMs: mock.clock.now(), mode: mock.clock.mode, offsetSeconds: mock.clock.offsetMs() / 1000 });

  app.get('/_mock/health', async () => ({
    status: 'ok',
    now: iso(mock.clock.now()),
    queueMode: mock.world.queue.mode,
    connectionRequests: mock.world.queue.counts(mock.clock.now()),
  }));

  app.get('/_mock/clock', async () => clockBody());

  app.post<{ Body: { seconds: number } }>(
    '/_mock/clock/advance',
    { schema: { body: { type: 'object', required: ['seconds'], additionalProperties: false, properties: { seconds: { type: 'number', minimum: 0, maximum: 100 * 365 * 86400 } } } } },
    async (request) => {
      try {
        mock.clock.advance(Math.round(request.body.seconds * 1000));
      } catch (error) {
        if (error instanceof RangeError) throw errors.invalidParameter('seconds', error.message);
        throw error;
      }
      return clockBody();
    },
  );

  app.get('/_mock/users', async () => mock.world.directory.allUsers().map(publicUser));

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
        const user = mock.world.directory.addUser({ ...body, emails: body.emails ?? [body.loginId] });
        return reply.code(201).send(publicUser(user));
      } catch (error) {
        if (error instanceof DuplicateError) throw errors.invalidBody(error.message);
        throw error;
      }
    },
  );

  app.get('/_mock/apps', async () => mock.world.directory.allApps().map(publicApp));

  app.post<{ Body: { name: string; consumerKey?: string; consumerSecret?: string; description?: string; scopes: string[]; redirectUris?: string[] } }>(
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
            redirectUris: { type: 'array', maxItems: 8, items: { type: 'string', format: 'uri', maxLength: 2000 } },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const consumerKey = body.consumerKey ?? randomBytes(16).toString('base64url');
      const consumerSecret = body.consumerSecret ?? randomBytes(24).toString('base64url');
      try {
        const created = mock.world.directory.addApp({ ...body, consumerKey, consumerSecret });
        // The secret is shown this once, as Concur's registration page does.
        return reply.code(201).send({ ...publicApp(created), consumerSecret });
      } catch (error) {
        if (error instanceof DuplicateError) throw errors.invalidBody(error.message);
        throw error;
      }
    },
  );

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
      const ids = generateTravellerRequests(mock.world, consumerKey, count!, now);
      // Large seeds answer with the count only; the ids of a million requests help nobody.
      return reply.code(201).send(ids.length <= 1000 ? { ids } : { count: ids.length, firstId: ids[0], lastId: ids[ids.length - 1] });
    },
  );

  // The first `limit` requests in creation order with their lifecycle state (the console's table).
  app.get('/_mock/connection-requests', async (request) => {
    const limit = integerParam(request.query as Record<string, unknown>, 'limit', 100, 1, 1000);
    const now = mock.clock.now();
    const items = [];
    for (const record of mock.world.queue.allRecords()) {
      if (items.length >= limit) break;
      items.push(requestBody(record, mock.world.queue.view(record, now)));
    }
    return { total: mock.world.queue.size(), items };
  });

  app.get<{ Params: { id: string } }>('/_mock/connection-requests/:id', async (request) => {
    const found = mock.world.queue.inspect(request.params.id, mock.clock.now());
    if (!found) throw errors.connectionRequestNotFound(request.params.id.slice(0, 128));
    return requestBody(found.record, found.view);
  });

  function requestBody(record: ConnectionRequestRecord, view: ConnectionRequestView) {
    return {
      id: record.id,
      consumerKey: record.appKey,
      loginId: record.user.loginId,
      status: view.status,
      lastCode: record.lastCode,
      hasRequestToken: view.requestToken !== null,
      availableAt: record.queueKey ? iso(record.queueKey[0]) : null,
      lastModified: concurDateTime(record.lastModified),
      requeues: { userError: record.userErrorRequeues, retry: record.retryRequeues, lease: record.leaseRequeues },
    };
  }

  app.post<{ Body: { consumerKey: string; loginId: string; ageSeconds?: number } }>(
    '/_mock/request-tokens',
    { schema: { body: tokenStateSchema } },
    async (request, reply) => {
      const { partner, user, issuedAt } = tokenState(request.body);
      const { token, expiresAt } = mock.world.tokens.issueRequestToken(partner.consumerKey, user.loginId, issuedAt);
      return reply.code(201).send({ code: token, expiresAt: iso(expiresAt) });
    },
  );

  app.post<{ Body: { consumerKey: string; loginId: string; ageSeconds?: number; revoked?: boolean } }>(
    '/_mock/access-tokens',
    { schema: { body: { ...tokenStateSchema, properties: { ...tokenStateSchema.properties, revoked: { type: 'boolean' } } } } },
    async (request, reply) => {
      const { partner, user, issuedAt } = tokenState(request.body);
      const issued = mock.world.tokens.issueAccessToken(partner.consumerKey, user.loginId, issuedAt, 'control');
      if (request.body.revoked) mock.world.tokens.revoke(issued.token, partner.consumerKey, mock.clock.now());
      return reply.code(201).send({ token: issued.token, refreshToken: issued.refreshToken, expiresAt: iso(issued.expiresAt) });
    },
  );

  app.get('/_mock/tokens', async () => {
    const now = mock.clock.now();
    return mock.world.tokens.listAccessTokens().map((t) => ({
      token: t.masked,
      consumerKey: t.appKey,
      loginId: t.loginId,
      origin: t.origin,
      issuedAt: iso(t.issuedAt),
      expiresAt: iso(t.expiresAt),
      revokedAt: t.revokedAt === null ? null : iso(t.revokedAt),
      state: t.revokedAt !== null ? 'revoked' : now >= t.expiresAt ? 'expired' : 'active',
    }));
  });

  app.get('/_mock/journal', async (request) => {
    const query = request.query as Record<string, unknown>;
    return mock.journal.list(integerParam(query, 'since', 0, 0, Number.MAX_SAFE_INTEGER), integerParam(query, 'limit', mock.options.journalSize, 1, 10_000));
  });

  app.get('/_mock/faults', async () => mock.faults.list());

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
      return reply.code(201).send(mock.faults.add(b));
    },
  );

  app.delete('/_mock/faults', async (_request, reply) => {
    mock.faults.clear();
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/_mock/faults/:id', async (request, reply) => {
    if (!mock.faults.remove(request.params.id)) throw errors.notFound(`/_mock/faults/${request.params.id.slice(0, 64)}`);
    return reply.code(204).send();
  });

  app.post('/_mock/reset', async () => {
    mock.reset();
    return { status: 'reset', connectionRequests: mock.world.queue.counts(mock.clock.now()) };
  });

  // Fastify builds routes in `after` callbacks; this one runs once the hook above has seen them.
  app.after(() => {
    for (const [url, methods] of [...methodsByPath]) methodNotAllowed(app, url, [...methods]);
  });

  function tokenState(body: { consumerKey: string; loginId: string; ageSeconds?: number }) {
    const partner = mock.world.directory.app(body.consumerKey);
    if (!partner) throw errors.invalidBody(`unknown consumerKey ${body.consumerKey}`);
    const user = mock.world.directory.user(body.loginId);
    if (!user) throw errors.invalidUser(body.loginId);
    return { partner, user, issuedAt: mock.clock.now() - Math.round((body.ageSeconds ?? 0) * 1000) };
  }
}

const tokenStateSchema = {
  type: 'object',
  required: ['consumerKey', 'loginId'],
  additionalProperties: false,
  properties: {
    consumerKey: { type: 'string', minLength: 1, maxLength: 128 },
    loginId: { type: 'string', minLength: 1, maxLength: 128 },
    ageSeconds: { type: 'number', minimum: 0, maximum: 10 * 365 * 86400 },
  },
} as const;

function publicUser(u: ConcurUser) {
  return {
    id: u.id,
    loginId: u.loginId,
    firstName: u.firstName,
    middleName: u.middleName,
    lastName: u.lastName,
    loyaltyNumber: u.loyaltyNumber,
    emails: u.emails.filter((e): e is string => e !== null),
    roles: [...u.roles],
  };
}

function publicApp(a: PartnerApp) {
  return { name: a.name, consumerKey: a.consumerKey, description: a.description, scopes: [...a.scopes], redirectUris: a.redirectUris };
}

const FIRST = ['Ada', 'Bo', 'Chen', 'Dara', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Mo', 'Nia', 'Oz', 'Pia'];
const LAST = ['Ito', 'Khan', 'Lopez', 'Meyer', 'Novak', 'Okafor', 'Park', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Ueda', 'Vogel', 'Wong'];

/**
 * Bulk travellers for load tests: cheap deterministic names instead of faker (a million
 * faker people take minutes), unique login ids and loyalty numbers.
 */
function generateTravellerRequests(world: FastifyInstance['mock']['world'], consumerKey: string, count: number, now: number): string[] {
  const ids: string[] = [];
  const start = world.directory.userCount();
  for (let i = 0; i < count; i++) {
    const n = start + i;
    const firstName = FIRST[n % FIRST.length]!;
    const lastName = LAST[Math.floor(n / FIRST.length) % LAST.length]!;
    const loginId = `traveler${n}.${newId().slice(0, 8)}@load.demo.example`;
    const user = world.directory.addUser({ loginId, firstName, lastName, loyaltyNumber: String(8_000_000_000 + n), emails: [loginId], password: DEMO.traveler.password });
    const created = world.queue.create(consumerKey, user, now);
    if (created.ok) ids.push(created.value.id);
  }
  return ids;
}
