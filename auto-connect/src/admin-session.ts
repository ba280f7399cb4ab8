import { UnauthorizedError, type AccessToken, type ConcurClient } from 'concur-partner-client';
import { withRenewalOnce } from './renew-once.js';
import type { TokenSession } from './app-session.js';

/** How the worker signs in as the company's Web Services Administrator. */
export type AdminAuth =
  /** The Native flow, as the seed's auto-connect service does; renewed when the token is refused. */
  | { adminCredentials: { loginId: string; password: string }; adminToken?: undefined }
  /** A token obtained elsewhere; with its refresh token it can be renewed, a bare string cannot. */
  | { adminToken: string | AccessToken; adminCredentials?: undefined };

export type RenewalAction = 'obtained' | 'refreshed' | 're-obtained';

/**
 * The administrator's token, obtained lazily and renewed once when Concur refuses it as no
 * longer valid (expired or revoked): the client's UnauthorizedError, which is a 401 or the 403
 * Concur's status-code page documents for an invalid token. A 403 for a missing role or scope
 * is a ForbiddenError and is not renewed: a new token would be refused the same way. By refresh
 * token when there is one, else by signing in again; concurrent refusals share one renewal, and
 * a call is retried at most once, so nothing loops.
 */
export class AdminSession implements TokenSession {
  private current: string | AccessToken | null;
  private renewing: Promise<string | AccessToken> | null = null;

  constructor(
    private readonly client: ConcurClient,
    private readonly auth: AdminAuth,
    private readonly onRenewal: (action: RenewalAction) => void,
  ) {
    this.current = auth.adminToken ?? null;
  }

  async token(signal?: AbortSignal): Promise<string | AccessToken> {
    if (this.current) return this.current;
    return this.renew(null, signal);
  }

  /** Runs `call` with the admin token; when the token is refused as invalid, renews it once and tries again. */
  async withToken<T>(call: (token: string | AccessToken) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const token = await this.token(signal);
    return withRenewalOnce(token, call, (refusal) => this.renew(token, signal, refusal));
  }

  private renew(stale: string | AccessToken | null, signal: AbortSignal | undefined, cause?: UnauthorizedError): Promise<string | AccessToken> {
    // Someone else already replaced the stale token: use theirs.
    if (stale !== null && this.current !== stale && this.current !== null) return Promise.resolve(this.current);
    this.renewing ??= this.obtain(stale, signal, cause).finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async obtain(stale: string | AccessToken | null, signal: AbortSignal | undefined, cause?: UnauthorizedError): Promise<string | AccessToken> {
    const refreshToken = stale && typeof stale !== 'string' ? stale.refreshToken : null;
    if (refreshToken) {
      try {
        this.current = await this.client.refreshAccessToken(refreshToken, { signal });
        this.onRenewal('refreshed');
        return this.current;
      } catch (error) {
        // A revoked refresh token answers 4xx: fall through to signing in again.
        if (!this.auth.adminCredentials) throw error;
      }
    }
    if (!this.auth.adminCredentials) throw cause ?? new Error('no administrator token and no credentials to obtain one');
    const { loginId, password } = this.auth.adminCredentials;
    this.current = await this.client.nativeLogin(loginId, password, { signal });
    this.onRenewal(stale === null ? 'obtained' : 're-obtained');
    return this.current;
  }

  /** The raw token string, for calls that take one (revocation). */
  static raw(token: string | AccessToken): string {
    return typeof token === 'string' ? token : token.token;
  }
}
