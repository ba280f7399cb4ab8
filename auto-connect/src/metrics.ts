import type { ConnectionStatusCode } from 'concur-partner-client';
import type { CycleSummary } from './events.js';
import { STATUS_CODE_LIST } from './match-result.js';

/** Counters since the worker was created, for a partner's monitoring. */
export interface WorkerMetrics {
  cycles: number;
  failedCycles: number;
  requests: number;
  outcomes: Record<ConnectionStatusCode, number>;
  putFailed: number;
  revoked: number;
  revokeFailed: number;
  /** Tokens of failed connections Concur may hold that the worker could not revoke (see CycleSummary.possibleLeaks). */
  possibleLeaks: number;
  adminTokenRenewals: number;
  lastCycle: CycleSummary | null;
}

export function emptyOutcomes(): Record<ConnectionStatusCode, number> {
  return Object.fromEntries(STATUS_CODE_LIST.map((c) => [c, 0])) as Record<ConnectionStatusCode, number>;
}

export function newMetrics(): WorkerMetrics {
  return { cycles: 0, failedCycles: 0, requests: 0, outcomes: emptyOutcomes(), putFailed: 0, revoked: 0, revokeFailed: 0, possibleLeaks: 0, adminTokenRenewals: 0, lastCycle: null };
}

export function addCycle(metrics: WorkerMetrics, summary: CycleSummary): void {
  metrics.cycles++;
  if (!summary.completed) metrics.failedCycles++;
  metrics.requests += summary.requests;
  for (const code of STATUS_CODE_LIST) metrics.outcomes[code] += summary.outcomes[code];
  metrics.putFailed += summary.putFailed;
  metrics.revoked += summary.revoked;
  metrics.possibleLeaks += summary.possibleLeaks;
  // A gauge, not a sum: the backlog still failing after the last cycle.
  metrics.revokeFailed = summary.revokeFailed;
  metrics.lastCycle = summary;
}

/** The counters in Prometheus' text exposition format, ready to serve on `/metrics`. */
export function toPrometheus(metrics: WorkerMetrics, prefix = 'concur_auto_connect'): string {
  const lines: string[] = [];
  const counter = (name: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} counter`);
    for (const [labels, value] of samples) lines.push(`${prefix}_${name}${labels} ${value}`);
  };
  counter('cycles_total', 'Polling cycles run.', [['', metrics.cycles]]);
  counter('failed_cycles_total', 'Cycles that ended early (a page could not be read, or a stop).', [['', metrics.failedCycles]]);
  counter('requests_total', 'Connection requests given an outcome, by status code.', STATUS_CODE_LIST.map((c) => [`{status="${c}"}`, metrics.outcomes[c]]));
  counter('put_failures_total', 'Requests whose status PUT did not land.', [['', metrics.putFailed]]);
  counter('revocations_total', 'Access tokens of failed connections revoked, as Concur confirmed.', [['', metrics.revoked]]);
  lines.push(`# HELP ${prefix}_revocation_backlog Revocations still failing after the last cycle (retried every cycle).`, `# TYPE ${prefix}_revocation_backlog gauge`, `${prefix}_revocation_backlog ${metrics.revokeFailed}`);
  counter(
    'possible_token_leaks_total',
    'Failed connections for which Concur may hold a usable access token the worker could not revoke (an exchange whose answer was lost and could not be settled by re-checking, and the like); each is logged as "possible token leak" with its request id. The user can disconnect in the App Center.',
    [['', metrics.possibleLeaks]],
  );
  counter('admin_token_renewals_total', 'Times the token the worker polls with (the Web Services Administrator\'s, or in oauth2 the application\'s) was refreshed or re-obtained.', [['', metrics.adminTokenRenewals]]);
  if (metrics.lastCycle) {
    lines.push(`# HELP ${prefix}_last_cycle_seconds Duration of the last cycle.`, `# TYPE ${prefix}_last_cycle_seconds gauge`, `${prefix}_last_cycle_seconds ${metrics.lastCycle.durationMs / 1000}`);
    if (metrics.lastCycle.slowestDeadlineMarginMs !== null) {
      lines.push(
        `# HELP ${prefix}_last_cycle_min_deadline_margin_seconds Smallest time left on a request token when it was exchanged, last cycle.`,
        `# TYPE ${prefix}_last_cycle_min_deadline_margin_seconds gauge`,
        `${prefix}_last_cycle_min_deadline_margin_seconds ${metrics.lastCycle.slowestDeadlineMarginMs / 1000}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
