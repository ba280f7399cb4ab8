import type { ConnectionStatusCode } from 'concur-partner-client';
import type { WorkerFlow } from './process-request.js';

/**
 * What the worker tells the world, one event per step. No event carries a token, a secret or
 * the user's request token: events are meant to be logged as they are.
 */
export type WorkerEvent =
  | { type: 'cycle-started'; cycle: number; at: Date }
  | { type: 'page-fetched'; cycle: number; offset: number; items: number; fresh: number }
  /** `possibleLeak`: Concur may hold a token of this failed connection that the worker could not revoke (`revoked` is then `'failed'`). */
  | { type: 'request-finished'; cycle: number; id: string; statusCode: ConnectionStatusCode; reason: string; put: 'ok' | 'failed'; revoked: RevocationResult; possibleLeak: boolean; durationMs: number; deadlineMarginMs: number }
  /** One per possible leak (see `PossibleLeakCause`), for the request it belongs to: counted in `CycleSummary.possibleLeaks`. */
  | { type: 'possible-token-leak'; cycle: number; requestId: string; flow: WorkerFlow; cause: PossibleLeakCause; reason: string }
  /** The token the worker polls with: the administrator's (legacy) or the application's (oauth2, `credential: 'application'`). */
  | { type: 'admin-token'; action: 'obtained' | 'refreshed' | 're-obtained'; credential?: 'administrator' | 'application' }
  | { type: 'cycle-finished'; summary: CycleSummary }
  | { type: 'cycle-failed'; cycle: number; error: string }
  | { type: 'stopped' };

/**
 * Whether a failed connection's access token was revoked: `revoked` only when Concur confirmed
 * it; `not-needed` when none was issued, it connected, or Concur already refused the token as
 * invalid with nothing left to renew it; `failed` when it waits in the backlog or may have leaked.
 */
export type RevocationResult = 'not-needed' | 'revoked' | 'failed';

/**
 * Why Concur may hold a token of a failed connection that the worker cannot revoke (it only ever
 * revokes a token it holds; a connection request names no login id to revoke by):
 * - `refused`: an exchange's answer was lost and Concur refused the re-exchange of the same
 *   request token (used, expired): the lost exchange may have minted a token the worker never saw;
 * - `unanswered`: every exchange attempt (the first and `lostExchangeRechecks` re-checks) was lost;
 * - `deadline`: an exchange was lost and the request's deadline came before it could be re-checked;
 * - `backlog-full`: a token the worker holds could not be revoked and the backlog was full;
 * - `refresh-refused` (oauth2): ending the connection needed a refresh Concur refused — the
 *   connection may have ended already, or a lost refresh may have rotated the token.
 */
export type PossibleLeakCause = 'refused' | 'unanswered' | 'deadline' | 'backlog-full' | 'refresh-refused';

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
   * Tokens of failed connections that Concur may hold and the worker could not revoke (see
   * `PossibleLeakCause`): each also has a `possible-token-leak` event and warn line naming its
   * request. At most this many such tokens exist; with `revokeFailed`, every token of a failed
   * connection that may still be usable is counted here or there.
   */
  possibleLeaks: number;
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
