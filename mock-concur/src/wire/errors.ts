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
  ) {
    super(message);
    this.name = 'ConcurApiError';
  }
}

const e = (status: number, message: string, headers?: Record<string, string>) => new ConcurApiError(status, message, headers);

export const errors = {
  // 400: the request itself is wrong.
  missingParameter: (name: string) => e(400, `Missing required parameter: ${name}`),
  invalidParameter: (name: string, why: string) => e(400, `Invalid value for parameter '${name}': ${why}`),
  invalidBody: (why: string) => e(400, `Invalid request body: ${why}`),
  invalidStatusCode: (value: string) => e(400, `Invalid status code: ${value}. Valid codes are CRSUC, CREU1, CREU2, CREU3, CRPA1, CRPA2, CRRET`),
  invalidUser: (loginId: string) => e(400, `Invalid User:${loginId}`),
  connectionRequestExists: (loginId: string) => e(400, `An open connection request already exists for user ${loginId}`),
  connectionRequestFinal: (id: string, state: string) => e(400, `Connection request ${id} is already ${state} and cannot be updated`),
  connectionRequestNotInQueue: (id: string) => e(400, `Connection request ${id} is waiting to be requeued and cannot be updated now`),
  unknownRequestToken: () => e(400, 'Invalid request token'),
  expiredRequestToken: () => e(400, 'Request token has expired'),
  usedRequestToken: () => e(400, 'Request token has already been used'),
  requestTokenOfOtherApp: () => e(400, 'Request token was not issued to this application'),
  invalidRefreshToken: () => e(400, 'Invalid refresh token'),
  revokedRefreshToken: () => e(400, 'Refresh token has been revoked'),
  // 401: who is calling is unknown or no longer valid.
  missingToken: () => e(401, 'Authorization header with an OAuth access token is required', { 'WWW-Authenticate': 'OAuth' }),
  malformedAuthorization: () => e(401, "Authorization header must be 'OAuth {access token}'", { 'WWW-Authenticate': 'OAuth' }),
  unknownToken: () => e(401, 'Invalid access token', { 'WWW-Authenticate': 'OAuth' }),
  expiredToken: () => e(401, 'Access token has expired', { 'WWW-Authenticate': 'OAuth' }),
  revokedToken: () => e(401, 'Access token has been revoked', { 'WWW-Authenticate': 'OAuth' }),
  invalidClient: () => e(401, 'Invalid consumer key or secret'),
  invalidCredentials: () => e(401, 'Invalid login id or password', { 'WWW-Authenticate': 'Basic realm="Concur"' }),
  // 403: known caller, not allowed.
  notAdministrator: () => e(403, 'The user must have the Web Services Administrator role to call this resource'),
  missingScope: (scope: string) => e(403, `The application does not have the ${scope} scope`),
  otherApplication: () => e(403, 'The access token belongs to another application'),
  // 404/405/413/415/429/5xx.
  connectionRequestNotFound: (id: string) => e(404, `Connection request not found: ${id}`),
  notFound: (path: string) => e(404, `Resource not found: ${path}`),
  methodNotAllowed: (method: string, allow: string) => e(405, `The requested resource does not support http method '${method}'`, { Allow: allow }),
  bodyTooLarge: (limit: number) => e(413, `Request body is larger than ${limit} bytes`),
  unsupportedMediaType: (type: string) => e(415, `Unsupported Content-Type: ${type}`),
  injected: (status: number, headers?: Record<string, string>) => e(status, `Injected fault: HTTP ${status}`, headers),
  internal: () => e(500, 'An internal error occurred'),
};
