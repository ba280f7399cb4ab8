import pLimit from 'p-limit';
import type { ConnectionRequest } from 'concur-partner-client';
import type { CycleSummary, EventListener, PossibleLeakCause } from './events.js';
import { emptyOutcomes } from './metrics.js';
import { describe, processRequest, REFRESH_REFUSED, type QueuedRequest, type RequestContext, type RequestOutcome } from './process-request.js';
import type { BacklogPass } from './revocation-backlog.js';

export interface CycleSettings {
  cycle: number;
  concurrency: number;
  pageSize: number;
  requestTokenTtlMs: number;
  safetyMarginMs: number;
  /** Checked between pages: once true, no new page is read and the work in hand finishes. */
  stopping: () => boolean;
  emit: EventListener;
}

/**
 * One polling cycle: read a page of pending requests, settle every new one on it (earliest
 * deadline first, `concurrency` at a time), read again — until a read finds nothing new.
 *
 * Pages are streamed: at most one page of requests is held at a time, so memory does not grow
 * with the queue. The next read starts at offset 0 plus the requests still visible ahead of
 * it, which works for both queue behaviours Concur has documented:
 * - the current one (a GET only peeks; a PUT pops the request): settled requests vanish, so
 *   offset 0 shows the next ones — following `NextPage` while PUTting would skip requests;
 * - the older lease (a GET hands requests out and hides them): offset 0 always shows new ones.
 * A request whose PUT did not land stays visible in the first case; it is remembered and
 * stepped over, never settled twice in one cycle.
 */
export async function runCycle(ctx: RequestContext, settings: CycleSettings): Promise<CycleSummary> {
  const startedAt = ctx.now();
  const limit = pLimit(settings.concurrency);
  const unsettled = new Set<string>();
  const outcomes = emptyOutcomes();
  const stats = { pagesRead: 0, requests: 0, putFailed: 0, revoked: 0, possibleLeaks: 0, totalMs: 0, maxMs: 0, minMargin: null as number | null };
  let offset = 0;
  let error: string | null = null;
  let stopped = false;
  // Revocations an earlier cycle could not make come first.
  backlogPass(await ctx.backlog.retry());

  try {
    for (;;) {
      if (settings.stopping()) {
        stopped = true;
        break;
      }
      const page = await ctx.admin.withToken((admin) => ctx.client.connectionRequests(admin, { signal: ctx.signal }).list({ status: 'Pending', offset, limit: settings.pageSize }), ctx.signal);
      stats.pagesRead++;
      const fetchedAt = ctx.now();
      const fresh = page.items.filter((r) => !unsettled.has(r.id));
      settings.emit({ type: 'page-fetched', cycle: settings.cycle, offset, items: page.items.length, fresh: fresh.length });
      if (fresh.length === 0) {
        if (!page.nextPage || page.items.length === 0) break;
        offset += page.items.length;
        continue;
      }
      // Requests left over from earlier pages sit ahead of the new ones: step over them next time.
      offset += page.items.length - fresh.length;
      const queue = withDeadline(fresh, fetchedAt, settings);
      await Promise.all(queue.map((item) => limit(async () => record(await processRequest(item, ctx)))));
    }
  } catch (e) {
    error = `a page could not be read: ${describe(e)}`;
  }

  // This cycle's failed revocations get one more try; what still fails is reported.
  backlogPass(await ctx.backlog.retry());
  const durationMs = ctx.now() - startedAt;
  return {
    cycle: settings.cycle,
    startedAt: new Date(startedAt),
    durationMs,
    completed: error === null && !stopped,
    error,
    pagesRead: stats.pagesRead,
    requests: stats.requests,
    outcomes,
    putFailed: stats.putFailed,
    revoked: stats.revoked,
    revokeFailed: ctx.backlog.size,
    possibleLeaks: stats.possibleLeaks,
    requestMs: { mean: stats.requests ? stats.totalMs / stats.requests : 0, max: stats.maxMs },
    slowestDeadlineMarginMs: stats.minMargin,
    requestsPerSecond: durationMs > 0 ? (stats.requests * 1000) / durationMs : 0,
  };

  function record(outcome: RequestOutcome): void {
    stats.requests++;
    outcomes[outcome.statusCode]++;
    if (outcome.put === 'failed') {
      stats.putFailed++;
      unsettled.add(outcome.id);
    }
    if (outcome.revoked === 'revoked') stats.revoked++;
    if (outcome.leakCause) possibleLeak(outcome.id, outcome.leakCause, outcome.reason);
    const ms = outcome.finishedAt - outcome.startedAt;
    stats.totalMs += ms;
    stats.maxMs = Math.max(stats.maxMs, ms);
    if (outcome.deadlineMarginMs !== null) stats.minMargin = stats.minMargin === null ? outcome.deadlineMarginMs : Math.min(stats.minMargin, outcome.deadlineMarginMs);
    settings.emit({
      type: 'request-finished',
      cycle: settings.cycle,
      id: outcome.id,
      statusCode: outcome.statusCode,
      reason: outcome.put === 'failed' ? `${outcome.reason}; the PUT failed: ${outcome.putError}` : outcome.reason,
      put: outcome.put,
      revoked: outcome.revoked,
      possibleLeak: outcome.possibleLeak,
      durationMs: ms,
      deadlineMarginMs: outcome.deadlineMarginMs ?? 0,
    });
  }

  function possibleLeak(requestId: string, cause: PossibleLeakCause, reason: string): void {
    stats.possibleLeaks++;
    settings.emit({ type: 'possible-token-leak', cycle: settings.cycle, requestId, flow: ctx.flow, cause, reason });
  }

  function backlogPass(pass: BacklogPass): void {
    stats.revoked += pass.revoked;
    for (const requestId of pass.unknown) possibleLeak(requestId, 'refresh-refused', `a revocation that waited in the backlog could not be finished: ${REFRESH_REFUSED}`);
  }
}

/**
 * Earliest deadline first, without a sort: a request token is minted when Concur hands the
 * request out, which the worker sees as the moment it read the page. Every request of a page
 * shares that deadline, and pages are settled in the order they were read, so settling in page
 * order, queue order within, is already earliest deadline first.
 */
function withDeadline(requests: ConnectionRequest[], fetchedAt: number, settings: CycleSettings): QueuedRequest[] {
  const deadline = fetchedAt + settings.requestTokenTtlMs - settings.safetyMarginMs;
  return requests.map((request) => ({ request, deadline }));
}
