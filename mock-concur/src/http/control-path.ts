import type { FastifyRequest } from 'fastify';

// `//_mock/…` too: doubled slashes route like single ones.
const CONTROL_PATH = /^\/+_mock(\/|\?|$)/i;

/** The control API (`/_mock/…`): never faulted, never journalled, always JSON. */
export function isControl(request: FastifyRequest): boolean {
  return CONTROL_PATH.test(request.url);
}
