import type { FaultRule, FaultRuleInput } from '../http/faults.js';
import type { JournalEntry } from '../http/journal.js';
import type { Role } from '../domain/roles.js';
import type { SandboxOptions } from '../sandbox-options.js';
import type { SandboxSummary } from '../sandbox-registry.js';

/** The lifecycle states the control API counts connection requests in. */
export type ConnectionRequestStatus = 'Pending' | 'Processing' | 'Retry' | 'Connected' | 'Failed';

export interface MockHealth {
  status: 'ok';
  /** The mock-concur package's version. */
  version: string;
  now: string;
  queueMode: 'peek' | 'lease';
  connectionRequests: Record<ConnectionRequestStatus, number>;
}

export interface MockClock {
  now: string;
  nowMs: number;
  mode: 'system' | 'manual';
  offsetSeconds: number;
}

export interface MockUserInput {
  loginId: string;
  password: string;
  firstName: string;
  lastName: string;
  middleName?: string | null;
  loyaltyNumber?: string | null;
  /** Defaults to `[loginId]`. */
  emails?: string[];
  roles?: Role[];
}

export interface MockUser {
  id: string;
  loginId: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  loyaltyNumber: string | null;
  emails: string[];
  roles: Role[];
}

export interface MockAppInput {
  name: string;
  scopes: string[];
  /** Random when absent. */
  consumerKey?: string;
  /** Random when absent; answered this once, as Concur's registration page shows it. */
  consumerSecret?: string;
  description?: string;
  redirectUris?: string[];
  /** How the App Center's Connect sends the user back: `?code=` (default) or `?id=&requestToken=`. */
  appCenterRedirect?: 'code' | 'requestToken';
}

export interface MockApp {
  name: string;
  consumerKey: string;
  description: string;
  scopes: string[];
  redirectUris: string[];
  appCenterRedirect: 'code' | 'requestToken';
}

export interface MockConnectionRequest {
  id: string;
  consumerKey: string;
  loginId: string;
  status: ConnectionRequestStatus;
  lastCode: string | null;
  hasRequestToken: boolean;
  availableAt: string | null;
  lastModified: string;
  requeues: { userError: number; retry: number; lease: number };
}

export interface MockTokenState {
  consumerKey: string;
  loginId: string;
  /** Backdates the token: `ageSeconds: 16 * 60` gives a request token that has just expired. */
  ageSeconds?: number;
}

export interface MockAccessToken {
  /** Masked: the control API never shows a live secret it did not just mint. */
  token: string;
  consumerKey: string;
  loginId: string;
  origin: string;
  issuedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

/** A sandbox as `/_mock/sandboxes` describes it, with the URL to point clients at (everything the root serves, against its own world). */
export type MockSandbox = SandboxSummary & { url: string };

export interface MockControlClientOptions {
  /** Per call; default 10 s (seeding a million requests takes a few). */
  timeoutMs?: number;
  /** The mock's control token (`--control-token`, or the one it printed), sent as `X-Mock-Control-Token`. */
  controlToken?: string;
  fetch?: typeof globalThis.fetch;
}

/** A control-API call that answered an error: its status and Concur's message. */
export class MockControlError extends Error {
  override readonly name = 'MockControlError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 300)}`);
  }
}

/**
 * One typed client for every route of the mock's control API (`/_mock/…`), over HTTP, so the
 * same calls work against an in-process mock, the `npx mock-concur` bin and a container.
 */
export class MockControlClient {
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;
  readonly #token: Record<string, string>;
  readonly #options: MockControlClientOptions;

  constructor(
    /** The mock's base URL, e.g. `http://127.0.0.1:8080`. */
    readonly url: string,
    options: MockControlClientOptions = {},
  ) {
    this.url = url.replace(/\/+$/, '');
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#token = options.controlToken === undefined ? {} : { 'x-mock-control-token': options.controlToken };
  }

  health(): Promise<MockHealth> {
    return this.call('GET', '/_mock/health');
  }

  clock(): Promise<MockClock> {
    return this.call('GET', '/_mock/clock');
  }

  /** Moves the mock's clock forward: `advanceClock(16 * 60)` expires every request token handed out. */
  advanceClock(seconds: number): Promise<MockClock> {
    return this.call('POST', '/_mock/clock/advance', { seconds });
  }

  /** Users in the order added, `limit` (default 1 000) from `cursor`; `pages('/_mock/users')` reads them all. */
  users(query: PageQuery = {}): Promise<MockUser[]> {
    return this.call('GET', `/_mock/users${queryString(query)}`);
  }

  addUser(user: MockUserInput): Promise<MockUser> {
    return this.call('POST', '/_mock/users', user);
  }

  apps(query: PageQuery = {}): Promise<MockApp[]> {
    return this.call('GET', `/_mock/apps${queryString(query)}`);
  }

  addApp(app: MockAppInput): Promise<MockApp & { consumerSecret: string }> {
    return this.call('POST', '/_mock/apps', app);
  }

  /** `limit` requests (default 100) in creation order from `cursor` (the previous page's `next`), with their lifecycle state. */
  connectionRequests(query: PageQuery = {}): Promise<{ total: number; items: MockConnectionRequest[]; next: string | null }> {
    return this.call('GET', `/_mock/connection-requests${queryString(query)}`);
  }

  connectionRequest(id: string): Promise<MockConnectionRequest> {
    return this.call('GET', `/_mock/connection-requests/${encodeURIComponent(id)}`);
  }

  /** A pending request for an existing user (of the demo app unless `consumerKey` says otherwise). */
  addConnectionRequest(input: { loginId: string; consumerKey?: string }): Promise<{ ids: [string] }> {
    return this.call('POST', '/_mock/connection-requests', input);
  }

  /** `count` generated travellers, each with a pending request; ids are answered up to 1 000. */
  seedConnectionRequests(input: { count: number; consumerKey?: string }): Promise<{ ids: string[] } | { count: number; firstId: string; lastId: string }> {
    return this.call('POST', '/_mock/connection-requests', input);
  }

  /** A request token as the App Center's Connect hands one out. */
  issueRequestToken(input: MockTokenState): Promise<{ code: string; expiresAt: string }> {
    return this.call('POST', '/_mock/request-tokens', input);
  }

  /** `count` (≤ 100 000) request tokens for one user at once: a load test's single-use codes. */
  issueRequestTokens(input: MockTokenState & { count: number }): Promise<{ codes: string[]; expiresAt: string }> {
    return this.call('POST', '/_mock/request-tokens', input);
  }

  /** An access token (and its refresh token) for a user, optionally already revoked. */
  issueAccessToken(input: MockTokenState & { revoked?: boolean }): Promise<{ token: string; refreshToken: string; expiresAt: string }> {
    return this.call('POST', '/_mock/access-tokens', input);
  }

  /** Access tokens (masked), newest first, `limit` (default 1 000) from `cursor`. */
  tokens(query: PageQuery = {}): Promise<MockAccessToken[]> {
    return this.call('GET', `/_mock/tokens${queryString(query)}`);
  }

  /** Every item of a paged list (`/_mock/tokens`, `/_mock/users`, `/_mock/apps`), following its `Link: rel="next"`. */
  async *pages<T>(path: '/_mock/tokens' | '/_mock/users' | '/_mock/apps', limit = 1000): AsyncGenerator<T, void, undefined> {
    let next: string | null = `${path}?limit=${limit}`;
    while (next) {
      const response = await this.#fetch(this.url + next, { headers: { accept: 'application/json', ...this.#token }, signal: AbortSignal.timeout(this.#timeoutMs) });
      const text = await response.text();
      if (!response.ok) throw new MockControlError('GET', next, response.status, text);
      yield* JSON.parse(text) as T[];
      const link = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '');
      // The link names the path from the mock's root; this client's URL may be a sandbox's.
      next = link ? link[1]!.slice(link[1]!.indexOf('/_mock/')) : null;
    }
  }

  /** The requests the mock answered (control calls excluded), oldest first; secrets redacted. */
  journal(query: { since?: number; limit?: number } = {}): Promise<JournalEntry[]> {
    return this.call('GET', `/_mock/journal${queryString(query)}`);
  }

  faults(): Promise<FaultRule[]> {
    return this.call('GET', '/_mock/faults');
  }

  addFault(rule: FaultRuleInput): Promise<FaultRule> {
    return this.call('POST', '/_mock/faults', rule);
  }

  removeFault(id: string): Promise<void> {
    return this.call('DELETE', `/_mock/faults/${encodeURIComponent(id)}`);
  }

  clearFaults(): Promise<void> {
    return this.call('DELETE', '/_mock/faults');
  }

  /** A new sandbox (at the root only): its own data, clock, faults and journal, seeded as at start. */
  createSandbox(options: SandboxOptions = {}): Promise<MockSandbox> {
    return this.call('POST', '/_mock/sandboxes', options);
  }

  sandboxes(): Promise<{ total: number; max: number; items: MockSandbox[] }> {
    return this.call('GET', '/_mock/sandboxes');
  }

  sandbox(id: string): Promise<MockSandbox> {
    return this.call('GET', `/_mock/sandboxes/${encodeURIComponent(id)}`);
  }

  /** Drops a sandbox at once; its tokens, ids and sessions are unknown from then on. */
  deleteSandbox(id: string): Promise<void> {
    return this.call('DELETE', `/_mock/sandboxes/${encodeURIComponent(id)}`);
  }

  /** The same client (token, timeout, fetch) for another base URL: a sandbox's. */
  at(url: string): MockControlClient {
    return new MockControlClient(url, this.#options);
  }

  /** Back to the seeded demo data (the clock keeps its time). */
  reset(): Promise<{ status: 'reset'; connectionRequests: Record<ConnectionRequestStatus, number> }> {
    return this.call('POST', '/_mock/reset');
  }

  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await this.#fetch(this.url + path, {
      method,
      headers: body === undefined ? { accept: 'application/json', ...this.#token } : { accept: 'application/json', 'content-type': 'application/json', ...this.#token },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new MockControlError(method, path, response.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** A page of a control-API list: how many, and where the previous page left off. */
export type PageQuery = {
  limit?: number;
  cursor?: string;
};

function queryString(query: Record<string, number | string | undefined>): string {
  const entries = Object.entries(query).filter((entry): entry is [string, number | string] => entry[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(Object.fromEntries(entries.map(([k, v]) => [k, String(v)]))).toString()}`;
}
