import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { baseUrl } from '../../wire/base-url.js';
import { pageEntity, type ApiVersion } from '../../wire/connection-request-codec.js';
import { errors } from '../../wire/errors.js';
import { integerParam, param } from '../../wire/params.js';
import { sendEntity, sendJson, sendXml } from '../../wire/respond.js';
import type { Caller } from './caller.js';
import { PageCache } from './page-cache.js';
import { DEFAULT_LIMIT, MAX_ID_LENGTH, MAX_LIMIT, statusParam } from './request-params.js';

/**
 * `GET …/connectionrequests`: a page of pending requests (handing them out, minting their
 * request tokens) or, with `status=`, a read-only page of the others.
 */
export function listRoutes(app: FastifyInstance, version: ApiVersion, base: string, caller: Caller): void {
  const pages = new PageCache();
  // Synchronous: an async handler costs every poll a promise and a microtask turn.
  app.get(base, (request, reply) => {
    const { principal, now, mock } = caller(request);
    const query = request.query as Record<string, unknown>;
    const status = statusParam(query);
    const limit = integerParam(query, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
    const appKey = principal.app.consumerKey;
    const queue = mock.world.queue;
    let page;
    if (status === 'pending' && queue.mode === 'lease') {
      // The earlier v3.2 page: `offset` is an opaque cursor (the last id handed out); each
      // GET leases the next page anyway, so the cursor is only checked, never needed.
      const cursor = param(query, 'offset') ?? null;
      if (cursor !== null && cursor.length > MAX_ID_LENGTH) throw errors.invalidParameter('offset', 'too long');
      page = queue.listPending(appKey, 0, limit, now);
    } else {
      const offset = integerParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
      if (status === 'pending') return void sendPendingPage(request, reply, appKey, offset, limit, now);
      page = queue.listByStatus(appKey, status, offset, limit, now);
    }
    if (status === 'pending') {
      request.journalNote = `handed out ${page.items.length}`;
      request.journalSubject = { requests: page.items.map((item) => item.id) };
    }
    void sendEntity(reply, request.wireFormat, 200, pageEntity(page, version, baseUrl(request), limit));
  });

  /** The peek-mode poll, the hot path: a re-read of an unchanged page is a cache lookup. */
  const sendPendingPage = (request: FastifyRequest, reply: FastifyReply, appKey: string, offset: number, limit: number, now: number) => {
    const queue = request.mock.world.queue;
    const origin = baseUrl(request);
    const format = request.wireFormat;
    const key = `${appKey}|${format}|${offset}|${limit}|${origin}`;
    const hit = pages.get(queue, key, now);
    let text: string;
    if (hit) {
      text = hit.text;
      request.journalNote = `handed out ${hit.items}`;
      request.journalSubject = hit.subject;
    } else {
      const page = queue.listPending(appKey, offset, limit, now);
      const entity = pageEntity(page, version, origin, limit);
      text = format === 'json' ? entity.json() : entity.xml();
      const cached = pages.put(queue, appKey, key, now, page, text);
      request.journalNote = `handed out ${page.items.length}`;
      request.journalSubject = cached.subject;
    }
    return format === 'json' ? sendJson(reply, 200, text) : sendXml(reply, 200, text);
  };
}
