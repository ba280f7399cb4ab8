import type { AccessToken, ConcurClient } from 'concur-partner-client';
import { withRenewalOnce } from './renew-once.js';
import type { RenewalAction } from './admin-session.js';

/** What the cycle needs to poll and PUT: a token, renewed once when Concur refuses it. */
export interface TokenSession {
  withToken<T>(call: (token: string | AccessToken) => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** An application token is asked for again this long before Concur's hour runs out. */
export const APP_TOKEN_RENEWAL_MARGIN_MS = 5 * 60_000;

/**
 * The application's own OAuth 2.0 token (client credentials), the current supplier flow's way
 * to poll Connection Requests v3.2: no Web Services Administrator. It has no refresh token, so
 * it is asked for again — before its hour runs out (by the worker's clock, against the token's
 * `expiresAt`; give the client the same clock), and once when Concur refuses it as invalid (the
 * client's UnauthorizedError). Concurrent callers share one renewal; a call is retried at most
 * once, so nothing loops.
 */
export class AppSession implements TokenSession {
  private current: AccessToken | null = null;
  private renewing: Promise<AccessToken> | null = null;

  constructor(
    private readonly client: ConcurClient,
    private readonly now: () => number,
    private readonly onRenewal: (action: RenewalAction) => void,
    private readonly marginMs = APP_TOKEN_RENEWAL_MARGIN_MS,
  ) {}

  private fresh(token: AccessToken): boolean {
    return this.now() < token.expiresAt.getTime() - this.marginMs;
  }

  async token(signal?: AbortSignal): Promise<AccessToken> {
    if (this.current && this.fresh(this.current)) return this.current;
    return this.renew(this.current, signal);
  }

  async withToken<T>(call: (token: string | AccessToken) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const token = await this.token(signal);
    return withRenewalOnce<string | AccessToken, T>(token, call, () => this.renew(token, signal, true));
  }

  private renew(stale: AccessToken | null, signal: AbortSignal | undefined, refused = false): Promise<AccessToken> {
    // Someone else already replaced the stale token: use theirs.
    if (stale !== null && this.current !== null && this.current !== stale && (refused || this.fresh(this.current))) return Promise.resolve(this.current);
    this.renewing ??= (async () => {
      const token = await this.client.clientCredentials({ signal });
      this.current = token;
      this.onRenewal(stale === null ? 'obtained' : 're-obtained');
      return token;
    })().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }
}
