import { afterEach, describe, expect, it } from 'vitest';
import type { StartedMockConcur } from 'mock-concur';
import { type AccessToken } from 'concur-partner-client';
import { createAutoConnectWorker, membersMatcher, type Connection, type WorkerEvent } from 'concur-auto-connect';
import { acceptedPuts, ADMIN, APP, clientFor, DEMO_MEMBERS, finishedEvents, journal, mockWith, requestState, tokens } from './support.js';

const MINUTE = 60_000;

describe('the auto-connect worker against the mock', () => {
  let mock: StartedMockConcur;
  afterEach(() => mock?.close());

  it.each([
    ['peek', 'json', '3.2'],
    ['peek', 'xml', '3.0'],
    ['lease', 'json', '3.1'],
    ['lease', 'xml', '3.2'],
  ] as const)('settles the demo travellers with mixed outcomes (%s queue, %s, v%s)', async (queueMode, format, apiVersion) => {
    mock = await mockWith({ queueMode });
    const connected: Connection[] = [];
    const events: WorkerEvent[] = [];
    const worker = createAutoConnectWorker({
      client: clientFor(mock, { format, apiVersion }),
      adminCredentials: ADMIN,
      matcher: membersMatcher(DEMO_MEMBERS),
      onConnected: (c) => void connected.push(c),
      concurrency: 4,
      pageSize: 5,
      onEvent: (e) => events.push(e),
    });

    const summary = await worker.runOnce();

    expect(summary).toMatchObject({ completed: true, error: null, requests: 12, putFailed: 0, revoked: 4, revokeFailed: 0 });
    expect(summary.outcomes).toEqual({ CRSUC: 8, CREU1: 2, CREU2: 2, CREU3: 0, CRPA1: 0, CRPA2: 0, CRRET: 0 });
    expect(summary.slowestDeadlineMarginMs).toBeGreaterThan(13 * MINUTE);

    // The queue agrees: connected ones are final, the others wait 24 h for the user to fix things.
    const finished = finishedEvents(events);
    for (const e of finished) {
      const state = await requestState(mock, e.id);
      expect(state.lastCode).toBe(e.statusCode);
      expect(state.status).toBe(e.statusCode === 'CRSUC' ? 'Connected' : 'Retry');
    }
    expect((await mock.control.health()).connectionRequests).toMatchObject({ Pending: 0, Connected: 8 });

    // Exactly one accepted PUT per request, and the journal says which code.
    const puts = acceptedPuts(await journal(mock));
    expect(puts.size).toBe(12);
    expect([...puts.values()].every((n) => n === 1)).toBe(true);

    // The partner got working tokens for the connected users; every other token was revoked.
    expect(connected.map((c) => c.memberId).sort()).toEqual(['TDR-104418', 'TDR-104419', 'TDR-104420', 'TDR-104421', 'TDR-104422', 'TDR-104423', 'TDR-104425', 'TDR-104427']);
    const userTokens = (await tokens(mock)).filter((t) => t.origin === 'request-token');
    expect(userTokens).toHaveLength(12);
    expect(userTokens.filter((t) => t.state === 'active')).toHaveLength(8);
    expect(userTokens.filter((t) => t.state === 'revoked')).toHaveLength(4);
    const loginOf = new Map((await Promise.all(finished.map((e) => requestState(mock, e.id)))).map((s) => [s.id, s.loginId]));
    const connectedLogins = new Set(finished.filter((e) => e.statusCode === 'CRSUC').map((e) => loginOf.get(e.id)));
    for (const t of userTokens) expect(t.state).toBe(connectedLogins.has(t.loginId) ? 'active' : 'revoked');
  });

  it('gives CRPA1 to requests whose request token expired between hand-out and exchange, and nothing else breaks', async () => {
    mock = await mockWith();
    let moved = false;
    const worker = createAutoConnectWorker({
      client: clientFor(mock),
      adminCredentials: ADMIN,
      matcher: membersMatcher(DEMO_MEMBERS),
      pageSize: 10,
      // The worker keeps its own (real) time: only Concur's clock jumps, so Concur is the one to refuse.
      onEvent: (e) => {
        if (e.type === 'page-fetched' && e.fresh > 0 && !moved) {
          moved = true;
          mock.clock.advance(16 * MINUTE);
        }
      },
    });

    const summary = await worker.runOnce();

    // The first page (10) was handed out before the jump: all CRPA1. The last 2 were handed out after it.
    expect(summary).toMatchObject({ completed: true, requests: 12, putFailed: 0, revokeFailed: 0 });
    expect(summary.outcomes.CRPA1).toBe(10);
    expect(summary.outcomes.CRPA1 + summary.outcomes.CRSUC + summary.outcomes.CREU1 + summary.outcomes.CREU2).toBe(12);
    const puts = acceptedPuts(await journal(mock));
    expect([...puts.values()].every((n) => n === 1)).toBe(true);
    // CRPA1 requeues the request after an hour, with a fresh request token; it is processed again then.
    mock.clock.advance(61 * MINUTE);
    const again = await worker.runOnce();
    expect(again.requests).toBe(10);
    expect(again.outcomes.CRPA1).toBe(0);
  });

  it('does not even try a request token whose deadline passed on its own clock', async () => {
    mock = await mockWith();
    // One clock for both sides, moved by the matcher while the first page is being settled.
    let calls = 0;
    const worker = createAutoConnectWorker({
      client: clientFor(mock),
      adminCredentials: ADMIN,
      clock: mock.clock,
      concurrency: 1,
      pageSize: 10,
      matcher: () => {
        if (++calls === 1) mock.clock.advance(15 * MINUTE);
        return { outcome: 'not-found' };
      },
    });
    const summary = await worker.runOnce();
    expect(summary.outcomes).toMatchObject({ CREU1: 3, CRPA1: 9 });
    // The nine were never exchanged: no access token exists for them.
    expect((await tokens(mock)).filter((t) => t.origin === 'request-token')).toHaveLength(3);
    expect((await journal(mock)).filter((e) => e.url.includes('getaccesstoken'))).toHaveLength(3);
  });

  it('processes CRRET requests again an hour later, with fresh request tokens', async () => {
    mock = await mockWith({ demoTravelers: 3 });
    const seenTokens = new Set<string>();
    const worker = createAutoConnectWorker({
      client: clientFor(mock),
      adminCredentials: ADMIN,
      matcher: (_r, { accessToken }) => {
        seenTokens.add(accessToken.token);
        return { outcome: 'retry' };
      },
    });
    expect((await worker.runOnce()).outcomes.CRRET).toBe(3);
    expect((await worker.runOnce()).requests).toBe(0);
    mock.clock.advance(59 * MINUTE);
    expect((await worker.runOnce()).requests).toBe(0);
    mock.clock.advance(2 * MINUTE);
    const again = await worker.runOnce();
    expect(again.outcomes.CRRET).toBe(3);
    expect(seenTokens.size).toBe(6);
    expect((await tokens(mock)).filter((t) => t.origin === 'request-token' && t.state !== 'revoked')).toHaveLength(0);
  });

  it('re-obtains its administrator token when Concur revokes it mid-run', async () => {
    mock = await mockWith();
    const client = clientFor(mock);
    const events: WorkerEvent[] = [];
    let revokedOnce = false;
    let admin: AccessToken | null = null;
    const worker = createAutoConnectWorker({
      client,
      adminCredentials: ADMIN,
      matcher: membersMatcher(DEMO_MEMBERS),
      pageSize: 5,
      onEvent: async (e) => {
        events.push(e);
        if (e.type === 'page-fetched' && !revokedOnce) {
          revokedOnce = true;
          admin = await client.nativeLogin(ADMIN.loginId, ADMIN.password);
          // Revoke every token the administrator holds for the app: the worker's too.
          await client.revokeUserTokens(admin.token, { consumerKey: APP.consumerKey, user: ADMIN.loginId });
        }
      },
    });
    const summary = await worker.runOnce();
    expect(admin).not.toBeNull();
    expect(summary).toMatchObject({ completed: true, requests: 12, putFailed: 0, revokeFailed: 0 });
    expect(events.some((e) => e.type === 'admin-token' && e.action !== 'obtained')).toBe(true);
    expect(worker.metrics().adminTokenRenewals).toBeGreaterThanOrEqual(1);
  });

  it('reports a cycle that cannot read its first page, without settling anything', async () => {
    mock = await mockWith();
    const worker = createAutoConnectWorker({ client: clientFor(mock), adminCredentials: { loginId: ADMIN.loginId, password: 'wrong' }, matcher: membersMatcher(DEMO_MEMBERS) });
    const summary = await worker.runOnce();
    expect(summary.completed).toBe(false);
    expect(summary.error).toMatch(/could not be read.*403/);
    expect(summary.requests).toBe(0);
    expect(summary.error).not.toContain('wrong');
  });
});
