import pLimit from 'p-limit';
import type { ConnectionRequest } from 'concur-partner-client';
import type { CycleSummary, EventListener, PossibleLeakCause } from './events.js';
import { emptyOutcomes } from './metrics.js';
import { describe, processRequest, REFRESH_REFUSED, type QueuedRequest, type RequestContext, type RequestOutcome } from './process-request.js';
import { RequestsInHand } from './requests-in-hand.js';
import type { BacklogPass } from './revocation-backlog.js';

export interface CycleSettings {
  cycle: number;
  concurrency: number;
  pageSize: number;
  requestTokenTtlMs: number;
  safetyMarginMs: number;
  /** Checked between pages: once true, no new page is read and the work in hand finishes. */
  stopping: () => boolean;
  /** Null when nobody listens: then no event is even built. */
  emit: EventListener | null;
}

/**
 * One polling cycle: read a page of pending requests, settle every new one on it (earliest
 * deadline first, `concurrency` at a time), read again — until a read finds nothing new.
 *
 * Pages are streamed: only the requests in hand (at most `concurrency` plus a page) are held,
 * so memory does not grow with the queue. The next read starts at offset 0 plus the requests
 * still visible ahead of it, which works for both queue behaviours Concur has documented:
 * - the current one (a GET only peeks; a PUT pops the request): settled requests vanish, so
 *   offset 0 shows the next ones — following `NextPage` while PUTting would skip requests;
 * - the older lease (a GET hands requests out and hides them): offset 0 always shows new ones.
 * A request whose PUT did not land stays visible in the first case; it is remembered and
 * stepped over, never settled twice in one cycle.
 *
 * The next page is read while the last requests of this one are still being settled (once
 * `readAheadAt` or fewer are in hand), so `concurrency` is kept busy across pages instead of
 * draining to nothing before every read. That read may still show requests in hand (peek: not
 * PUT yet, or PUT while the read was on its way): they are neither settled again nor counted
 * as ahead, since they vanish once PUT; one whose PUT fails is stepped over when a later read
 * shows it. A read that shows only requests in hand waits for them before reading again.
 */
export async function runCycle(ctx: RequestContext, settings: CycleSettings): Promise<CycleSummary> {
  const startedAt = ctx.now();
  const limit = pLimit(settings.concurrency);
  const unsettled = new Set<string>();
  const inHand = new RequestsInHand();
  const readAt = readAheadAt(settings.concurrency, settings.pageSize);
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
      // Requests in hand when the read starts may show on the page, even if PUT meanwhile.
      const shownInHand = inHand.snapshot();
      const page = await ctx.admin.withToken((admin) => ctx.connectionRequests(admin).list({ status: 'Pending', offset, limit: settings.pageSize }), ctx.signal);
      stats.pagesRead++;
      const fetchedAt = ctx.now();
      const fresh: ConnectionRequest[] = [];
      let ahead = 0;
      let stillInHand = 0;
      for (const r of page.items) {
        if (unsettled.has(r.id)) ahead++;
        else if (shownInHand.has(r.id)) stillInHand++;
        else fresh.push(r);
      }
      settings.emit?.({ type: 'page-fetched', cycle: settings.cycle, offset, items: page.items.length, fresh: fresh.length });
      // Requests left over from earlier pages sit ahead of the new ones: step over them next time.
      offset += ahead;
      if (fresh.length === 0) {
        if (stillInHand > 0) {
          // Only work in hand and requests already stepped over: read again once it is settled.
          await inHand.atMost(0);
          continue;
        }
        if (!page.nextPage || page.items.length === 0) break;
        continue;
      }
      for (const item of withDeadline(fresh, fetchedAt, settings)) {
        inHand.add(item.request.id, limit(async () => record(await processRequest(item, ctx))));
      }
      await inHand.atMost(readAt);
    }
  } catch (e) {
    error = `a page could not be read: ${describe(e)}`;
  }
  // The work in hand finishes, whatever ended the reading.
  await inHand.idle();

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
    settings.emit?.({
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
    settings.emit?.({ type: 'possible-token-leak', cycle: settings.cycle, requestId, flow: ctx.flow, cause, reason });
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

/**
 * How few requests in hand let the next page be read: a page's worth below `concurrency`, so the
 * page read then keeps every slot busy, and at least a quarter of it, so that with pages about
 * as large as `concurrency` the read still overlaps the tail of the last one. Never more, and
 * always fewer than a page: the requests in hand when a read starts may still show on its page
 * (peek: not yet PUT), each in the place of a new one — with half of `concurrency` in hand, a
 * third of the bench's pages came back taken, costing the mock half as many page reads again.
 */
function readAheadAt(concurrency: number, pageSize: number): number {
  return Math.min(Math.max(concurrency - pageSize, Math.floor(concurrency / 4)), pageSize - 1);
}
