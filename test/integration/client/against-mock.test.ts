import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, startMockConcur, type StartedMockConcur } from 'mock-concur';
import { createConcurClient, MalformedResponseError, type ConcurClient, NetworkError, RequestTokenExpiredError, TimeoutError, UnauthorizedError, type ConcurClientInput } from 'concur-partner-client';

// The mock's seeded demo credentials (README "Demo credentials").
const APP = { consumerKey: DEMO.app.consumerKey, consumerSecret: DEMO.app.consumerSecret };
const ADMIN = [DEMO.admin.loginId, DEMO.admin.password] as const;
const fastRetry = { retries: 3, initialDelayMs: 1, maxDelayMs: 5, maxElapsedMs: 5_000 };

// Every case on both transports: undici's keep-alive pools (the default) and fetch.
describe.each(['undici', 'fetch'] as const)('the client against a running mock (%s)', (transport) => {
  let mock: StartedMockConcur;
  const made: ConcurClient[] = [];
  const client = (extra: Partial<ConcurClientInput> = {}) => {
    const concur = createConcurClient({ baseUrl: mock.url, ...APP, retry: fastRetry, transport, ...extra });
    made.push(concur);
    return concur;
  };

  beforeAll(async () => {
    mock = await startMockConcur();
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.state.reset());
  afterEach(async () => {
    await Promise.all(made.splice(0).map((c) => c.close()));
  });

  it.each(['json', 'xml'] as const)('signs in, polls every page, exchanges a request token and reports CRSUC (%s)', async (format) => {
    const concur = client({ format });
    const admin = await concur.nativeLogin(...ADMIN);
    expect(admin.instanceUrl).toBe(`${mock.url}/`);
    expect(admin.expiresAt.getTime()).toBeGreaterThan(mock.clock.now());

    const requests = concur.connectionRequests(admin);
    const items = [];
    for await (const page of requests.pages({ limit: 5 })) items.push(...page.items);
    expect(items).toHaveLength(12);
    expect(new Set(items.map((i) => i.id)).size).toBe(12);

    const first = items[0]!;
    const user = await concur.exchangeRequestToken(first.requestToken!);
    expect(user.token).toMatch(/^\S+$/);
    await requests.update(first.id, 'CRSUC', 'Welcome aboard');
    expect((await requests.get(first.id)).status).toBe('Connected');
  });

  it('speaks v3.0 and v3.1 too, deleting only in v3.0', async () => {
    const concur = client();
    const admin = await concur.nativeLogin(...ADMIN);
    const v30 = concur.connectionRequests(admin, { apiVersion: '3.0', format: 'xml' });
    const [item] = (await v30.list({ limit: 1 })).items;
    expect(item?.firstName).toMatch(/\S/);
    const v31 = concur.connectionRequests(admin, { apiVersion: '3.1' });
    await expect(v31.remove(item!.id)).rejects.toMatchObject({ status: 405 });
    await v30.remove(item!.id);
  });

  it('retries a GET through two injected 503s', async () => {
    const admin = await client().nativeLogin(...ADMIN);
    mock.state.faults.add({ path: '/api/v3.2/*', status: 503, times: 2 });
    const page = await client().connectionRequests(admin).list();
    expect(page.items.length).toBeGreaterThan(0);
  });

  it('retries a GET after a connection reset, and a malformed body', async () => {
    const admin = await client().nativeLogin(...ADMIN);
    mock.state.faults.add({ path: '/api/v3.2/*', reset: true, times: 1 });
    expect((await client().connectionRequests(admin).list()).items.length).toBeGreaterThan(0);
    mock.state.faults.add({ path: '/api/v3.2/*', malformedBody: true, times: 1 });
    expect((await client({ format: 'xml' }).connectionRequests(admin).list()).items.length).toBeGreaterThan(0);
  });

  it('retries a PUT after a 503 and a refresh after a reset', async () => {
    const concur = client();
    const admin = await concur.nativeLogin(...ADMIN);
    const [item] = (await concur.connectionRequests(admin).list({ limit: 1 })).items;
    mock.state.faults.add({ method: 'PUT', path: '/api/v3.2/*', status: 503, times: 1 });
    await concur.connectionRequests(admin).update(item!.id, 'CRRET');
    mock.state.faults.add({ path: '/net2/oauth2/getaccesstoken.ashx', reset: true, times: 1 });
    const refreshed = await concur.refreshAccessToken(admin.refreshToken!);
    expect(refreshed.refreshToken).toBe(admin.refreshToken);
  });

  it('times out a slow answer and succeeds on the retry', async () => {
    const admin = await client().nativeLogin(...ADMIN);
    mock.state.faults.add({ path: '/api/v3.2/*', latencyMs: 400, times: 1 });
    expect((await client({ timeoutMs: 100 }).connectionRequests(admin).list()).items.length).toBeGreaterThan(0);
  });

  it('types each fault when retrying is off', async () => {
    const admin = await client().nativeLogin(...ADMIN);
    const once = client({ retry: false, timeoutMs: 100 }).connectionRequests(admin);
    mock.state.faults.add({ path: '/api/v3.2/*', status: 503, times: 1 });
    await expect(once.list()).rejects.toMatchObject({ name: 'ConcurHttpError', status: 503, method: 'GET' });
    mock.state.faults.add({ path: '/api/v3.2/*', reset: true, times: 1 });
    await expect(once.list()).rejects.toBeInstanceOf(NetworkError);
    mock.state.faults.add({ path: '/api/v3.2/*', malformedBody: true, times: 1 });
    await expect(once.list()).rejects.toBeInstanceOf(MalformedResponseError);
    mock.state.faults.add({ path: '/api/v3.2/*', latencyMs: 400, times: 1 });
    await expect(once.list()).rejects.toBeInstanceOf(TimeoutError);
  });

  it('does not retry a request-token exchange: the 503 surfaces and the token stays usable', async () => {
    const concur = client();
    const admin = await concur.nativeLogin(...ADMIN);
    const [item] = (await concur.connectionRequests(admin).list({ limit: 1 })).items;
    const fault = mock.state.faults.add({ path: '/net2/oauth2/getaccesstoken.ashx', status: 503, times: 2 });
    await expect(concur.exchangeRequestToken(item!.requestToken!)).rejects.toMatchObject({ status: 503 });
    expect(fault.hits).toBe(1);
    mock.state.faults.clear();
    await expect(concur.exchangeRequestToken(item!.requestToken!)).resolves.toMatchObject({ token: expect.any(String) });
  });

  it('reports a request token older than 15 minutes as RequestTokenExpiredError', async () => {
    const concur = client({ format: 'xml' });
    const admin = await concur.nativeLogin(...ADMIN);
    const [item] = (await concur.connectionRequests(admin).list({ limit: 1 })).items;
    mock.clock.advance(16 * 60_000);
    const error = await concur.exchangeRequestToken(item!.requestToken!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTokenExpiredError);
    expect((error as Error).message).not.toContain(item!.requestToken!);
  });

  it('revokes a user\'s tokens, after which they are refused', async () => {
    const concur = client();
    const admin = await concur.nativeLogin(...ADMIN);
    const traveler = await concur.nativeLogin(DEMO.traveler.loginId, DEMO.traveler.password);
    await concur.revokeUserTokens(admin.token, { consumerKey: APP.consumerKey, user: DEMO.traveler.loginId });
    await expect(concur.connectionRequests(traveler).list()).rejects.toBeInstanceOf(UnauthorizedError);
    const other = await concur.nativeLogin(...ADMIN);
    await concur.revokeToken(admin.token, other.token);
    await expect(concur.connectionRequests(other).list()).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('aborts a call under way with the caller’s reason, and the client still works after', async () => {
    const concur = client({ retry: false });
    const admin = await concur.nativeLogin(...ADMIN);
    mock.state.faults.add({ path: '/api/v3.2/*', latencyMs: 400, times: 1 });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 50);
    await expect(concur.connectionRequests(admin, { signal: controller.signal }).list()).rejects.toBe(reason);
    expect((await concur.connectionRequests(admin).list()).items.length).toBeGreaterThan(0);
  });

  it('close() ends the pooled sockets; a later call opens new ones', async () => {
    const concur = client();
    const admin = await concur.nativeLogin(...ADMIN);
    await concur.close();
    await concur.close();
    expect((await concur.connectionRequests(admin).list()).items.length).toBeGreaterThan(0);
  });
});
