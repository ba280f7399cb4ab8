import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { basic, concurError, DEMO, json, mockConcur, oauth, parseXml, T0 } from '../../support/mock.js';

interface Made {
  id: string;
  url: string;
  path: string;
  durable: boolean;
  expiresAt: string | null;
  counts: Record<string, number>;
}

const apps: FastifyInstance[] = [];
async function app(options: Parameters<typeof mockConcur>[0] = {}): Promise<FastifyInstance> {
  const made = await mockConcur(options);
  apps.push(made);
  return made;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function sandbox(mock: FastifyInstance, options: Record<string, unknown> = {}): Promise<Made> {
  const res = await mock.inject({ method: 'POST', url: '/_mock/sandboxes', payload: options });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Made>();
}

async function adminToken(mock: FastifyInstance, prefix = ''): Promise<{ token: string; refreshToken: string; instanceUrl: string }> {
  const res = await mock.inject({ url: `${prefix}/net2/oauth2/accesstoken.ashx`, headers: { authorization: basic(DEMO.admin.loginId, DEMO.admin.password), 'x-consumerkey': DEMO.app.consumerKey, accept: 'application/json' } });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ Access_Token: { Token: string; Refresh_Token: string; Instance_Url: string } }>().Access_Token;
  return { token: body.Token, refreshToken: body.Refresh_Token, instanceUrl: body.Instance_Url };
}

describe('POST /_mock/sandboxes', () => {
  it('answers 201 with an unguessable id and a URL under /sandboxes/{id}, seeded as at start', async () => {
    const mock = await app();
    const made = await sandbox(mock);
    expect(made.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(made.path).toBe(`/sandboxes/${made.id}`);
    expect(made.url).toBe(`http://localhost:80/sandboxes/${made.id}`);
    const health = await json<{ connectionRequests: { Pending: number } }>(mock, { url: `${made.path}/_mock/health` });
    const root = await json<{ connectionRequests: { Pending: number } }>(mock, { url: '/_mock/health' });
    expect(health.body.connectionRequests).toEqual(root.body.connectionRequests);
    expect(made.counts).toMatchObject({ apps: 2, accessTokens: 0, connectionRequests: root.body.connectionRequests.Pending });
    const other = await sandbox(mock);
    expect(other.id).not.toBe(made.id);
    // No body at all: the root's options.
    const bare = await mock.inject({ method: 'POST', url: '/_mock/sandboxes' });
    expect(bare.statusCode, bare.body).toBe(201);
  });

  it('takes the per-world options npm start takes and keeps the root as it was', async () => {
    const mock = await app();
    const made = await sandbox(mock, { seed: 9, travelers: 3, queueMode: 'lease', clockStart: '2030-05-01T00:00:00Z', requestTokenTtl: 1, jsonErrors: 'flat' });
    const health = await json<{ queueMode: string; now: string; connectionRequests: { Pending: number } }>(mock, { url: `${made.path}/_mock/health` });
    expect(health.body).toMatchObject({ queueMode: 'lease', now: '2030-05-01T00:00:00.000Z', connectionRequests: { Pending: 3 } });
    const root = await json<{ queueMode: string; now: string; connectionRequests: { Pending: number } }>(mock, { url: '/_mock/health' });
    expect(root.body).toMatchObject({ queueMode: 'peek', now: new Date(T0).toISOString(), connectionRequests: { Pending: 12 } });
    // jsonErrors: flat in the sandbox only.
    const sandboxError = await json<Record<string, unknown>>(mock, { url: `${made.path}/api/v3.2/common/connectionrequests` });
    expect(sandboxError.body).toHaveProperty('Message');
    const rootError = await json<Record<string, unknown>>(mock, { url: '/api/v3.2/common/connectionrequests' });
    expect(rootError.body).toHaveProperty('Error.Message');
  });

  it('refuses bad bodies with 400 in the control envelope', async () => {
    const mock = await app();
    for (const payload of [{ seed: -1 }, { travelers: 'many' }, { clock: 'sundial' }, { queueMode: 'stack' }, { unknown: true }, { requestTokenTtl: 0 }, { clockStart: 'yesterday' }, [1, 2]]) {
      const res = await mock.inject({ method: 'POST', url: '/_mock/sandboxes', payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(concurError(res).Message).toMatch(/^Invalid request body/);
    }
    const durable = await mock.inject({ method: 'POST', url: '/_mock/sandboxes', payload: { durable: true } });
    expect(durable.statusCode).toBe(400);
    expect(concurError(durable).Message).toMatch(/--state-dir/);
  });

  it('answers 429 beyond --max-sandboxes, and makes room again once one is deleted', async () => {
    const mock = await app({ maxSandboxes: 2 });
    const first = await sandbox(mock);
    await sandbox(mock);
    const third = await mock.inject({ method: 'POST', url: '/_mock/sandboxes', payload: {} });
    expect(third.statusCode).toBe(429);
    expect(concurError(third).Message).toMatch(/limit of 2 sandboxes.*--max-sandboxes/);
    expect((await mock.inject({ method: 'DELETE', url: `/_mock/sandboxes/${first.id}` })).statusCode).toBe(204);
    await sandbox(mock);
  });

  it('does not nest: /_mock/sandboxes inside a sandbox is 404', async () => {
    const mock = await app();
    const made = await sandbox(mock);
    for (const [method, url] of [['POST', '/_mock/sandboxes'], ['GET', '/_mock/sandboxes'], ['DELETE', `/_mock/sandboxes/${made.id}`]] as const) {
      const res = await mock.inject({ method, url: `${made.path}${url}`, ...(method === 'POST' ? { payload: {} } : {}) });
      expect(res.statusCode).toBe(404);
      expect(concurError(res).Message).toMatch(/at the root/);
    }
  });
});

describe('GET and DELETE /_mock/sandboxes', () => {
  it('lists every sandbox with its counts and when it will be dropped', async () => {
    let now = Date.UTC(2026, 11, 1, 12);
    const mock = await app({ wallClock: () => now });
    const a = await sandbox(mock);
    const b = await sandbox(mock);
    now += 60_000;
    await adminToken(mock, a.path);
    const list = await json<{ total: number; max: number; items: (Made & { lastUsedAt: string })[] }>(mock, { url: '/_mock/sandboxes' });
    expect(list.body.total).toBe(2);
    expect(list.body.max).toBe(1000);
    const byId = new Map(list.body.items.map((s) => [s.id, s]));
    expect(byId.get(a.id)).toMatchObject({ lastUsedAt: new Date(now).toISOString(), expiresAt: new Date(now + 3_600_000).toISOString(), counts: { accessTokens: 1, journal: 1 } });
    expect(byId.get(b.id)).toMatchObject({ counts: { accessTokens: 0, journal: 0 } });
    const one = await json<Made>(mock, { url: `/_mock/sandboxes/${b.id}` });
    expect(one.body.url).toBe(b.url);
  });

  it('drops a sandbox at once: its URLs, tokens and ids answer 404 from then on', async () => {
    const mock = await app();
    const made = await sandbox(mock);
    const { token } = await adminToken(mock, made.path);
    expect((await mock.inject({ method: 'DELETE', url: `/_mock/sandboxes/${made.id}` })).statusCode).toBe(204);
    const after = await mock.inject({ url: `${made.path}/api/v3.2/common/connectionrequests`, headers: oauth(token) });
    expect(after.statusCode).toBe(404);
    expect(parseXml<{ Error: { Message: string } }>(after).Error.Message).toMatch(/^No sandbox .*deleted/);
    expect((await mock.inject({ method: 'DELETE', url: `/_mock/sandboxes/${made.id}` })).statusCode).toBe(404);
    expect((await mock.inject({ url: `/_mock/sandboxes/${made.id}` })).statusCode).toBe(404);
  });

  it('drops a sandbox left idle for --sandbox-idle-ttl (machine time, not the sandbox clock)', async () => {
    let now = Date.UTC(2026, 11, 1, 12);
    const mock = await app({ wallClock: () => now, sandboxIdleTtlMs: 10 * 60_000 });
    const idle = await sandbox(mock);
    const busy = await sandbox(mock);
    // Moving a sandbox's own clock is not being idle or busy.
    await mock.inject({ method: 'POST', url: `${idle.path}/_mock/clock/advance`, payload: { seconds: 86_400 } });
    now += 9 * 60_000;
    expect((await mock.inject({ url: `${busy.path}/_mock/health` })).statusCode).toBe(200);
    now += 2 * 60_000;
    expect((await mock.inject({ url: `${idle.path}/_mock/health` })).statusCode).toBe(404);
    expect((await mock.inject({ url: `${busy.path}/_mock/health` })).statusCode).toBe(200);
    now += 11 * 60_000;
    const list = await json<{ total: number }>(mock, { url: '/_mock/sandboxes' });
    expect(list.body.total).toBe(0);
  });

  it('refuses malformed and unknown ids with 404, never 500', async () => {
    const mock = await app();
    for (const id of ['x', '%00', 'A'.repeat(22), 'A'.repeat(300), '...', 'a b', '\u00e9'.repeat(22)]) {
      for (const url of [`/_mock/sandboxes/${encodeURIComponent(id)}`, `/sandboxes/${encodeURIComponent(id)}/_mock/health`, `/sandboxes/${encodeURIComponent(id)}/api/v3.2/common/connectionrequests`]) {
        const res = await mock.inject({ method: 'GET', url });
        expect([404, 414], `${url} ${res.body}`).toContain(res.statusCode);
      }
    }
  });
});

describe('inside a sandbox', () => {
  it('writes its prefix into every URL it answers: Instance_Url, URI, NextPage, geolocation, redirects and links', async () => {
    const mock = await app();
    const made = await sandbox(mock);
    const { token, instanceUrl } = await adminToken(mock, made.path);
    expect(instanceUrl).toBe(`${made.url}/`);
    const page = await json<{ Items: { URI: string }[]; NextPage: string | null }>(mock, { url: `${made.path}/api/v3.2/common/connectionrequests?limit=2`, headers: oauth(token) });
    expect(page.body.Items[0]!.URI.startsWith(`${made.url}/api/v3.2/common/connectionrequests/`)).toBe(true);
    expect(page.body.NextPage?.startsWith(`${made.url}/api/v3.2/common/connectionrequests`)).toBe(true);
    const v0 = await mock.inject({ method: 'POST', url: `${made.path}/oauth2/v0/token`, payload: `client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}&grant_type=client_credentials`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(v0.json<{ geolocation: string }>().geolocation).toBe(made.url);
    const signIn = await mock.inject({ url: `${made.path}/appcenter` });
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe(`${made.path}/signin?returnTo=${encodeURIComponent(`${made.path}/appcenter`)}`);
    const form = await mock.inject({ url: `${made.path}/signin` });
    expect(form.body).toContain(`action="${made.path}/signin"`);
    expect(form.body).toContain(`href="${made.path}/appcenter"`);
    const console = await mock.inject({ url: `${made.path}/_mock/console` });
    expect(console.body).toContain(`data-base="${made.path}"`);
    expect(console.body).toContain(`action="${made.path}/_mock/console/clock"`);
  });

  it("knows none of another sandbox's tokens, codes, ids or sessions", async () => {
    const mock = await app();
    const a = await sandbox(mock);
    const b = await sandbox(mock);
    const inA = await adminToken(mock, a.path);
    // Same seed, same demo data: each sandbox holds its own copy of the seeded requests. A
    // request made later has an id of its own, known only where it was made.
    const made = await json<{ ids: [string] }>(mock, { method: 'POST', url: `${a.path}/_mock/connection-requests`, payload: { loginId: DEMO.traveler.loginId } });
    const page = await json<{ Items: { ID: string; requestToken: string }[] }>(mock, { url: `${a.path}/api/v3.2/common/connectionrequests?limit=1`, headers: oauth(inA.token) });
    const { requestToken: code } = page.body.Items[0]!;
    const id = made.body.ids[0];
    for (const prefix of [b.path, '']) {
      expect((await mock.inject({ url: `${prefix}/api/v3.2/common/connectionrequests`, headers: oauth(inA.token) })).statusCode).toBe(403);
      const refresh = await mock.inject({ url: `${prefix}/net2/oauth2/getaccesstoken.ashx?refresh_token=${inA.refreshToken}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
      expect(refresh.statusCode).toBe(400);
      const exchange = await mock.inject({ url: `${prefix}/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
      expect(exchange.statusCode).toBe(400);
      const own = await adminToken(mock, prefix);
      expect((await mock.inject({ url: `${prefix}/api/v3.2/common/connectionrequests/${id}`, headers: oauth(own.token) })).statusCode).toBe(404);
    }
    // A session cookie of one sandbox signs nobody in to another (nor the root).
    const csrfPage = await mock.inject({ url: `${a.path}/signin` });
    const csrfCookie = csrfPage.cookies.find((c) => c.name === 'concur_mock_csrf')!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(csrfPage.body)![1]!;
    const signedIn = await mock.inject({
      method: 'POST',
      url: `${a.path}/signin`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `concur_mock_csrf=${csrfCookie.value}` },
      payload: new URLSearchParams({ _csrf: csrf, loginId: DEMO.traveler.loginId, password: DEMO.traveler.password, returnTo: `${a.path}/appcenter` }).toString(),
    });
    expect(signedIn.statusCode).toBe(303);
    const session = signedIn.cookies.find((c) => c.name.startsWith('concur_mock_session'))!;
    expect(session.name).toBe(`concur_mock_session_${a.id}`);
    expect(session.path).toBe(a.path);
    const cookie = `${session.name}=${session.value}`;
    expect((await mock.inject({ url: `${a.path}/appcenter`, headers: { cookie } })).statusCode).toBe(200);
    expect((await mock.inject({ url: `${b.path}/appcenter`, headers: { cookie } })).statusCode).toBe(303);
    expect((await mock.inject({ url: '/appcenter', headers: { cookie } })).statusCode).toBe(303);
    // The same signed value under the other sandbox's cookie name is still a's, so still refused.
    expect((await mock.inject({ url: `${b.path}/appcenter`, headers: { cookie: `concur_mock_session_${b.id}=${session.value}` } })).statusCode).toBe(303);
    expect((await mock.inject({ url: '/appcenter', headers: { cookie: `concur_mock_session=${session.value}` } })).statusCode).toBe(303);
  });

  it('has its own clock, faults, journal and reset', async () => {
    const mock = await app();
    const a = await sandbox(mock);
    await mock.inject({ method: 'POST', url: `${a.path}/_mock/clock/advance`, payload: { seconds: 3600 } });
    await mock.inject({ method: 'POST', url: `${a.path}/_mock/faults`, payload: { path: '/net2/oauth2/accesstoken.ashx', status: 503 } });
    const faulted = await mock.inject({ url: `${a.path}/net2/oauth2/accesstoken.ashx`, headers: { authorization: basic(DEMO.admin.loginId, DEMO.admin.password), 'x-consumerkey': DEMO.app.consumerKey } });
    expect(faulted.statusCode).toBe(503);
    await adminToken(mock); // the root is not faulted
    const clockA = await json<{ offsetSeconds: number }>(mock, { url: `${a.path}/_mock/clock` });
    const clockRoot = await json<{ offsetSeconds: number }>(mock, { url: '/_mock/clock' });
    expect([clockA.body.offsetSeconds, clockRoot.body.offsetSeconds]).toEqual([3600, 0]);
    const journalA = await json<{ url: string; status: number }[]>(mock, { url: `${a.path}/_mock/journal` });
    expect(journalA.body.map((e) => [e.url, e.status])).toEqual([['/net2/oauth2/accesstoken.ashx', 503]]);
    const journalRoot = await json<{ status: number }[]>(mock, { url: '/_mock/journal' });
    expect(journalRoot.body.map((e) => e.status)).toEqual([200]);
    await mock.inject({ method: 'POST', url: `${a.path}/_mock/connection-requests`, payload: { count: 5 } });
    const reset = await json<{ connectionRequests: { Pending: number } }>(mock, { method: 'POST', url: `${a.path}/_mock/reset` });
    expect(reset.body.connectionRequests.Pending).toBe(12);
    expect((await json<unknown[]>(mock, { url: `${a.path}/_mock/faults` })).body).toEqual([]);
  });

  it('answers a request already running when its sandbox is deleted, without a 500', async () => {
    const mock = await app();
    const a = await sandbox(mock);
    await mock.inject({ method: 'POST', url: `${a.path}/_mock/faults`, payload: { path: '/net2/oauth2/accesstoken.ashx', latencyMs: 50 } });
    const running = mock.inject({ url: `${a.path}/net2/oauth2/accesstoken.ashx`, headers: { authorization: basic(DEMO.admin.loginId, DEMO.admin.password), 'x-consumerkey': DEMO.app.consumerKey } });
    await new Promise((resolve) => setImmediate(resolve));
    expect((await mock.inject({ method: 'DELETE', url: `/_mock/sandboxes/${a.id}` })).statusCode).toBe(204);
    expect((await running).statusCode).toBe(200);
  });
});

describe('durable sandboxes (--state-dir)', () => {
  it('survive a restart with their state; the others do not; a deleted one leaves nothing on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-concur-sandboxes-'));
    try {
      const first = await mockConcur({ stateDir: dir });
      const kept = await sandbox(first, { durable: true, travelers: 2 });
      const gone = await sandbox(first, { durable: true });
      const memory = await sandbox(first);
      expect(kept.durable).toBe(true);
      expect(kept.expiresAt).toBeNull();
      await first.inject({ method: 'POST', url: `${kept.path}/_mock/connection-requests`, payload: { count: 3 } });
      await first.inject({ method: 'POST', url: `${kept.path}/_mock/clock/advance`, payload: { seconds: 120 } });
      const { token } = await adminToken(first, kept.path);
      expect((await first.inject({ method: 'DELETE', url: `/_mock/sandboxes/${gone.id}` })).statusCode).toBe(204);
      const before = (await json<{ now: string }>(first, { url: `${kept.path}/_mock/clock` })).body.now;
      await first.close();
      expect(readdirSync(join(dir, 'sandboxes'))).toEqual([kept.id]);

      const second = await mockConcur({ stateDir: dir });
      apps.push(second);
      const list = await json<{ items: Made[] }>(second, { url: '/_mock/sandboxes' });
      expect(list.body.items.map((s) => s.id)).toEqual([kept.id]);
      const health = await json<{ connectionRequests: { Pending: number } }>(second, { url: `${kept.path}/_mock/health` });
      expect(health.body.connectionRequests.Pending).toBe(5);
      expect((await json<{ now: string }>(second, { url: `${kept.path}/_mock/clock` })).body.now).toBe(before);
      expect((await second.inject({ url: `${kept.path}/api/v3.2/common/connectionrequests`, headers: oauth(token) })).statusCode).toBe(200);
      expect((await second.inject({ url: `${memory.path}/_mock/health` })).statusCode).toBe(404);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
