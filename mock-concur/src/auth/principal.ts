import type { FastifyRequest } from 'fastify';
import type { ConcurUser, PartnerApp } from '../domain/directory.js';
import { CONREQ_SCOPE, isAdministrator } from '../domain/roles.js';
import type { AccessTokenRecord } from '../domain/token-service.js';
import type { World } from '../domain/world.js';
import { errors } from '../wire/errors.js';

/**
 * Who is calling: the user and app behind an access token, or (a v0 client-credentials token)
 * the application itself, with no user.
 */
export type Principal = { kind: 'user'; user: ConcurUser; app: PartnerApp; token: AccessTokenRecord } | { kind: 'app'; user: null; app: PartnerApp; token: AccessTokenRecord };

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
  const app = world.directory.app(result.value.appKey);
  if (!app) throw errors.unknownToken();
  if (result.value.subject === 'app') return { kind: 'app', user: null, app, token: result.value };
  const user = world.directory.user(result.value.loginId);
  if (!user) throw errors.unknownToken();
  return { kind: 'user', user, app, token: result.value };
}

/** 403 unless the user is a Web Services Administrator (or Can Administer); an application token has no user. */
export function requireAdministrator(principal: Principal): void {
  if (principal.kind === 'app' || !isAdministrator(principal.user.roles)) throw errors.notAdministrator();
}

/**
 * The Connection Requests API needs an app with CONREQ and either an administrator's token
 * (legacy, or a v0 user token) or, in v3.2 only, the app's own client-credentials token: the
 * current supplier flow ("Get an access token for the Partner Application using the Client
 * Credentials Grant"). v3.0/v3.1 stay with the legacy tokens their pages describe.
 */
export function requireConnectionRequestAccess(principal: Principal, version: '3.0' | '3.1' | '3.2'): void {
  if (principal.token.flow === 'oauth2' && version !== '3.2') throw errors.legacyTokenRequired(version);
  if (principal.kind === 'user') requireAdministrator(principal);
  if (!principal.app.scopes.has(CONREQ_SCOPE)) throw errors.missingScope(CONREQ_SCOPE);
}
