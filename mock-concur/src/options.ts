import type { Clock, ClockMode } from './domain/clock.js';
import type { QueueMode, QueuePolicy } from './domain/connection-requests.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, YEAR_MS } from './domain/token-service.js';
import type { TokenElementSpelling } from './wire/access-token-codec.js';

/**
 * The mock's one error for options it cannot start with, naming the option. A RangeError, so
 * code that caught the built-in one still does.
 */
export class InvalidMockOptionsError extends RangeError {
  override name = 'InvalidMockOptionsError';
}

export interface MockConcurOptions {
  /** Seed for the faker-generated travellers and their requests: same seed, same data. */
  seed: number;
  /** How many faker travellers with pending connection requests to seed. */
  demoTravelers: number;
  /** `system` (real time plus an offset) or `manual` (stands still until advanced), or a Clock. */
  clock: ClockMode | Clock;
  /** Where a manual clock starts (ms since the epoch); defaults to the real time at start. */
  clockStartMs?: number;
  requestTokenTtlMs: number;
  accessTokenTtlMs: number;
  singleUseRequestTokens: boolean;
  tokenElementSpelling: TokenElementSpelling;
  queueMode: QueueMode;
  queue: Omit<QueuePolicy, 'mode'>;
  /** Base URL written into URIs, `NextPage` and `Instance_Url`; default: from the request's Host. */
  publicUrl?: string;
  /**
   * Signs the web pages' session and CSRF cookies (32+ characters). Random per start when
   * absent, so signing in again is needed after a restart.
   */
  sessionSecret?: string;
  /** Largest request body accepted, in bytes; larger answers 413. */
  bodyLimit: number;
  /**
   * How many requests `/_mock/journal` (and the console's conversation) remembers. Kept entries
   * outlive the young generation under load: 1 000 cost every request ≈ 10 µs of GC and the
   * process ≈ 50 MiB more at its peak; 200 cost next to nothing.
   */
  journalSize: number;
  /**
   * A directory where the mock keeps its state (users, apps, tokens, the queue, the clock):
   * every acknowledged change survives a restart and a kill -9. Absent: state lives in memory.
   */
  stateDir?: string;
  /** With `stateDir`: fold the change log into a new snapshot once it is this large (and larger than the snapshot). */
  stateCompactAfterBytes: number;
  /**
   * The status for an `Authorization` that is present but fails validation (unknown, expired
   * or revoked token, a malformed header) and for bad Native-flow credentials: 403 as Concur's
   * HTTP status-code page states, or 401 as the older pages say. A missing header is always 401.
   */
  authFailureStatus: 401 | 403;
  /** v3.0/v3.1 PUT and DELETE: 204 No Content (as v3.2 and Concur's SDK), or 200 with the Swagger's `Void` (`{}` / `<Void />`). */
  legacyWriteStatus: 204 | 200;
  /** JSON errors as `{"Error": {Message, Server-Time, Id}}` (the status-code page) or flat `{Message, Server-Time, Id}`. */
  jsonErrors: 'wrapped' | 'flat';
  /** Accept `Transfer-Encoding: chunked` requests; Concur answers 400 to them (the status-code page). */
  allowChunked: boolean;
  /**
   * A request whose headers have not all arrived after this long is cut with 408 (a client
   * that opens a connection and stalls holds nothing for long). Node checks once a second.
   */
  headersTimeoutMs: number;
  /**
   * Required in `X-Mock-Control-Token` by every control-API call but `/_mock/health`. Unset: no
   * token (fine on loopback; the CLI makes one up and prints it when binding another interface).
   */
  controlToken?: string;
  /** Host names besides the loopback ones (and `publicUrl`'s) that may reach the control API: a compose network's service names. */
  allowedHosts: string[];
  /** `/oauth2/v0` access tokens: one hour, as documented. */
  oauth2AccessTokenTtlMs: number;
  /** `/oauth2/v0` refresh tokens: six months (180 days), slid on every refresh. */
  oauth2RefreshTokenTtlMs: number;
  /**
   * The v0 refresh grant: `rotate` answers a new refresh token and ends the old one at once (the
   * documents: "treat all returned refresh tokens as new tokens and overwrite the stored ones");
   * `reuse` answers the same one ("most of the time, this value is the same").
   */
  refreshTokenRotation: 'rotate' | 'reuse';
  /** `expires_in` as the number `3600` (a real call, the migration guide) or the string `"3600"` (the reference page). */
  expiresInFormat: 'number' | 'string';
  /** Where the App Center sends the demo app's user: `?code=` (legacy) or `?id=&requestToken=` (the current redirect). */
  demoAppRedirect: 'code' | 'requestToken';
  /** How many sandboxes (`POST /_mock/sandboxes`) may exist at once; one more answers 429. */
  maxSandboxes: number;
  /** A sandbox unused this long (machine time) is dropped; 0 keeps them until deleted. Durable ones are always kept. */
  sandboxIdleTtlMs: number;
  /** The machine's time, for what is measured in real time whatever the mock's clock says (idle sandboxes). */
  wallClock: () => number;
  /** Fastify log level; `silent` for tests. Secrets are redacted from every log line. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const defaultOptions: Readonly<MockConcurOptions> = Object.freeze({
  seed: 1,
  demoTravelers: 12,
  clock: 'system',
  requestTokenTtlMs: 15 * MINUTE_MS,
  accessTokenTtlMs: YEAR_MS,
  singleUseRequestTokens: true,
  tokenElementSpelling: 'documented',
  queueMode: 'peek',
  queue: Object.freeze({
    leaseMs: DAY_MS,
    userErrorDelayMs: DAY_MS,
    maxUserErrorRequeues: 4,
    retryDelayMs: HOUR_MS,
    maxRetryRequeues: 48,
    maxLeaseRequeues: 48,
  }),
  bodyLimit: 64 * 1024,
  journalSize: 200,
  stateCompactAfterBytes: 16 * 1024 * 1024,
  logLevel: 'silent',
  authFailureStatus: 403,
  legacyWriteStatus: 204,
  jsonErrors: 'wrapped',
  allowChunked: false,
  headersTimeoutMs: 10_000,
  allowedHosts: [],
  oauth2AccessTokenTtlMs: HOUR_MS,
  oauth2RefreshTokenTtlMs: 180 * DAY_MS,
  refreshTokenRotation: 'rotate',
  expiresInFormat: 'number',
  demoAppRedirect: 'code',
  maxSandboxes: 1000,
  sandboxIdleTtlMs: HOUR_MS,
  wallClock: Date.now,
});

export type MockConcurInput = Partial<Omit<MockConcurOptions, 'queue'>> & { queue?: Partial<MockConcurOptions['queue']> };

/** Defaults merged once; anything out of range fails here with the option's name. */
export function resolveOptions(input: MockConcurInput = {}): MockConcurOptions {
  const options: MockConcurOptions = { ...defaultOptions, ...stripUndefined(input), queue: { ...defaultOptions.queue, ...stripUndefined(input.queue ?? {}) } };
  const wholeAtLeast = (name: string, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min) throw new InvalidMockOptionsError(`mock-concur option ${name} must be an integer ≥ ${min}, got ${value}`);
  };
  wholeAtLeast('seed', options.seed, 0);
  wholeAtLeast('demoTravelers', options.demoTravelers, 0);
  wholeAtLeast('requestTokenTtlMs', options.requestTokenTtlMs, 1);
  wholeAtLeast('accessTokenTtlMs', options.accessTokenTtlMs, 1);
  wholeAtLeast('bodyLimit', options.bodyLimit, 64);
  wholeAtLeast('journalSize', options.journalSize, 0);
  wholeAtLeast('stateCompactAfterBytes', options.stateCompactAfterBytes, 0);
  for (const [name, value] of Object.entries(options.queue)) wholeAtLeast(`queue.${name}`, value, name.startsWith('max') ? 0 : 1);
  if (typeof options.clock === 'string' && options.clock !== 'system' && options.clock !== 'manual') throw new InvalidMockOptionsError(`mock-concur option clock must be 'system' or 'manual', got ${String(options.clock)}`);
  if (options.queueMode !== 'peek' && options.queueMode !== 'lease') throw new InvalidMockOptionsError(`mock-concur option queueMode must be 'peek' or 'lease', got ${String(options.queueMode)}`);
  if (options.tokenElementSpelling !== 'documented' && options.tokenElementSpelling !== 'alternate') throw new InvalidMockOptionsError(`mock-concur option tokenElementSpelling must be 'documented' or 'alternate'`);
  if (options.authFailureStatus !== 401 && options.authFailureStatus !== 403) throw new InvalidMockOptionsError(`mock-concur option authFailureStatus must be 401 or 403, got ${String(options.authFailureStatus)}`);
  if (options.legacyWriteStatus !== 204 && options.legacyWriteStatus !== 200) throw new InvalidMockOptionsError(`mock-concur option legacyWriteStatus must be 204 or 200, got ${String(options.legacyWriteStatus)}`);
  if (options.jsonErrors !== 'wrapped' && options.jsonErrors !== 'flat') throw new InvalidMockOptionsError(`mock-concur option jsonErrors must be 'wrapped' or 'flat', got ${String(options.jsonErrors)}`);
  if (typeof options.allowChunked !== 'boolean') throw new InvalidMockOptionsError('mock-concur option allowChunked must be a boolean');
  wholeAtLeast('headersTimeoutMs', options.headersTimeoutMs, 1);
  if (options.controlToken !== undefined && (typeof options.controlToken !== 'string' || options.controlToken.length < 16)) throw new InvalidMockOptionsError('mock-concur option controlToken must be at least 16 characters');
  if (!Array.isArray(options.allowedHosts) || options.allowedHosts.some((h) => typeof h !== 'string' || !/^[A-Za-z0-9.-]{1,253}$/.test(h))) throw new InvalidMockOptionsError('mock-concur option allowedHosts must be a list of host names');
  wholeAtLeast('oauth2AccessTokenTtlMs', options.oauth2AccessTokenTtlMs, 1);
  wholeAtLeast('oauth2RefreshTokenTtlMs', options.oauth2RefreshTokenTtlMs, 1);
  if (options.refreshTokenRotation !== 'rotate' && options.refreshTokenRotation !== 'reuse') throw new InvalidMockOptionsError(`mock-concur option refreshTokenRotation must be 'rotate' or 'reuse', got ${String(options.refreshTokenRotation)}`);
  if (options.expiresInFormat !== 'number' && options.expiresInFormat !== 'string') throw new InvalidMockOptionsError(`mock-concur option expiresInFormat must be 'number' or 'string', got ${String(options.expiresInFormat)}`);
  if (options.demoAppRedirect !== 'code' && options.demoAppRedirect !== 'requestToken') throw new InvalidMockOptionsError(`mock-concur option demoAppRedirect must be 'code' or 'requestToken', got ${String(options.demoAppRedirect)}`);
  wholeAtLeast('maxSandboxes', options.maxSandboxes, 0);
  wholeAtLeast('sandboxIdleTtlMs', options.sandboxIdleTtlMs, 0);
  if (typeof options.wallClock !== 'function') throw new InvalidMockOptionsError('mock-concur option wallClock must be a function answering milliseconds since the epoch');
  if (options.stateDir !== undefined && (typeof options.stateDir !== 'string' || options.stateDir.trim() === '')) throw new InvalidMockOptionsError('mock-concur option stateDir must be a directory path');
  if (options.sessionSecret !== undefined && (typeof options.sessionSecret !== 'string' || options.sessionSecret.length < 32)) throw new InvalidMockOptionsError('mock-concur option sessionSecret must be at least 32 characters');
  if (options.publicUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.publicUrl);
    } catch {
      throw new InvalidMockOptionsError(`mock-concur option publicUrl must be an absolute URL, got ${options.publicUrl}`);
    }
    options.publicUrl = url.origin + url.pathname.replace(/\/+$/, '');
  }
  return options;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
