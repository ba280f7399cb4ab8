/**
 * What moving the clock forward by `stepMs` will do to the queue, read from its ordered
 * indexes (rank differences, O(log n) per app) before anyone presses the button.
 */
export interface QueueForecast {
  stepMs: number;
  /** Request tokens of handed-out requests (Processing) whose 15 minutes end within the step. */
  tokensExpire: number;
  /** Requests in Retry that come due (Pending again) within the step, by why they wait. */
  retriesDue: { userError: number; retry: number; total: number };
  /** Hand-outs whose 24-hour lease ends within the step: requeued, or Failed past the limit. */
  leasesEnd: number;
}

/** When each kind of event happens next (ms since the epoch), or null if none is waiting. */
export interface NextEvents {
  tokenExpiresAt: number | null;
  retryDueAt: number | null;
  leaseEndsAt: number | null;
}

export function emptyForecast(stepMs: number): QueueForecast {
  return { stepMs, tokensExpire: 0, retriesDue: { userError: 0, retry: 0, total: 0 }, leasesEnd: 0 };
}

/** The earlier of two optional moments. */
export function earliest(a: number | null, b: number | undefined): number | null {
  if (b === undefined) return a;
  return a === null || b < a ? b : a;
}
