import { tokenFlow, type AccessToken } from './access-token.js';
import { parseConnectionRequest, parseConnectionRequestPage, unwrapConnectionRequest, type ConnectionRequest, type ConnectionRequestPage } from './connection-request.js';
import { BodyShapeError, readShape } from './body-shape.js';
import type { ApiVersion, ResolvedOptions } from './options.js';
import { send } from './transport.js';
import { escapeXml, isRecord, stringOrNull, type WireFormat } from './wire-body.js';

/** The PUT codes concur-api.md lists; other strings are sent as given (Concur answers 400). */
export type ConnectionStatusCode = 'CRSUC' | 'CREU1' | 'CREU2' | 'CREU3' | 'CRPA1' | 'CRPA2' | 'CRRET';

export interface ListQuery {
  /** v3.0 values: Pending, Processing, Connected, Failed, Retry. */
  status?: string;
  offset?: number | string;
  /** Default 5, at most 10 (Concur clamps). */
  limit?: number;
}

export interface ConnectionRequestsOptions {
  format?: WireFormat;
  apiVersion?: ApiVersion;
  signal?: AbortSignal;
}

export interface CreatedConnectionRequest {
  id: string;
  uri: string | null;
}

/**
 * Connection Requests for an administrator's token, or (v3.2, the current supplier flow) the
 * application's client-credentials token. Given the `AccessToken` itself, calls go to its
 * `Instance_Url` / `geolocation` (the data centre Concur named), else to `baseUrl`, and an
 * OAuth 2.0 token is sent as `Bearer`.
 */
export function connectionRequests(options: ResolvedOptions, adminToken: string | AccessToken, overrides: ConnectionRequestsOptions = {}) {
  const token = typeof adminToken === 'string' ? adminToken : adminToken.token;
  const instance = typeof adminToken === 'string' ? null : adminToken.instanceUrl;
  const base = (instance ?? options.baseUrl).replace(/\/+$/, '');
  const format = overrides.format ?? options.format;
  const version = overrides.apiVersion ?? options.apiVersion;
  const collection = `${base}/api/v${version}/common/connectionrequests`;
  // OAuth 2.0 tokens (an application's client-credentials token, v3.2) go as Bearer; legacy ones in Concur's OAuth scheme.
  const scheme = typeof adminToken !== 'string' && tokenFlow(adminToken) === 'oauth2' ? 'Bearer' : 'OAuth';
  const auth = { Authorization: `${scheme} ${token}` };
  const signal = overrides.signal;
  const item = (id: string) => new URL(`${collection}/${encodeURIComponent(id)}`);

  async function list(query: ListQuery = {}): Promise<ConnectionRequestPage> {
    // Serialized once, as searchParams.set would write it key by key.
    const search = new URLSearchParams();
    if (query.status !== undefined) search.append('status', query.status);
    if (query.offset !== undefined) search.append('offset', String(query.offset));
    if (query.limit !== undefined) search.append('limit', String(query.limit));
    const encoded = search.toString();
    return fetchPage(new URL(encoded ? `${collection}?${encoded}` : collection));
  }

  async function fetchPage(url: URL): Promise<ConnectionRequestPage> {
    const res = await send(options, { method: 'GET', url, format, headers: auth, idempotent: true, signal });
    return readShape(res, parseConnectionRequestPage);
  }

  return {
    list,

    /**
     * Every page from `query` on, following `NextPage` until it is null. Only NextPage's query
     * (`offset`, `limit`, `status`) is taken, applied to this client's own collection URL: the
     * admin token is never sent to a host a response names, and a cursor that comes round again
     * ends the walk instead of fetching a page twice.
     */
    async *pages(query: ListQuery = {}): AsyncGenerator<ConnectionRequestPage, void, undefined> {
      let page = await list(query);
      const seen = new Set<string>();
      for (;;) {
        yield page;
        if (!page.nextPage) return;
        const next = new URL(collection);
        for (const [k, v] of new URL(page.nextPage, collection).searchParams) next.searchParams.set(k, v);
        const key = next.search;
        if (seen.has(key)) return;
        seen.add(key);
        page = await fetchPage(next);
      }
    },

    async get(id: string): Promise<ConnectionRequest> {
      const res = await send(options, { method: 'GET', url: item(id), format, headers: auth, idempotent: true, signal });
      return readShape(res, (body) => parseConnectionRequest(unwrapConnectionRequest(body)));
    },

    /** Certification and testing only (Concur's words); a POST is not retried. */
    async create(loginId: string): Promise<CreatedConnectionRequest> {
      const url = new URL(collection);
      url.searchParams.set('user', loginId);
      const res = await send(options, { method: 'POST', url, format, headers: auth, idempotent: false, signal });
      return readShape(res, (raw) => {
        const body = unwrapConnectionRequest(raw);
        const id = isRecord(body) ? stringOrNull(body['ID']) : null;
        if (!id) throw new BodyShapeError('the created ConnectionRequest has no ID');
        return { id, uri: stringOrNull(isRecord(body) ? body['URI'] : null) };
      });
    },

    /**
     * Reports how the connection went. A PUT sets a state, so repeating it is safe to retry —
     * the mock answers a second PUT for one hand-out with 400, which is then surfaced as is.
     */
    async update(id: string, statusCode: ConnectionStatusCode | (string & {}), message?: string): Promise<void> {
      await send(options, { method: 'PUT', url: item(id), format, headers: { ...auth, 'Content-Type': format === 'xml' ? 'application/xml' : 'application/json' }, body: updateBody(format, version, statusCode, message), idempotent: true, signal });
    },

    /** v3.0 only: v3.1 and v3.2 answer 405. */
    async remove(id: string): Promise<void> {
      await send(options, { method: 'DELETE', url: item(id), format, headers: auth, idempotent: true, signal });
    },
  };
}

export type ConnectionRequestsApi = ReturnType<typeof connectionRequests>;

/** v3.2 writes `status` in lower camel, v3.0/v3.1 `Status`; the seed's XML body is the same in every version. */
function updateBody(format: WireFormat, version: ApiVersion, status: string, message: string | undefined): string {
  if (format === 'xml') return `<ConnectionRequest><Message>${escapeXml(message ?? '')}</Message><Status>${escapeXml(status)}</Status></ConnectionRequest>`;
  const lower = version === '3.2';
  return JSON.stringify({ [lower ? 'status' : 'Status']: status, ...(message !== undefined ? { [lower ? 'message' : 'Message']: message } : {}) });
}
