import { describe, expect, it } from 'vitest';
import { createConcurClient, type ApiVersion, type Sleep } from 'concur-partner-client';
import { createAutoConnectWorker, InvalidWorkerOptionsError, type Matcher, type WorkerEvent, type WorkerLogger } from 'concur-auto-connect';

/**
 * A lost exchange in the legacy flow, against a small fake of Concur behind the client's
 * injectable fetch: the Native flow, `getaccesstoken.ashx` (single-use request tokens),
 * `revoketoken.ashx` (by token, or by `consumerKey` + `user` login id) and Connection Requests
 * in v3.0 (no e-mails), v3.1 (`EmailAddresses`) and v3.2 (`emailAddresses`, `userId`). Each
 * exchange can be made to lose its answer in one of the ways a network does: before Concur saw
 * it (a reset), after Concur minted the token (an unreadable body, a gateway's 504), or by being
 * slower than the client's timeout — minted when Concur gets to it, after the client gave up, or
 * still queued when the re-exchange lands (then the slow one fails as used and mints nothing).
 */
const BASE = 'https://concur.fake';
const CONSUMER_KEY = 'app-key';
type Loss = 'reset' | 'malformed' | 'gateway-504' | 'slow-minted' | 'slow-queued' | 'answered-503';

interface FakeUser {
  loginId: string;
  userId: string;
  emails: string[];
  lastName: string;
}

interface FakeToken {
  loginId: string;
  active: boolean;
}

function fakeLegacyConcur(version: ApiVersion, users: FakeUser[]) {
  const requests = users.map((u, i) => ({ id: `req-${i + 1}`, user: u, requestToken: `rt-${i + 1}`, used: false, pending: true }));
  const tokens = new Map<string, FakeToken>();
  const calls: { method: string; path: string; query: Record<string, string>; status: number }[] = [];
  /** Losses for the next exchanges, in order, one used up per exchange (null: that one answers). */
  const losses: (Loss | null)[] = [];
  /** Slow exchanges not processed yet: each runs after the next exchange Concur processes. */
  let queued: (() => void)[] = [];
  let minted = 0;

  const json = (status: number, body: unknown) => new Response(body === null ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const error = (status: number, message: string) => json(status, { Error: { Message: message, 'Server-Time': '2026-12-01T09:00:00', Id: 'E1' } });
  const accessToken = (loginId: string) => {
    const token = `0_legacy-${++minted}`;
    tokens.set(token, { loginId, active: true });
    return { Access_Token: { Instance_Url: `${BASE}/`, Token: token, Expiration_date: '12/1/2027 9:00:00 AM', Refresh_Token: `refresh-${minted}` } };
  };
  /** What Concur does with an exchange that reaches it. */
  const exchange = (code: string): Response => {
    const request = requests.find((r) => r.requestToken === code);
    if (!request) return error(400, 'Invalid request token');
    if (request.used) return error(400, 'Request token has already been used');
    request.used = true;
    return json(200, accessToken(request.user.loginId));
  };
  const item = (r: (typeof requests)[number]) => {
    const { user } = r;
    if (version === '3.0') return { ID: r.id, LastName: user.lastName, RequestToken: r.requestToken, Status: 'Pending' };
    if (version === '3.1') return { ID: r.id, LastName: user.lastName, RequestToken: r.requestToken, Status: 'Pending', EmailAddresses: Object.fromEntries(user.emails.map((e, i) => [`Email${i + 1}`, e])) };
    return { ID: r.id, lastName: user.lastName, requestToken: r.requestToken, status: 'Pending', userId: user.userId, emailAddresses: Object.fromEntries(user.emails.map((e, i) => [`email${i + 1}`, e])) };
  };

  const handle = (method: string, url: URL, signal: AbortSignal | null | undefined): Response | Promise<Response> => {
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname.toLowerCase();
    if (path === '/net2/oauth2/accesstoken.ashx') return json(200, { Access_Token: { Instance_Url: `${BASE}/`, Token: 'admin-token', Expiration_date: '12/1/2027 9:00:00 AM', Refresh_Token: 'admin-refresh' } });
    if (path === '/net2/oauth2/getaccesstoken.ashx') {
      const loss = losses.shift();
      if (loss === 'reset') return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }));
      if (loss === 'answered-503') return error(503, 'Service Unavailable');
      if (loss === 'slow-minted' || loss === 'slow-queued') {
        // Slower than the client's timeout: the client gives up (its signal aborts); Concur carries on.
        return new Promise<Response>((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            if (loss === 'slow-minted') exchange(query['code']!);
            else queued.push(() => void exchange(query['code']!));
            reject(new DOMException('This operation was aborted', 'AbortError'));
          });
        });
      }
      const answer = exchange(query['code']!);
      const waiting = queued;
      queued = [];
      for (const run of waiting) run();
      if (loss === 'malformed' && answer.status === 200) return new Response('{"Access_Token": {"Tok', { status: 200, headers: { 'Content-Type': 'application/json' } });
      if (loss === 'gateway-504') return new Response('<html>504 Gateway Time-out</html>', { status: 504, headers: { 'Content-Type': 'text/html' } });
      return answer;
    }
    if (path === '/net2/oauth2/revoketoken.ashx' && method === 'POST') {
      if (query['token'] !== undefined) {
        const t = tokens.get(query['token']);
        if (t) t.active = false;
        return new Response(null, { status: 200 });
      }
      // By login id: every token that user holds for the app.
      for (const t of tokens.values()) if (t.loginId === query['user']) t.active = false;
      return new Response(null, { status: 200 });
    }
    if (path === `/api/v${version}/common/connectionrequests` && method === 'GET') {
      const offset = Number(query['offset'] ?? 0);
      const limit = Number(query['limit'] ?? 5);
      const pending = requests.filter((r) => r.pending);
      const items = pending.slice(offset, offset + limit).map(item);
      return json(200, { Items: items, NextPage: offset + limit < pending.length ? `${BASE}/api/v${version}/common/connectionrequests?offset=${offset + limit}&limit=${limit}` : null });
    }
    if (path.startsWith(`/api/v${version}/common/connectionrequests/`) && method === 'PUT') {
      const request = requests.find((r) => r.id === decodeURIComponent(url.pathname.split('/').pop()!));
      if (!request?.pending) return error(400, 'not pending');
      request.pending = false;
      return new Response(null, { status: 204 });
    }
    return error(404, 'not here');
  };

  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    try {
      const response = await handle(method, url, init?.signal);
      calls.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: response.status });
      return response;
    } catch (e) {
      calls.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 });
      throw e;
    }
  };
  const activeTokensOf = (loginId: string) => [...tokens.values()].filter((t) => t.active && t.loginId === loginId).length;
  return { fetch, requests, tokens, calls, losses, activeTokensOf };
}

const RECHECK_MS = 1234;
const MINUTE = 60_000;

function person(n: number, lastName: string, emails?: string[]): FakeUser {
  const loginId = `login${n}@corp.example`;
  return { loginId, userId: `00000000-0000-4000-8000-00000000000${n}`, emails: emails ?? [`traveller${n}@mail.example`], lastName };
}

const byName: Matcher = (request) => (request.lastName === 'Connect' ? { outcome: 'connected', memberId: `M-${request.id}` } : { outcome: 'not-found' });

function setup(version: ApiVersion, users: FakeUser[], options: { recheckMs?: number; rechecks?: number; sleep?: Sleep; clock?: { now(): number }; onEvent?: (e: WorkerEvent) => void } = {}) {
  const concur = fakeLegacyConcur(version, users);
  const client = createConcurClient({ baseUrl: BASE, consumerKey: CONSUMER_KEY, consumerSecret: 'secret', apiVersion: version, fetch: concur.fetch, timeoutMs: 20, retry: { retries: 2, initialDelayMs: 0, maxDelayMs: 0 }, sleep: async () => {} });
  const slept: number[] = [];
  const events: WorkerEvent[] = [];
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const line = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields });
  const logger: WorkerLogger = { info: line('info'), warn: line('warn'), error: line('error') };
  const worker = createAutoConnectWorker({
    client,
    adminCredentials: { loginId: 'wsadmin@corp.example', password: 'pw' },
    matcher: byName,
    concurrency: 1,
    pageSize: 10,
    lostExchangeRecheckMs: options.recheckMs ?? RECHECK_MS,
    ...(options.rechecks !== undefined ? { lostExchangeRechecks: options.rechecks } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    // The worker's injected sleep: nothing really waits.
    sleep: options.sleep ?? (async (ms) => void slept.push(ms)),
    onEvent: (e) => {
      events.push(e);
      options.onEvent?.(e);
    },
    logger,
  });
  const finished = () => events.filter((e): e is Extract<WorkerEvent, { type: 'request-finished' }> => e.type === 'request-finished');
  const exchanges = () => concur.calls.filter((c) => c.path === '/net2/oauth2/getaccesstoken.ashx');
  const revocationsByUser = () => concur.calls.filter((c) => c.path === '/net2/oauth2/revoketoken.ashx' && c.query['user'] !== undefined);
  return { concur, worker, slept, events, lines, finished, exchanges, revocationsByUser };
}

const VERSIONS: ApiVersion[] = ['3.0', '3.1', '3.2'];

describe.each(VERSIONS)('a lost exchange in the legacy flow (v%s)', (version) => {
  it('lost before Concur saw it (a reset): the re-check exchanges the same request token and the request carries on — connected, no leak', async () => {
    const { concur, worker, slept, finished, exchanges, revocationsByUser } = setup(version, [person(1, 'Connect')]);
    concur.losses.push('reset');
    const summary = await worker.runOnce();
    expect(summary).toMatchObject({ requests: 1, possibleLeaks: 0, revoked: 0, revokeFailed: 0 });
    expect(summary.outcomes.CRSUC).toBe(1);
    expect(finished()[0]).toMatchObject({ statusCode: 'CRSUC', revoked: 'not-needed', possibleLeak: false, put: 'ok' });
    expect(exchanges().map((c) => c.query['code'])).toEqual(['rt-1', 'rt-1']);
    expect(slept).toEqual([RECHECK_MS]);
    expect(concur.activeTokensOf('login1@corp.example')).toBe(1);
    expect(revocationsByUser()).toHaveLength(0);
  });

  it('lost before Concur saw it, the match fails: the re-exchanged token is revoked by token, and only a confirmed revocation counts', async () => {
    const { concur, worker, finished, revocationsByUser } = setup(version, [person(1, 'Nobody')]);
    concur.losses.push('reset');
    const summary = await worker.runOnce();
    expect(summary).toMatchObject({ requests: 1, possibleLeaks: 0, revoked: 1, revokeFailed: 0 });
    expect(finished()[0]).toMatchObject({ statusCode: 'CREU1', revoked: 'revoked', possibleLeak: false });
    expect(concur.activeTokensOf('login1@corp.example')).toBe(0);
    expect(revocationsByUser()).toHaveLength(0);
  });

  it('lost after Concur minted the token (an unreadable body): the re-exchange is refused as used — CRPA2, a possible leak reported everywhere, nothing revoked by login id', async () => {
    const { concur, worker, lines, events, finished, exchanges, revocationsByUser } = setup(version, [person(1, 'Connect')]);
    concur.losses.push('malformed');
    const summary = await worker.runOnce();
    expect(exchanges()).toHaveLength(2);
    expect(summary).toMatchObject({ requests: 1, possibleLeaks: 1, revoked: 0, revokeFailed: 0 });
    expect(summary.outcomes.CRPA2).toBe(1);
    expect(finished()[0]).toMatchObject({ id: 'req-1', statusCode: 'CRPA2', revoked: 'failed', possibleLeak: true, put: 'ok' });
    expect(finished()[0]!.reason).toMatch(/lost .*refused .*already been used.*possible token leak/);
    expect(events.find((e) => e.type === 'possible-token-leak')).toMatchObject({ requestId: 'req-1', cycle: 1, flow: 'legacy', cause: 'refused' });
    // The token Concur minted is really out there, and the worker says so rather than pretending to revoke it.
    expect(concur.activeTokensOf('login1@corp.example')).toBe(1);
    expect(revocationsByUser()).toHaveLength(0);
    const warn = lines.filter((l) => l.level === 'warn' && l.message === 'possible token leak');
    expect(warn).toHaveLength(1);
    expect(warn[0]!.fields).toMatchObject({ requestId: 'req-1', cycle: 1, flow: 'legacy', cause: 'refused' });
    expect(JSON.stringify(lines)).not.toMatch(/rt-1|0_legacy/);
    expect(lines.find((l) => l.message === 'cycle finished')!.fields).toMatchObject({ possibleLeaks: 1 });
    expect(worker.metrics().possibleLeaks).toBe(1);
    expect(worker.prometheus()).toMatch(/# HELP concur_auto_connect_possible_token_leaks_total .+\n# TYPE concur_auto_connect_possible_token_leaks_total counter\nconcur_auto_connect_possible_token_leaks_total 1\n/);
    // Counted once: the next cycle has nothing to add.
    expect((await worker.runOnce()).possibleLeaks).toBe(0);
    expect(worker.metrics().possibleLeaks).toBe(1);
  });

  it('slower than the client’s timeout, minted after the client gave up: the re-check comes after, is refused as used, and the leak is reported, not counted as revoked', async () => {
    const { concur, worker, slept, finished, revocationsByUser } = setup(version, [person(1, 'Nobody')]);
    concur.losses.push('slow-minted');
    const summary = await worker.runOnce();
    expect(finished()[0]).toMatchObject({ statusCode: 'CRPA2', revoked: 'failed', possibleLeak: true });
    expect(slept).toEqual([RECHECK_MS]);
    expect(summary).toMatchObject({ possibleLeaks: 1, revoked: 0, revokeFailed: 0 });
    expect(finished()[0]!.reason).toMatch(/timed out|timeout/i);
    expect(concur.activeTokensOf('login1@corp.example')).toBe(1);
    expect(revocationsByUser()).toHaveLength(0);
  });

  it('slower than the client’s timeout, still queued when the re-exchange lands: the re-exchange gets the token, the slow one mints nothing — no leak', async () => {
    const { concur, worker, finished, exchanges } = setup(version, [person(1, 'Nobody')]);
    concur.losses.push('slow-queued');
    const summary = await worker.runOnce();
    expect(exchanges()).toHaveLength(2);
    expect(summary).toMatchObject({ possibleLeaks: 0, revoked: 1, revokeFailed: 0 });
    expect(finished()[0]).toMatchObject({ statusCode: 'CREU1', revoked: 'revoked', possibleLeak: false });
    expect(concur.tokens.size).toBe(1);
    expect(concur.activeTokensOf('login1@corp.example')).toBe(0);
  });

  it('a gateway’s 504 counts as lost (Concur may have acted); a 503 Concur answered itself minted nothing and is not re-checked', async () => {
    const lost = setup(version, [person(1, 'Connect')]);
    lost.concur.losses.push('gateway-504');
    expect(await lost.worker.runOnce()).toMatchObject({ possibleLeaks: 1 });
    expect(lost.exchanges()).toHaveLength(2);
    expect(lost.concur.activeTokensOf('login1@corp.example')).toBe(1);

    const answered = setup(version, [person(1, 'Connect')]);
    answered.concur.losses.push('answered-503');
    const summary = await answered.worker.runOnce();
    expect(summary).toMatchObject({ possibleLeaks: 0, revokeFailed: 0 });
    expect(summary.outcomes.CRPA2).toBe(1);
    expect(answered.exchanges()).toHaveLength(1);
    expect(answered.slept).toEqual([]);
    expect(answered.concur.tokens.size).toBe(0);
  });

  it('re-checks at most lostExchangeRechecks times, each after the injected sleep, then reports the possible leak', async () => {
    const { concur, worker, slept, events, exchanges } = setup(version, [person(1, 'Connect')], { rechecks: 3 });
    concur.losses.push('reset', 'reset', 'reset', 'reset', 'reset');
    const summary = await worker.runOnce();
    expect(exchanges()).toHaveLength(4);
    expect(slept).toEqual([RECHECK_MS, RECHECK_MS, RECHECK_MS]);
    expect(summary).toMatchObject({ possibleLeaks: 1 });
    expect(events.find((e) => e.type === 'possible-token-leak')).toMatchObject({ cause: 'unanswered' });

    const none = setup(version, [person(1, 'Connect')], { rechecks: 0 });
    none.concur.losses.push('malformed');
    expect(await none.worker.runOnce()).toMatchObject({ possibleLeaks: 1 });
    expect(none.exchanges()).toHaveLength(1);
    expect(none.slept).toEqual([]);
  });

  it('never re-checks after the request’s deadline: not when the wait would end past it, not when the clock passed it during the wait', async () => {
    // The deadline is hand-out + 15 min − 1 min. Here the exchange is lost with 10 s of it left, and the re-check would come after 20 s.
    let t = Date.UTC(2026, 11, 1, 9, 0, 0);
    const near = setup(version, [person(1, 'Connect')], {
      clock: { now: () => t },
      recheckMs: 20_000,
      sleep: () => Promise.reject(new Error('must not wait')),
      onEvent: (e) => {
        if (e.type === 'page-fetched' && e.fresh > 0) t += 14 * MINUTE - 10_000;
      },
    });
    near.concur.losses.push('malformed');
    expect(await near.worker.runOnce()).toMatchObject({ possibleLeaks: 1 });
    expect(near.exchanges()).toHaveLength(1);
    expect(near.events.find((e) => e.type === 'possible-token-leak')).toMatchObject({ cause: 'deadline' });

    // The wait itself outlasts the deadline (the injected sleep moves the clock): no re-exchange after it.
    let u = Date.UTC(2026, 11, 1, 9, 0, 0);
    const slept: number[] = [];
    const during = setup(version, [person(1, 'Connect')], {
      clock: { now: () => u },
      sleep: async (ms) => {
        slept.push(ms);
        u += 15 * MINUTE;
      },
    });
    during.concur.losses.push('reset');
    expect(await during.worker.runOnce()).toMatchObject({ possibleLeaks: 1 });
    expect(slept).toEqual([RECHECK_MS]);
    expect(during.exchanges()).toHaveLength(1);
    expect(during.events.find((e) => e.type === 'possible-token-leak')).toMatchObject({ cause: 'deadline' });
  });
});

describe('who the worker revokes for: never a user by an identity it is not sure of', () => {
  it('v3.0 carries no e-mail: a lost exchange is still reported as a possible leak, never silently dropped', async () => {
    const { concur, worker, finished, revocationsByUser } = setup('3.0', [person(1, 'Connect'), person(2, 'Connect')]);
    concur.losses.push('malformed');
    const summary = await worker.runOnce();
    // The token minted by the lost exchange is out there: the request says its revocation failed, and why.
    expect(concur.activeTokensOf('login1@corp.example')).toBe(1);
    expect(finished().find((e) => e.statusCode === 'CRPA2')).toMatchObject({ revoked: 'failed', possibleLeak: true });
    expect(summary).toMatchObject({ requests: 2, possibleLeaks: 1, revokeFailed: 0 });
    expect(summary.outcomes).toMatchObject({ CRSUC: 1, CRPA2: 1 });
    expect(revocationsByUser()).toHaveLength(0);
  });

  it.each(['3.1', '3.2'] as const)('a request whose first e-mail is another, connected user’s login id leaves that user’s token alone (v%s)', async (version) => {
    const other = person(1, 'Connect');
    // Traveller 2 lists traveller 1's login id as their first e-mail address. Traveller 1's
    // exchange answers (connected); traveller 2's loses its answer after Concur minted the token.
    const { concur, worker, finished, revocationsByUser } = setup(version, [other, person(2, 'Nobody', [other.loginId, 'traveller2@mail.example'])]);
    concur.losses.push(null, 'malformed');
    const summary = await worker.runOnce();
    // The connected user keeps a working token; nothing was revoked by login id.
    expect(concur.activeTokensOf(other.loginId)).toBe(1);
    expect(revocationsByUser()).toHaveLength(0);
    expect(summary.outcomes).toMatchObject({ CRSUC: 1 });
    expect(finished().find((e) => e.id === 'req-1')).toMatchObject({ statusCode: 'CRSUC' });
    // Traveller 2's own token, minted by the lost exchange, is reported instead.
    expect(finished().find((e) => e.id === 'req-2')).toMatchObject({ statusCode: 'CRPA2', revoked: 'failed', possibleLeak: true });
    expect(summary.possibleLeaks).toBe(1);
    expect(concur.activeTokensOf('login2@corp.example')).toBe(1);
  });

  it('refuses lostExchangeRecheckMs and lostExchangeRechecks that cannot work, naming them', () => {
    const client = createConcurClient({ baseUrl: BASE, consumerKey: 'k', consumerSecret: 's' });
    const base = { client, matcher: byName, adminToken: 't' };
    expect(() => createAutoConnectWorker({ ...base, lostExchangeRecheckMs: -1 })).toThrow(InvalidWorkerOptionsError);
    expect(() => createAutoConnectWorker({ ...base, lostExchangeRecheckMs: 1.5 })).toThrow(/lostExchangeRecheckMs/);
    expect(() => createAutoConnectWorker({ ...base, lostExchangeRechecks: -1 })).toThrow(/lostExchangeRechecks/);
    expect(() => createAutoConnectWorker({ ...base, lostExchangeRecheckMs: 0, lostExchangeRechecks: 0 })).not.toThrow();
  });
});
