import type { FastifyRequest } from 'fastify';
import { LISTABLE_STATUSES, type ListableStatus } from '../../domain/connection-requests.js';
import { isStatusCode, type StatusCode } from '../../domain/status-codes.js';
import { errors } from '../../wire/errors.js';
import { param } from '../../wire/params.js';

export const DEFAULT_LIMIT = 5;
export const MAX_LIMIT = 10;
export const MAX_ID_LENGTH = 128;

/** `status=` of a list: Pending unless given; v3.0's five values, any case. */
export function statusParam(query: Record<string, unknown>): ListableStatus {
  const raw = param(query, 'status');
  if (raw === undefined || raw === '') return 'pending';
  const status = raw.toLowerCase();
  if (!(LISTABLE_STATUSES as readonly string[]).includes(status)) throw errors.invalidParameter('status', 'must be one of Pending, Processing, Connected, Failed, Retry');
  return status as ListableStatus;
}

/** The `:id` of an item path; an over-long one is simply not found. */
export function idParam(request: FastifyRequest): string {
  const id = (request.params as { id: string }).id;
  if (id.length > MAX_ID_LENGTH) throw errors.connectionRequestNotFound(id.slice(0, MAX_ID_LENGTH) + '…');
  return id;
}

/**
 * The status code from a PUT body: JSON `{"status": …}` (v3.2) or `{"Status": …}`, or the
 * seed's XML `<ConnectionRequest><Message/><Status/></ConnectionRequest>` in either casing.
 */
export function statusCodeFromBody(body: unknown): StatusCode {
  if (body === undefined || body === null || body === '') throw errors.invalidBody('a body with the status code is required');
  if (typeof body !== 'object' || Array.isArray(body)) throw errors.invalidBody('expected an object with a status code');
  let fields = body as Record<string, unknown>;
  const root = fields['ConnectionRequest'] ?? fields['connectionRequest'];
  if (root !== undefined) {
    if (typeof root !== 'object' || root === null || Array.isArray(root)) throw errors.invalidBody('ConnectionRequest must contain a Status element');
    fields = root as Record<string, unknown>;
  }
  const value = fields['status'] ?? fields['Status'];
  if (value === undefined || value === null || value === '') throw errors.missingParameter('Status');
  if (typeof value !== 'string') throw errors.invalidStatusCode(JSON.stringify(value).slice(0, 40));
  const message = fields['message'] ?? fields['Message'];
  if (message !== undefined && message !== null && typeof message !== 'string') throw errors.invalidBody('Message must be a string');
  if (!isStatusCode(value)) throw errors.invalidStatusCode(value.slice(0, 40));
  return value;
}
