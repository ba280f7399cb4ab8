/**
 * Every error the mock can answer with, in one place: status and Concur's message. Routes
 * throw these; one error handler writes them in Concur's envelope (`Message`,
 * `Server-Time`, `Id`) in the caller's format.
 */
export class ConcurApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /**
     * A present `Authorization` (or Native-flow credentials) that failed validation: written
     * with the `authFailureStatus` option's status (403 by default, the status-code page).
     */
    readonly authFailure = false,
  ) {
    super(message);
    this.name = 'ConcurApiError';
  }
}

const e = (status: number, message: string, headers?: Record<string, string>) => new ConcurApiError(status, message, headers);
const authFailure = (message: string, headers?: Record<string, string>) => new ConcurApiError(401, message, headers, true);

export const errors = {
  // 400: the request itself is wrong.
  missingParameter: (name: string) => e(400, `Missing required parameter: ${name}`),
  invalidParameter: (name: string, why: string) => e(400, `Invalid value for parameter '${name}': ${why}`),
  invalidBody: (why: string) => e(400, `Invalid request body: ${why}`),
  invalidStatusCode: (value: string) => e(400, `Invalid status code: ${value}. Valid codes are CRSUC, CREU1, CREU2, CREU3, CRPA1, CRPA2, CRRET`),
  invalidUser: (loginId: string) => e(400, `Invalid User:${loginId}`),
  /** 400 in v3.0/v3.1; v3.2 answers 409 Conflict (its Swagger lists 409). */
  connectionRequestExists: (loginId: string, status: 400 | 409 = 400) => e(status, `An open connection request already exists for user ${loginId}`),
  connectionRequestFinal: (id: string, state: string) => e(400, `Connection request ${id} is already ${state} and cannot be updated`),
  connectionRequestNotInQueue: (id: string) => e(400, `Connection request ${id} is waiting to be requeued and cannot be updated now`),
  unknownRequestToken: () => e(400, 'Invalid request token'),
  expiredRequestToken: () => e(400, 'Request token has expired'),
  usedRequestToken: () => e(400, 'Request token has already been used'),
  requestTokenOfOtherApp: () => e(400, 'Request token was not issued to this application'),
  invalidRefreshToken: () => e(400, 'Invalid refresh token'),
  revokedRefreshToken: () => e(400, 'Refresh token has been revoked'),
  // 401: no Authorization header at all.
  missingToken: () => e(401, 'Authorization header with an OAuth access token is required', { 'WWW-Authenticate': 'OAuth' }),
  missingCredentials: () => e(401, 'Authorization header with Basic credentials is required', { 'WWW-Authenticate': 'Basic realm="Concur"' }),
  // 403 (or 401 with --auth-failure-status 401): the header is there but fails validation.
  malformedAuthorization: () => authFailure("Authorization header must be 'OAuth {access token}'", { 'WWW-Authenticate': 'OAuth' }),
  unknownToken: () => authFailure('Invalid access token', { 'WWW-Authenticate': 'OAuth' }),
  expiredToken: () => authFailure('Access token has expired', { 'WWW-Authenticate': 'OAuth' }),
  revokedToken: () => authFailure('Access token has been revoked', { 'WWW-Authenticate': 'OAuth' }),
  invalidCredentials: () => authFailure('Invalid login id or password', { 'WWW-Authenticate': 'Basic realm="Concur"' }),
  unknownConsumerKey: () => authFailure('Invalid consumer key'),
  // 401: the token endpoint's client_id/client_secret (no Authorization header is involved).
  invalidClient: () => e(401, 'Invalid consumer key or secret'),
  // 403: known caller, not allowed.
  notAdministrator: () => e(403, 'The user must have the Web Services Administrator role to call this resource'),
  legacyTokenRequired: (version: string) => e(403, `Connection Requests v${version} accepts only legacy OAuth tokens; use v3.2 with an /oauth2/v0 token`),
  missingScope: (scope: string) => e(403, `The application does not have the ${scope} scope`),
  otherApplication: () => e(403, 'The access token belongs to another application'),
  // 404/405/413/415/429/5xx.
  connectionRequestNotFound: (id: string) => e(404, `Connection request not found: ${id}`),
  noConnectionRequestFor: (text: string) => e(404, `No connection request found for ${text}: give a request's id, or a login id or loyalty number of a user who has one`),
  notFound: (path: string) => e(404, `Resource not found: ${path}`),
  unknownSandbox: (id: string) => e(404, `No sandbox ${id}: it was deleted, dropped after being idle, or never made (POST /_mock/sandboxes makes one)`),
  notASandboxId: (id: string) => e(404, `No sandbox ${id}: a sandbox id is the 22 characters POST /_mock/sandboxes answered`),
  sandboxesAtRootOnly: () => e(404, 'Sandboxes are made and listed at the root (/_mock/sandboxes), not inside another sandbox'),
  tooManySandboxes: (max: number) => e(429, `This mock holds its limit of ${max} sandboxes: delete one (DELETE /_mock/sandboxes/{id}), wait for idle ones to be dropped, or start it with a higher --max-sandboxes`),
  durableNeedsStateDir: () => e(400, 'Invalid request body: durable sandboxes need the mock started with --state-dir (STATE_DIR); without it every sandbox lives in memory'),
  methodNotAllowed: (method: string, allow: string) => e(405, `The requested resource does not support http method '${method}'`, { Allow: allow }),
  chunkedNotSupported: () => e(400, 'Concur does not support Chunked Transfer-Encoding'),
  bodyTooLarge: (limit: number) => e(413, `Request body is larger than ${limit} bytes`),
  unsupportedMediaType: (type: string) => e(415, `Unsupported Content-Type: ${type}`),
  injected: (status: number, headers?: Record<string, string>) => e(status, `Injected fault: HTTP ${status}`, headers),
  internal: () => e(500, 'An internal error occurred'),
};

/**
 * The error as the options say to write it: an auth failure with `authFailureStatus` (403
 * drops `WWW-Authenticate`, which belongs to 401 answers).
 */
export function withAuthFailureStatus(error: ConcurApiError, status: 401 | 403): ConcurApiError {
  if (!error.authFailure || error.status === status) return error;
  const headers = status === 401 ? error.headers : Object.fromEntries(Object.entries(error.headers).filter(([name]) => name.toLowerCase() !== 'www-authenticate'));
  return new ConcurApiError(status, error.message, headers, true);
}
