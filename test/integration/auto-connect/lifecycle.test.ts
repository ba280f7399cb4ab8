import { afterEach, describe, expect, it } from 'vitest';
import type { StartedMockConcur } from 'mock-concur';
import { createAutoConnectWorker, membersMatcher, type WorkerEvent } from 'concur-auto-connect';
import { ADMIN, clientFor, DEMO_MEMBERS, finishedEvents, mockWith, tokens } from './support.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the auto-connect worker, started and stopped', () => {
  let mock: StartedMockConcur;
  afterEach(() => mock?.close());

  it('polls again after pollIntervalMs and returns from the wait at once when stopped', async () => {
    mock = await mockWith({ demoTravelers: 2 });
    const waits: number[] = [];
    const secondWait = deferred();
    const events: WorkerEvent[] = [];
    const worker = createAutoConnectWorker({
      client: clientFor(mock),
      adminCredentials: ADMIN,
      matcher: membersMatcher(DEMO_MEMBERS),
      pollIntervalMs: 3_600_000,
      onEvent: (e) => events.push(e),
      // A wait that only ends early: the first returns at once (as if the hour passed), the second never does.
      sleep: (ms, signal) =>
        new Promise((resolve, reject) => {
          waits.push(ms);
          if (waits.length === 1) return resolve();
          secondWait.resolve();
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    });
    worker.start();
    expect(worker.running).toBe(true);
    await secondWait.promise;
    await worker.stop();
    expect(worker.running).toBe(false);
    expect(waits).toEqual([3_600_000, 3_600_000]);
    expect(events.filter((e) => e.type === 'cycle-finished')).toHaveLength(2);
    expect(events.at(-1)).toEqual({ type: 'stopped' });
    expect(worker.metrics()).toMatchObject({ cycles: 2, requests: 2 });
  });

  it('lets the requests in hand finish when stopped mid-cycle, and reads no further page', async () => {
    mock = await mockWith();
    const gate = deferred();
    const matching = deferred();
    const events: WorkerEvent[] = [];
    const worker = createAutoConnectWorker({
      client: clientFor(mock),
      adminCredentials: ADMIN,
      pageSize: 5,
      concurrency: 5,
      onEvent: (e) => events.push(e),
      matcher: async () => {
        matching.resolve();
        await gate.promise;
        return { outcome: 'not-found' };
      },
    });
    worker.start();
    await matching.promise;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    // The first page's five were settled in full (exchange, revoke, PUT); the other seven were never touched.
    const finished = finishedEvents(events);
    expect(finished).toHaveLength(5);
    expect(finished.every((e) => e.put === 'ok' && e.revoked === 'revoked')).toBe(true);
    expect(events.filter((e) => e.type === 'page-fetched')).toHaveLength(1);
    const summary = events.find((e) => e.type === 'cycle-finished');
    expect(summary).toMatchObject({ summary: { completed: false, requests: 5 } });
    expect((await mock.control.health()).connectionRequests).toMatchObject({ Pending: 7, Retry: 5 });
  });

  it('runs one cycle at a time: a second runOnce while one runs gets the same summary', async () => {
    mock = await mockWith({ demoTravelers: 3 });
    const worker = createAutoConnectWorker({ client: clientFor(mock), adminCredentials: ADMIN, matcher: membersMatcher(DEMO_MEMBERS) });
    const [a, b] = await Promise.all([worker.runOnce(), worker.runOnce()]);
    expect(a).toBe(b);
    expect(a.requests).toBe(3);
  });

  it('keeps failed revocations in a backlog and makes them in a later cycle', async () => {
    mock = await mockWith({ demoTravelers: 2 });
    const fault = await mock.control.addFault({ path: '/net2/oauth2/revoketoken.ashx', status: 503 });
    const worker = createAutoConnectWorker({ client: clientFor(mock), adminCredentials: ADMIN, matcher: () => ({ outcome: 'needs-attention' }) });
    const first = await worker.runOnce();
    expect(first).toMatchObject({ requests: 2, revoked: 0, revokeFailed: 2, putFailed: 0 });
    expect(worker.prometheus()).toContain('concur_auto_connect_revocation_backlog 2');
    expect((await tokens(mock)).filter((t) => t.origin === 'request-token' && t.state === 'active')).toHaveLength(2);

    await mock.control.removeFault(fault.id);
    const second = await worker.runOnce();
    expect(second).toMatchObject({ requests: 0, revoked: 2, revokeFailed: 0 });
    expect((await tokens(mock)).filter((t) => t.origin === 'request-token' && t.state === 'active')).toHaveLength(0);
  });

  it('exports its counters in Prometheus text format', async () => {
    mock = await mockWith();
    const worker = createAutoConnectWorker({ client: clientFor(mock), adminCredentials: ADMIN, matcher: membersMatcher(DEMO_MEMBERS) });
    await worker.runOnce();
    const text = worker.prometheus();
    expect(text).toContain('# TYPE concur_auto_connect_requests_total counter');
    expect(text).toContain('concur_auto_connect_requests_total{status="CRSUC"} 8');
    expect(text).toContain('concur_auto_connect_requests_total{status="CREU2"} 2');
    expect(text).toContain('concur_auto_connect_revocations_total 4');
    expect(text).toMatch(/concur_auto_connect_last_cycle_min_deadline_margin_seconds \d+/);
  });

  it('refuses options that cannot work, naming them', () => {
    const client = { consumerKey: 'k' } as never;
    const matcher = () => ({ outcome: 'retry' as const });
    expect(() => createAutoConnectWorker({ client, adminToken: 't', matcher, concurrency: 0 })).toThrow(/concurrency must be a whole number in \[1, 256\]/);
    expect(() => createAutoConnectWorker({ client, adminToken: 't', matcher, pageSize: 11 })).toThrow(/pageSize/);
    expect(() => createAutoConnectWorker({ client, adminToken: 't', matcher, safetyMarginMs: 15 * 60_000 })).toThrow(/safetyMarginMs must be shorter/);
    expect(() => createAutoConnectWorker({ client, matcher } as never)).toThrow(/adminCredentials or adminToken/);
  });
});
