import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { DEMO, MockControlClient } from 'mock-concur';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../mock-concur/src/domain/seeded-random.js';
import { bundleMockCli, startMockProcess, type MockProcess } from './mock-process.js';

/**
 * The durability promise of --state-dir, tested the hard way: a real mock process under a
 * write load of every kind is killed with SIGKILL at random moments, restarted on the same
 * dir, and must (1) start every time and (2) still hold every write it had acknowledged.
 * Writes whose answer never arrived may or may not be there; acknowledged ones must be.
 * The rounds and moments come from a seed (KILL9_SEED), so a failure can be replayed.
 */

const SEED = Number(process.env.KILL9_SEED ?? 20261122);
const ROUNDS = Number(process.env.KILL9_ROUNDS ?? 24);
const WORKERS = 6;
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const ADMIN_AUTH = 'Basic ' + Buffer.from('wsadmin@demo.example:demo-password').toString('base64');

type TokenState = 'active' | 'revoked' | 'uncertain';
type RequestExpectation = { status: 'Pending or Processing' | 'Processing' | 'Connected' | 'Retry' | 'uncertain' };

/** What the mock has acknowledged, across every round. */
class Acknowledged {
  readonly users = new Set<string>();
  readonly tokens = new Map<string, TokenState>();
  readonly refreshTokens: string[] = [];
  /** Each access token's refresh token (its grant): revoking one revokes the grant's others (RFC 7009). */
  readonly grantOf = new Map<string, string>();
  /** Grants a revocation has reached (or may have reached): a token minted from them is not live. */
  readonly revokedGrants = new Set<string>();
  readonly requests = new Map<string, RequestExpectation>();
  /** Users with no connection request yet (created and acknowledged). */
  readonly freeUsers: string[] = [];
  clockMs = 0;
  clockInFlightMs = 0;
  writes = 0;
  /** Tokens and requests acknowledged (or changed) since the last check. */
  readonly unchecked = new Set<string>();

  token(token: string, state: TokenState): void {
    this.tokens.set(token, state);
    this.unchecked.add(token);
  }

  /** The victim and every token of its grant, acknowledged so far. */
  siblings(victim: string): string[] {
    const grant = this.grantOf.get(victim);
    return grant === undefined ? [victim] : [...this.grantOf].filter(([, g]) => g === grant).map(([t]) => t);
  }

  request(id: string, status: RequestExpectation['status']): void {
    this.requests.set(id, { status });
    this.unchecked.add(id);
  }
}

async function call(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
}

async function jsonOf<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** One worker's loop: a seeded mix of every kind of write until `stop()` says so. */
async function writeLoad(base: string, acked: Acknowledged, random: () => number, round: number, worker: number, stop: () => boolean, listLock: { busy: boolean }): Promise<void> {
  let n = 0;
  const admin = await call(`${base}/net2/oauth2/accesstoken.ashx`, { headers: { authorization: ADMIN_AUTH, 'x-consumerkey': DEMO.app.consumerKey, accept: 'application/json' } }).catch(() => undefined);
  if (!admin || admin.status !== 200) return;
  const adminToken = (await jsonOf<{ Access_Token: { Token: string } }>(admin)).Access_Token.Token;
  const oauth = { authorization: `OAuth ${adminToken}`, ...JSON_HEADERS };
  while (!stop()) {
    const pick = random();
    try {
      if (pick < 0.25) {
        const loginId = `r${round}w${worker}n${n++}@kill9.example`;
        const res = await call(`${base}/_mock/users`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ loginId, password: 'pw-123456', firstName: 'Kim', lastName: 'Nine' }) });
        if (res.status === 201) {
          acked.users.add(loginId);
          acked.freeUsers.push(loginId);
          acked.writes++;
        }
      } else if (pick < 0.4) {
        const loginId = acked.freeUsers.shift();
        if (!loginId) continue;
        const res = await call(`${base}/_mock/connection-requests`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ loginId }) });
        if (res.status === 201) {
          acked.request((await jsonOf<{ ids: string[] }>(res)).ids[0]!, 'Pending or Processing');
          acked.writes++;
        }
      } else if (pick < 0.55) {
        const res = await call(`${base}/net2/oauth2/accesstoken.ashx`, { headers: { authorization: ADMIN_AUTH, 'x-consumerkey': DEMO.app.consumerKey, accept: 'application/json' } });
        if (res.status === 200) {
          const body = await jsonOf<{ Access_Token: { Token: string; Refresh_Token: string } }>(res);
          acked.token(body.Access_Token.Token, 'active');
          acked.grantOf.set(body.Access_Token.Token, body.Access_Token.Refresh_Token);
          acked.refreshTokens.push(body.Access_Token.Refresh_Token);
          acked.writes++;
        }
      } else if (pick < 0.68) {
        const refresh = acked.refreshTokens[Math.floor(random() * acked.refreshTokens.length)];
        if (!refresh) continue;
        const res = await call(`${base}/net2/oauth2/getaccesstoken.ashx?refresh_token=${encodeURIComponent(refresh)}&client_id=demo-consumer-key&client_secret=demo-consumer-secret`, { headers: { accept: 'application/json' } });
        if (res.status === 200) {
          const minted = (await jsonOf<{ Access_Token: { Token: string } }>(res)).Access_Token.Token;
          acked.grantOf.set(minted, refresh);
          // Answered while a revocation of the same grant was in flight: it may have been revoked with it.
          acked.token(minted, acked.revokedGrants.has(refresh) ? 'uncertain' : 'active');
          acked.writes++;
        }
      } else if (pick < 0.76) {
        const active = [...acked.tokens].filter(([, state]) => state === 'active');
        const victim = active[Math.floor(random() * active.length)]?.[0];
        if (!victim || victim === adminToken) continue;
        const grant = acked.grantOf.get(victim);
        if (grant !== undefined) acked.revokedGrants.add(grant);
        for (const t of acked.siblings(victim)) if (t !== adminToken) acked.token(t, 'uncertain');
        const res = await call(`${base}/net2/oauth2/revoketoken.ashx?token=${encodeURIComponent(victim)}`, { method: 'POST', headers: { authorization: `OAuth ${adminToken}` } });
        if (res.status === 200) {
          // RFC 7009: the victim's grant goes with it, every sibling the refresh token minted too.
          for (const t of acked.siblings(victim)) if (t !== adminToken && acked.tokens.get(t) === 'uncertain') acked.token(t, 'revoked');
          acked.writes++;
        }
      } else if (pick < 0.95) {
        // Hand-outs and PUTs: one worker at a time, so two never PUT the same request.
        if (listLock.busy) continue;
        listLock.busy = true;
        try {
          await handOutAndPut(base, oauth, acked, random);
        } finally {
          listLock.busy = false;
        }
      } else {
        acked.clockInFlightMs += 50;
        const res = await call(`${base}/_mock/clock/advance`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ seconds: 0.05 }) });
        if (res.status === 200) {
          acked.clockMs += 50;
          acked.clockInFlightMs -= 50;
          acked.writes++;
        }
      }
    } catch {
      // The mock was killed mid-request: this write was never acknowledged.
    }
  }
}

async function handOutAndPut(base: string, oauth: Record<string, string>, acked: Acknowledged, random: () => number): Promise<void> {
  const page = await call(`${base}/api/v3.2/common/connectionrequests?limit=3`, { headers: oauth });
  if (page.status !== 200) return;
  const items = (await jsonOf<{ Items: { ID: string; requestToken: string }[] }>(page)).Items;
  for (const item of items) acked.request(item.ID, 'Processing');
  acked.writes++;
  for (const item of items) {
    if (random() < 0.5) {
      const exchanged = await call(`${base}/net2/oauth2/getaccesstoken.ashx?code=${encodeURIComponent(item.requestToken)}&client_id=demo-consumer-key&client_secret=demo-consumer-secret`, { headers: { accept: 'application/json' } });
      if (exchanged.status === 200) {
        acked.token((await jsonOf<{ Access_Token: { Token: string } }>(exchanged)).Access_Token.Token, 'active');
        acked.writes++;
      }
    }
    const code = (['CRSUC', 'CREU1', 'CRRET'] as const)[Math.floor(random() * 3)]!;
    acked.request(item.ID, 'uncertain');
    const put = await call(`${base}/api/v3.2/common/connectionrequests/${item.ID}`, { method: 'PUT', headers: oauth, body: JSON.stringify({ status: code }) });
    if (put.status === 204) {
      acked.request(item.ID, code === 'CRSUC' ? 'Connected' : 'Retry');
      acked.writes++;
    }
  }
}

/**
 * Acknowledged writes, checked against the restarted mock: users and the clock always, tokens
 * and requests changed since the last check (or all of them with `everything`). Answers how
 * many were checked.
 */
async function checkAcknowledged(base: string, acked: Acknowledged, everything = false): Promise<number> {
  let checked = 0;
  // Every page of users (the list pages at 1 000 by default): the control client follows the Link header.
  const present = new Set<string>();
  for await (const u of new MockControlClient(base, { timeoutMs: 5_000 }).pages<{ loginId: string }>('/_mock/users', 10_000)) present.add(u.loginId);
  for (const loginId of acked.users) expect(present.has(loginId), `acknowledged user ${loginId} is missing`).toBe(true);
  checked += acked.users.size;

  const clock = await jsonOf<{ offsetSeconds: number }>(await call(`${base}/_mock/clock`));
  const offsetMs = Math.round(clock.offsetSeconds * 1000);
  expect(offsetMs).toBeGreaterThanOrEqual(acked.clockMs);
  expect(offsetMs).toBeLessThanOrEqual(acked.clockMs + acked.clockInFlightMs);
  acked.clockMs = offsetMs;
  acked.clockInFlightMs = 0;

  const wanted = ([key]: [string, unknown]) => everything || acked.unchecked.has(key);
  const tokens = [...acked.tokens].filter(([, state]) => state !== 'uncertain').filter(wanted);
  const requests = [...acked.requests].filter(([, e]) => e.status !== 'uncertain').filter(wanted);
  acked.unchecked.clear();
  const tasks: (() => Promise<void>)[] = [
    ...tokens.map(([token, state]) => async () => {
      // A refused token answers 403 (issue 18: the status-code page); a traveller's valid token
      // gets 403 too, for its role, so the Message tells them apart. Anything else authenticated.
      const res = await call(`${base}/api/v3.2/common/connectionrequests?status=connected&limit=1`, { headers: { authorization: `OAuth ${token}` } });
      const text = await res.text();
      const refused = res.status === 401 || (res.status === 403 && !/role|scope/i.test(text));
      expect(refused ? 'revoked' : 'active', `token …${token.slice(-6)}`).toBe(state);
    }),
    ...requests.map(([id, expectation]) => async () => {
      const res = await call(`${base}/_mock/connection-requests/${id}`);
      expect(res.status, `acknowledged connection request ${id}`).toBe(200);
      const { status } = await jsonOf<{ status: string }>(res);
      if (expectation.status === 'Pending or Processing') expect(['Pending', 'Processing'], `request ${id}`).toContain(status);
      else expect(status, `request ${id}`).toBe(expectation.status);
    }),
  ];
  for (let i = 0; i < tasks.length; i += 16) await Promise.all(tasks.slice(i, i + 16).map((task) => task()));
  return checked + tasks.length;
}

describe('--state-dir under kill -9', () => {
  let cli: Awaited<ReturnType<typeof bundleMockCli>>;
  let stateDir: string;
  let mock: MockProcess | undefined;

  beforeAll(async () => {
    cli = await bundleMockCli();
    stateDir = await mkdtemp(join(tmpdir(), 'mock-concur-kill9-'));
  });

  afterAll(async () => {
    await mock?.kill9();
    await rm(stateDir, { recursive: true, force: true });
    await cli?.dispose();
  });

  it(`keeps every acknowledged write and always loads, over ${ROUNDS} kills at random moments`, async () => {
    const random = seededRandom(SEED);
    const acked = new Acknowledged();
    // A small compaction threshold: kills also land in the middle of writing a snapshot.
    const env = { STATE_COMPACT_AFTER_BYTES: '65536' };
    let checked = 0;
    let repairedTornTails = 0;
    for (let round = 0; round < ROUNDS; round++) {
      mock = await startMockProcess(cli.entry, ['--state-dir', stateDir, '--travelers', '40'], env);
      if (/dropped a write cut short/.test(mock.output())) repairedTornTails++;
      checked += await checkAcknowledged(mock.url, acked);

      let stopped = false;
      const listLock = { busy: false };
      const workers = Array.from({ length: WORKERS }, (_, w) => writeLoad(mock!.url, acked, seededRandom(SEED + round * 100 + w), round, w, () => stopped, listLock));
      const killAfterMs = 30 + Math.floor(random() * 400);
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      await mock.kill9();
      stopped = true;
      await Promise.all(workers);
    }
    mock = await startMockProcess(cli.entry, ['--state-dir', stateDir], env);
    checked += await checkAcknowledged(mock.url, acked, true);
    await mock.stop();
    mock = undefined;

    // The load really wrote, and the dir holds one generation (older ones are cleaned up).
    expect(acked.writes).toBeGreaterThan(ROUNDS * 20);
    expect(checked).toBeGreaterThan(acked.users.size);
    const files = (await readdir(stateDir)).filter((name) => !name.includes('.corrupt-'));
    expect(files.sort()).toEqual([expect.stringMatching(/^changes-\d{8}\.ndjson$/), expect.stringMatching(/^snapshot-\d{8}\.ndjson$/)]);
    console.log(`kill -9 test (seed ${SEED}): ${ROUNDS} kills, ${acked.writes} acknowledged writes, ${checked} checks, ${repairedTornTails} restarts dropped a torn last write`);
  }, 180_000);
});
