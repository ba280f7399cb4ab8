import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { digest, matchesDigest } from '../domain/secrets.js';
import type { MockConcurOptions } from '../options.js';
import { ConcurApiError } from '../wire/errors.js';
import { isControl } from './control-path.js';

/** The header `MockControlClient` and the console send the control token in. */
export const CONTROL_TOKEN_HEADER = 'x-mock-control-token';

/** Read-only and free of secrets: container health checks and wait strategies call it bare. */
const OPEN_PATHS = /^\/+_mock\/health\/?(\?|$)/i;
/** The console's own page and form: HTML, CSRF-protected, not the JSON control API. */
const PAGE_PATHS = /^\/+_mock\/console(\/|\?|$)/i;

/**
 * Guards the control API (`/_mock/…`, which can reset the state, mint an admin token or
 * register an app) against the web pages a developer visits while the mock runs:
 * - **DNS rebinding:** a `Host` that is not a loopback name, the `publicUrl`'s host or one of
 *   `allowedHosts` is refused (403).
 * - **CSRF:** a cross-site `Origin` (or `Sec-Fetch-Site: cross-site`) is refused (403), and a
 *   body must be JSON (415): a form or `text/plain` post, which any page can send without a
 *   preflight, is not accepted.
 * - **The control token,** when one is set (required on a non-loopback interface): sent in
 *   `X-Mock-Control-Token` (or `?token=` for the console page), compared in constant time (401).
 */
export const guardControl = fp(
  async function guardControl(app: FastifyInstance, options: Pick<MockConcurOptions, 'controlToken' | 'allowedHosts' | 'publicUrl'>) {
    const tokenDigest = options.controlToken === undefined ? null : digest(options.controlToken);
    const allowed = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
    if (options.publicUrl) allowed.add(new URL(options.publicUrl).hostname.toLowerCase());

    app.addHook('onRequest', (request, _reply, done) => {
      if (!isControl(request)) return done();
      const host = hostname(request.headers.host);
      if (host === null || !(isLoopback(host) || allowed.has(host))) return done(refuse(403, `Host ${String(request.headers.host ?? '').slice(0, 100)} may not reach the control API; start the mock with --allowed-hosts to allow it`));
      const origin = request.headers.origin;
      if (origin !== undefined && !sameSite(origin, request.headers.host!, allowed)) return done(refuse(403, `Origin ${origin.slice(0, 100)} may not call the control API (a page of another site)`));
      if (String(request.headers['sec-fetch-site'] ?? '').toLowerCase() === 'cross-site') return done(refuse(403, 'A cross-site request may not call the control API'));
      const page = PAGE_PATHS.test(request.url);
      if (!page && hasBody(request) && !isJson(request.headers['content-type'])) return done(refuse(415, 'The control API takes JSON bodies only (Content-Type: application/json)'));
      if (tokenDigest !== null && !OPEN_PATHS.test(request.url) && !matchesDigest(presentedToken(request), tokenDigest)) {
        return done(refuse(401, `This mock's control API needs its control token in the ${CONTROL_TOKEN_HEADER} header`));
      }
      done();
    });
  },
  { name: 'mock-concur-guard-control' },
);

function refuse(status: number, message: string): ConcurApiError {
  return new ConcurApiError(status, message);
}

function presentedToken(request: FastifyRequest): string {
  const header = request.headers[CONTROL_TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const query = (request.query ?? {}) as Record<string, unknown>;
  return typeof query['token'] === 'string' ? query['token'] : '';
}

/** The host name of a `Host` header (no port, no IPv6 brackets), lower-case; null if malformed. */
function hostname(header: string | undefined): string | null {
  if (!header) return null;
  try {
    return new URL(`http://${header}`).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '::1';
}

/** An `Origin` of the same scheme-less host and port as the request's `Host`, or an allowed host. */
function sameSite(origin: string, hostHeader: string, allowed: ReadonlySet<string>): boolean {
  try {
    const url = new URL(origin);
    return url.host.toLowerCase() === hostHeader.toLowerCase() || allowed.has(url.hostname.toLowerCase());
  } catch {
    return false;
  }
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && !/^0+$/.test(length.trim()));
}

function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(String(contentType ?? '').trim());
}
