import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../wire/errors.js';
import { integerParam, param } from '../../wire/params.js';

/** What a control-API list answers at most without `limit`, and at most at all. */
export const DEFAULT_PAGE = 1000;
export const MAX_PAGE = 10_000;

export interface PageRequest {
  limit: number;
  /** Where the previous page stopped: an index into the list in the order items were added (null: the start). */
  at: number | null;
}

/** `?limit=&cursor=`: a cursor is what the previous page's `Link: rel="next"` carried, opaque. */
export function pageRequest(request: FastifyRequest): PageRequest {
  const query = request.query as Record<string, unknown>;
  const limit = integerParam(query, 'limit', DEFAULT_PAGE, 1, MAX_PAGE);
  const cursor = param(query, 'cursor');
  if (cursor === undefined || cursor === '') return { limit, at: null };
  const at = /^c[0-9]{1,15}$/.test(cursor) ? Number(cursor.slice(1)) : NaN;
  if (!Number.isSafeInteger(at)) throw errors.invalidParameter('cursor', 'not a cursor this list gave (take it from the Link header)');
  return { limit, at };
}

/**
 * One page of a control-API list, as a plain JSON array (what a small list always was), with
 * the paging in headers: `X-Total-Count`, and `Link: <…?cursor=…>; rel="next"` while more
 * remain. `all` is in the order items were added; the cursor is a position in it, so items
 * added between two pages never repeat or hide one (a newest-first list reads it backwards).
 */
export function pageOf<T>(request: FastifyRequest, reply: FastifyReply, all: readonly T[], page: PageRequest, order: 'oldest-first' | 'newest-first'): T[] {
  const total = all.length;
  let items: T[];
  let next: number | null;
  if (order === 'oldest-first') {
    const start = Math.min(page.at ?? 0, total);
    items = all.slice(start, start + page.limit);
    next = start + items.length < total ? start + items.length : null;
  } else {
    const end = Math.min(page.at ?? total, total);
    const start = Math.max(0, end - page.limit);
    items = all.slice(start, end).reverse();
    next = start > 0 ? start : null;
  }
  void reply.header('x-total-count', String(total));
  if (next !== null) {
    const query = new URLSearchParams({ limit: String(page.limit), cursor: `c${next}` });
    void reply.header('link', `<${request.mock.pathPrefix}${request.url.split('?')[0]}?${query.toString()}>; rel="next"`);
  }
  return items;
}
