import { STATUS_CODES, type StatusCode } from './status-codes.js';

/**
 * How many requests took each edge of the lifecycle diagram, counted where the transition
 * happens (one object per app queue, so a reset, which makes a new queue, starts them at 0;
 * so does a restart with `--state-dir`: counters are not persisted). Requeues out of Retry
 * are not events (nothing runs when the clock passes a request's time): the queue works them
 * out from its ordered indexes when asked, see `ConnectionRequestQueue.edges`.
 */
export class LifecycleCounters {
  /** → Pending: a new request. */
  created = 0;
  /** Pending → Processing: a GET handed the request out (and minted its request token). */
  handedOut = 0;
  /** A handed-out request listed again after its token ran out got a fresh one (peek mode). */
  tokensReminted = 0;
  /** PUT CRSUC → Connected. */
  connected = 0;
  /** PUT CREU1/2/3 → Retry (requeued after 24 h). */
  userErrorRetry = 0;
  /** PUT CREU1/2/3 past the limit (the 5th) → Failed. */
  userErrorFailed = 0;
  /** PUT CRRET/CRPA1/CRPA2 → Retry (requeued after 1 h). */
  retryRetry = 0;
  /** PUT CRRET/CRPA1/CRPA2 past the limit (the 49th) → Failed. */
  retryFailed = 0;
  /** Processing → Pending: never PUT back, requeued 24 h after the hand-out. */
  leaseRequeued = 0;
  /** Processing → Failed: the 49th lease that ended. */
  leaseFailed = 0;
  /** v3.0 DELETE removed the request. */
  deleted = 0;
  /** Every PUT that was applied, by code. */
  readonly puts: Record<StatusCode, number> = zeroPerCode();

  /** Adds this queue's counts into `into` (the all-apps total). */
  addInto(into: LifecycleCounts): void {
    for (const key of COUNTER_KEYS) into[key] += this[key];
    for (const code of CODES) into.puts[code] += this.puts[code];
  }
}

const COUNTER_KEYS = ['created', 'handedOut', 'tokensReminted', 'connected', 'userErrorRetry', 'userErrorFailed', 'retryRetry', 'retryFailed', 'leaseRequeued', 'leaseFailed', 'deleted'] as const;
const CODES = Object.keys(STATUS_CODES) as StatusCode[];

/** The counters as plain data, with the two requeue edges the queue derives. */
export type LifecycleCounts = { [K in (typeof COUNTER_KEYS)[number]]: number } & {
  /** Retry → Pending after 24 h (a user error's wait ended). */
  requeuedAfterUserError: number;
  /** Retry → Pending after 1 h (a retry's wait ended). */
  requeuedAfterRetry: number;
  puts: Record<StatusCode, number>;
};

export function emptyCounts(): LifecycleCounts {
  const counts = {} as LifecycleCounts;
  for (const key of COUNTER_KEYS) counts[key] = 0;
  counts.requeuedAfterUserError = 0;
  counts.requeuedAfterRetry = 0;
  counts.puts = zeroPerCode();
  return counts;
}

function zeroPerCode(): Record<StatusCode, number> {
  return Object.fromEntries(CODES.map((c) => [c, 0])) as Record<StatusCode, number>;
}
