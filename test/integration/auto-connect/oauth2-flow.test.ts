import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { StartedMockConcur } from 'mock-concur';
import { createAutoConnectWorker, membersMatcher, type Connection, type CycleSummary, type MatchResult, type WorkerEvent, type WorkerFlow } from 'concur-auto-connect';
import { acceptedPuts, ADMIN, clientFor, DEMO_MEMBERS, expectEachRequestSettledOnce, journal, mockWith, tokens } from './support.js';

/**
 * The worker's scenarios and its fault property (faults.test.ts) in both flows against the real
 * mock: legacy (an administrator, /net2/oauth2) and oauth2 (the application's client-credentials
 * token, credtype=authtoken, DELETE /app-mgmt/v0/connections).
 */
interface FaultInput {
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

const LIST = '/api/v3.2/common/connectionrequests';
const FLOWS: WorkerFlow[] = ['legacy', 'oauth2'];
const ANSWERS: MatchResult[] = [{ outcome: 'connected', memberId: 'm' }, { outcome: 'not-found' }, { outcome: 'name-mismatch' }, { outcome: 'needs-attention' }, { outcome: 'retry' }];
/** Where each flow exchanges request tokens and revokes: the faults aimed at "the exchange" and "the revocation". */
const EXCHANGE: Record<WorkerFlow, string> = { legacy: '/net2/oauth2/getaccesstoken.ashx', oauth2: '/oauth2/v0/token' };
const REVOKE: Record<WorkerFlow, string> = { legacy: '/net2/oauth2/revoketoken.ashx', oauth2: '/app-mgmt/v0/connections' };
/** The user tokens a flow's exchange mints (and, in oauth2, a revocation's refresh). */
const USER_TOKEN_ORIGINS: Record<WorkerFlow, string[]> = { legacy: ['request-token'], oauth2: ['oauth2-authtoken', 'oauth2-refresh'] };

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

async function addFaults(mock: StartedMockConcur, flow: WorkerFlow, faults: FaultInput[]): Promise<typeof globalThis.fetch | undefined> {
  const exchange = faults.filter((f) => f.path === EXCHANGE.oauth2);
  for (const f of faults) if (!(flow === 'oauth2' && f.path === EXCHANGE.oauth2)) await mock.control.addFault(f);
  return flow === 'oauth2' ? armedFetch(mock, exchange) : undefined;
}

async function expectInvariants(mock: StartedMockConcur, flow: WorkerFlow, events: WorkerEvent[], logLines: string[], expectedRequests: number, summary: CycleSummary) {
  const connectedLogins = await expectEachRequestSettledOnce(mock, events, expectedRequests);
  const leaked = (await tokens(mock)).filter((t) => USER_TOKEN_ORIGINS[flow].includes(t.origin) && t.state === 'active' && !connectedLogins.has(t.loginId));
  // Reported, never hidden: legacy leaks exactly the revocations the summary says failed. In
  // oauth2 an exchange whose answer was lost may or may not have minted a token (a reset before
  // or after Concur acted), which nothing can revoke: those are counted apart, as an upper bound.
  if (flow === 'legacy') expect(summary.unrevocable, 'unrevocable exchanges').toBe(0);
  expect(leaked.length, 'access tokens of failed connections left active').toBeGreaterThanOrEqual(summary.revokeFailed);
  expect(leaked.length, 'access tokens of failed connections left active').toBeLessThanOrEqual(summary.revokeFailed + summary.unrevocable);
  const text = logLines.join('\n');
  expect(text).not.toMatch(/0_[A-Za-z0-9_-]{20,}/);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  expect(text).not.toContain(ADMIN.password);
}

function worker(mock: StartedMockConcur, flow: WorkerFlow, matcher: (id: string) => MatchResult, events: WorkerEvent[], logLines: string[], fetch?: typeof globalThis.fetch) {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => logLines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return createAutoConnectWorker({
    client: clientFor(mock, { timeoutMs: 2_000, ...(fetch ? { fetch } : {}) }),
    ...(flow === 'oauth2' ? { flow } : { flow, adminCredentials: ADMIN }),
    matcher: (r) => matcher(r.id),
    concurrency: 4,
    pageSize: 10,
    onEvent: (e) => events.push(e),
    logger: { info: line('info'), warn: line('warn'), error: line('error') },
  });
}

describe.each(FLOWS)('the auto-connect worker against the mock, %s flow', (flow) => {
  let mock: StartedMockConcur;
  afterEach(() => mock?.close());

  it('settles the demo travellers with mixed outcomes; failed connections end, connected ones keep working tokens', async () => {
    mock = await mockWith();
    const connected: Connection[] = [];
    const events: WorkerEvent[] = [];
    const w = createAutoConnectWorker({
      client: clientFor(mock),
      ...(flow === 'oauth2' ? { flow } : { flow, adminCredentials: ADMIN }),
      matcher: membersMatcher(DEMO_MEMBERS),
      onConnected: (c) => void connected.push(c),
      concurrency: 4,
      pageSize: 5,
      onEvent: (e) => events.push(e),
    });
    const summary = await w.runOnce();
    expect(summary).toMatchObject({ completed: true, error: null, requests: 12, putFailed: 0, revoked: 4, revokeFailed: 0 });
    expect(summary.outcomes).toEqual({ CRSUC: 8, CREU1: 2, CREU2: 2, CREU3: 0, CRPA1: 0, CRPA2: 0, CRRET: 0 });
    expect((await mock.control.health()).connectionRequests).toMatchObject({ Pending: 0, Connected: 8 });
    const puts = acceptedPuts(await journal(mock));
    expect(puts.size).toBe(12);
    expect([...puts.values()].every((x) => x === 1)).toBe(true);
    const users = (await tokens(mock)).filter((t) => USER_TOKEN_ORIGINS[flow].includes(t.origin));
    expect(users).toHaveLength(12);
    expect(users.filter((t) => t.state === 'active')).toHaveLength(8);
    for (const c of connected) {
      expect(c.accessToken.refreshToken).toBeTruthy();
      expect(c.accessToken.flow ?? 'legacy').toBe(flow);
    }
    const entries = await journal(mock);
    if (flow === 'oauth2') {
      // No administrator anywhere: the app's own token polled and PUT, the users' own tokens ended their connections.
      expect(entries.some((e) => e.url.startsWith('/net2/'))).toBe(false);
      expect(entries.filter((e) => e.method === 'DELETE' && e.url.startsWith(REVOKE.oauth2) && e.status === 200)).toHaveLength(4);
      // The tokens handed over work: a connected user's refresh token rotates, and the id token verifies against the JWKS.
      const client = clientFor(mock);
      const first = connected[0]!.accessToken;
      const renewed = await client.refresh(first);
      expect(renewed.refreshToken).not.toBe(first.refreshToken);
      await expect(client.verifyIdToken(first)).resolves.toMatchObject({ aud: APP_KEY });
    } else {
      expect(entries.some((e) => e.url.startsWith('/oauth2/v0/'))).toBe(false);
    }
  });

  it('settles every request exactly once through latency spikes, 503 bursts, resets and malformed bodies', async () => {
    mock = await mockWith({ demoTravelers: 30 });
    const fetch = await addFaults(mock, flow, [
      { path: `${LIST}*`, latencyMs: 30, probability: 0.3, seed: 1 },
      { method: 'GET', path: LIST, status: 503, probability: 0.3, seed: 2 },
      { method: 'GET', path: LIST, malformedBody: true, probability: 0.2, seed: 3 },
      { method: 'PUT', path: `${LIST}/*`, reset: true, probability: 0.25, seed: 4 },
      { method: 'PUT', path: `${LIST}/*`, status: 503, probability: 0.2, seed: 5 },
      { path: EXCHANGE[flow], status: 503, times: 2 },
      { path: EXCHANGE[flow], malformedBody: true, times: 2 },
      { path: REVOKE[flow], reset: true, probability: 0.3, seed: 6 },
    ]);
    const events: WorkerEvent[] = [];
    const logLines: string[] = [];
    const answers = new Map<string, MatchResult>();
    const w = worker(mock, flow, (id) => answers.get(id) ?? (answers.set(id, ANSWERS[answers.size % ANSWERS.length]!), answers.get(id)!), events, logLines, fetch);
    const summary = await w.runOnce();
    expect(summary.completed).toBe(true);
    // Two exchanges answered 503 and two with an unreadable body: the network errors.
    expect(summary.outcomes.CRPA2).toBe(4);
    // In oauth2 the two unreadable answers may have minted tokens nothing can revoke (no admin).
    expect(summary.unrevocable).toBe(flow === 'oauth2' ? 2 : 0);
    await expectInvariants(mock, flow, events, logLines, 30, summary);
  });

  it('holds its invariants for any mix of matcher answers and faults (property)', async () => {
    const chance = (max: number) => fc.double({ min: 0.05, max, noNaN: true });
    const fault = fc.oneof(
      fc.record({ method: fc.constant('GET'), path: fc.constant(LIST), status: fc.constantFrom(500, 502, 503), probability: chance(0.4), seed: fc.nat(1000) }),
      fc.record({ method: fc.constant('GET'), path: fc.constant(LIST), malformedBody: fc.constant(true), probability: chance(0.4), seed: fc.nat(1000) }),
      fc.record({ method: fc.constant('PUT'), path: fc.constant(`${LIST}/*`), reset: fc.constant(true), probability: chance(0.5), seed: fc.nat(1000) }),
      fc.record({ method: fc.constant('PUT'), path: fc.constant(`${LIST}/*`), status: fc.constantFrom(502, 503), probability: chance(0.5), seed: fc.nat(1000) }),
      fc.record({ path: fc.constant(EXCHANGE[flow]), status: fc.constantFrom(500, 503), times: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ path: fc.constant(EXCHANGE[flow]), malformedBody: fc.constant(true), times: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ path: fc.constant(EXCHANGE[flow]), reset: fc.constant(true), times: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ path: fc.constant(REVOKE[flow]), status: fc.constant(503), probability: chance(0.4), seed: fc.nat(1000) }),
      fc.record({ path: fc.constant(`${LIST}*`), latencyMs: fc.integer({ min: 1, max: 15 }), probability: chance(0.5), seed: fc.nat(1000) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fault, { maxLength: 4 }), fc.array(fc.constantFrom(...ANSWERS), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 25 }), async (faults, answers, travellers) => {
        mock = await mockWith({ demoTravelers: travellers });
        try {
          const fetch = await addFaults(mock, flow, faults);
          const events: WorkerEvent[] = [];
          const logLines: string[] = [];
          let i = 0;
          const given = new Map<string, MatchResult>();
          const w = worker(mock, flow, (id) => given.get(id) ?? (given.set(id, answers[i++ % answers.length]!), given.get(id)!), events, logLines, fetch);
          const summary = await w.runOnce();
          if (!summary.completed) {
            expect(summary.error).toMatch(/could not be read/);
            await expectInvariants(mock, flow, events, logLines, summary.requests, summary);
            return;
          }
          await expectInvariants(mock, flow, events, logLines, travellers, summary);
        } finally {
          await mock.close();
        }
      }),
      { numRuns: 20 },
    );
  });
});

const APP_KEY = 'demo-consumer-key';

describe('the oauth2 flow over time, against the mock', () => {
  let mock: StartedMockConcur;
  afterEach(() => mock?.close());

  it('renews the application token before its hour runs out on the mock’s clock, and CRPA1 after 16 minutes', async () => {
    mock = await mockWith({ demoTravelers: 2 });
    const clock = { now: () => mock.clock.now() };
    const events: WorkerEvent[] = [];
    const w = createAutoConnectWorker({ flow: 'oauth2', client: clientFor(mock, { now: clock.now }), clock, matcher: () => ({ outcome: 'not-found' }), onEvent: (e) => events.push(e) });
    expect((await w.runOnce()).requests).toBe(2);
    await mock.control.addConnectionRequest({ loginId: 'traveler@demo.example' });
    await mock.control.advanceClock(57 * 60);
    expect((await w.runOnce()).requests).toBe(1);
    expect(events.filter((e) => e.type === 'admin-token').map((e) => (e as { action: string }).action)).toEqual(['obtained', 're-obtained']);
    const grants = (await journal(mock)).filter((e) => e.method === 'POST' && e.url.startsWith('/oauth2/v0/token'));
    expect(grants.every((e) => e.status === 200)).toBe(true);
  });
});
