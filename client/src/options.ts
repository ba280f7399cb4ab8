import { InvalidOptionsError } from './errors.js';
import { abortableSleep, type Sleep } from './sleep.js';
import type { WireFormat } from './wire-body.js';

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

/** Defaults merged once, here; anything that cannot work fails now, naming the option. */
export function resolveOptions(input: ConcurClientInput): ConcurClientOptions {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as ConcurClientInput;
  const retry: RetryOptions = defined.retry === false ? { ...defaultOptions.retry, retries: 0 } : { ...defaultOptions.retry, ...defined.retry };
  const options: ConcurClientOptions = {
    ...defaultOptions,
    fetch: (...args) => globalThis.fetch(...args),
    ...defined,
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
  if (typeof options.sleep !== 'function') throw new InvalidOptionsError('sleep must be a function');
  if (typeof options.now !== 'function') throw new InvalidOptionsError('now must be a function');
  // One canonical form: no trailing slash, so paths can be appended.
  return { ...options, baseUrl: `${base.origin}${base.pathname.replace(/\/+$/, '')}` };
}
