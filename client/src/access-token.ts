import { BodyShapeError } from './body-shape.js';
import { parseUsUtcDate } from './us-date.js';
import { isRecord, pick, stringOrNull } from './wire-body.js';

/** Which of Concur's two authentication APIs issued a token. */
export type TokenFlow = 'legacy' | 'oauth2';

/**
 * A user's, an administrator's or (OAuth 2.0 client credentials) an application's access
 * token, from either flow, whatever spelling or format it came in.
 */
export interface AccessToken {
  token: string;
  /** Absent from some documented legacy responses (web-flow examples) and from client-credentials tokens. */
  refreshToken: string | null;
  expiresAt: Date;
  /**
   * Where every later call for this token goes: the legacy `Instance_Url`, or the OAuth 2.0
   * `geolocation`. Absent from some documented legacy responses.
   */
  instanceUrl: string | null;
  /**
   * `'oauth2'` on every token of the OAuth 2.0 Authentication API (`/oauth2/v0`); `'legacy'`
   * or absent on tokens of `/net2/oauth2` (absent on tokens built before this field existed:
   * read it with `tokenFlow()`). Decides the `Authorization` scheme: `Bearer` or `OAuth`.
   */
  flow?: TokenFlow;
  /** OAuth 2.0: the granted scopes, space-separated as Concur writes them. */
  scope?: string;
  /** OAuth 2.0 user grants: the OpenID Connect id token (check it with `verifyIdToken`). */
  idToken?: string;
  /** OAuth 2.0 user grants: when the refresh token expires (`refresh_expires_in`, epoch seconds). */
  refreshExpiresAt?: Date;
}

/** The flow of a token; tokens without `flow` are legacy. */
export function tokenFlow(token: Pick<AccessToken, 'flow'>): TokenFlow {
  return token.flow ?? 'legacy';
}

/** `Access_Token` in either format; the documents spell two of its elements two ways each. */
export function parseAccessToken(body: unknown): AccessToken {
  const root = isRecord(body) ? body['Access_Token'] : undefined;
  if (!isRecord(root)) throw new BodyShapeError('response has no Access_Token');
  const token = stringOrNull(root['Token']);
  if (!token) throw new BodyShapeError('Access_Token has no Token');
  const expiry = stringOrNull(pick(root, 'Expiration_date', 'Expiration_Date'));
  if (!expiry) throw new BodyShapeError('Access_Token has no Expiration_date');
  return {
    token,
    refreshToken: stringOrNull(root['Refresh_Token']) || null,
    expiresAt: parseUsUtcDate(expiry),
    instanceUrl: stringOrNull(pick(root, 'Instance_Url', 'Instance_URL')) || null,
  };
}

/**
 * The `/oauth2/v0/token` answer. `expires_in` is relative (seconds from now; printed both as
 * `3600` and `"3600"` in Concur's documents), so the moment it was received is needed;
 * `refresh_expires_in`, despite its name, is an absolute epoch in seconds.
 */
export function parseOAuth2Token(body: unknown, receivedAt: number): AccessToken {
  if (!isRecord(body)) throw new BodyShapeError('the token response is not a JSON object');
  const token = stringOrNull(body['access_token']);
  if (!token) throw new BodyShapeError('the token response has no access_token');
  const expiresIn = seconds(body['expires_in']);
  if (expiresIn === null) throw new BodyShapeError('the token response has no numeric expires_in');
  const tokenType = stringOrNull(body['token_type']);
  if (tokenType !== null && tokenType.toLowerCase() !== 'bearer') throw new BodyShapeError(`the token response has token_type '${tokenType}', not Bearer`);
  const parsed: AccessToken = {
    token,
    refreshToken: stringOrNull(body['refresh_token']) || null,
    expiresAt: new Date(receivedAt + expiresIn * 1000),
    instanceUrl: stringOrNull(body['geolocation']) || null,
    flow: 'oauth2',
  };
  const scope = stringOrNull(body['scope']);
  if (scope !== null) parsed.scope = scope;
  const idToken = stringOrNull(body['id_token']);
  if (idToken) parsed.idToken = idToken;
  if (body['refresh_expires_in'] !== undefined && body['refresh_expires_in'] !== null) {
    const refreshEpoch = seconds(body['refresh_expires_in']);
    if (refreshEpoch === null) throw new BodyShapeError('the token response has a refresh_expires_in that is not a number');
    parsed.refreshExpiresAt = new Date(refreshEpoch * 1000);
  }
  return parsed;
}

function seconds(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}
