import { InvalidOptionsError } from './errors.js';
import { createFetchTransport } from './fetch-transport.js';
import { abortableSleep, type Sleep } from './sleep.js';
import { createUndiciTransport } from './undici-transport.js';
import type { WireFormat } from './wire-body.js';
import type { Transport, TransportChoice } from './wire-transport.js';

export type ApiVersion = '3.0' | '3.1' | '3.2';

export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off. */
  retries: number;
  /** The first backoff; later ones grow exponentially, with jitter. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** No retry starts once this much time has passed since the first attempt. */
  maxElapsedMs: number;
}

export interface ConcurLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface ConcurClientOptions {
  /** e.g. `https://www.concursolutions.com`. */
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  format: WireFormat;
  apiVersion: ApiVersion;
  /** Per attempt. */
  timeoutMs: number;
  retry: RetryOptions;
  /**
   * How requests go out: `'undici'` (the default on Node: undici's keep-alive pools, several
   * times less CPU a call than fetch), `'fetch'` (the `fetch` option, else global fetch), or
   * your own `Transport`. Giving `fetch` alone selects `'fetch'`. Either way failures surface as
   * the same `NetworkError` / `TimeoutError`. `client.close()` ends the sockets of a transport
   * the client made; one you pass in is yours to close.
   */
  transport: TransportChoice;
  /** Used only by the `'fetch'` transport; injectable for tests (a fake, or nock). */
  fetch: typeof globalThis.fetch;
  /** Injectable so tests never really wait; must reject when the signal aborts. */
  sleep: Sleep;
  logger: ConcurLogger;
  /**
   * The client's clock, in epoch milliseconds: an OAuth 2.0 token's `expires_in` is relative,
   * so its `expiresAt` is this plus `expires_in`; `verifyIdToken` checks `exp`/`nbf` against it.
   * Inject the same clock as the rest of your service (or the mock's) in tests.
   */
  now: () => number;
}

export type ConcurClientInput = Pick<ConcurClientOptions, 'baseUrl' | 'consumerKey' | 'consumerSecret'> &
  Partial<Omit<ConcurClientOptions, 'baseUrl' | 'consumerKey' | 'consumerSecret' | 'retry'>> & { retry?: Partial<RetryOptions> | false };

/** What the client's methods run on: the options with the transport made. */
export type ResolvedOptions = Omit<ConcurClientOptions, 'transport' | 'fetch'> & {
  transport: Transport;
  /** True when the client made the transport, so `close()` is its to call. */
  ownsTransport: boolean;
};

const silentLogger: ConcurLogger = { debug: () => {}, warn: () => {} };

export const defaultOptions = Object.freeze({
  format: 'json' as WireFormat,
  apiVersion: '3.2' as ApiVersion,
  timeoutMs: 30_000,
  retry: Object.freeze<RetryOptions>({ retries: 3, initialDelayMs: 200, maxDelayMs: 10_000, maxElapsedMs: 60_000 }),
  sleep: abortableSleep,
  logger: silentLogger,
  now: (): number => Date.now(),
});

const FORMATS: readonly string[] = ['json', 'xml'];
const VERSIONS: readonly string[] = ['3.0', '3.1', '3.2'];

/** Node (and runtimes that pass for it) get undici; anything else, global fetch. */
const onNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Defaults merged once, here; anything that cannot work fails now, naming the option. */
export function resolveOptions(input: ConcurClientInput): ResolvedOptions {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as ConcurClientInput;
  const retry: RetryOptions = defined.retry === false ? { ...defaultOptions.retry, retries: 0 } : { ...defaultOptions.retry, ...defined.retry };
  // An explicit fetch means fetch: tests inject a fake one, or rely on nock patching the global.
  const choice: TransportChoice = defined.transport ?? (defined.fetch !== undefined || !onNode ? 'fetch' : 'undici');
  const options: ConcurClientOptions = {
    ...defaultOptions,
    fetch: (...args) => globalThis.fetch(...args),
    ...defined,
    transport: choice,
    retry,
  };
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new InvalidOptionsError(`baseUrl must be an absolute http(s) URL, got '${String(options.baseUrl)}'`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new InvalidOptionsError(`baseUrl must be http or https, got '${base.protocol}'`);
  if (base.search || base.hash) throw new InvalidOptionsError('baseUrl must not carry a query or fragment');
  if (typeof options.consumerKey !== 'string' || options.consumerKey === '') throw new InvalidOptionsError('consumerKey is required');
  if (typeof options.consumerSecret !== 'string' || options.consumerSecret === '') throw new InvalidOptionsError('consumerSecret is required');
  if (!FORMATS.includes(options.format)) throw new InvalidOptionsError(`format must be 'json' or 'xml', got '${String(options.format)}'`);
  if (!VERSIONS.includes(options.apiVersion)) throw new InvalidOptionsError(`apiVersion must be '3.0', '3.1' or '3.2', got '${String(options.apiVersion)}'`);
  if (!(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) throw new InvalidOptionsError(`timeoutMs must be a positive number, got ${String(options.timeoutMs)}`);
  for (const key of ['retries', 'initialDelayMs', 'maxDelayMs', 'maxElapsedMs'] as const) {
    const v = retry[key];
    if (!(Number.isFinite(v) && v >= 0)) throw new InvalidOptionsError(`retry.${key} must be a number >= 0, got ${String(v)}`);
  }
  if (!Number.isInteger(retry.retries)) throw new InvalidOptionsError(`retry.retries must be a whole number, got ${retry.retries}`);
  if (typeof options.fetch !== 'function') throw new InvalidOptionsError('fetch must be a function');
  if (choice !== 'undici' && choice !== 'fetch' && !(typeof choice === 'object' && choice !== null && typeof choice.request === 'function')) {
    throw new InvalidOptionsError(`transport must be 'undici', 'fetch' or an object with a request() method, got ${typeof choice === 'string' ? `'${choice}'` : String(choice)}`);
  }
  if (defined.fetch !== undefined && choice !== 'fetch') throw new InvalidOptionsError("fetch is used only with transport 'fetch': give one or the other");
  if (typeof options.sleep !== 'function') throw new InvalidOptionsError('sleep must be a function');
  if (typeof options.now !== 'function') throw new InvalidOptionsError('now must be a function');
  const { fetch, transport: _choice, ...rest } = options;
  const transport = choice === 'undici' ? createUndiciTransport() : choice === 'fetch' ? createFetchTransport(fetch) : choice;
  // One canonical form: no trailing slash, so paths can be appended.
  return { ...rest, transport, ownsTransport: typeof choice === 'string', baseUrl: `${base.origin}${base.pathname.replace(/\/+$/, '')}` };
}
