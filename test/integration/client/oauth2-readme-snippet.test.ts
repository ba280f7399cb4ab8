import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConcurClient, UnauthorizedError, type ConnectionRequest } from 'concur-partner-client';
import { startMockConcur, type StartedMockConcur } from 'mock-concur';

// The README's OAuth 2.0 snippet ("Using the client"), verbatim between the markers, so it cannot drift.
describe('README: using the client with the OAuth 2.0 API', () => {
  let mock: StartedMockConcur;
  beforeAll(async () => {
    mock = await startMockConcur();
  });
  afterAll(() => mock.close());

  it('runs the documented supplier flow against the mock', async () => {
    const baseUrl = mock.url;
    const connected: unknown[] = [];
    const isOurMember = (r: ConnectionRequest) => r.loyaltyNumber !== null;
    // --- README snippet start
    const concur = createConcurClient({ baseUrl, consumerKey: 'demo-consumer-key', consumerSecret: 'demo-consumer-secret' });

    let app = await concur.clientCredentials(); // the application's own token: no administrator
    const requests = () => concur.connectionRequests(app); // v3.2, Bearer, at app.instanceUrl (its geolocation)

    for (let page = await requests().list({ limit: 10 }); page.items.length > 0; page = await requests().list({ limit: 10 })) {
      for (const request of page.items) {
        // The password grant with credtype=authtoken: the request's userId and its request token.
        const user = await concur.exchangeAuthToken(request.userId!, request.requestToken!);
        const claims = await concur.verifyIdToken(user); // RS256 against /oauth2/v0/jwks
        if (isOurMember(request)) {
          connected.push({ sub: claims.sub, token: user }); // token, refreshToken, expiresAt, flow: 'oauth2'
          await requests().update(request.id, 'CRSUC');
        } else {
          await concur.revokeConnection(user); // DELETE /app-mgmt/v0/connections
          await requests().update(request.id, 'CREU1');
        }
      }
      if (app.expiresAt.getTime() - Date.now() < 5 * 60_000) app = await concur.clientCredentials();
    }

    // Later: refresh rotates the refresh token; store the new one, the old one is spent.
    const [first] = connected as { token: Awaited<ReturnType<typeof concur.refresh>> }[];
    const renewed = await concur.refresh(first!.token);
    await concur.refresh(first!.token).catch((e) => console.log(e instanceof UnauthorizedError, e.oauth2Code, e.correlationId !== null)); // true 108 true
    // --- README snippet end
    expect(connected).toHaveLength(12);
    expect(renewed.refreshToken).not.toBe(first!.token.refreshToken);
    const health = (await (await fetch(`${mock.url}/_mock/health`)).json()) as { connectionRequests: Record<string, number> };
    expect(health.connectionRequests).toMatchObject({ Pending: 0, Connected: 12 });

    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const body = source.slice(source.indexOf('// --- README snippet start\n') + 28, source.indexOf('    // --- README snippet end'));
    const snippet = body.split('\n').map((l) => l.slice(4)).join('\n');
    expect(readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')).toContain(snippet);
  });
});
