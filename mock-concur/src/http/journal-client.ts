import type { Principal } from '../auth/principal.js';

/** How a caller proved who it is: with the app, what the conversation's lanes are drawn by. */
export type Credential = 'user-token' | 'app-token' | 'client-secret' | 'password';

/**
 * Who made a request, as far as the route learnt it, without secrets: a browser on Concur's
 * pages, or an API client of an app (its consumer key), the kind of credential it presented,
 * the token masked, the credential's user. Routes set it where they know the caller; it is
 * stored as given and formatted only when the journal is read.
 */
export interface JournalClient {
  readonly kind: 'browser' | 'api';
  readonly app?: string;
  readonly credential?: Credential;
  /** Masked (`0_ab…xyz`), never the token. */
  readonly token?: string;
  /** The login id behind the credential (the administrator polling, the user signed in). */
  readonly user?: string;
}

/** What a request concerned, for the per-request timeline and the conversation's filters. */
export interface JournalSubject {
  /** Connection requests it handed out, read, PUT, deleted or exchanged the token of. */
  readonly requests?: readonly string[];
  /** The user it was about (a traveller whose token was exchanged or revoked). */
  readonly user?: string;
  /** A token it issued, refreshed or revoked, masked. */
  readonly token?: string;
}

/** Every request to Concur's pages: one shared object, nothing allocated per request. */
export const BROWSER_CLIENT: JournalClient = Object.freeze({ kind: 'browser' });

/** The caller of a route that authenticated an access token. */
export function principalClient(principal: Principal): JournalClient {
  return principal.kind === 'app'
    ? { kind: 'api', app: principal.app.consumerKey, credential: 'app-token', token: principal.token.masked }
    : { kind: 'api', app: principal.app.consumerKey, credential: 'user-token', token: principal.token.masked, user: principal.user.loginId };
}

/** A User-Agent in a few words: `Chrome 139`, `node`, `curl/8.5.0`. */
export function shortAgent(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const browser = /(Firefox|Edg|OPR|Chrome|Safari)\/(\d+)/.exec(userAgent);
  if (browser) return `${browser[1] === 'Edg' ? 'Edge' : browser[1]} ${browser[2]}`;
  return userAgent.split(' ')[0]!.slice(0, 32);
}
