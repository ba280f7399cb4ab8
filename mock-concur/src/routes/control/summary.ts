import type { FastifyInstance } from 'fastify';
import type { QueueForecast } from '../../domain/queue-forecast.js';
import type { MockState } from '../../state.js';
import { appKeyParam, secondsParam } from './console-params.js';
import { iso } from './views.js';

/** The console's clock buttons: the forecast is given for each. */
export const CLOCK_STEPS = [
  { seconds: 900, label: '+15 min' },
  { seconds: 3600, label: '+1 h' },
  { seconds: 86400, label: '+24 h' },
] as const;

/** As far as `POST /_mock/clock/advance` may move the clock at once. */
const MAX_FORECAST_SECONDS = 100 * 365 * 86400;

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function forecastBody(forecast: QueueForecast, now: number, label?: string) {
  return {
    seconds: forecast.stepMs / 1000,
    ...(label === undefined ? {} : { label }),
    until: iso(now + forecast.stepMs),
    tokensExpire: forecast.tokensExpire,
    retriesDue: forecast.retriesDue,
    leasesEnd: forecast.leasesEnd,
  };
}

/**
 * Everything the console's pictures need in one answer, each part O(log n) per app from the
 * queue's counters and ordered indexes (never a walk over the requests): state counts, edge
 * counters, the lifecycle's rules, a forecast per clock button, the next events, the journal's
 * head (the conversation's cursor) and totals.
 */
export function summaryBody(mock: MockState, appKey?: string) {
  const now = mock.clock.now();
  const { queue, tokens, directory } = mock.world;
  const policy = queue.policySettings;
  const next = queue.nextEvents(now, appKey);
  return {
    now: iso(now),
    nowMs: now,
    clock: { mode: mock.clock.mode, offsetSeconds: mock.clock.offsetMs() / 1000 },
    queueMode: queue.mode,
    consumerKey: appKey ?? null,
    states: queue.counts(now, appKey),
    edges: queue.edges(now, appKey),
    rules: {
      requestTokenSeconds: tokens.requestTokenTtlMs / 1000,
      leaseSeconds: policy.leaseMs / 1000,
      userErrorDelaySeconds: policy.userErrorDelayMs / 1000,
      retryDelaySeconds: policy.retryDelayMs / 1000,
      maxUserErrorRequeues: policy.maxUserErrorRequeues,
      maxRetryRequeues: policy.maxRetryRequeues,
      maxLeaseRequeues: policy.maxLeaseRequeues,
    },
    forecast: CLOCK_STEPS.map((step) => forecastBody(queue.forecast(now, step.seconds * 1000, appKey), now, step.label)),
    next: { tokenExpiresAt: isoOrNull(next.tokenExpiresAt), retryDueAt: isoOrNull(next.retryDueAt), leaseEndsAt: isoOrNull(next.leaseEndsAt) },
    journal: { head: mock.journal.head, held: mock.journal.size },
    totals: { connectionRequests: queue.size(), users: directory.userCount(), apps: directory.appCount(), tokens: tokens.recordCounts() },
  };
}

export type SummaryBody = ReturnType<typeof summaryBody>;

/** `GET /_mock/summary` and `GET /_mock/forecast?seconds=`, optionally for one app (`consumerKey=`). */
export async function summaryRoutes(app: FastifyInstance): Promise<void> {
  app.get('/_mock/summary', async (request) => summaryBody(request.mock, appKeyParam(request.mock, request.query as Record<string, unknown>)));

  app.get('/_mock/forecast', async (request) => {
    const { mock } = request;
    const query = request.query as Record<string, unknown>;
    const seconds = secondsParam(query, MAX_FORECAST_SECONDS);
    const appKey = appKeyParam(mock, query);
    const now = mock.clock.now();
    return forecastBody(mock.world.queue.forecast(now, seconds * 1000, appKey), now);
  });
}
