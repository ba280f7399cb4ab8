import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConcurClient, RequestTokenExpiredError, type ConnectionRequest } from 'concur-partner-client';
import { startMockConcur, type StartedMockConcur } from 'mock-concur';

// The README's "Using the client" snippet, verbatim between the markers, so it cannot drift.
describe('README: using the client', () => {
  let mock: StartedMockConcur;
  beforeAll(async () => {
    mock = await startMockConcur();
  });
  afterAll(() => mock.close());

  it('runs the documented auto-connect steps against the mock', async () => {
    const baseUrl = mock.url;
    const connected: string[] = [];
    const isOurMember = (r: ConnectionRequest) => r.loyaltyNumber !== null;
    // --- README snippet start
    const concur = createConcurClient({
      baseUrl, // https://www.concursolutions.com in production
      consumerKey: 'demo-consumer-key',
      consumerSecret: 'demo-consumer-secret',
      format: 'json', // or 'xml'
      apiVersion: '3.2', // or '3.0', '3.1'
      retry: { retries: 3 }, // idempotent calls only; a request-token exchange is never retried
    });

    const admin = await concur.nativeLogin('wsadmin@demo.example', 'demo-password');
    const requests = concur.connectionRequests(admin); // follows admin.instanceUrl

    // Each PUT pops a request from the front of Concur's queue, so a poller that PUTs as it
    // goes asks for the first page again; following NextPage would skip requests.
    // (requests.pages() follows NextPage: for reading everything before any PUT.)
    for (let page = await requests.list({ limit: 10 }); page.items.length > 0; page = await requests.list({ limit: 10 })) {
      for (const request of page.items) {
        try {
          const user = await concur.exchangeRequestToken(request.requestToken!);
          if (isOurMember(request)) {
            connected.push(user.token); // store it with the partner account
            await requests.update(request.id, 'CRSUC');
          } else {
            await concur.revokeToken(admin.token, user.token); // the seed: revoke on failure
            await requests.update(request.id, 'CREU1');
          }
        } catch (error) {
          if (error instanceof RequestTokenExpiredError) await requests.update(request.id, 'CRPA1');
          else throw error;
        }
      }
    }
    // --- README snippet end
    expect(connected).toHaveLength(12);
    const health = (await (await fetch(`${mock.url}/_mock/health`)).json()) as { connectionRequests: Record<string, number> };
    expect(health.connectionRequests).toMatchObject({ Pending: 0, Connected: 12 });

    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const body = source.slice(source.indexOf('// --- README snippet start\n') + 28, source.indexOf('    // --- README snippet end'));
    const snippet = body.split('\n').map((l) => l.slice(4)).join('\n');
    expect(readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')).toContain(snippet);
  });
});
