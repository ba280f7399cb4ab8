import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEMO, startMockConcur, type JournalEntry, type MockAccessToken, type MockConnectionRequest, type StartedMockConcur, type MockConcurInput } from 'mock-concur';
import { createConcurClient, type ApiVersion, type ConcurClientInput, type WireFormat } from 'concur-partner-client';
import { createAutoConnectWorker, parseMembers, type AutoConnectWorker, type CycleSummary, type MatchResult, type WorkerEvent, type WorkerFlow } from 'concur-auto-connect';

export const APP = { consumerKey: DEMO.app.consumerKey, consumerSecret: DEMO.app.consumerSecret };
export const ADMIN = DEMO.admin;
export const DEMO_MEMBERS = parseMembers(readFileSync(new URL('../../../auto-connect/demo-members.csv', import.meta.url), 'utf8'), 'csv');
/** Retries that never really wait: the tests move clocks, they do not sleep. */
export const FAST_RETRY = { retries: 3, initialDelayMs: 1, maxDelayMs: 2, maxElapsedMs: 10_000 };

/**
 * A quiet mock whose journal holds every call of a test (the default keeps the last 200): the
 * invariants below are read from it, one PUT per request among hundreds of calls.
 */
export async function mockWith(options: MockConcurInput = {}): Promise<StartedMockConcur> {
  return startMockConcur({ logLevel: 'silent', journalSize: 100_000, ...options });
}

export function clientFor(mock: StartedMockConcur, extra: Partial<ConcurClientInput> = {}) {
  return createConcurClient({ baseUrl: mock.url, ...APP, retry: FAST_RETRY, timeoutMs: 5_000, ...extra });
}

export async function journal(mock: StartedMockConcur): Promise<JournalEntry[]> {
  return mock.control.journal({ limit: 10_000 });
}

export function requestState(mock: StartedMockConcur, id: string): Promise<MockConnectionRequest> {
  return mock.control.connectionRequest(id);
}

/** Every access token the mock holds, through all of `/_mock/tokens`' pages. */
export async function tokens(mock: StartedMockConcur): Promise<MockAccessToken[]> {
  const all: MockAccessToken[] = [];
  for await (const t of mock.control.pages<MockAccessToken>('/_mock/tokens')) all.push(t);
  return all;
}

/** Accepted PUTs per connection-request id, read from the mock's journal. */
export function acceptedPuts(entries: JournalEntry[]): Map<string, number> {
  const puts = new Map<string, number>();
  for (const e of entries) {
    if (e.method !== 'PUT' || e.status < 200 || e.status >= 300) continue; // a reset is journalled as status 0
    const id = decodeURIComponent(e.url.split('?')[0]!.split('/').pop()!);
    puts.set(id, (puts.get(id) ?? 0) + 1);
  }
  return puts;
}

export function finishedEvents(events: WorkerEvent[]) {
  return events.filter((e): e is Extract<WorkerEvent, { type: 'request-finished' }> => e.type === 'request-finished');
}

/**
 * The worker's outcome invariants both flows' fault tests hold: every request it saw has
 * exactly one outcome; each accepted PUT is the only one for its request; a request whose PUT
 * did not land is still awaiting one. Answers the login ids of the connected requests.
 */
export async function expectEachRequestSettledOnce(mock: StartedMockConcur, events: WorkerEvent[], expectedRequests: number): Promise<Set<string | undefined>> {
  const finished = finishedEvents(events);
  const ids = finished.map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toHaveLength(expectedRequests);

  const puts = acceptedPuts(await journal(mock));
  const login = new Map<string, string>();
  for (const e of finished) {
    const state = await requestState(mock, e.id);
    login.set(e.id, state.loginId);
    if (e.put === 'ok') {
      expect(puts.get(e.id), `accepted PUTs of ${e.id}`).toBe(1);
      expect(state.lastCode).toBe(e.statusCode);
    } else {
      expect(puts.get(e.id) ?? 0).toBe(0);
      // Still handed out (Processing) or back in the queue: Concur will offer it again.
      expect(['Pending', 'Processing']).toContain(state.status);
    }
  }
  return new Set(finished.filter((e) => e.statusCode === 'CRSUC').map((e) => login.get(e.id)));
}

export interface FaultInput {
  method?: string;
  path: string;
  latencyMs?: number;
  status?: number;
  reset?: boolean;
  malformedBody?: boolean;
  probability?: number;
  times?: number;
  seed?: number;
}

/** The versions each flow can poll: oauth2's application token only works with v3.2. */
export const FLOW_VERSIONS: [WorkerFlow, ApiVersion][] = [
  ['legacy', '3.0'],
  ['legacy', '3.1'],
  ['legacy', '3.2'],
  ['oauth2', '3.2'],
];
export const listPath = (version: ApiVersion) => `/api/v${version}/common/connectionrequests`;
/** Where each flow exchanges request tokens and revokes: the faults aimed at "the exchange" and "the revocation". */
export const EXCHANGE: Record<WorkerFlow, string> = { legacy: '/net2/oauth2/getaccesstoken.ashx', oauth2: '/oauth2/v0/token' };
export const REVOKE: Record<WorkerFlow, string> = { legacy: '/net2/oauth2/revoketoken.ashx', oauth2: '/app-mgmt/v0/connections' };
/** The user tokens a flow's exchange mints (and, in oauth2, a revocation's refresh). */
export const USER_TOKEN_ORIGINS: Record<WorkerFlow, string[]> = { legacy: ['request-token'], oauth2: ['oauth2-authtoken', 'oauth2-refresh'] };

/**
 * The fault tests' client gives up on a call after TIMEOUT_MS; a SLOW_MS exchange fault is slower
 * than that. The mock applies the latency before it handles the request and then handles it
 * although the client has gone — in legacy it mints the token after the worker gave up (a slow
 * POST's body can no longer be read, so in oauth2 nothing is minted). The worker's re-check
 * waits long enough for that to have happened: the exchange failed at TIMEOUT_MS, Concur
 * finished at SLOW_MS, so RECHECK_AFTER_SLOW_MS > SLOW_MS − TIMEOUT_MS, with room to spare.
 */
export const TIMEOUT_MS = 1_000;
export const SLOW_MS = 1_200;
export const RECHECK_AFTER_SLOW_MS = SLOW_MS - TIMEOUT_MS + 500;

/** One of each matcher answer the fault runs cycle through. */
export const ANSWERS: MatchResult[] = [{ outcome: 'connected', memberId: 'm' }, { outcome: 'not-found' }, { outcome: 'name-mismatch' }, { outcome: 'needs-attention' }, { outcome: 'retry' }];

/** Each request's answer: the next of ANSWERS when first asked, the same ever after (a re-check asks again). */
export function cyclingMatcher(): (id: string) => MatchResult {
  const answers = new Map<string, MatchResult>();
  return (id) => {
    let answer = answers.get(id);
    if (!answer) answers.set(id, (answer = ANSWERS[answers.size % ANSWERS.length]!));
    return answer;
  };
}

/**
 * The fault run's mix on every call the worker makes: list latency, 503s and unreadable
 * bodies; PUT resets and 503s; exchanges answered 503, unreadable, or slower than the client's
 * timeout; revocation resets. Seeded: the same run every time.
 */
export function faultMix(list: string, flow: WorkerFlow): FaultInput[] {
  return [
    { path: `${list}*`, latencyMs: 30, probability: 0.3, seed: 1 },
    { method: 'GET', path: list, status: 503, probability: 0.3, seed: 2 },
    { method: 'GET', path: list, malformedBody: true, probability: 0.2, seed: 3 },
    { method: 'PUT', path: `${list}/*`, reset: true, probability: 0.25, seed: 4 },
    { method: 'PUT', path: `${list}/*`, status: 503, probability: 0.2, seed: 5 },
    { path: EXCHANGE[flow], status: 503, times: 2 },
    { path: EXCHANGE[flow], malformedBody: true, times: 2 },
    { path: EXCHANGE[flow], latencyMs: SLOW_MS, times: 1 },
    { path: REVOKE[flow], reset: true, probability: 0.3, seed: 6 },
  ];
}

/**
 * The re-check wait a fault run needs: long enough for a slow exchange to have finished on the
 * mock's side; without a slow exchange every lost one (a reset: never handled; an unreadable
 * body: handled before it was sent) is settled on the mock already, and the wait can be short.
 */
export function recheckMsFor(faults: FaultInput[]): number {
  return faults.some((f) => (f.latencyMs ?? 0) > TIMEOUT_MS) ? RECHECK_AFTER_SLOW_MS : 5;
}

/**
 * In oauth2 the token endpoint also serves the client-credentials grant the worker polls with;
 * faults meant for the exchange are armed once that first grant has been answered, through the
 * client's injectable fetch, so they hit exchanges and not the application token.
 */
function armedFetch(mock: StartedMockConcur, exchangeFaults: FaultInput[]): typeof globalThis.fetch {
  let armed = exchangeFaults.length === 0;
  return async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (!armed && String(input).endsWith('/oauth2/v0/token') && response.ok) {
      armed = true;
      for (const f of exchangeFaults) await mock.control.addFault(f);
    }
    return response;
  };
}

/** Arms the faults; in oauth2 answers the fetch that arms the exchange's faults after the application token. */
export async function addFaults(mock: StartedMockConcur, flow: WorkerFlow, faults: FaultInput[]): Promise<typeof globalThis.fetch | undefined> {
  const exchange = faults.filter((f) => f.path === EXCHANGE.oauth2);
  for (const f of faults) if (!(flow === 'oauth2' && f.path === EXCHANGE.oauth2)) await mock.control.addFault(f);
  return flow === 'oauth2' ? armedFetch(mock, exchange) : undefined;
}

export interface FaultWorkerInput {
  mock: StartedMockConcur;
  flow: WorkerFlow;
  version: ApiVersion;
  format?: WireFormat;
  faults: FaultInput[];
  matcher: (id: string) => MatchResult;
  events: WorkerEvent[];
  logLines: string[];
  fetch?: typeof globalThis.fetch | undefined;
}

/**
 * The worker the fault tests run: the real client with a TIMEOUT_MS timeout, the real (short)
 * sleep before re-checks. `quiet()` resolves once every exchange the client gave up on has been
 * handled by the mock — a slow one may still be sleeping there (the worker's last re-check may
 * itself be slow) — so the tokens read after it are all there will be.
 */
export function faultWorker(input: FaultWorkerInput): { worker: AutoConnectWorker; quiet: () => Promise<void> } {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => input.logLines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const inner = input.fetch ?? globalThis.fetch;
  let lastAbandonedSentAt = 0;
  const fetch: typeof globalThis.fetch = async (request, init) => {
    const sentAt = Date.now();
    try {
      return await inner(request, init);
    } catch (error) {
      if (String(request).includes(EXCHANGE[input.flow])) lastAbandonedSentAt = Math.max(lastAbandonedSentAt, sentAt);
      throw error;
    }
  };
  const slowest = Math.max(0, ...input.faults.map((f) => f.latencyMs ?? 0));
  const worker = createAutoConnectWorker({
    client: clientFor(input.mock, { timeoutMs: TIMEOUT_MS, apiVersion: input.version, ...(input.format ? { format: input.format } : {}), fetch }),
    ...(input.flow === 'oauth2' ? { flow: input.flow } : { flow: input.flow, adminCredentials: ADMIN }),
    matcher: (r) => input.matcher(r.id),
    concurrency: 4,
    pageSize: 10,
    lostExchangeRecheckMs: recheckMsFor(input.faults),
    onEvent: (e) => input.events.push(e),
    logger: { info: line('info'), warn: line('warn'), error: line('error') },
  });
  const quiet = async () => {
    const wait = lastAbandonedSentAt + slowest + 200 - Date.now();
    if (slowest > TIMEOUT_MS && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
  return { worker, quiet };
}

export function possibleLeakEvents(events: WorkerEvent[]) {
  return events.filter((e): e is Extract<WorkerEvent, { type: 'possible-token-leak' }> => e.type === 'possible-token-leak');
}

/**
 * The invariants of a settled cycle under faults, checked through the mock itself: every request
 * the worker saw has exactly one outcome and at most one accepted PUT (see
 * expectEachRequestSettledOnce), no log line holds a secret, and every access token of a failed
 * connection still active is reported — exactly:
 *
 * - each leaked token belongs to a request the worker reported (`revoked: 'failed'`): a
 *   revocation still failing in the backlog, or a possible leak;
 * - a possible leak whose re-exchange Concur refused as used is a real leak: its user holds
 *   exactly one active token (request tokens are single-use: one of the worker's exchanges minted
 *   it, and the worker never saw it);
 * - a possible leak whose attempts were all lost (or ran into the deadline) can be a false alarm,
 *   and only when none of those attempts reached Concur's handler (resets, which the mock applies
 *   before handling; slow oauth2 POSTs, whose body it can no longer read): then no token at all
 *   was minted for that user;
 * - so: tokens left active = `revokeFailed` + `possibleLeaks` − those false alarms, and equal to
 *   `revokeFailed + possibleLeaks` whenever every possible leak was a refused re-exchange.
 */
export async function expectInvariants(mock: StartedMockConcur, flow: WorkerFlow, events: WorkerEvent[], logLines: string[], expectedRequests: number, summary: CycleSummary) {
  await expectEachRequestSettledOnce(mock, events, expectedRequests);
  const finished = finishedEvents(events);
  const loginOf = new Map<string, string>();
  for (const e of finished) loginOf.set(e.id, (await requestState(mock, e.id)).loginId);
  const connected = new Set(finished.filter((e) => e.statusCode === 'CRSUC').map((e) => loginOf.get(e.id)));
  const userTokens = (await tokens(mock)).filter((t) => USER_TOKEN_ORIGINS[flow].includes(t.origin));
  const leaked = userTokens.filter((t) => t.state === 'active' && !connected.has(t.loginId));
  const requestOf = new Map([...loginOf].map(([id, login]) => [login, id]));
  const reported = new Set(finished.filter((e) => e.revoked === 'failed').map((e) => e.id));
  for (const t of leaked) expect(reported.has(requestOf.get(t.loginId)!), `the leaked token of ${t.loginId} is reported`).toBe(true);

  const leaks = possibleLeakEvents(events);
  expect(leaks.length, 'possible-token-leak events').toBe(summary.possibleLeaks);
  expect(new Set(leaks.map((l) => l.requestId)).size).toBe(leaks.length);
  let falseAlarms = 0;
  for (const l of leaks) {
    const login = loginOf.get(l.requestId)!;
    const settled = finished.find((e) => e.id === l.requestId);
    expect(settled?.revoked, `the request of ${l.requestId}`).toBe('failed');
    if (['refused', 'unanswered', 'deadline'].includes(l.cause)) expect(settled).toMatchObject({ statusCode: 'CRPA2', possibleLeak: true });
    const active = leaked.filter((t) => t.loginId === login).length;
    if (l.cause === 'refused') expect(active, `${l.requestId}: refused as used, so a token exists`).toBe(1);
    if (active === 0) {
      falseAlarms++;
      expect(l.cause, `${l.requestId}: a false alarm only when every attempt was lost`).not.toBe('refused');
      expect(userTokens.filter((t) => t.loginId === login), `${l.requestId}: nothing was minted for ${login}`).toEqual([]);
    } else {
      expect(active).toBe(1);
    }
  }
  expect(leaked.length, 'access tokens of failed connections left active').toBe(summary.revokeFailed + summary.possibleLeaks - falseAlarms);
  if (leaks.every((l) => l.cause === 'refused')) expect(leaked.length).toBe(summary.revokeFailed + summary.possibleLeaks);

  const text = logLines.join('\n');
  expect(text.match(/warn possible token leak /g)?.length ?? 0).toBe(summary.possibleLeaks);
  expect(text).not.toMatch(/0_[A-Za-z0-9_-]{20,}/);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  expect(text).not.toContain(ADMIN.password);
  return { leaked: leaked.length, falseAlarms };
}
