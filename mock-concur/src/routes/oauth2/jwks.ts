import type { FastifyInstance } from 'fastify';

/** `GET /oauth2/v0/jwks`: the public key the id_tokens (and access tokens) are signed with. */
export function jwksRoute(app: FastifyInstance): void {
  app.get('/oauth2/v0/jwks', async (request) => (await request.mock.signer()).jwks());
}
