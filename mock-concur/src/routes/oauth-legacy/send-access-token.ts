import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IssuedAccessToken } from '../../domain/token-service.js';
import { accessTokenEntity } from '../../wire/access-token-codec.js';
import { baseUrl } from '../../wire/base-url.js';
import { sendEntity } from '../../wire/respond.js';

/** The `Access_Token` answer every legacy grant ends with, in the caller's format and spelling. */
export function sendAccessToken(request: FastifyRequest, reply: FastifyReply, issued: IssuedAccessToken): void {
  const { options } = request.mock;
  void sendEntity(
    reply,
    request.wireFormat,
    200,
    accessTokenEntity({ instanceUrl: `${baseUrl(request)}/`, token: issued.token, expiresAt: issued.expiresAt, refreshToken: issued.refreshToken }, options.tokenElementSpelling),
  );
}
