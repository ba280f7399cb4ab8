import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { parseOAuth2Token, type AccessToken } from './access-token.js';
import { BodyShapeError, readShape } from './body-shape.js';
import { ConcurError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { send } from './transport.js';
import { isRecord } from './wire-body.js';

export interface OAuth2CallOptions {
  signal?: AbortSignal;
  /**
   * Where to send the call: a token's `geolocation` (its `instanceUrl`). Methods given an
   * `AccessToken` use its own; otherwise `baseUrl`.
   */
  geolocation?: string | null;
}

export interface RefreshOptions extends OAuth2CallOptions {
  /** Narrows the new token's scopes (space-separated); must be a subset of the granted ones. */
  scope?: string;
}

export interface VerifyIdTokenOptions extends OAuth2CallOptions {
  /** Checked against `iss` when given. */
  issuer?: string;
  /** Seconds of leeway on `exp` and `nbf` (default 0). */
  clockToleranceSec?: number;
}

/** The claims Concur's id token carries (OpenID Connect), after its signature was checked. */
export interface IdTokenClaims extends JWTPayload {
  'concur.type'?: string;
  'concur.version'?: number;
  'concur.profile'?: string;
}

/**
 * An id token that did not verify: a bad signature, an unknown key, expired, another audience.
 * `code` is jose's error code (`ERR_JWS_SIGNATURE_VERIFICATION_FAILED`, `ERR_JWT_EXPIRED`,
 * `ERR_JWT_CLAIM_VALIDATION_FAILED`, `ERR_JWKS_NO_MATCHING_KEY`, `ERR_JWS_INVALID`, …).
 */
export class IdTokenError extends ConcurError {
  override name = 'IdTokenError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`id token refused: ${message} (${code})`, options);
  }
}

/** A JWKS is kept this long, and re-read at most this often when a token names a key it lacks (jose's defaults). */
const JWKS_MAX_AGE_MS = 10 * 60_000;
const JWKS_COOLDOWN_MS = 30_000;

interface CachedJwks {
  keys: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/**
 * The OAuth 2.0 Authentication API (`/oauth2/v0`): form-encoded grants to `/oauth2/v0/token`,
 * JSON answers, `Bearer` tokens. The app's consumer key and secret are its client id and secret.
 */
export function oauth2Methods(options: ResolvedOptions) {
  const base = (geolocation: string | null | undefined) => (geolocation || options.baseUrl).replace(/\/+$/, '');
  const jwksCache = new Map<string, CachedJwks>();

  async function grant(params: Record<string, string>, call: OAuth2CallOptions, idempotent: boolean): Promise<AccessToken> {
    const body = new URLSearchParams({ client_id: options.consumerKey, client_secret: options.consumerSecret, ...params }).toString();
    const res = await send(options, {
      method: 'POST',
      url: new URL(`${base(call.geolocation)}/oauth2/v0/token`),
      format: 'json',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      idempotent,
      signal: call.signal,
    });
    const receivedAt = options.now();
    return readShape(res, (raw) => parseOAuth2Token(raw, receivedAt));
  }

  async function fetchJwks(url: URL, signal: AbortSignal | undefined): Promise<CachedJwks> {
    const res = await send(options, { method: 'GET', url, format: 'json', idempotent: true, signal });
    const jwks = readShape(res, (raw) => {
      if (!isRecord(raw) || !Array.isArray(raw['keys'])) throw new BodyShapeError('the JWKS has no keys array');
      return raw as unknown as JSONWebKeySet;
    });
    let keys: CachedJwks['keys'];
    try {
      keys = createLocalJWKSet(jwks);
    } catch (error) {
      throw new IdTokenError('ERR_JWKS_INVALID', `the JWKS at ${url.toString()} could not be read: ${(error as Error).message}`, { cause: error });
    }
    const cached = { keys, fetchedAt: options.now() };
    jwksCache.set(url.toString(), cached);
    return cached;
  }

  return {
    /** The password grant (`credtype=password`): a user's own login id and password. */
    passwordLogin(username: string, password: string, call: OAuth2CallOptions = {}): Promise<AccessToken> {
      return grant({ grant_type: 'password', username, password }, call, true);
    },

    /**
     * The password grant with `credtype=authtoken`: the user's id (a v3.2 connection request's
     * `userId`, or the App Center redirect's `id`) and the request token Concur handed out.
     * Never retried, like the legacy exchange: the request token is single-use, so a retry after
     * a lost answer would fail as "used" and hide the token Concur issued.
     */
    exchangeAuthToken(userId: string, requestToken: string, call: OAuth2CallOptions = {}): Promise<AccessToken> {
      return grant({ grant_type: 'password', credtype: 'authtoken', username: userId, password: requestToken }, call, false);
    },

    /** The application's own token (no refresh token, no id token): Connection Requests v3.2 with it, no administrator needed. */
    clientCredentials(call: OAuth2CallOptions = {}): Promise<AccessToken> {
      return grant({ grant_type: 'client_credentials' }, call, true);
    },

    /**
     * The refresh-token grant. Concur rotates the refresh token: the answer's `refreshToken` is
     * the one to store, the old one stops working. Given the AccessToken, the call goes to its
     * geolocation. Retried like other idempotent calls (a 503 before Concur acted); if an answer
     * is lost after Concur rotated, the retry is refused (UnauthorizedError): sign in again.
     */
    refresh(refreshToken: string | AccessToken, call: RefreshOptions = {}): Promise<AccessToken> {
      const value = typeof refreshToken === 'string' ? refreshToken : refreshToken.refreshToken;
      if (!value) return Promise.reject(new ConcurError('this token has no refresh token (a client-credentials token cannot be refreshed: ask for a new one)'));
      const geolocation = call.geolocation ?? (typeof refreshToken === 'string' ? null : refreshToken.instanceUrl);
      return grant({ grant_type: 'refresh_token', refresh_token: value, ...(call.scope !== undefined ? { scope: call.scope } : {}) }, { ...call, geolocation }, true);
    },

    /** The authorization-code grant (`/oauth2/v0/authorize`'s `code`); single-use, so never retried. */
    authorizationCode(code: string, redirectUri: string, call: OAuth2CallOptions = {}): Promise<AccessToken> {
      return grant({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, call, false);
    },

    /**
     * Ends the user's connection with this app (`DELETE /app-mgmt/v0/connections`): Concur
     * revokes every token the user holds for it. Idempotent, so retried.
     */
    async revokeConnection(userAccessToken: string | AccessToken, call: OAuth2CallOptions = {}): Promise<void> {
      const token = typeof userAccessToken === 'string' ? userAccessToken : userAccessToken.token;
      const geolocation = call.geolocation ?? (typeof userAccessToken === 'string' ? null : userAccessToken.instanceUrl);
      await send(options, {
        method: 'DELETE',
        url: new URL(`${base(geolocation)}/app-mgmt/v0/connections`),
        format: 'json',
        headers: { Authorization: `Bearer ${token}` },
        idempotent: true,
        signal: call.signal,
      });
    },

    /**
     * Checks an id token's RS256 signature against `GET /oauth2/v0/jwks` (through this client's
     * fetch, cached ten minutes, re-read when a token names an unknown key), its audience (this
     * app's client id) and its `exp`/`nbf` against the client's clock. Given the AccessToken, its
     * `idToken` and geolocation are used. Answers the claims; refuses with an IdTokenError.
     */
    async verifyIdToken(idToken: string | AccessToken, call: VerifyIdTokenOptions = {}): Promise<IdTokenClaims> {
      const jwt = typeof idToken === 'string' ? idToken : idToken.idToken;
      if (!jwt) throw new IdTokenError('ERR_JWT_INVALID', 'this token carries no id token');
      const geolocation = call.geolocation ?? (typeof idToken === 'string' ? null : idToken.instanceUrl);
      const url = new URL(`${base(geolocation)}/oauth2/v0/jwks`);
      let cached = jwksCache.get(url.toString());
      if (!cached || options.now() - cached.fetchedAt >= JWKS_MAX_AGE_MS) cached = await fetchJwks(url, call.signal);
      const verify = (keys: CachedJwks['keys']) =>
        jwtVerify<IdTokenClaims>(jwt, keys, {
          algorithms: ['RS256'],
          audience: options.consumerKey,
          currentDate: new Date(options.now()),
          ...(call.issuer !== undefined ? { issuer: call.issuer } : {}),
          ...(call.clockToleranceSec !== undefined ? { clockTolerance: call.clockToleranceSec } : {}),
        });
      try {
        try {
          return (await verify(cached.keys)).payload;
        } catch (error) {
          // A key Concur rotated in since the JWKS was read: read it again (not more than every 30 s).
          if (codeOf(error) !== 'ERR_JWKS_NO_MATCHING_KEY' || options.now() - cached.fetchedAt < JWKS_COOLDOWN_MS) throw error;
          cached = await fetchJwks(url, call.signal);
          return (await verify(cached.keys)).payload;
        }
      } catch (error) {
        // The client's own errors (network, HTTP, a body it could not read) and an abort pass as they are.
        if (error instanceof ConcurError || call.signal?.aborted) throw error;
        // jose's errors carry a code; a key WebCrypto cannot import (a JWKS entry that is no RSA key) does not.
        throw new IdTokenError(codeOf(error) ?? 'ERR_JWK_INVALID', error instanceof Error ? error.message : String(error), { cause: error });
      }
    },
  };
}

/** jose's errors carry a `code` starting `ERR_`. */
function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_') ? code : null;
}
