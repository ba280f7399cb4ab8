/**
 * A typed client for SAP Concur's legacy OAuth 2.0, the OAuth 2.0 Authentication API (/oauth2/v0)
 * and Connection Requests v3.0–v3.2 APIs,
 * in XML or JSON. Built against Concur's documents and proven on the contract fixtures and the
 * mock; it shares no code with the mock.
 */
import { connectionRequests, type ConnectionRequestsOptions } from './connection-requests.js';
import type { AccessToken } from './access-token.js';
import { oauthMethods } from './oauth.js';
import { oauth2Methods } from './oauth2.js';
import { resolveOptions, type ConcurClientInput } from './options.js';

export function createConcurClient(input: ConcurClientInput) {
  const options = resolveOptions(input);
  return {
    /** The app's consumer key (public, unlike its secret): revoking a user's tokens names it. */
    consumerKey: options.consumerKey,
    ...oauthMethods(options),
    ...oauth2Methods(options),
    connectionRequests: (adminToken: string | AccessToken, overrides?: ConnectionRequestsOptions) => connectionRequests(options, adminToken, overrides),
    /**
     * Ends the pooled keep-alive sockets of the transport this client made (`'undici'`), after
     * the calls under way finish; a later call opens new ones. Idle sockets never keep a process
     * alive, so this is for a clean shutdown, not a must. A transport you passed in is yours to close.
     */
    close: async (): Promise<void> => {
      if (options.ownsTransport) await options.transport.close?.();
    },
  };
}

export type ConcurClient = ReturnType<typeof createConcurClient>;

export { tokenFlow, type AccessToken, type TokenFlow } from './access-token.js';
export { IdTokenError, type IdTokenClaims, type OAuth2CallOptions, type RefreshOptions, type VerifyIdTokenOptions } from './oauth2.js';
export type { ConnectionRequest, ConnectionRequestPage } from './connection-request.js';
export type { ConnectionRequestsApi, ConnectionRequestsOptions, ConnectionStatusCode, CreatedConnectionRequest, ListQuery } from './connection-requests.js';
export type { CallOptions } from './oauth.js';
export { defaultOptions } from './options.js';
export type { ApiVersion, ConcurClientInput, ConcurClientOptions, ConcurLogger, RetryOptions } from './options.js';
export type { Sleep } from './sleep.js';
export { createFetchTransport } from './fetch-transport.js';
export { createUndiciTransport, type UndiciTransportOptions } from './undici-transport.js';
export type { Transport, TransportChoice, TransportRequest, TransportResponse } from './wire-transport.js';
export type { WireFormat } from './wire-body.js';
export {
  ConcurError,
  ConcurHttpError,
  ForbiddenError,
  InvalidOptionsError,
  MalformedResponseError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  RequestTokenExpiredError,
  TimeoutError,
  UnauthorizedError,
} from './errors.js';
