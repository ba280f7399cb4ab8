import { afterEach, describe, expect, it } from 'vitest';
import { startMockConcur, type MockAccessToken, type StartedMockConcur } from 'mock-concur';
import { DEMO } from '../../support/mock.js';

/** The control API's lists come a page at a time: 100 000 tokens are not one 20 MiB answer. */
describe('control-API lists, paged', () => {
  let mock: StartedMockConcur | undefined;
  afterEach(async () => {
    await mock?.close();
  });

  async function mintTokens(target: StartedMockConcur, count: number): Promise<void> {
    for (let i = 0; i < count; i++) await target.control.issueAccessToken({ consumerKey: DEMO.app.consumerKey, loginId: DEMO.traveler.loginId });
  }

  it('answers at most 1 000 tokens by default, newest first, with X-Total-Count and a Link to the next page', async () => {
    mock = await startMockConcur();
    await mintTokens(mock, 1_205);
    const first = await fetch(`${mock.url}/_mock/tokens`);
    expect(first.headers.get('x-total-count')).toBe('1205');
    expect(first.headers.get('link')).toBe('</_mock/tokens?limit=1000&cursor=c205>; rel="next"');
    const page = (await first.json()) as MockAccessToken[];
    expect(page).toHaveLength(1_000);
    const last = await fetch(`${mock.url}/_mock/tokens?limit=1000&cursor=c205`);
    expect(last.headers.get('link')).toBeNull();
    expect((await last.json()) as unknown[]).toHaveLength(205);
    expect(new Date(page[0]!.issuedAt).getTime()).toBeGreaterThanOrEqual(new Date(page[999]!.issuedAt).getTime());
  });

  it('never shows a token twice or skips one when tokens are minted between two pages', async () => {
    mock = await startMockConcur();
    await mintTokens(mock, 30);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await fetch(`${mock.url}/_mock/tokens?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...((await res.json()) as MockAccessToken[]).map((t) => t.token));
      await mintTokens(mock, 2); // newer ones arrive at the front, not into the pages still to come
      const next = /cursor=(c\d+)/.exec(res.headers.get('link') ?? '');
      if (!next) break;
      cursor = next[1];
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('pages users and apps the same way, and reads every item through the client, in a sandbox too', async () => {
    mock = await startMockConcur({ demoTravelers: 25 });
    const sandbox = await mock.sandbox({ travelers: 40 });
    const users = [];
    for await (const user of sandbox.control.pages<{ loginId: string }>('/_mock/users', 10)) users.push(user.loginId);
    expect(users).toHaveLength(42);
    expect(new Set(users).size).toBe(42);
    expect(await mock.control.users({ limit: 5 })).toHaveLength(5);
    expect((await mock.control.users({ limit: 5, cursor: 'c25' })).map((u) => u.loginId)).toHaveLength(2);
    const apps = [];
    for await (const app of mock.control.pages<{ consumerKey: string }>('/_mock/apps', 1)) apps.push(app.consumerKey);
    expect(apps).toEqual([DEMO.app.consumerKey, DEMO.otherApp.consumerKey]);
  });

  it('pages connection requests from a cursor, with next in the body', async () => {
    mock = await startMockConcur({ demoTravelers: 5 });
    const first = await mock.control.connectionRequests({ limit: 3 });
    expect(first).toMatchObject({ total: 5, next: 'c3' });
    const rest = await mock.control.connectionRequests({ limit: 3, cursor: first.next! });
    expect(rest.next).toBeNull();
    expect([...first.items, ...rest.items].map((r) => r.id)).toHaveLength(5);
    expect(new Set([...first.items, ...rest.items].map((r) => r.id)).size).toBe(5);
  });

  it('refuses a cursor it never gave, and a bad limit, with 400 in the envelope', async () => {
    mock = await startMockConcur();
    for (const query of ['cursor=abc', 'cursor=c-1', 'cursor=c1e5', 'limit=0', 'limit=x', 'cursor=c99999999999999999']) {
      const res = await fetch(`${mock.url}/_mock/tokens?${query}`);
      expect(res.status, query).toBe(400);
      expect(Object.keys((await res.json()) as object)).toEqual(['Message', 'Server-Time', 'Id']);
    }
    // A cursor past the end is simply an empty page.
    expect(await (await fetch(`${mock.url}/_mock/users?cursor=c500`)).json()).toEqual([]);
  });
});
