import { ExponentialBackoff, handleWhen, retry, type IBackoff, type IBackoffFactory, type IRetryBackoffContext } from 'cockatiel';
import { ConcurHttpError, MalformedResponseError, NetworkError, TimeoutError } from './errors.js';
import type { ConcurLogger, RetryOptions } from './options.js';
import type { Sleep } from './sleep.js';

export interface RetryRun {
  retry: RetryOptions;
  sleep: Sleep;
  logger: ConcurLogger;
  signal?: AbortSignal | undefined;
  /** For the log line, made only when a retry is logged; already redacted. */
  describe: () => string;
  now?: () => number;
}

/** 5xx, 429, resets, timeouts and truncated bodies may pass; a 4xx answer will not change. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ConcurHttpError) return error.status >= 500 || error.status === 429;
  return error instanceof NetworkError || error instanceof TimeoutError || error instanceof MalformedResponseError;
}

/**
 * Runs an idempotent call under cockatiel's retry policy: it decides which failures are retried,
 * counts attempts and supplies exponential backoff with decorrelated jitter. Cockatiel's own
 * wait is a bare `setTimeout` that neither an AbortSignal nor a test can cut short, so the
 * policy is handed a zero wait and the attempt itself first sleeps the computed delay with the
 * injected, abortable sleep. `Retry-After` wins over the backoff when it is longer, and no wait
 * runs past `maxElapsedMs`: then the last failure is thrown as it was.
 *
 * The first attempt runs before the policy is built: most calls succeed at once, and the policy,
 * its backoff and their closures cost more than the call's own JavaScript. A first failure is
 * handed to the policy as its attempt 0, so the decisions and delays are the same as if the
 * policy had made that attempt itself.
 */
export async function withRetries<T>(attempt: (signal: AbortSignal | undefined) => Promise<T>, run: RetryRun): Promise<T> {
  const { retry: opts, signal } = run;
  if (opts.retries === 0) return attempt(signal);
  const now = run.now ?? Date.now;
  const started = now();
  let firstError: unknown;
  try {
    return await attempt(signal);
  } catch (error) {
    firstError = error;
  }
  return retryAfterFirstFailure(attempt, run, started, firstError);
}

async function retryAfterFirstFailure<T>(attempt: (signal: AbortSignal | undefined) => Promise<T>, run: RetryRun, started: number, firstError: unknown): Promise<T> {
  const { retry: opts, signal } = run;
  const now = run.now ?? Date.now;
  let pendingDelayMs = 0;
  let lastError: unknown;
  let outOfTime = false;
  const jitter = new ExponentialBackoff({ initialDelay: opts.initialDelayMs, maxDelay: opts.maxDelayMs });
  let chain: IBackoff<unknown> | undefined;

  const backoff: IBackoffFactory<IRetryBackoffContext<unknown>> = {
    next(context) {
      chain = chain ? chain.next(undefined) : jitter.next();
      const error = 'error' in context.result ? context.result.error : undefined;
      const retryAfter = error instanceof ConcurHttpError ? (error.retryAfterMs ?? 0) : 0;
      pendingDelayMs = Math.max(chain.duration, retryAfter);
      return { duration: 0, next: (c) => backoff.next(c) };
    },
  };

  const policy = retry(
    handleWhen((error) => {
      lastError = error;
      return !outOfTime && isTransient(error) && !signal?.aborted && now() - started < opts.maxElapsedMs;
    }),
    { maxAttempts: opts.retries, backoff },
  );

  return policy.execute(async ({ attempt: n }) => {
    // Attempt 0 already ran (withRetries): its failure is the policy's to judge.
    if (n === 0) throw firstError;
    if (now() - started + pendingDelayMs > opts.maxElapsedMs) {
      outOfTime = true;
      throw lastError;
    }
    run.logger.debug('retrying Concur call', { call: run.describe(), attempt: n, delayMs: pendingDelayMs, after: String(lastError) });
    await run.sleep(pendingDelayMs, signal);
    return attempt(signal);
  }, signal);
}
