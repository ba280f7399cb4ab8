import { afterEach, describe, expect, it } from 'vitest';
import type { StartedMockConcur } from 'mock-concur';
import { createAutoConnectWorker, membersMatcher, type Matcher, type WorkerEvent } from 'concur-auto-connect';
import { acceptedPuts, ADMIN, clientFor, DEMO_MEMBERS, expectEachRequestSettledOnce, finishedEvents, journal, mockWith } from './support.js';

/**
 * The cycle reads the next page while the last requests of the one before are still being
 * settled. In the peek queue those requests are still on the queue (not PUT yet), so the page
 * read ahead shows them again: they must be neither settled twice nor stepped over for good.
 */
describe('the worker reads the next page while the last requests are in hand', () => {
  let mock: StartedMockConcur;
  afterEach(() => mock?.close());

  it.each(['peek', 'lease'] as const)('%s queue: the held request shows on the page read ahead and is settled once', async (queueMode) => {
    mock = await mockWith({ queueMode });
    const events: WorkerEvent[] = [];
    const members = membersMatcher(DEMO_MEMBERS);
    let heldId: string | null = null;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Without a read ahead the second page never comes while the first request is held: give up then.
    const fallback = setTimeout(release, 3_000);
    const matcher: Matcher = async (request, context) => {
      if (heldId === null) {
        heldId = request.id;
        await released;
      }
      return members(request, context);
    };
    const worker = createAutoConnectWorker({
      client: clientFor(mock),
      adminCredentials: ADMIN,
      matcher,
      concurrency: 8,
      pageSize: 5,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'page-fetched' && events.filter((x) => x.type === 'page-fetched').length === 2) release();
      },
    });

    const summary = await worker.runOnce();
    clearTimeout(fallback);

    expect(summary).toMatchObject({ completed: true, error: null, requests: 12, putFailed: 0, revoked: 4, revokeFailed: 0 });
    expect(summary.outcomes).toEqual({ CRSUC: 8, CREU1: 2, CREU2: 2, CREU3: 0, CRPA1: 0, CRPA2: 0, CRRET: 0 });
    // The second page was read before the held request (the first page's first) was settled…
    const secondPage = events.filter((e) => e.type === 'page-fetched')[1]!;
    const heldFinished = finishedEvents(events).find((e) => e.id === heldId)!;
    expect(events.indexOf(secondPage)).toBeLessThan(events.indexOf(heldFinished));
    // … and, in the peek queue, showed it (and any other not PUT yet) again in the place of a new one; leased away, it did not.
    expect(secondPage).toMatchObject({ offset: 0, items: 5 });
    if (queueMode === 'peek') expect(secondPage.type === 'page-fetched' && secondPage.fresh).toBeLessThan(5);
    else expect(secondPage).toMatchObject({ fresh: 5 });
    await expectEachRequestSettledOnce(mock, events, 12);
    expect([...acceptedPuts(await journal(mock)).values()].every((n) => n === 1)).toBe(true);
  });

  it.each([
    [8, 2],
    [16, 10],
    [3, 10],
    [1, 1],
  ])('concurrency %i, pages of %i: every request settled once, the queue drained', async (concurrency, pageSize) => {
    mock = await mockWith({ demoTravelers: 12 });
    await mock.control.seedConnectionRequests({ count: 40 });
    const events: WorkerEvent[] = [];
    const worker = createAutoConnectWorker({
      client: clientFor(mock),
      adminCredentials: ADMIN,
      // Uneven work: some requests finish long after the ones read with them.
      matcher: async (request) => {
        if (Number(request.loyaltyNumber?.slice(-1) ?? 0) % 3 === 0) await new Promise((r) => setTimeout(r, 15));
        return { outcome: 'not-found' };
      },
      concurrency,
      pageSize,
      onEvent: (e) => events.push(e),
    });

    const summary = await worker.runOnce();

    expect(summary).toMatchObject({ completed: true, error: null, requests: 52, putFailed: 0 });
    await expectEachRequestSettledOnce(mock, events, 52);
    expect((await mock.control.health()).connectionRequests).toMatchObject({ Pending: 0, Processing: 0 });
  });
});
