import type { FastifyInstance } from 'fastify';
import type { MockState } from '../../state.js';
import { errors } from '../../wire/errors.js';
import { pageOf, pageRequest } from './paging.js';
import { iso } from './views.js';

/** Request and access tokens minted for provider states, and every access token (masked). */
export async function tokenControlRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { consumerKey: string; loginId: string; ageSeconds?: number; count?: number } }>(
    '/_mock/request-tokens',
    { schema: { body: { ...tokenStateSchema, properties: { ...tokenStateSchema.properties, count: { type: 'integer', minimum: 1, maximum: MAX_CODES_PER_CALL } } } } },
    async (request, reply) => {
      const { mock } = request;
      const { partner, user, issuedAt } = tokenState(mock, request.body);
      const { count } = request.body;
      if (count === undefined) {
        const { token, expiresAt } = mock.world.tokens.issueRequestToken(partner.consumerKey, user.loginId, issuedAt);
        return reply.code(201).send({ code: token, expiresAt: iso(expiresAt) });
      }
      // A load test's supply of single-use codes (one per exchange it sends), in one call.
      const codes: string[] = [];
      let expiresAt = issuedAt;
      for (let i = 0; i < count; i++) {
        const issued = mock.world.tokens.issueRequestToken(partner.consumerKey, user.loginId, issuedAt);
        codes.push(issued.token);
        expiresAt = issued.expiresAt;
      }
      return reply.code(201).send({ codes, expiresAt: iso(expiresAt) });
    },
  );

  app.post<{ Body: { consumerKey: string; loginId: string; ageSeconds?: number; revoked?: boolean } }>(
    '/_mock/access-tokens',
    { schema: { body: { ...tokenStateSchema, properties: { ...tokenStateSchema.properties, revoked: { type: 'boolean' } } } } },
    async (request, reply) => {
      const { mock } = request;
      const { partner, user, issuedAt } = tokenState(mock, request.body);
      const issued = mock.world.tokens.issueAccessToken(partner.consumerKey, user.loginId, issuedAt, 'control');
      if (request.body.revoked) mock.world.tokens.revoke(issued.token, partner.consumerKey, mock.clock.now());
      return reply.code(201).send({ token: issued.token, refreshToken: issued.refreshToken, expiresAt: iso(issued.expiresAt) });
    },
  );

  // Newest first, a page at a time (the Link header has the next one): 100 000 tokens are not one answer.
  app.get('/_mock/tokens', async (request, reply) => {
    const { mock } = request;
    const page = pageRequest(request);
    const now = mock.clock.now();
    return pageOf(request, reply, mock.world.tokens.listAccessTokens(), page, 'newest-first').map((t) => ({
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

  function tokenState(mock: MockState, body: { consumerKey: string; loginId: string; ageSeconds?: number }) {
    const partner = mock.world.directory.app(body.consumerKey);
    if (!partner) throw errors.invalidBody(`unknown consumerKey ${body.consumerKey}`);
    const user = mock.world.directory.user(body.loginId);
    if (!user) throw errors.invalidUser(body.loginId);
    return { partner, user, issuedAt: mock.clock.now() - Math.round((body.ageSeconds ?? 0) * 1000) };
  }
}

/** 100 000 codes take ≈ 0.3 s to mint: a bounded pause for a load test's set-up call. */
const MAX_CODES_PER_CALL = 100_000;

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
