import type { ConnectionStatusCode } from 'concur-partner-client';

/**
 * What the worker tells the world, one event per step. No event carries a token, a secret or
 * the user's request token: events are meant to be logged as they are.
 */
export type WorkerEvent =
  | { type: 'cycle-started'; cycle: number; at: Date }
  | { type: 'page-fetched'; cycle: number; offset: number; items: number; fresh: number }
  | { type: 'request-finished'; cycle: number; id: string; statusCode: ConnectionStatusCode; reason: string; put: 'ok' | 'failed'; revoked: RevocationResult; durationMs: number; deadlineMarginMs: number }
  /** The token the worker polls with: the administrator's (legacy) or the application's (oauth2, `credential: 'application'`). */
  | { type: 'admin-token'; action: 'obtained' | 'refreshed' | 're-obtained'; credential?: 'administrator' | 'application' }
  | { type: 'cycle-finished'; summary: CycleSummary }
  | { type: 'cycle-failed'; cycle: number; error: string }
  | { type: 'stopped' };

/** Whether a failed connection's access token was revoked: `not-needed` when none was issued or it connected. */
export type RevocationResult = 'not-needed' | 'revoked' | 'failed';

export interface CycleSummary {
  cycle: number;
  startedAt: Date;
  durationMs: number;
  /** False when the cycle ended early: a page could not be read, or the worker was stopped. */
  completed: boolean;
  error: string | null;
  pagesRead: number;
  requests: number;
  /** One count per status code PUT (or attempted), so the counts add up to `requests`. */
  outcomes: Record<ConnectionStatusCode, number>;
  /** Requests whose PUT did not land: Concur requeues them itself (lease or next poll). */
  putFailed: number;
  /** Access tokens of failed connections revoked this cycle (including earlier cycles' backlog). */
  revoked: number;
  /**
   * Revocations still failing at the end of the cycle, after one more try: they wait in a
   * backlog and are tried again every cycle. Above zero means Concur's revocation is down.
   */
  revokeFailed: number;
  /**
   * oauth2 only: exchanges whose answer was lost (a reset, a timeout, an unreadable body), so
   * Concur may have issued a token the worker never saw — and without it, or an administrator,
   * nothing can revoke it. Counted here (their event says `revoked: 'failed'`), never retried;
   * at most this many such tokens exist. Always 0 in the legacy flow, which revokes by login id.
   */
  unrevocable: number;
  /** Per-request time from start of processing to the end of its PUT. */
  requestMs: { mean: number; max: number };
  /**
   * The smallest margin between the moment a request token was exchanged and its deadline:
   * how close the cycle came to losing one to the 15 minutes. Null when nothing was exchanged.
   */
  slowestDeadlineMarginMs: number | null;
  requestsPerSecond: number;
}

export type EventListener = (event: WorkerEvent) => void;
