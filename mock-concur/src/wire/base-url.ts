import type { FastifyRequest } from 'fastify';

/**
 * The mock's own base URL, which it writes where Concur writes its host (URIs, NextPage,
 * Instance_Url): the configured public URL, or what the caller used to reach it.
 */
export function baseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl;
  const host = /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(request.host) ? request.host : 'localhost';
  return `${request.protocol}://${host}`;
}
