import { InvalidWorkerOptionsError } from './invalid-options-error.js';
import type { ConcurClient, Sleep } from 'concur-partner-client';
import { abortableSleep } from './abortable-sleep.js';
import { AdminSession, type AdminAuth } from './admin-session.js';
import { AppSession } from './app-session.js';
import { connectionRequestsFor } from './connection-requests-for.js';
import { runCycle } from './cycle.js';
import { RevocationBacklog } from './revocation-backlog.js';
import type { CycleSummary, EventListener, WorkerEvent } from './events.js';
import type { Matcher } from './match-result.js';
import { addCycle, newMetrics, toPrometheus, type WorkerMetrics } from './metrics.js';
import type { Connection, WorkerFlow } from './process-request.js';
import { eventLogger, type WorkerLogger } from './worker-logger.js';

/**
 * How the worker authenticates. `legacy` (the default): a Web Services Administrator, by the
 * Native flow or a token given. `oauth2`: the current supplier flow of Concur's OAuth 2.0
 * Authentication API — the application's own client-credentials token polls Connection
 * Requests v3.2, each request token is exchanged with the password grant (`credtype=authtoken`)
 * and failed connections are ended with `DELETE /app-mgmt/v0/connections`. Only the client's
 * id and secret (its consumer key and secret) are needed.
 */
export type WorkerAuth = (AdminAuth & { flow?: 'legacy' }) | { flow: 'oauth2'; adminCredentials?: undefined; adminToken?: undefined };

export type AutoConnectWorkerOptions = WorkerAuth & {
  client: ConcurClient;
  matcher: Matcher;
  /**
   * Store the user's token with the partner account — the AccessToken, with its refresh token
   * (in oauth2 it rotates on every refresh: store each new one) — a throw turns the result into CRRET.
   */
  onConnected?: (connection: Connection) => void | Promise<void>;
  /** Requests settled at once (exchange → match → PUT). */
  concurrency?: number;
  /** Wait between cycles when running with `start()`. */
  pollIntervalMs?: number;
  /** Concur documents 15 minutes. */
  requestTokenTtlMs?: number;
  /** Deadline = hand-out + TTL − this: a token this close to expiry is given CRPA1 without trying. */
  safetyMarginMs?: number;
  /** Page size, 1–10 (Concur's maximum). */
  pageSize?: number;
  /** The worker's clock: deadlines, and (oauth2) when the application token is renewed — give the client the same one (`now`). */
  clock?: { now(): number };
  /**
   * An exchange whose answer was lost (a timeout, a reset, an unreadable body, a gateway's 504)
   * may still have minted the user's token on Concur's side: the worker waits this long — long
   * enough for that exchange to have completed there — and exchanges the same request token
   * again, unless the request's deadline would pass first. Default 5 000 ms.
   */
  lostExchangeRecheckMs?: number;
  /**
   * How many re-checks a lost exchange gets (default 2; 0: none). A re-check that answers a
   * token carries on as if the first had; one Concur refuses (the token was used), or running
   * out of re-checks, makes the request CRPA2 and a possible token leak.
   */
  lostExchangeRechecks?: number;
  /** The wait between cycles and before re-checking a lost exchange; must reject when the signal aborts (stop() aborts the first). */
  sleep?: Sleep;
  logger?: WorkerLogger;
  onEvent?: EventListener;
};

export interface WorkerSettings {
  concurrency: number;
  pollIntervalMs: number;
  requestTokenTtlMs: number;
  safetyMarginMs: number;
  pageSize: number;
  lostExchangeRecheckMs: number;
  lostExchangeRechecks: number;
}

export const workerDefaults: Readonly<WorkerSettings> = Object.freeze({
  concurrency: 8,
  pollIntervalMs: 60_000,
  requestTokenTtlMs: 15 * 60_000,
  safetyMarginMs: 60_000,
  pageSize: 10,
  lostExchangeRecheckMs: 5_000,
  lostExchangeRechecks: 2,
});

export interface AutoConnectWorker {
  /** One cycle: drain every available page; resolves with its summary (never rejects). */
  runOnce(): Promise<CycleSummary>;
  /** Cycles until `stop()`, waiting `pollIntervalMs` between them. */
  start(): void;
  /** Lets in-flight work finish, reads no new page, returns at once from the wait between cycles. */
  stop(): Promise<void>;
  readonly running: boolean;
  metrics(): WorkerMetrics;
  /** The metrics in Prometheus' text format. */
  prometheus(): string;
}

export function createAutoConnectWorker(options: AutoConnectWorkerOptions): AutoConnectWorker {
  const settings = { ...workerDefaults, ...definedOnly(options) };
  check(settings);
  const flow: WorkerFlow = options.flow ?? 'legacy';
  if (flow !== 'legacy' && flow !== 'oauth2') throw new InvalidWorkerOptionsError(`auto-connect worker: flow must be 'legacy' or 'oauth2', got '${String(flow)}'`);
  if (flow === 'legacy' && !options.adminCredentials && !options.adminToken) throw new InvalidWorkerOptionsError('auto-connect worker: give adminCredentials or adminToken (or flow: \'oauth2\', which needs neither)');
  if (flow === 'oauth2' && (options.adminCredentials || options.adminToken)) throw new InvalidWorkerOptionsError('auto-connect worker: the oauth2 flow polls with the application\'s own token; adminCredentials and adminToken are not used');
  const clock = options.clock ?? { now: () => Date.now() };
  const sleep = options.sleep ?? abortableSleep;
  const metrics = newMetrics();
  const log = options.logger ? eventLogger(options.logger) : null;
  const onEvent = options.onEvent;
  // With no listener and no logger, the cycle builds no events at all.
  const listening = onEvent !== undefined || log !== null;
  const emit = (event: WorkerEvent) => {
    onEvent?.(event);
    log?.(event);
  };
  const admin =
    flow === 'oauth2'
      ? new AppSession(options.client, () => clock.now(), (action) => {
          if (action !== 'obtained') metrics.adminTokenRenewals++;
          emit({ type: 'admin-token', action, credential: 'application' });
        })
      : new AdminSession(options.client, options.adminCredentials ? { adminCredentials: options.adminCredentials } : { adminToken: options.adminToken! }, (action) => {
          if (action !== 'obtained') metrics.adminTokenRenewals++;
          emit({ type: 'admin-token', action });
        });
  // Never aborted: in-flight requests are never cut short (stop() ends only the wait between cycles).
  const neverAborted = new AbortController().signal;
  const connectionRequests = connectionRequestsFor(options.client);
  const backlog = new RevocationBacklog();
  let cycle = 0;
  let stopping = false;
  let current: Promise<CycleSummary> | null = null;
  let loop: Promise<void> | null = null;
  let wait: AbortController | null = null;

  function runOnce(): Promise<CycleSummary> {
    // One cycle at a time: two would settle the same page twice.
    current ??= (async () => {
      const n = ++cycle;
      emit({ type: 'cycle-started', cycle: n, at: new Date(clock.now()) });
      const summary = await runCycle(
        {
          client: options.client,
          connectionRequests,
          flow,
          admin,
          matcher: options.matcher,
          onConnected: options.onConnected ?? (() => {}),
          now: () => clock.now(),
          signal: neverAborted,
          sleep,
          lostExchangeRecheckMs: settings.lostExchangeRecheckMs,
          lostExchangeRechecks: settings.lostExchangeRechecks,
          backlog,
        },
        { cycle: n, concurrency: settings.concurrency, pageSize: settings.pageSize, requestTokenTtlMs: settings.requestTokenTtlMs, safetyMarginMs: settings.safetyMarginMs, stopping: () => stopping, emit: listening ? emit : null },
      );
      addCycle(metrics, summary);
      if (summary.error) emit({ type: 'cycle-failed', cycle: n, error: summary.error });
      emit({ type: 'cycle-finished', summary });
      return summary;
    })().finally(() => {
      current = null;
    });
    return current;
  }

  return {
    runOnce,
    start() {
      if (loop) return;
      stopping = false;
      loop = (async () => {
        while (!stopping) {
          await runOnce();
          if (stopping) break;
          wait = new AbortController();
          try {
            await sleep(settings.pollIntervalMs, wait.signal);
          } catch {
            // stop() aborted the wait
          } finally {
            wait = null;
          }
        }
        emit({ type: 'stopped' });
      })().finally(() => {
        loop = null;
      });
    },
    async stop() {
      stopping = true;
      wait?.abort();
      await (loop ?? current ?? Promise.resolve());
      stopping = false;
    },
    get running() {
      return loop !== null;
    },
    metrics: () => structuredClone(metrics),
    prometheus: () => toPrometheus(metrics),
  };
}

function definedOnly(options: AutoConnectWorkerOptions): Partial<WorkerSettings> {
  const picked: Partial<WorkerSettings> = {};
  for (const key of Object.keys(workerDefaults) as (keyof WorkerSettings)[]) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}

function check(s: WorkerSettings): void {
  const whole = (name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new InvalidWorkerOptionsError(`auto-connect worker: ${name} must be a whole number in [${min}, ${max}], got ${v}`);
  };
  whole('concurrency', s.concurrency, 1, 256);
  whole('pageSize', s.pageSize, 1, 10);
  whole('pollIntervalMs', s.pollIntervalMs, 0);
  whole('requestTokenTtlMs', s.requestTokenTtlMs, 1);
  whole('safetyMarginMs', s.safetyMarginMs, 0);
  whole('lostExchangeRecheckMs', s.lostExchangeRecheckMs, 0);
  whole('lostExchangeRechecks', s.lostExchangeRechecks, 0, 100);
  if (s.safetyMarginMs >= s.requestTokenTtlMs) throw new InvalidWorkerOptionsError('auto-connect worker: safetyMarginMs must be shorter than requestTokenTtlMs');
}
