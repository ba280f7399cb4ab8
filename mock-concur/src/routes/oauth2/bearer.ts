import type { FastifyRequest } from 'fastify';
import type { PartnerApp } from '../../domain/directory.js';
import type { AccessTokenRecord } from '../../domain/token-service.js';
import { oauth2Errors } from '../../wire/oauth2-errors.js';

/**
 * The v0 access token in `Authorization: Bearer …`, live, with its app. No header is 401; a
 * header that does not hold a live v0 token is the auth-failure status (403 by default, as
 * Concur's HTTP status-code page says of every failed validation).
 */
export function oauth2Bearer(request: FastifyRequest): { token: AccessTokenRecord; partner: PartnerApp } {
  const { mock } = request;
  const header = request.headers.authorization;
  if (!header) throw oauth2Errors.invalidToken(401, 'an Authorization header with a Bearer access token is required');
  const status = mock.options.authFailureStatus;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw oauth2Errors.invalidToken(status, "Authorization must be 'Bearer {access token}'");
  const result = mock.world.tokens.authenticate(match[1]!, mock.clock.now());
  if (!result.ok || result.value.flow !== 'oauth2') throw oauth2Errors.invalidToken(status, result.ok ? 'not an access token of /oauth2/v0' : `access token is ${result.reason}`);
  const partner = mock.world.directory.app(result.value.appKey);
  if (!partner) throw oauth2Errors.invalidToken(status, 'access token is unknown');
  return { token: result.value, partner };
}
