import type { FastifyRequest } from 'fastify';

/**
 * The mock's own base URL, which it writes where Concur writes its host (URIs, NextPage,
 * Instance_Url, geolocation): the configured public URL, or what the caller used to reach it,
 * followed by the sandbox's prefix (`/sandboxes/{id}`), so a client that follows it stays in
 * the sandbox it called.
 */
export function baseUrl(request: FastifyRequest): string {
  const { options, pathPrefix } = request.mock;
  if (options.publicUrl) return options.publicUrl + pathPrefix;
  const host = /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(request.host) ? request.host : 'localhost';
  return `${request.protocol}://${host}${pathPrefix}`;
}
