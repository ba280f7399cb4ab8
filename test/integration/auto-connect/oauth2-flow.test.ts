import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { StartedMockConcur } from 'mock-concur';
import { createAutoConnectWorker, membersMatcher, type Connection, type MatchResult, type WorkerEvent } from 'concur-auto-connect';
import { acceptedPuts, addFaults, ADMIN, ANSWERS, clientFor, cyclingMatcher, DEMO_MEMBERS, EXCHANGE, expectInvariants, faultMix, faultWorker, FLOW_VERSIONS, journal, listPath, mockWith, possibleLeakEvents, REVOKE, SLOW_MS, tokens, USER_TOKEN_ORIGINS } from './support.js';

/**
 * The worker's scenarios and its fault property (faults.test.ts) in both flows against the real
 * mock, in every API version the flow can poll: legacy (an administrator, /net2/oauth2) in v3.0,
 * v3.1 and v3.2, and oauth2 (the application's client-credentials token, credtype=authtoken,
 * DELETE /app-mgmt/v0/connections) in v3.2, the only version that takes an application token.
 */
describe.each(FLOW_VERSIONS)('the auto-connect worker against the mock, %s flow, v%s', (flow, version) => {
  let mock: StartedMockConcur;
  afterEach(() => mock?.close());
  const LIST = listPath(version);

  it('settles the demo travellers with mixed outcomes; failed connections end, connected ones keep working tokens', async () => {
    mock = await mockWith();
    const connected: Connection[] = [];
    const events: WorkerEvent[] = [];
    const w = createAutoConnectWorker({
      client: clientFor(mock, { apiVersion: version }),
      ...(flow === 'oauth2' ? { flow } : { flow, adminCredentials: ADMIN }),
      matcher: membersMatcher(DEMO_MEMBERS),
      onConnected: (c) => void connected.push(c),
      concurrency: 4,
      pageSize: 5,
      onEvent: (e) => events.push(e),
    });
    const summary = await w.runOnce();
    expect(summary).toMatchObject({ completed: true, error: null, requests: 12, putFailed: 0, revoked: 4, revokeFailed: 0, possibleLeaks: 0 });
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
    // Never a revocation by login id: the worker only revokes the tokens it holds.
    expect(entries.some((e) => e.url.includes('revoketoken.ashx') && e.url.includes('user='))).toBe(false);
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

  it('settles every request exactly once through latency spikes, 503 bursts, resets, malformed bodies and an exchange slower than the timeout', async () => {
    mock = await mockWith({ demoTravelers: 30 });
    const faults = faultMix(LIST, flow);
    const fetch = await addFaults(mock, flow, faults);
    const events: WorkerEvent[] = [];
    const logLines: string[] = [];
    const { worker: w, quiet } = faultWorker({ mock, flow, version, faults, matcher: cyclingMatcher(), events, logLines, fetch });
    const summary = await w.runOnce();
    await quiet();
    expect(summary.completed).toBe(true);
    // Two exchanges answered 503: nothing minted, CRPA2 without a re-check. Two unreadable answers
    // minted tokens the worker never saw: their re-checks are refused as used — CRPA2 and a
    // possible leak each. The exchange slower than the timeout: in legacy the mock mints its token
    // after the worker gave up (the same: refused, a possible leak); in oauth2 the mock can no
    // longer read the slow POST's body and mints nothing, so the re-check gets the token.
    expect(summary.outcomes.CRPA2).toBe(flow === 'legacy' ? 5 : 4);
    expect(summary.possibleLeaks).toBe(flow === 'legacy' ? 3 : 2);
    expect(possibleLeakEvents(events).every((l) => l.cause === 'refused')).toBe(true);
    expect(await expectInvariants(mock, flow, events, logLines, 30, summary)).toEqual({ leaked: summary.possibleLeaks + summary.revokeFailed, falseAlarms: 0 });
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
      // Slower than the client's timeout (see SLOW_MS).
      fc.record({ path: fc.constant(EXCHANGE[flow]), latencyMs: fc.constant(SLOW_MS), times: fc.integer({ min: 1, max: 2 }) }),
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
          const { worker: w, quiet } = faultWorker({ mock, flow, version, faults, matcher: (id) => given.get(id) ?? (given.set(id, answers[i++ % answers.length]!), given.get(id)!), events, logLines, fetch });
          const summary = await w.runOnce();
          await quiet();
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
      { numRuns: flow === 'oauth2' ? 16 : 8 },
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
