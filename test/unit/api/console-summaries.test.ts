/**
 * The console's summaries through `inject()`: `/_mock/summary` (state counts, edge counters,
 * a forecast per clock button), `/_mock/forecast`, the per-request timeline (by id, login id
 * or loyalty number) and the conversation (the journal since a cursor, with lanes and
 * filters). Two properties: a forecast equals what moving the clock then does (tokens that
 * answer "expired", Retry requests that come due, leases that end), and the edge counters
 * equal the transitions observed through the API.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MockConcurInput } from 'mock-concur';
import { advance, concurError, DAY, DEMO, HOUR, json, MIN, mockConcur, nativeToken, oauth, putStatus } from '../../support/mock.js';

type Status = 'Pending' | 'Processing' | 'Retry' | 'Connected' | 'Failed';
interface Forecast {
  seconds: number;
  label?: string;
  tokensExpire: number;
  retriesDue: { userError: number; retry: number; total: number };
  leasesEnd: number;
}
interface Summary {
  nowMs: number;
  states: Record<Status, number>;
  edges: Record<string, number> & { puts: Record<string, number> };
  forecast: Forecast[];
  rules: Record<string, number>;
  journal: { head: number; held: number };
  totals: { connectionRequests: number };
}
interface Timeline {
  request: { id: string; status: Status; loginId: string; requestToken: { secondsLeft: number; expiresAtMs: number; state: string; token: string } | null; user: { loyaltyNumber: string | null } };
  events: { kind: string; atMs: number; label: string; future: boolean }[];
  journal: { seq: number; url: string }[];
}
interface Conversation {
  head: number;
  more: boolean;
  lanes: { id: string; label: string }[];
  entries: { seq: number; lane: string; method: string; url: string; status: number; client: { kind: string; app?: string; user?: string; token?: string }; subject?: { requests?: string[]; user?: string; token?: string } }[];
}

const USER_ERRORS = ['CREU1', 'CREU2', 'CREU3'];
const CODES = ['CRSUC', 'CREU1', 'CREU2', 'CREU3', 'CRPA1', 'CRPA2', 'CRRET'];
const kindOf = (code: string | null) => (code === 'CRSUC' ? 'success' : code !== null && USER_ERRORS.includes(code) ? 'user-error' : 'retry');

async function summary(app: FastifyInstance, query = ''): Promise<Summary> {
  const res = await json<Summary>(app, { url: `/_mock/summary${query}` });
  expect(res.status).toBe(200);
  return res.body;
}

/** Every request's status and last code, settled for now (health settles every queue first). */
async function statuses(app: FastifyInstance): Promise<Map<string, { status: Status; lastCode: string | null; loginId: string }>> {
  await app.inject({ url: '/_mock/health' });
  const res = await json<{ items: { id: string; status: Status; lastCode: string | null; loginId: string }[] }>(app, { url: '/_mock/connection-requests?limit=1000' });
  return new Map(res.body.items.map((i) => [i.id, { status: i.status, lastCode: i.lastCode, loginId: i.loginId }]));
}

function expectEnvelope(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expect(Object.keys(JSON.parse(res.body) as object)).toEqual(['Message', 'Server-Time', 'Id']);
}

describe('the console summaries', () => {
  let app: FastifyInstance;
  let admin: string;
  beforeEach(async () => {
    app = await mockConcur();
    admin = (await nativeToken(app)).token;
  });
  afterEach(() => app.close());

  const list = async (limit = 5) => {
    const res = await app.inject({ url: `/api/v3.2/common/connectionrequests?limit=${limit}`, headers: { ...oauth(admin), accept: 'application/json' } });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ Items: { ID: string; requestToken: string }[] }>().Items;
    // v3.2 names the user by id: the login id comes from the control API.
    return Promise.all(items.map(async (i) => ({ ...i, loginId: (await json<{ loginId: string }>(app, { url: `/_mock/connection-requests/${i.ID}` })).body.loginId })));
  };
  const exchange = (code: string) => app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}`, headers: { accept: 'application/json' } });

  it('sums up the queue: counts as health has them, counters, rules, a forecast per clock button, the journal head', async () => {
    const s = await summary(app);
    const health = await json<{ connectionRequests: Record<Status, number> }>(app, { url: '/_mock/health' });
    expect(s.states).toEqual(health.body.connectionRequests);
    expect(s.edges).toMatchObject({ created: 12, handedOut: 0, connected: 0, requeuedAfterRetry: 0, requeuedAfterUserError: 0 });
    expect(s.rules).toEqual({ requestTokenSeconds: 900, leaseSeconds: 86400, userErrorDelaySeconds: 86400, retryDelaySeconds: 3600, maxUserErrorRequeues: 4, maxRetryRequeues: 48, maxLeaseRequeues: 48 });
    expect(s.forecast.map((f) => [f.seconds, f.label])).toEqual([
      [900, '+15 min'],
      [3600, '+1 h'],
      [86400, '+24 h'],
    ]);
    expect(s.journal.head).toBe(1); // the native-flow sign-in
    const items = await list(3);
    await putStatus(app, admin, items[0]!.ID, 'CRRET');
    const after = await summary(app);
    expect(after.states).toMatchObject({ Pending: 9, Processing: 2, Retry: 1 });
    expect(after.edges).toMatchObject({ handedOut: 3, retryRetry: 1, puts: { CRRET: 1 } });
    expect(after.forecast[0]).toMatchObject({ tokensExpire: 2, retriesDue: { total: 0 }, leasesEnd: 0 });
    expect(after.forecast[1]).toMatchObject({ tokensExpire: 2, retriesDue: { total: 1, retry: 1, userError: 0 }, leasesEnd: 0 });
    expect(after.forecast[2]).toMatchObject({ tokensExpire: 2, retriesDue: { total: 1 }, leasesEnd: 2 });
    for (const f of after.forecast) expect({ ...(await json<Forecast>(app, { url: `/_mock/forecast?seconds=${f.seconds}` })).body, label: undefined }).toEqual({ ...f, label: undefined });
    // One app's queue only.
    expect((await summary(app, `?consumerKey=${DEMO.app.consumerKey}`)).states).toEqual(after.states);
    expect((await summary(app, '?consumerKey=other-consumer-key')).states).toEqual({ Pending: 0, Processing: 0, Retry: 0, Connected: 0, Failed: 0 });
  });

  it('counts the requeue out of Retry when the clock passes it, split by the wait (1 h or 24 h)', async () => {
    const [a, b] = await list(2);
    await putStatus(app, admin, a!.ID, 'CRRET');
    await putStatus(app, admin, b!.ID, 'CREU2');
    expect((await summary(app)).edges).toMatchObject({ retryRetry: 1, userErrorRetry: 1, requeuedAfterRetry: 0, requeuedAfterUserError: 0 });
    await advance(app, HOUR);
    expect((await summary(app)).edges).toMatchObject({ requeuedAfterRetry: 1, requeuedAfterUserError: 0 });
    // Handed out and PUT again: the requeue stays counted after it left the queue.
    await list(10);
    await putStatus(app, admin, a!.ID, 'CRSUC');
    await advance(app, DAY);
    expect((await summary(app)).edges).toMatchObject({ requeuedAfterRetry: 1, requeuedAfterUserError: 1, connected: 1, leaseRequeued: 10 });
  });

  it('shows a request timeline by id, login id or loyalty number: hand-out, countdown, exchange, PUT, revocation, next availability', async () => {
    const [first] = await list(1);
    const id = first!.ID;
    await advance(app, 5 * MIN);
    const live = await json<Timeline>(app, { url: `/_mock/connection-requests/${id}/timeline` });
    expect(live.status).toBe(200);
    expect(live.body.request).toMatchObject({ id, status: 'Processing', requestToken: { secondsLeft: 600, state: 'live' } });
    expect(live.body.request.requestToken!.token).toMatch(/^.{4}….{3}$/); // masked, never the token
    expect(JSON.stringify(live.body)).not.toContain(first!.requestToken);
    expect(live.body.events.map((e) => e.kind)).toEqual(['created', 'handed-out', 'token-deadline', 'lease-ends']);
    expect(live.body.events.filter((e) => e.future).map((e) => e.kind)).toEqual(['token-deadline', 'lease-ends']);

    expect((await exchange(first!.requestToken)).statusCode).toBe(200);
    expect((await json<Timeline>(app, { url: `/_mock/connection-requests/${id}/timeline` })).body.request.requestToken!.state).toBe('used');
    await putStatus(app, admin, id, 'CREU1');
    const revoke = await app.inject({ method: 'POST', url: `/net2/oauth2/revoketoken.ashx?consumerKey=${DEMO.app.consumerKey}&user=${encodeURIComponent(first!.loginId)}`, headers: oauth(admin) });
    expect(revoke.statusCode).toBe(200);
    const done = await json<Timeline>(app, { url: `/_mock/connection-requests/${id}/timeline` });
    expect(done.body.request).toMatchObject({ status: 'Retry', requestToken: null });
    expect(done.body.events.map((e) => e.kind)).toEqual(['created', 'handed-out', 'exchanged', 'put', 'revoked', 'available']);
    expect(done.body.events.at(-1)).toMatchObject({ future: true, atMs: T(app) + DAY * 1000 });
    expect(done.body.events.find((e) => e.kind === 'put')!.label).toContain('CREU1');

    for (const find of [id, first!.loginId, first!.loginId.toUpperCase(), done.body.request.user.loyaltyNumber!]) {
      const found = await json<Timeline>(app, { url: `/_mock/timeline?find=${encodeURIComponent(find)}` });
      expect(found.status, find).toBe(200);
      expect(found.body.request.id).toBe(id);
    }
    // A final request is still found by its user.
    await advance(app, DAY);
    await list(10);
    await putStatus(app, admin, id, 'CRSUC');
    expect((await json<Timeline>(app, { url: `/_mock/timeline?find=${encodeURIComponent(first!.loginId)}` })).body.request).toMatchObject({ id, status: 'Connected' });
  });

  it('draws the conversation from a cursor: only what is new, each entry in its lane, filterable', async () => {
    const start = (await json<Conversation>(app, { url: '/_mock/conversation' })).body;
    expect(start.entries.map((e) => e.url)).toEqual(['/net2/oauth2/accesstoken.ashx']);
    expect(start.lanes).toEqual([{ id: `${DEMO.app.consumerKey}|user|${DEMO.admin.loginId}`, label: `${DEMO.app.consumerKey} · ${DEMO.admin.loginId}` }]);
    const [first, second] = await list(2);
    await exchange(first!.requestToken);
    await putStatus(app, admin, first!.ID, 'CRSUC');
    const next = (await json<Conversation>(app, { url: `/_mock/conversation?since=${start.head}` })).body;
    expect(next.entries.map((e) => e.seq)).toEqual([start.head + 1, start.head + 2, start.head + 3]);
    expect(next.entries.map((e) => e.lane)).toEqual([`${DEMO.app.consumerKey}|user|${DEMO.admin.loginId}`, `${DEMO.app.consumerKey}|secret`, `${DEMO.app.consumerKey}|user|${DEMO.admin.loginId}`]);
    expect(next.entries[1]!.client).toEqual({ kind: 'api', app: DEMO.app.consumerKey, credential: 'client-secret', agent: 'lightMyRequest' });
    expect(next.entries[1]!.url).not.toContain(first!.requestToken);
    expect(next.entries[0]!.subject).toEqual({ requests: [first!.ID, second!.ID] });
    expect((await json<Conversation>(app, { url: `/_mock/conversation?since=${next.head}` })).body.entries).toEqual([]);

    const byRequest = (await json<Conversation>(app, { url: `/_mock/conversation?request=${second!.ID}` })).body;
    expect(byRequest.entries.map((e) => e.seq)).toEqual([start.head + 1]);
    const byUser = (await json<Conversation>(app, { url: `/_mock/conversation?user=${encodeURIComponent(first!.loginId.toUpperCase())}` })).body;
    expect(byUser.entries.map((e) => e.seq)).toEqual([start.head + 2, start.head + 3]);
    const adminMasked = next.entries[0]!.client.token!;
    const byToken = (await json<Conversation>(app, { url: `/_mock/conversation?maskedToken=${encodeURIComponent(adminMasked)}` })).body;
    expect(byToken.entries.map((e) => e.seq)).toEqual([1, start.head + 1, start.head + 3]);
    // The whole token works too (compared masked), and is not in the answer.
    const byRaw = await app.inject({ url: `/_mock/conversation?maskedToken=${admin}` });
    expect(byRaw.json<Conversation>().entries.map((e) => e.seq)).toEqual([1, start.head + 1, start.head + 3]);
    expect(byRaw.body).not.toContain(admin);
    const limited = (await json<Conversation>(app, { url: '/_mock/conversation?limit=2' })).body;
    expect([limited.more, limited.entries.map((e) => e.seq)]).toEqual([true, [3, 4]]);
  });

  it('puts the browser in a lane of its own, with the signed-in user', async () => {
    const page = await app.inject({ url: '/signin' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    await app.inject({ method: 'POST', url: '/signin', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/139.0.0.0 Safari/537.36' }, payload: new URLSearchParams({ _csrf: csrf, loginId: DEMO.traveler.loginId, password: DEMO.traveler.password }).toString() });
    const c = (await json<Conversation>(app, { url: '/_mock/conversation?since=1' })).body;
    expect(c.lanes).toEqual([{ id: 'browser', label: 'Browser (Concur pages)' }]);
    expect(c.entries.map((e) => [e.method, e.url.split('?')[0], e.client])).toEqual([
      ['GET', '/signin', { kind: 'browser', agent: 'lightMyRequest' }],
      ['POST', '/signin', { kind: 'browser', user: DEMO.traveler.loginId, agent: 'Chrome 139' }],
    ]);
  });

  it.each([
    ['/_mock/summary?consumerKey=no-such-app', 400],
    ['/_mock/summary?consumerKey=a&consumerKey=b', 400],
    ['/_mock/forecast', 400],
    ['/_mock/forecast?seconds=0', 400],
    ['/_mock/forecast?seconds=1.5', 400],
    ['/_mock/forecast?seconds=-60', 400],
    ['/_mock/forecast?seconds=999999999999', 400],
    ['/_mock/forecast?seconds=60&consumerKey=nope', 400],
    ['/_mock/timeline', 400],
    ['/_mock/timeline?find=', 400],
    [`/_mock/timeline?find=${'x'.repeat(300)}`, 400],
    ['/_mock/timeline?find=nobody%40nowhere.example', 404],
    ['/_mock/connection-requests/not-a-request/timeline', 404],
    ['/_mock/conversation?since=-1', 400],
    ['/_mock/conversation?since=abc', 400],
    ['/_mock/conversation?limit=0', 400],
    [`/_mock/conversation?request=${'r'.repeat(200)}`, 400],
    ['/_mock/conversation?user=a&user=b', 400],
  ])('refuses %s with %i in the control envelope', async (url, status) => {
    expectEnvelope(await app.inject({ url }), status);
  });

  it('answers a wrong method on the new paths with 405 and Allow', async () => {
    for (const url of ['/_mock/summary', '/_mock/forecast', '/_mock/timeline', '/_mock/conversation', '/_mock/connection-requests/x/timeline']) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(res.statusCode, url).toBe(405);
      expect(res.headers.allow).toBe('GET');
      expect(concurError(res).Message).toMatch(/does not support http method/i);
    }
  });
});

function T(app: FastifyInstance): number {
  return app.mock.clock.now();
}

describe('counters and forecasts at restart', () => {
  it('start the edge counters at 0 after a --state-dir restart, and forecast the restored queue as before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mock-concur-console-'));
    try {
      const first = await mockConcur({ stateDir: dir });
      const admin = (await nativeToken(first)).token;
      const items = (await first.inject({ url: '/api/v3.2/common/connectionrequests?limit=4', headers: { ...oauth(admin), accept: 'application/json' } })).json<{ Items: { ID: string }[] }>().Items;
      await putStatus(first, admin, items[0]!.ID, 'CRRET');
      await putStatus(first, admin, items[1]!.ID, 'CREU3');
      await advance(first, HOUR);
      const before = await summary(first);
      expect(before.edges).toMatchObject({ handedOut: 4, requeuedAfterRetry: 1 });
      await first.close();
      const second = await mockConcur({ stateDir: dir });
      const after = await summary(second);
      expect(after.states).toEqual(before.states);
      expect(after.forecast).toEqual(before.forecast);
      // Counted from the restart: the CRRET requeue happened before it.
      expect(after.edges).toMatchObject({ created: 0, handedOut: 0, retryRetry: 0, requeuedAfterRetry: 0, requeuedAfterUserError: 0 });
      await advance(second, DAY);
      expect((await summary(second)).edges).toMatchObject({ requeuedAfterUserError: 1, requeuedAfterRetry: 0, leaseRequeued: 2 });
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------
// Properties: random lifecycles, small limits so every edge is reachable
// ---------------------------------------------------------------------------------------

type Op = { kind: 'list'; limit: number } | { kind: 'put'; pick: number; code: string } | { kind: 'exchange'; pick: number } | { kind: 'advance'; seconds: number } | { kind: 'create'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('list' as const), limit: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('put' as const), pick: fc.nat(), code: fc.constantFrom(...CODES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('exchange' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.oneof(fc.constantFrom(60, 600, 899, 900, 901, 3599, 3600, 7200, 86399, 86400, 90000), fc.integer({ min: 1, max: 200_000 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), pick: fc.nat() }) },
);
const setup = fc.record({
  queueMode: fc.constantFrom('peek' as const, 'lease' as const),
  queue: fc.record({ maxUserErrorRequeues: fc.integer({ min: 0, max: 2 }), maxRetryRequeues: fc.integer({ min: 0, max: 2 }), maxLeaseRequeues: fc.integer({ min: 0, max: 2 }) }),
});

/** A small world driven through the API, remembering every request token it was handed. */
class World {
  readonly tokens = new Map<string, string>();
  reminted = 0;
  puts: Record<string, number> = Object.fromEntries(CODES.map((c) => [c, 0]));
  private constructor(
    readonly app: FastifyInstance,
    private readonly admin: string,
  ) {}

  static async open(options: MockConcurInput): Promise<World> {
    const app = await mockConcur({ demoTravelers: 6, ...options });
    return new World(app, (await nativeToken(app)).token);
  }

  async run(o: Op, ids: readonly string[], before: Map<string, { status: Status; loginId: string }>): Promise<void> {
    const { app } = this;
    if (o.kind === 'list') {
      const res = await app.inject({ url: `/api/v3.2/common/connectionrequests?limit=${o.limit}`, headers: { ...oauth(this.admin), accept: 'application/json' } });
      for (const item of res.json<{ Items: { ID: string; requestToken: string }[] }>().Items) {
        const old = this.tokens.get(item.ID);
        if (before.get(item.ID)?.status === 'Processing' && old !== undefined && old !== item.requestToken) this.reminted++;
        this.tokens.set(item.ID, item.requestToken);
      }
    } else if (o.kind === 'put' && ids.length) {
      const res = await putStatus(app, this.admin, ids[o.pick % ids.length]!, o.code);
      if (res.statusCode === 204) this.puts[o.code]!++;
    } else if (o.kind === 'exchange' && this.tokens.size) {
      const code = [...this.tokens.values()][o.pick % this.tokens.size]!;
      await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
    } else if (o.kind === 'advance') {
      await advance(app, o.seconds);
    } else if (o.kind === 'create' && before.size) {
      const loginIds = [...new Set([...before.values()].map((r) => r.loginId))];
      await app.inject({ method: 'POST', url: '/_mock/connection-requests', payload: { loginId: loginIds[o.pick % loginIds.length] } });
    }
  }
}

describe('console summaries as properties', () => {
  it('forecasts exactly what moving the clock then does: tokens that answer expired, Retry requests that come due, leases that end', async () => {
    await fc.assert(
      fc.asyncProperty(setup, fc.array(op, { maxLength: 14 }), fc.oneof(fc.constantFrom(900, 3600, 86400), fc.integer({ min: 1, max: 3 * 86400 })), async (options, ops, step) => {
        const w = await World.open(options);
        try {
          for (const o of ops) {
            const before = await statuses(w.app);
            await w.run(o, [...before.keys()], before);
          }
          const before = await statuses(w.app);
          const forecast = (await json<Forecast>(w.app, { url: `/_mock/forecast?seconds=${step}` })).body;
          const buttons = (await summary(w.app)).forecast;
          const button = buttons.find((f) => f.seconds === step);
          if (button) expect({ ...button, label: undefined }).toEqual({ ...forecast, label: undefined });
          // Tokens live now, of requests handed out now.
          const live: string[] = [];
          for (const [id, r] of before) {
            if (r.status !== 'Processing') continue;
            const t = (await json<Timeline>(w.app, { url: `/_mock/connection-requests/${id}/timeline` })).body;
            if (t.request.requestToken && t.request.requestToken.secondsLeft > 0) live.push(w.tokens.get(id)!);
          }
          const edgesBefore = (await summary(w.app)).edges;
          await advance(w.app, step);
          const after = await statuses(w.app);
          let expired = 0;
          for (const code of live) {
            const res = await w.app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}`, headers: { accept: 'application/json' } });
            if (res.statusCode === 400 && /expired/i.test(res.body)) expired++;
          }
          const came = (kind: string) => [...before].filter(([id, r]) => r.status === 'Retry' && after.get(id)!.status === 'Pending' && (kind === 'any' || kindOf(after.get(id)!.lastCode) === kind)).length;
          const ended = [...before].filter(([id, r]) => r.status === 'Processing' && after.get(id)!.status !== 'Processing').length;
          expect({ tokensExpire: expired, retriesDue: { total: came('any'), userError: came('user-error'), retry: came('retry') }, leasesEnd: ended }).toEqual({
            tokensExpire: forecast.tokensExpire,
            retriesDue: forecast.retriesDue,
            leasesEnd: forecast.leasesEnd,
          });
          const edgesAfter = (await summary(w.app)).edges;
          expect(edgesAfter.leaseRequeued! + edgesAfter.leaseFailed! - edgesBefore.leaseRequeued! - edgesBefore.leaseFailed!).toBe(forecast.leasesEnd);
          expect(edgesAfter.requeuedAfterRetry! + edgesAfter.requeuedAfterUserError! - edgesBefore.requeuedAfterRetry! - edgesBefore.requeuedAfterUserError!).toBe(forecast.retriesDue.total);
        } finally {
          await w.app.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('counts every edge as the API shows the requests taking it', async () => {
    await fc.assert(
      fc.asyncProperty(setup, fc.array(op, { maxLength: 18 }), async (options, ops) => {
        const w = await World.open(options);
        try {
          const seen: Record<string, number> = { created: 0, handedOut: 0, connected: 0, userErrorRetry: 0, userErrorFailed: 0, retryRetry: 0, retryFailed: 0, leaseRequeued: 0, leaseFailed: 0, requeuedAfterUserError: 0, requeuedAfterRetry: 0 };
          // The seeded requests were created before the first look.
          seen['created'] = (await statuses(w.app)).size;
          for (const o of ops) {
            const before = await statuses(w.app);
            await w.run(o, [...before.keys()], before);
            const after = await statuses(w.app);
            for (const [id, now] of after) {
              const was = before.get(id)?.status;
              if (was === undefined) {
                seen['created']!++;
                continue;
              }
              if (was === now.status) continue;
              const kind = kindOf(now.lastCode);
              const key =
                now.status === 'Processing'
                  ? 'handedOut'
                  : now.status === 'Connected'
                    ? 'connected'
                    : now.status === 'Retry'
                      ? kind === 'user-error'
                        ? 'userErrorRetry'
                        : 'retryRetry'
                      : now.status === 'Failed'
                        ? o.kind === 'advance'
                          ? 'leaseFailed'
                          : kind === 'user-error'
                            ? 'userErrorFailed'
                            : 'retryFailed'
                        : was === 'Retry'
                          ? kind === 'user-error'
                            ? 'requeuedAfterUserError'
                            : 'requeuedAfterRetry'
                          : 'leaseRequeued';
              seen[key]!++;
            }
          }
          const { edges } = await summary(w.app);
          expect(Object.fromEntries(Object.keys(seen).map((k) => [k, edges[k]]))).toEqual(seen);
          expect(edges.puts).toEqual(w.puts);
          expect(edges['tokensReminted']).toBe(w.reminted);
        } finally {
          await w.app.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
