import { readFileSync } from 'node:fs';
import { startMockConcur, type StartedMockConcur } from '../../../mock-concur/testing.js';
import type { MockConcurInput } from '../../../mock-concur/options.js';
import { createConcurClient, parseMembers, type ConcurClientInput, type WorkerEvent } from '../../../client/index.js';

export const APP = { consumerKey: 'demo-consumer-key', consumerSecret: 'demo-consumer-secret' };
export const ADMIN = { loginId: 'wsadmin@demo.example', password: 'demo-password' };
export const DEMO_MEMBERS = parseMembers(readFileSync(new URL('../../../client/auto-connect/demo-members.csv', import.meta.url), 'utf8'), 'csv');
/** Retries that never really wait: the tests move clocks, they do not sleep. */
export const FAST_RETRY = { retries: 3, initialDelayMs: 1, maxDelayMs: 2, maxElapsedMs: 10_000 };

export async function mockWith(options: MockConcurInput = {}): Promise<StartedMockConcur> {
  return startMockConcur({ logLevel: 'silent', ...options });
}

export function clientFor(mock: StartedMockConcur, extra: Partial<ConcurClientInput> = {}) {
  return createConcurClient({ baseUrl: mock.url, ...APP, retry: FAST_RETRY, timeoutMs: 5_000, ...extra });
}

export interface JournalEntry {
  seq: number;
  method: string;
  url: string;
  status: number;
  note?: string;
  fault?: string;
}

export async function journal(mock: StartedMockConcur): Promise<JournalEntry[]> {
  const res = await mock.app.inject({ url: '/_mock/journal?limit=10000' });
  return res.json();
}

export async function controlJson<T>(mock: StartedMockConcur, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<T> {
  const res = await mock.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}) });
  if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return (res.body ? res.json() : undefined) as T;
}

export interface RequestState {
  id: string;
  loginId: string;
  status: string;
  lastCode: string | null;
}

export function requestState(mock: StartedMockConcur, id: string): Promise<RequestState> {
  return controlJson<RequestState>(mock, 'GET', `/_mock/connection-requests/${encodeURIComponent(id)}`);
}

export interface TokenView {
  token: string;
  consumerKey: string;
  loginId: string;
  origin: string;
  state: 'active' | 'revoked' | 'expired';
}

export function tokens(mock: StartedMockConcur): Promise<TokenView[]> {
  return controlJson<TokenView[]>(mock, 'GET', '/_mock/tokens');
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
