import type { FastifyRequest } from 'fastify';
import { responseFormat, type WireFormat } from '../wire/negotiate.js';

// `//_mock/…` too: doubled slashes route like single ones.
const CONTROL_PATH = /^\/+_mock(\/|\?|$)/i;

/**
 * The control API (`/_mock/…`): never faulted, never journalled, always JSON. Several hooks
 * ask on every request; the answer is worked out once and kept on the request.
 */
export function isControl(request: FastifyRequest): boolean {
  return (request.controlCall ??= CONTROL_PATH.test(request.url));
}

/** The control API speaks JSON; Concur's endpoints follow `Accept` (XML without one). */
export function answerFormat(request: FastifyRequest): WireFormat {
  return isControl(request) ? 'json' : responseFormat(request.headers.accept);
}
