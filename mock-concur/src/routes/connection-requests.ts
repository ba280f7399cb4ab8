import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, requireConnectionRequestAccess, type Principal } from '../auth/principal.js';
import { LISTABLE_STATUSES, type ListableStatus } from '../domain/connection-requests.js';
import { isStatusCode, type StatusCode } from '../domain/status-codes.js';
import { baseUrl } from '../wire/base-url.js';
import { connectionRequestEntity, createdEntity, pageEntity, type ApiVersion } from '../wire/connection-request-codec.js';
import { errors } from '../wire/errors.js';
import { integerParam, param, requiredParam } from '../wire/params.js';
import type { WireFormat } from '../wire/negotiate.js';
import { sendEntity, sendJson, sendXml, type Entity } from '../wire/respond.js';
import { xmlDocument } from '../wire/xml.js';
import { PageCache } from './page-cache.js';
import { methodNotAllowed } from './method-not-allowed.js';

export const DEFAULT_LIMIT = 5;
export const MAX_LIMIT = 10;
const MAX_ID_LENGTH = 128;
const VOID_ENTITY: Entity = { json: () => '{}', xml: () => xmlDocument('Void', []) };

/**
 * Connection Requests for one API version. Every handler reads as a pipeline:
 * authenticate → authorize → validate → act on the queue → write in the caller's format.
 */
export function connectionRequestRoutes(version: ApiVersion) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const { mock } = app;
    const base = `/api/v${version}/common/connectionrequests`;
    const pages = new PageCache();

    // Who is calling is settled before the body is even read: no token, no parsing.
    app.decorateRequest('principal', undefined);
    app.addHook('onRequest', async (request) => {
      const principal = authenticate(request, mock.world, mock.clock.now());
      requireConnectionRequestAccess(principal);
      request.principal = principal;
    });
    // v3.2 documents 204 No Content, and Concur's SDK resolves a v3.0 PUT or DELETE only on 204.
    // The v3.0/v3.1 Swagger's 200 `Void` is --legacy-write-status 200: `{}` or `<Void />` with its
    // Content-Type, never an empty 200.
    const sendWritten = (reply: FastifyReply, format: WireFormat) =>
      version === '3.2' || mock.options.legacyWriteStatus === 204 ? reply.code(204).send() : sendEntity(reply, format, 200, VOID_ENTITY);
    const caller = (request: FastifyRequest): { principal: Principal; now: number } => ({ principal: request.principal!, now: mock.clock.now() });

    app.get(base, async (request, reply) => {
      const { principal, now } = caller(request);
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
        if (status === 'pending') return sendPendingPage(request, reply, appKey, offset, limit, now);
        page = queue.listByStatus(appKey, status, offset, limit, now);
      }
      if (status === 'pending') request.journalNote = `handed out ${page.items.length}`;
      return sendEntity(reply, request.wireFormat, 200, pageEntity(page, version, baseUrl(request, mock.options.publicUrl), limit));
    });

    /** The peek-mode poll, the hot path: a re-read of an unchanged page is a cache lookup. */
    const sendPendingPage = (request: FastifyRequest, reply: FastifyReply, appKey: string, offset: number, limit: number, now: number) => {
      const queue = mock.world.queue;
      const origin = baseUrl(request, mock.options.publicUrl);
      const format = request.wireFormat;
      const key = `${appKey}|${format}|${offset}|${limit}|${origin}`;
      const hit = pages.get(queue, key, now);
      let text: string;
      if (hit) {
        text = hit.text;
        request.journalNote = `handed out ${hit.items}`;
      } else {
        const page = queue.listPending(appKey, offset, limit, now);
        const entity = pageEntity(page, version, origin, limit);
        text = format === 'json' ? entity.json() : entity.xml();
        pages.put(queue, appKey, key, now, page, text);
        request.journalNote = `handed out ${page.items.length}`;
      }
      return format === 'json' ? sendJson(reply, 200, text) : sendXml(reply, 200, text);
    };

    app.post(base, async (request, reply) => {
      const { principal, now } = caller(request);
      const loginId = requiredParam(request.query as Record<string, unknown>, 'user');
      const user = mock.world.directory.user(loginId);
      if (!user) throw errors.invalidUser(loginId);
      const created = mock.world.queue.create(principal.app.consumerKey, user, now);
      // v3.2's Swagger lists 409 Conflict; v3.0/v3.1 document no status for it: 400.
      if (!created.ok) throw errors.connectionRequestExists(user.loginId, version === '3.2' ? 409 : 400);
      request.journalNote = `created ${created.value.id} for ${user.loginId}`;
      return sendEntity(reply, request.wireFormat, 200, createdEntity(created.value.id, version, baseUrl(request, mock.options.publicUrl)));
    });

    app.get(`${base}/:id`, async (request, reply) => {
      const { principal, now } = caller(request);
      const id = idParam(request);
      const view = mock.world.queue.get(principal.app.consumerKey, id, now);
      if (!view) throw errors.connectionRequestNotFound(id);
      return sendEntity(reply, request.wireFormat, 200, connectionRequestEntity(view, version, baseUrl(request, mock.options.publicUrl)));
    });

    app.put(`${base}/:id`, async (request, reply) => {
      const { principal, now } = caller(request);
      const id = idParam(request);
      const code = statusCodeFromBody(request.body);
      const queue = mock.world.queue;
      const before = queue.get(principal.app.consumerKey, id, now);
      const result = queue.put(principal.app.consumerKey, id, code, now);
      if (!result.ok) {
        if (result.reason === 'not-found') throw errors.connectionRequestNotFound(id);
        if (result.reason === 'final') throw errors.connectionRequestFinal(id, before?.status ?? 'final');
        throw errors.connectionRequestNotInQueue(id);
      }
      request.journalNote = `${code}: ${id} ${before?.status ?? '?'} → ${result.value.status}`;
      return sendWritten(reply, request.wireFormat);
    });

    if (version === '3.0') {
      // DELETE exists only in the v3.0 Swagger.
      app.delete(`${base}/:id`, async (request, reply) => {
        const { principal, now } = caller(request);
        const id = idParam(request);
        if (!mock.world.queue.remove(principal.app.consumerKey, id, now)) throw errors.connectionRequestNotFound(id);
        request.journalNote = `deleted ${id}`;
        return sendWritten(reply, request.wireFormat);
      });
    }
    methodNotAllowed(app, base, ['GET', 'POST']);
    methodNotAllowed(app, `${base}/:id`, version === '3.0' ? ['GET', 'PUT', 'DELETE'] : ['GET', 'PUT']);
  };
}

function statusParam(query: Record<string, unknown>): ListableStatus {
  const raw = param(query, 'status');
  if (raw === undefined || raw === '') return 'pending';
  const status = raw.toLowerCase();
  if (!(LISTABLE_STATUSES as readonly string[]).includes(status)) throw errors.invalidParameter('status', 'must be one of Pending, Processing, Connected, Failed, Retry');
  return status as ListableStatus;
}

function idParam(request: FastifyRequest): string {
  const id = (request.params as { id: string }).id;
  if (id.length > MAX_ID_LENGTH) throw errors.connectionRequestNotFound(id.slice(0, MAX_ID_LENGTH) + '…');
  return id;
}

/**
 * The status code from a PUT body: JSON `{"status": …}` (v3.2) or `{"Status": …}`, or the
 * seed's XML `<ConnectionRequest><Message/><Status/></ConnectionRequest>` in either casing.
 */
function statusCodeFromBody(body: unknown): StatusCode {
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
