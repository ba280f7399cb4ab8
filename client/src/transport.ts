import { CallAbort, transportRequest } from './call-abort.js';
import { httpErrorFor, MalformedResponseError, NetworkError, TimeoutError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { redactUrl } from './redact-url.js';
import { withRetries } from './retry-policy.js';
import { isRecord, parseWireBody, stringOrNull, type WireFormat } from './wire-body.js';
import type { TransportResponse } from './wire-transport.js';

export interface ConcurRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: URL;
  format: WireFormat;
  headers?: Record<string, string>;
  body?: string;
  /** Only calls that are safe to repeat are retried (see `withRetries`). */
  idempotent: boolean;
  signal?: AbortSignal | undefined;
}

export interface ConcurResponse {
  method: string;
  /** As called: redact it (`redactUrl`) before it goes into a message. */
  url: URL;
  status: number;
  /** Parsed XML or JSON; null for an empty body (PUT's 204, revoke's 200). */
  body: unknown;
}

const MEDIA: Record<WireFormat, string> = { json: 'application/json', xml: 'application/xml' };

/**
 * One HTTP exchange with Concur, under the retry policy when the call is idempotent. The
 * transport only moves bytes; the timeout, the caller's signal and the error classes are decided
 * here, so `'undici'` and `'fetch'` fail alike. The URL is redacted only when something is
 * said about the call (an error, a retry's log line): a call that succeeds never needs it.
 */
export function send(options: ResolvedOptions, request: ConcurRequest): Promise<ConcurResponse> {
  if (!request.idempotent) return sendOnce(options, request, request.signal);
  return withRetries((signal) => sendOnce(options, request, signal), {
    retry: options.retry,
    sleep: options.sleep,
    logger: options.logger,
    signal: request.signal,
    describe: () => `${request.method} ${redactUrl(request.url)}`,
  });
}

async function sendOnce(options: ResolvedOptions, request: ConcurRequest, signal: AbortSignal | undefined): Promise<ConcurResponse> {
  const { method, url, format } = request;
  // One abort for the caller's signal and the timeout, whose AbortSignal is made only if the
  // transport reads it (see call-abort.ts): AbortSignal.timeout/any, or even one controller per
  // call, showed in the worker's profile at thousands of calls a second.
  const abort = new CallAbort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, options.timeoutMs);
  const forward = signal ? () => abort.abort(signal.reason) : null;
  if (signal?.aborted) forward!();
  else if (forward) signal!.addEventListener('abort', forward, { once: true });
  let response: TransportResponse;
  try {
    // Every transport reads the whole body under this abort, so a stalled body times out too.
    const headers = request.headers ? { Accept: MEDIA[format], ...request.headers } : { Accept: MEDIA[format] };
    response = await options.transport.request(transportRequest(method, url, headers, request.body, abort));
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (timedOut) throw new TimeoutError(method, redactUrl(url), options.timeoutMs);
    throw new NetworkError(method, redactUrl(url), { cause: error });
  } finally {
    clearTimeout(timer);
    if (forward) signal!.removeEventListener('abort', forward);
  }
  const { text } = response;
  const contentType = response.header('content-type');

  if (response.status >= 400) {
    // A proxy's HTML page or an empty 502 is no Concur error; the status alone still types it.
    let envelope: Record<string, unknown> = {};
    try {
      const parsed = text.trim() ? parseWireBody(text, contentType, format) : null;
      if (isRecord(parsed)) envelope = isRecord(parsed['Error']) ? parsed['Error'] : parsed;
    } catch {
      envelope = {};
    }
    // The OAuth 2.0 API answers { error, error_description, code } instead of Concur's envelope.
    const oauth2Error = typeof envelope['error'] === 'string' ? envelope['error'] : null;
    const oauth2Code = oauth2Error !== null ? numberOrNull(envelope['code']) : null;
    throw httpErrorFor({
      method,
      url: redactUrl(url),
      status: response.status,
      concurMessage: stringOrNull(envelope['Message']) ?? (oauth2Error !== null ? stringOrNull(envelope['error_description']) : null),
      oauth2Error,
      oauth2Code,
      correlationId: response.header('concur-correlationid'),
      errorId: stringOrNull(envelope['Id']),
      serverTime: stringOrNull(envelope['Server-Time']),
      retryAfterMs: parseRetryAfter(response.header('retry-after')),
    });
  }
  if (response.status >= 300) throw new MalformedResponseError(method, redactUrl(url), response.status, 'unexpected redirect');
  if (!text.trim()) return { method, url, status: response.status, body: null };
  try {
    return { method, url, status: response.status, body: parseWireBody(text, contentType, format) };
  } catch (error) {
    throw new MalformedResponseError(method, redactUrl(url), response.status, (error as Error).message);
  }
}

function numberOrNull(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** Seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
