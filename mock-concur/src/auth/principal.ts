import type { FastifyRequest } from 'fastify';
import type { ConcurUser, PartnerApp } from '../domain/directory.js';
import { CONREQ_SCOPE, isAdministrator } from '../domain/roles.js';
import type { AccessTokenRecord } from '../domain/token-service.js';
import type { World } from '../domain/world.js';
import { errors } from '../wire/errors.js';

/** Who is calling: the user and app behind an access token. */
export interface Principal {
  user: ConcurUser;
  app: PartnerApp;
  token: AccessTokenRecord;
}

/** The access token in `Authorization: OAuth {token}` (v3.2's `Bearer` is accepted too). */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw errors.missingToken();
  const match = /^(OAuth|Bearer)\s+(\S+)\s*$/i.exec(header);
  if (!match) throw errors.malformedAuthorization();
  return match[2]!;
}

/** 401 for a missing, unknown, expired or revoked token, or one whose app or user is gone. */
export function authenticate(request: FastifyRequest, world: World, now: number): Principal {
  const result = world.tokens.authenticate(bearerToken(request), now);
  if (!result.ok) {
    if (result.reason === 'expired') throw errors.expiredToken();
    if (result.reason === 'revoked') throw errors.revokedToken();
    throw errors.unknownToken();
  }
  const user = world.directory.user(result.value.loginId);
  const app = world.directory.app(result.value.appKey);
  if (!user || !app) throw errors.unknownToken();
  return { user, app, token: result.value };
}

/** 403 unless the user is a Web Services Administrator (or Can Administer). */
export function requireAdministrator(principal: Principal): void {
  if (!isAdministrator(principal.user.roles)) throw errors.notAdministrator();
}

/** The Connection Requests API needs an administrator's token of an app with CONREQ. */
export function requireConnectionRequestAccess(principal: Principal): void {
  requireAdministrator(principal);
  if (!principal.app.scopes.has(CONREQ_SCOPE)) throw errors.missingScope(CONREQ_SCOPE);
}
