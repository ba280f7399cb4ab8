import { describe, expect, it } from 'vitest';
import { createConcurClient, type AccessToken } from 'concur-partner-client';
import { createAutoConnectWorker, InvalidWorkerOptionsError, runCli, type Connection, type Matcher, type WorkerEvent } from 'concur-auto-connect';

/**
 * A small fake of Concur's current supplier flow behind the client's injectable fetch: the
 * real client and the real worker, talking to /oauth2/v0 and Connection Requests v3.2. It
 * records every call with its Authorization so the tests can say who used which token.
 */
const BASE = 'https://concur.fake';
const HOUR = 3_600_000;

interface FakeRequest {
  id: string;
  userId: string | null;
  email: string;
  lastName: string;
  requestToken: string;
  status: 'Pending' | 'Done';
  code?: string;
}

interface Call {
  method: string;
  path: string;
  auth: string | null;
  form: Record<string, string>;
  status: number;
}

function fakeConcur(clock: { now(): number }, people: { lastName: string; userId?: string | null }[]) {
  let n = 0;
  const requests = new Map<string, FakeRequest>();
  for (const p of people) {
    n++;
    requests.set(`req-${n}`, { id: `req-${n}`, userId: p.userId === undefined ? `user-${n}` : p.userId, email: `u${n}@example.com`, lastName: p.lastName, requestToken: `rt-${n}`, status: 'Pending' });
  }
  const appTokens = new Map<string, number>();
  const userTokens = new Map<string, { userId: string; refresh: string; expiresAt: number; active: boolean }>();
  const calls: Call[] = [];
  /**
   * `exchange`: 'lost' mints the token and cuts the answer, 'used' refuses as used, 'reset-once'
   * fails the next exchange before it reaches Concur. `refreshLost`: the next refresh rotates
   * the refresh token and cuts the answer (the client's retry is then refused: 108).
   */
  const faults: { exchange?: 'lost' | 'used' | 'reset-once'; revoke503?: number; appTokenRefused?: number; refreshLost?: boolean } = {};
  let minted = 0;

  const json = (status: number, body: unknown) => new Response(body === null ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', 'concur-correlationid': 'c0ffee00c0ffee00c0ffee00c0ffee00' } });
  const oauthError = (status: number, error: string, code: number, description: string) => json(status, { error, error_description: description, code });
  const userToken = (userId: string) => {
    const token = `user-at-${++minted}`;
    const refresh = `user-rt-${minted}`;
    userTokens.set(token, { userId, refresh, expiresAt: clock.now() + HOUR, active: true });
    return { expires_in: 3600, scope: 'CONREQ', token_type: 'Bearer', access_token: token, refresh_token: refresh, refresh_expires_in: Math.floor(clock.now() / 1000) + 15_552_000, geolocation: BASE, id_token: 'id.jwt' };
  };

  const handle = (method: string, url: URL, auth: string | null, form: Record<string, string>): Response => {
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : null;
    if (method === 'POST' && url.pathname === '/oauth2/v0/token') {
      if (form['client_id'] !== 'app-id' || form['client_secret'] !== 'app-secret') return oauthError(401, 'invalid_client', 64, 'Incorrect credentials. Please Retry');
      if (form['grant_type'] === 'client_credentials') {
        const token = `app-at-${++minted}`;
        appTokens.set(token, clock.now() + HOUR);
        return json(200, { expires_in: 3600, scope: 'CONREQ', token_type: 'Bearer', access_token: token, geolocation: BASE });
      }
      if (form['grant_type'] === 'password' && form['credtype'] === 'authtoken') {
        if (faults.exchange === 'reset-once') {
          delete faults.exchange;
          throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
        }
        const request = [...requests.values()].find((r) => r.requestToken === form['password']);
        if (!request || (request.userId ?? request.email) !== form['username'] || faults.exchange === 'used') return oauthError(400, 'invalid_grant', 5, 'Incorrect credentials. Please Retry');
        request.requestToken = `spent-${request.id}`;
        const body = userToken(form['username']);
        if (faults.exchange === 'lost') return new Response('{"expires_in": 36', { status: 200, headers: { 'Content-Type': 'application/json' } });
        return json(200, body);
      }
      if (form['grant_type'] === 'refresh_token') {
        const old = [...userTokens.entries()].find(([, t]) => t.refresh === form['refresh_token'] && t.active);
        if (!old) return oauthError(400, 'invalid_grant', 108, 'bad or expired refresh token');
        old[1].refresh = `spent-${old[1].refresh}`;
        const body = userToken(old[1].userId);
        if (faults.refreshLost) {
          delete faults.refreshLost;
          return new Response('{"expires_in": 36', { status: 200, headers: { 'Content-Type': 'application/json' } });
        }
        return json(200, body);
      }
      return oauthError(400, 'invalid_grant', 60, 'these are not the grants you are looking for');
    }
    if (url.pathname === '/app-mgmt/v0/connections' && method === 'DELETE') {
      if (faults.revoke503 && faults.revoke503-- > 0) return json(503, { Error: { Message: 'busy' } });
      const t = bearer ? userTokens.get(bearer) : undefined;
      if (!t || !t.active || t.expiresAt <= clock.now()) return json(403, { Error: { Message: 'Invalid access token' } });
      for (const other of userTokens.values()) if (other.userId === t.userId) other.active = false;
      return json(200, null);
    }
    if (url.pathname.startsWith('/api/v3.2/common/connectionrequests')) {
      const expires = bearer ? appTokens.get(bearer) : undefined;
      if (faults.appTokenRefused && faults.appTokenRefused-- > 0) return json(403, { Error: { Message: 'Invalid access token' } });
      if (expires === undefined || expires <= clock.now()) return json(403, { Error: { Message: 'Invalid access token' } });
      if (method === 'GET') {
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? 5);
        const pending = [...requests.values()].filter((r) => r.status === 'Pending');
        const items = pending.slice(offset, offset + limit).map((r) => ({ ID: r.id, userId: r.userId, lastName: r.lastName, requestToken: r.requestToken, status: 'Pending', emailAddresses: { email1: r.email } }));
        return json(200, { Items: items, NextPage: offset + limit < pending.length ? `${BASE}/api/v3.2/common/connectionrequests?offset=${offset + limit}&limit=${limit}` : null });
      }
      if (method === 'PUT') {
        const request = requests.get(decodeURIComponent(url.pathname.split('/').pop()!));
        if (!request || request.status !== 'Pending') return json(400, { Error: { Message: 'not pending' } });
        request.status = 'Done';
        return json(204, null);
      }
    }
    return json(404, { Error: { Message: 'not here' } });
  };

  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? init.body : '';
    const form = headers.get('content-type')?.includes('x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(body)) : body ? { json: body } : {};
    let response: Response;
    try {
      response = handle(method, url, headers.get('authorization'), form);
    } catch (error) {
      calls.push({ method, path: url.pathname, auth: headers.get('authorization'), form, status: 0 });
      throw error;
    }
    calls.push({ method, path: url.pathname, auth: headers.get('authorization'), form, status: response.status });
    return response;
  };

  return { fetch, requests, userTokens, calls, faults };
}

const byName: Matcher = (request) => {
  if (request.lastName === 'Connect') return { outcome: 'connected', memberId: `M-${request.id}` };
  if (request.lastName === 'Mismatch') return { outcome: 'name-mismatch' };
  return { outcome: 'not-found' };
};

const RECHECK_MS = 4321;

function setup(people: { lastName: string; userId?: string | null }[]) {
  let t = Date.UTC(2026, 11, 1, 9, 0, 0);
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const concur = fakeConcur(clock, people);
  const client = createConcurClient({ baseUrl: BASE, consumerKey: 'app-id', consumerSecret: 'app-secret', fetch: concur.fetch, now: clock.now, retry: { retries: 2, initialDelayMs: 0, maxDelayMs: 0 }, sleep: async () => {} });
  const connected: Connection[] = [];
  const events: WorkerEvent[] = [];
  const slept: number[] = [];
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  const worker = createAutoConnectWorker({
    flow: 'oauth2',
    client,
    matcher: byName,
    clock,
    onConnected: (c) => void connected.push(c),
    onEvent: (e) => events.push(e),
    concurrency: 2,
    pageSize: 2,
    lostExchangeRecheckMs: RECHECK_MS,
    // The worker's injected sleep: nothing really waits.
    sleep: async (ms) => void slept.push(ms),
    logger: { info: () => {}, warn: (message, fields = {}) => void warnings.push({ message, fields }), error: () => {} },
  });
  const finished = () => events.filter((e): e is Extract<WorkerEvent, { type: 'request-finished' }> => e.type === 'request-finished');
  return { clock, concur, client, worker, connected, events, finished, slept, warnings };
}

const grants = (calls: Call[], type: string) => calls.filter((c) => c.path === '/oauth2/v0/token' && c.form['grant_type'] === type);

describe('the auto-connect worker in the oauth2 flow (a fake Concur behind the client)', () => {
  it('polls with a client-credentials token, exchanges with credtype=authtoken, hands over access and refresh tokens, ends failed connections', async () => {
    const { concur, worker, connected, finished } = setup([{ lastName: 'Connect' }, { lastName: 'Unknown' }, { lastName: 'Mismatch' }, { lastName: 'Connect', userId: null }, { lastName: 'Connect' }]);
    const summary = await worker.runOnce();

    expect(summary).toMatchObject({ completed: true, error: null, requests: 5, putFailed: 0, revoked: 2, revokeFailed: 0 });
    expect(summary.outcomes).toMatchObject({ CRSUC: 3, CREU1: 1, CREU2: 1, CRPA1: 0, CRPA2: 0 });
    // One application token for the whole cycle; no administrator, no legacy endpoint.
    expect(grants(concur.calls, 'client_credentials')).toHaveLength(1);
    expect(concur.calls.some((c) => c.path.startsWith('/net2/'))).toBe(false);
    const appToken = 'Bearer app-at-1';
    for (const c of concur.calls.filter((x) => x.path.startsWith('/api/'))) expect(c.auth).toBe(appToken);
    // Each request token exchanged once, by the request's userId (its login id when v3.2 gave none).
    const exchanges = grants(concur.calls, 'password');
    expect(exchanges.map((c) => [c.form['credtype'], c.form['username'], c.form['password']]).sort()).toEqual([
      ['authtoken', 'u4@example.com', 'rt-4'],
      ['authtoken', 'user-1', 'rt-1'],
      ['authtoken', 'user-2', 'rt-2'],
      ['authtoken', 'user-3', 'rt-3'],
      ['authtoken', 'user-5', 'rt-5'],
    ]);
    // onConnected has the whole AccessToken: access and refresh token, flow oauth2, geolocation.
    expect(connected).toHaveLength(3);
    for (const c of connected) {
      expect(c.accessToken).toMatchObject<Partial<AccessToken>>({ flow: 'oauth2', refreshToken: expect.stringMatching(/^user-rt-/), instanceUrl: BASE });
      expect(concur.userTokens.get(c.accessToken.token)!.active).toBe(true);
    }
    // The two failures: DELETE /app-mgmt/v0/connections with the user's own token.
    const deletes = concur.calls.filter((c) => c.method === 'DELETE');
    expect(deletes).toHaveLength(2);
    const failedUsers = new Set(['user-2', 'user-3']);
    for (const d of deletes) expect(failedUsers.has(concur.userTokens.get(d.auth!.slice(7))!.userId)).toBe(true);
    for (const t of concur.userTokens.values()) expect(t.active).toBe(!failedUsers.has(t.userId));
    // Exactly one PUT per request.
    expect(concur.calls.filter((c) => c.method === 'PUT')).toHaveLength(5);
    expect(finished().map((e) => e.revoked).sort()).toEqual(['not-needed', 'not-needed', 'not-needed', 'revoked', 'revoked']);
  });

  it('renews the application token before its hour runs out (by the worker’s clock), not before', async () => {
    const { clock, concur, worker, events } = setup([{ lastName: 'Connect' }]);
    await worker.runOnce();
    clock.advance(40 * 60_000);
    await worker.runOnce();
    expect(grants(concur.calls, 'client_credentials')).toHaveLength(1);
    clock.advance(16 * 60_000); // 56 minutes old: inside the 5-minute margin
    await worker.runOnce();
    expect(grants(concur.calls, 'client_credentials')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'admin-token')).toEqual([
      { type: 'admin-token', action: 'obtained', credential: 'application' },
      { type: 'admin-token', action: 're-obtained', credential: 'application' },
    ]);
    expect(worker.metrics().adminTokenRenewals).toBe(1);
    expect(concur.calls.filter((c) => c.path.startsWith('/api/')).at(-1)!.auth).toBe('Bearer app-at-3');
  });

  it('asks for a new application token once when Concur refuses it, and does not loop', async () => {
    const { concur, worker } = setup([{ lastName: 'Connect' }]);
    concur.faults.appTokenRefused = 1;
    const summary = await worker.runOnce();
    expect(summary).toMatchObject({ completed: true, requests: 1 });
    expect(grants(concur.calls, 'client_credentials')).toHaveLength(2);

    const again = setup([{ lastName: 'Connect' }]);
    again.concur.faults.appTokenRefused = 100;
    const failed = await again.worker.runOnce();
    expect(failed.completed).toBe(false);
    expect(failed.error).toMatch(/403/);
    expect(grants(again.concur.calls, 'client_credentials')).toHaveLength(2);
  });

  it('an auth token Concur refuses (used or expired: invalid_grant 5) is CRPA1 and needs no revocation', async () => {
    const { concur, worker, finished } = setup([{ lastName: 'Connect' }]);
    concur.faults.exchange = 'used';
    const summary = await worker.runOnce();
    expect(summary.outcomes.CRPA1).toBe(1);
    expect(finished()[0]).toMatchObject({ statusCode: 'CRPA1', revoked: 'not-needed', put: 'ok' });
    expect(concur.calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);
  });

  it('a request past its deadline is CRPA1 without an exchange', async () => {
    const { clock, concur, client } = setup([{ lastName: 'Connect' }, { lastName: 'Connect' }]);
    // The first match takes 20 minutes: the second request's token is past its deadline by then.
    const slow: Matcher = () => {
      clock.advance(20 * 60_000);
      return { outcome: 'connected', memberId: 'm' };
    };
    const worker = createAutoConnectWorker({ flow: 'oauth2', client, matcher: slow, clock, concurrency: 1, pageSize: 2 });
    const summary = await worker.runOnce();
    expect(summary.outcomes).toMatchObject({ CRSUC: 1, CRPA1: 1 });
    expect(grants(concur.calls, 'password')).toHaveLength(1);
  });

  it('an exchange whose answer was lost is re-checked after lostExchangeRecheckMs; refused as used, it is CRPA2 and a possible leak — reported, never hidden, never queued', async () => {
    const { concur, worker, finished, events, slept, warnings } = setup([{ lastName: 'Connect' }]);
    concur.faults.exchange = 'lost';
    const summary = await worker.runOnce();
    // The lost exchange, then one re-check of the same request token after the injected sleep.
    expect(grants(concur.calls, 'password').map((c) => c.form['password'])).toEqual(['rt-1', 'rt-1']);
    expect(slept).toEqual([RECHECK_MS]);
    expect(summary.outcomes.CRPA2).toBe(1);
    expect(finished()[0]).toMatchObject({ id: 'req-1', statusCode: 'CRPA2', revoked: 'failed', possibleLeak: true, put: 'ok' });
    expect(finished()[0]!.reason).toMatch(/possible token leak/);
    expect(events.find((e) => e.type === 'possible-token-leak')).toMatchObject({ requestId: 'req-1', flow: 'oauth2', cause: 'refused' });
    const leaked = [...concur.userTokens.values()].filter((t) => t.active).length;
    expect(leaked).toBe(1);
    expect(summary).toMatchObject({ possibleLeaks: 1, revokeFailed: 0, revoked: 0 });
    expect(worker.metrics().possibleLeaks).toBe(1);
    expect(worker.prometheus()).toContain('concur_auto_connect_possible_token_leaks_total 1');
    expect(warnings.filter((w) => w.message === 'possible token leak').map((w) => w.fields)).toEqual([expect.objectContaining({ requestId: 'req-1', cycle: 1, flow: 'oauth2' })]);
    expect(JSON.stringify(warnings)).not.toMatch(/rt-1|user-at-|user-rt-/);
    // Only for that cycle: nothing is queued that could never succeed.
    expect((await worker.runOnce()).possibleLeaks).toBe(0);
  });

  it('an exchange lost before it reached Concur is re-checked and the connection goes on as if nothing had happened', async () => {
    const { concur, worker, finished, connected, slept } = setup([{ lastName: 'Connect' }]);
    concur.faults.exchange = 'reset-once';
    const summary = await worker.runOnce();
    expect(slept).toEqual([RECHECK_MS]);
    expect(summary).toMatchObject({ possibleLeaks: 0, revokeFailed: 0 });
    expect(summary.outcomes.CRSUC).toBe(1);
    expect(finished()[0]).toMatchObject({ statusCode: 'CRSUC', possibleLeak: false });
    expect(connected).toHaveLength(1);
    expect(concur.userTokens.get(connected[0]!.accessToken.token)!.active).toBe(true);
  });

  it('a revocation Concur refuses through every retry waits in the backlog and lands next cycle', async () => {
    const { concur, worker } = setup([{ lastName: 'Unknown' }]);
    concur.faults.revoke503 = 6; // 3 attempts in the request, 3 at the end of the cycle
    const first = await worker.runOnce();
    expect(first).toMatchObject({ requests: 1, revoked: 0, revokeFailed: 1 });
    expect([...concur.userTokens.values()][0]!.active).toBe(true);
    const second = await worker.runOnce();
    expect(second).toMatchObject({ requests: 0, revoked: 1, revokeFailed: 0 });
    expect([...concur.userTokens.values()][0]!.active).toBe(false);
  });

  it('a revocation that waited past the access token’s hour uses the refresh token to end the connection', async () => {
    const { clock, concur, worker } = setup([{ lastName: 'Unknown' }]);
    concur.faults.revoke503 = 6;
    await worker.runOnce();
    clock.advance(2 * HOUR);
    const later = await worker.runOnce();
    expect(later).toMatchObject({ revoked: 1, revokeFailed: 0 });
    expect(grants(concur.calls, 'refresh_token')).toHaveLength(1);
    expect([...concur.userTokens.values()].every((t) => !t.active)).toBe(true);
  });

  it('a backlog revocation whose refresh answer is lost (so the retry is refused: rotated) is a possible leak, not a revocation', async () => {
    const { clock, concur, worker, events } = setup([{ lastName: 'Unknown' }]);
    concur.faults.revoke503 = 6;
    await worker.runOnce();
    clock.advance(2 * HOUR);
    concur.faults.refreshLost = true;
    const later = await worker.runOnce();
    expect(later).toMatchObject({ revoked: 0, revokeFailed: 0, possibleLeaks: 1 });
    expect(events.filter((e) => e.type === 'possible-token-leak')).toEqual([expect.objectContaining({ requestId: 'req-1', cycle: 2, cause: 'refresh-refused' })]);
    // The rotated refresh token the worker never saw is still alive: exactly what was reported.
    expect([...concur.userTokens.values()].filter((t) => t.active && t.expiresAt > clock.now())).toHaveLength(1);
  });

  it('refuses options that cannot work, naming them', () => {
    const client = createConcurClient({ baseUrl: BASE, consumerKey: 'k', consumerSecret: 's' });
    const matcher: Matcher = () => ({ outcome: 'not-found' });
    expect(() => createAutoConnectWorker({ flow: 'oauth2', client, matcher, adminCredentials: { loginId: 'a', password: 'b' } } as never)).toThrow(InvalidWorkerOptionsError);
    expect(() => createAutoConnectWorker({ flow: 'sso', client, matcher } as never)).toThrow(/flow must be 'legacy' or 'oauth2'/);
    expect(() => createAutoConnectWorker({ client, matcher } as never)).toThrow(/adminCredentials or adminToken/);
    expect(() => createAutoConnectWorker({ flow: 'oauth2', client, matcher })).not.toThrow();
  });
});

describe('the CLI’s --flow', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: { write: (t: string) => void out.push(t), isTTY: false }, stderr: { write: (t: string) => void err.push(t), isTTY: false }, env: {}, stopRequested: new Promise<string>(() => {}) } };
  };

  it('documents --flow in its usage', async () => {
    const { out, io: cliIo } = io();
    expect(await runCli(['--help'], cliIo)).toBe(0);
    expect(out.join('')).toMatch(/--flow legacy\|oauth2/);
  });

  it('refuses an unknown flow, and v3.0 with oauth2', async () => {
    const a = io();
    expect(await runCli(['--flow', 'saml', '--consumer-key', 'k', '--consumer-secret', 's', '--members', 'm.csv'], a.io)).toBe(2);
    expect(a.err.join('')).toMatch(/--flow must be legacy or oauth2/);
    const b = io();
    expect(await runCli(['--flow', 'oauth2', '--api-version', '3.0', '--consumer-key', 'k', '--consumer-secret', 's', '--members', 'm.csv'], b.io)).toBe(2);
    expect(b.err.join('')).toMatch(/v3\.2/);
  });

  it('runs a cycle in oauth2 without any administrator', async () => {
    const { concur } = setup([{ lastName: 'Connect' }, { lastName: 'Unknown' }]);
    const { out, io: cliIo } = io();
    const members = new URL('../../../auto-connect/demo-members.csv', import.meta.url).pathname;
    const code = await runCli(['--flow', 'oauth2', '--base-url', BASE, '--consumer-key', 'app-id', '--consumer-secret', 'app-secret', '--members', members, '--once'], { ...cliIo, fetch: concur.fetch });
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/OAuth 2\.0/);
    expect(grants(concur.calls, 'client_credentials')).toHaveLength(1);
    expect(concur.calls.some((c) => c.path.startsWith('/net2/'))).toBe(false);
    expect(concur.calls.filter((c) => c.method === 'PUT')).toHaveLength(2);
  });
});
