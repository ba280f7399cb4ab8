import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConcurClient, type AccessToken } from 'concur-partner-client';
import { createAutoConnectWorker, type MatchCandidate, type MatchResult } from 'concur-auto-connect';
import { startMockConcur, type StartedMockConcur } from 'mock-concur';

// The README's worker snippet lives here between the markers and the README must contain it
// exactly (the check below), so the documentation cannot drift from code that runs.
describe('README: the auto-connect worker in your own service', () => {
  let mock: StartedMockConcur;
  beforeAll(async () => {
    mock = await startMockConcur();
  });
  afterAll(() => mock.close());

  it('runs as written against the mock', async () => {
    const [baseUrl, consumerKey, consumerSecret, loginId, password] = [mock.url, 'demo-consumer-key', 'demo-consumer-secret', 'wsadmin@demo.example', 'demo-password'];
    const stored = new Map<string, AccessToken>();
    const findMember = (r: MatchCandidate): MatchResult | undefined => (r.loyaltyNumber?.endsWith('6') ? { outcome: 'connected', memberId: `M-${r.loyaltyNumber}` } : undefined);
    const store = (memberId: string, token: AccessToken) => void stored.set(memberId, token);
    const console = { info: () => {}, warn: () => {}, error: () => {} };
    // --- README snippet start
    const worker = createAutoConnectWorker({
      client: createConcurClient({ baseUrl, consumerKey, consumerSecret }),
      adminCredentials: { loginId, password }, // the Native flow; or adminToken
      matcher: async (request) => findMember(request) ?? { outcome: 'not-found' }, // (request, { accessToken }) to call Concur
      // → { outcome: 'connected', memberId } | 'not-found' | 'name-mismatch' | 'needs-attention' | 'retry'
      onConnected: ({ accessToken, memberId }) => store(memberId, accessToken), // also: request
      concurrency: 8,
      pollIntervalMs: 60_000,
      logger: console, // structured lines, never a token
    });
    const summary = await worker.runOnce(); // or worker.start() … await worker.stop()
    worker.prometheus(); // counters in Prometheus text format, for /metrics
    // --- README snippet end
    expect(summary).toMatchObject({ completed: true, requests: 12 });
    expect(stored.size).toBe(summary.outcomes.CRSUC);
    expect(summary.outcomes.CRSUC + summary.outcomes.CREU1).toBe(12);
    expect(summary.outcomes.CRSUC).toBeGreaterThan(0);

    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const body = source.slice(source.indexOf('// --- README snippet start\n') + 28, source.indexOf('    // --- README snippet end'));
    const snippet = body.split('\n').map((l) => l.slice(4)).join('\n');
    expect(readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')).toContain(snippet);
  });
});
