import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEMO, startMockConcur, type JournalEntry, type MockAccessToken, type MockConnectionRequest, type StartedMockConcur, type MockConcurInput } from 'mock-concur';
import { createConcurClient, type ConcurClientInput } from 'concur-partner-client';
import { parseMembers, type WorkerEvent } from 'concur-auto-connect';

export const APP = { consumerKey: DEMO.app.consumerKey, consumerSecret: DEMO.app.consumerSecret };
export const ADMIN = DEMO.admin;
export const DEMO_MEMBERS = parseMembers(readFileSync(new URL('../../../auto-connect/demo-members.csv', import.meta.url), 'utf8'), 'csv');
/** Retries that never really wait: the tests move clocks, they do not sleep. */
export const FAST_RETRY = { retries: 3, initialDelayMs: 1, maxDelayMs: 2, maxElapsedMs: 10_000 };

export async function mockWith(options: MockConcurInput = {}): Promise<StartedMockConcur> {
  return startMockConcur({ logLevel: 'silent', ...options });
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

export function tokens(mock: StartedMockConcur): Promise<MockAccessToken[]> {
  return mock.control.tokens();
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
