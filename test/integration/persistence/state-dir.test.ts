import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { frame } from '../../../mock-concur/src/persistence/framing.js';
import { DEMO, json, mockConcur, nativeToken, oauth, T0 } from '../../support/mock.js';

/** What restarts keep, through buildMockConcur with a state dir, closed and built again. */
describe('a mock with a state dir', () => {
  let dir: string;
  const open: FastifyInstance[] = [];
  const start = async (extra: Parameters<typeof mockConcur>[0] = {}) => {
    const app = await mockConcur({ stateDir: dir, demoTravelers: 3, ...extra });
    open.push(app);
    return app;
  };
  const restart = async (app: FastifyInstance, extra: Parameters<typeof mockConcur>[0] = {}) => {
    await app.close();
    return start(extra);
  };
  const files = async () => (await readdir(dir)).sort();
  /** After a failed disk: a restart on the dir holds every user named, and the log loads without repair. */
  const expectRestartHolds = async (app: FastifyInstance, loginIds: string[]) => {
    await app.close();
    open.length = 0;
    const restarted = await start();
    const users = (await json<{ loginId: string }[]>(restarted, { url: '/_mock/users' })).body.map((u) => u.loginId);
    expect(users).toEqual(expect.arrayContaining(loginIds));
    expect(restarted.mock.persistence!.summary.repaired).toBeNull();
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mock-concur-state-'));
  });
  afterEach(async () => {
    for (const app of open.splice(0)) await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps users, apps, tokens, queue transitions and the clock across a restart', async () => {
    let app = await start();
    await json(app, { method: 'POST', url: '/_mock/users', payload: { loginId: 'kept@example.com', password: 'pw', firstName: 'Kept', lastName: 'User' } });
    const created = await json<{ consumerSecret: string }>(app, { method: 'POST', url: '/_mock/apps', payload: { name: 'Kept app', consumerKey: 'kept-key', scopes: ['CONREQ'] } });
    const admin = await nativeToken(app);
    const doomed = await nativeToken(app);
    await json(app, { method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=${doomed.token}`, headers: oauth(admin.token) });
    const page = await json<{ Items: { ID: string; requestToken: string }[] }>(app, { url: '/api/v3.2/common/connectionrequests?limit=3', headers: oauth(admin.token) });
    const [first, second, third] = page.body.Items;
    await json(app, { method: 'PUT', url: `/api/v3.2/common/connectionrequests/${first!.ID}`, headers: oauth(admin.token), payload: { status: 'CRSUC' } });
    await json(app, { method: 'PUT', url: `/api/v3.2/common/connectionrequests/${second!.ID}`, headers: oauth(admin.token), payload: { status: 'CREU2' } });
    const exchanged = await json<{ Access_Token: { Token: string } }>(app, { url: `/net2/oauth2/getaccesstoken.ashx?code=${third!.requestToken}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
    await json(app, { method: 'POST', url: '/_mock/clock/advance', payload: { seconds: 90 } });

    app = await restart(app);

    const users = await json<{ loginId: string }[]>(app, { url: '/_mock/users' });
    expect(users.body.map((u) => u.loginId)).toContain('kept@example.com');
    const native = await json(app, { url: '/net2/oauth2/accesstoken.ashx', headers: { authorization: 'Basic ' + Buffer.from('kept@example.com:pw').toString('base64'), 'x-consumerkey': 'kept-key' } });
    expect(native.status).toBe(200);
    expect(created.status).toBe(201);
    expect((await json(app, { url: '/api/v3.2/common/connectionrequests?limit=1', headers: oauth(admin.token) })).status).toBe(200);
    expect((await json(app, { url: '/api/v3.2/common/connectionrequests?limit=1', headers: oauth(doomed.token) })).status).toBe(403);
    const refreshed = await json(app, { url: `/net2/oauth2/getaccesstoken.ashx?refresh_token=${admin.refreshToken}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
    expect(refreshed.status).toBe(200);
    // The request token was used once: it stays used.
    const again = await json(app, { url: `/net2/oauth2/getaccesstoken.ashx?code=${third!.requestToken}&client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}` });
    expect(again.status).toBe(400);
    expect(exchanged.status).toBe(200);
    const status = async (id: string) => (await json<{ status: string; requeues: { userError: number } }>(app, { url: `/_mock/connection-requests/${id}` })).body;
    expect((await status(first!.ID)).status).toBe('Connected');
    expect(await status(second!.ID)).toMatchObject({ status: 'Retry', requeues: { userError: 1 } });
    expect((await status(third!.ID)).status).toBe('Processing');
    // The handed-out request shows the same token on the next page, as before the restart.
    const samePage = await json<{ Items: { ID: string; requestToken: string }[] }>(app, { url: '/api/v3.2/common/connectionrequests?limit=1', headers: oauth(admin.token) });
    expect(samePage.body.Items[0]).toMatchObject({ ID: third!.ID, requestToken: third!.requestToken });
    expect((await json<{ nowMs: number }>(app, { url: '/_mock/clock' })).body.nowMs).toBe(T0 + 90_000);
  });

  it('keeps bulk-seeded requests settled by a PUT, through a compaction while they are settled and a restart', async () => {
    // A tiny threshold: every batch after the first starts a new snapshot, which then writes
    // the settled requests themselves (kept as their outcome and their traveller's number).
    let app = await start({ stateCompactAfterBytes: 1 });
    const admin = await nativeToken(app);
    const seeded = await json<{ ids: string[] }>(app, { method: 'POST', url: '/_mock/connection-requests', payload: { count: 4 } });
    const [connected, failed, pending] = seeded.body.ids;
    const put = (id: string, status: string) => json(app, { method: 'PUT', url: `/api/v3.2/common/connectionrequests/${id}`, headers: oauth(admin.token), payload: { status } });
    expect((await put(connected!, 'CRSUC')).status).toBe(204);
    // User errors past the limit (four requeues a day apart): Failed.
    for (let i = 0; i < 5; i++) {
      expect((await put(failed!, 'CREU1')).status).toBe(204);
      await json(app, { method: 'POST', url: '/_mock/clock/advance', payload: { seconds: 25 * 3600 } });
    }
    const inspect = async (id: string) => (await json<{ status: string; loginId: string; lastCode: string; requeues: { userError: number } }>(app, { url: `/_mock/connection-requests/${id}` })).body;
    const before = { connected: await inspect(connected!), failed: await inspect(failed!), pending: await inspect(pending!) };
    expect(before.connected).toMatchObject({ status: 'Connected', lastCode: 'CRSUC' });
    expect(before.failed).toMatchObject({ status: 'Failed', lastCode: 'CREU1', requeues: { userError: 4 } });
    // The log outgrows the snapshot; the next batch compacts, snapshotting the settled records.
    await json(app, { method: 'POST', url: '/_mock/connection-requests', payload: { count: 60 } });
    await json(app, { method: 'POST', url: '/_mock/users', payload: { loginId: 'after@example.com', password: 'pw', firstName: 'A', lastName: 'F' } });
    expect((await files()).filter((name) => name.startsWith('snapshot-'))).not.toContain('snapshot-00000001.ndjson');

    app = await restart(app);

    expect(app.mock.persistence!.summary.repaired).toBeNull();
    expect({ connected: await inspect(connected!), failed: await inspect(failed!), pending: await inspect(pending!) }).toEqual(before);
    const page = await json<{ Items: { ID: string }[] }>(app, { url: '/api/v3.2/common/connectionrequests?status=Connected&limit=10', headers: oauth(admin.token) });
    expect(page.body.Items.map((item) => item.ID)).toContain(connected);
  });

  it('seeds the demo data only into an empty dir; a later start loads the saved state instead', async () => {
    let app = await start({ demoTravelers: 3 });
    expect((await json<{ connectionRequests: { Pending: number } }>(app, { url: '/_mock/health' })).body.connectionRequests.Pending).toBe(3);
    app = await restart(app, { demoTravelers: 9 });
    expect((await json<{ connectionRequests: { Pending: number } }>(app, { url: '/_mock/health' })).body.connectionRequests.Pending).toBe(3);
    expect(app.mock.persistence!.summary.loadedGeneration).toBe(1);
    expect(await files()).toEqual(['changes-00000002.ndjson', 'lock', 'snapshot-00000002.ndjson']);
  });

  it('makes a reset durable: the seeded data replaces everything that was saved', async () => {
    let app = await start();
    await json(app, { method: 'POST', url: '/_mock/users', payload: { loginId: 'gone@example.com', password: 'pw', firstName: 'Gone', lastName: 'Soon' } });
    await json(app, { method: 'POST', url: '/_mock/reset' });
    app = await restart(app);
    const users = await json<{ loginId: string }[]>(app, { url: '/_mock/users' });
    expect(users.body.map((u) => u.loginId)).not.toContain('gone@example.com');
    expect(users.body.map((u) => u.loginId)).toContain(DEMO.admin.loginId);
  });

  it('drops a last write torn by a crash and loads everything before it', async () => {
    let app = await start();
    await json(app, { method: 'POST', url: '/_mock/users', payload: { loginId: 'before@example.com', password: 'pw', firstName: 'Be', lastName: 'Fore' } });
    await app.close();
    open.length = 0;
    const log = join(dir, (await files()).find((name) => name.startsWith('changes-'))!);
    // Half a line, as a crash in the middle of a write leaves it.
    await appendFile(log, '{"c":[["user","torn@example.com",{"loginId":"torn@exa');
    app = await start();
    expect(app.mock.persistence!.summary.repaired).toBe('torn-tail');
    const users = (await json<{ loginId: string }[]>(app, { url: '/_mock/users' })).body.map((u) => u.loginId);
    expect(users).toContain('before@example.com');
    expect(users).not.toContain('torn@example.com');
  });

  it('ignores a batch whose commit line never reached the disk', async () => {
    let app = await start();
    await app.close();
    open.length = 0;
    const log = join(dir, (await files()).find((name) => name.startsWith('changes-'))!);
    await appendFile(log, frame({ c: [['clock', 'clock', { offsetMs: 1_000_000, nowMs: T0 + 1_000_000 }]] }));
    app = await start();
    expect(app.mock.persistence!.summary.repaired).toBe('torn-tail');
    expect((await json<{ nowMs: number }>(app, { url: '/_mock/clock' })).body.nowMs).toBe(T0);
  });

  it('sets a log damaged in the middle aside, loads what came before, and says so', async () => {
    let app = await start();
    await json(app, { method: 'POST', url: '/_mock/users', payload: { loginId: 'one@example.com', password: 'pw', firstName: 'One', lastName: 'X' } });
    await json(app, { method: 'POST', url: '/_mock/users', payload: { loginId: 'two@example.com', password: 'pw', firstName: 'Two', lastName: 'X' } });
    await app.close();
    open.length = 0;
    const name = (await files()).find((n) => n.startsWith('changes-'))!;
    const lines = (await readFile(join(dir, name), 'utf8')).split('\n');
    expect(lines.length).toBe(3); // two batches and the final newline
    await writeFile(join(dir, name), [lines[0]!.replace('one@example.com', 'one@example.con'), lines[1], ''].join('\n'));
    const warnings: string[] = [];
    const original = console.error;
    console.error = (message: string) => warnings.push(message);
    try {
      app = await start();
    } finally {
      console.error = original;
    }
    expect(app.mock.persistence!.summary.repaired).toBe('corrupt-log');
    expect(warnings.join('\n')).toMatch(/is damaged at byte 0; loaded the changes before it, kept the file as .*\.corrupt-/);
    expect((await files()).some((n) => n.includes('.corrupt-'))).toBe(true);
  });

  it('lets one mock at a time use a dir, and takes over a lock whose holder is gone', async () => {
    const app = await start();
    await expect(start()).rejects.toThrow(/already in use by another mock in this process/);
    await app.close();
    open.length = 0;
    const lock = join(dir, 'lock');
    // A holder on this host that no longer exists (killed with -9): taken over at once.
    await writeFile(lock, JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), since: 'earlier' }));
    await (await start()).close();
    open.length = 0;
    // A holder on another host (a container sharing the volume) whose heartbeat is fresh: refused …
    await writeFile(lock, JSON.stringify({ pid: 1, host: 'another-container', since: 'earlier' }));
    await expect(start()).rejects.toThrow(/in use by process 1 on another-container/);
    // … and taken over once its heartbeat has stopped for a while.
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await (await start()).close();
    open.length = 0;
    expect(await files()).not.toContain('lock');
  });

  it('answers 503 in Concur\'s envelope, never a false acknowledgement, once the disk fails', async () => {
    const app = await start();
    // The disk goes away under the mock: its log descriptor stops working.
    closeSync((app.mock.persistence as unknown as { logFd: number }).logFd);
    const errors: string[] = [];
    const original = console.error;
    console.error = (message: string) => errors.push(message);
    try {
      const created = await json<{ Message: string }>(app, { method: 'POST', url: '/_mock/users', payload: { loginId: 'lost@example.com', password: 'pw', firstName: 'L', lastName: 'Ost' } });
      expect(created.status).toBe(503);
      expect(created.body.Message).toMatch(/could not save its state/);
      // Later answers say the same rather than show state that is not on disk.
      expect((await json(app, { url: '/_mock/health' })).status).toBe(503);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/could not save state/);
    (app.mock.persistence as unknown as { logFd: number }).logFd = -1;
  });

  it('recovers without a restart once the disk has room again: 503s while full, then every change is saved, the failed ones included', async () => {
    const app = await start();
    const store = app.mock.persistence as unknown as { logFd: number };
    const realFd = store.logFd;
    // A full disk: every write to the log fails with ENOSPC (what /dev/full answers).
    store.logFd = openSync('/dev/full', 'w');
    const warnings: string[] = [];
    const original = console.error;
    console.error = (message: string) => warnings.push(message);
    const user = (loginId: string) => ({ method: 'POST' as const, url: '/_mock/users', payload: { loginId, password: 'pw', firstName: 'F', lastName: 'Ull' } });
    try {
      const whileFull = await json<{ Message: string; 'Server-Time': string; Id: string }>(app, user('while-full@example.com'));
      expect(whileFull.status).toBe(503);
      expect(whileFull.body).toMatchObject({ Message: expect.stringMatching(/could not save its state: .*ENOSPC/), 'Server-Time': expect.any(String), Id: expect.any(String) });
      // Still full: still 503, each answer trying again.
      expect((await json(app, { url: '/_mock/health' })).status).toBe(503);
      // Space is freed.
      closeSync(store.logFd);
      store.logFd = realFd;
      expect((await json(app, user('after@example.com'))).status).toBe(201);
      expect((await json(app, { url: '/_mock/health' })).status).toBe(200);
    } finally {
      console.error = original;
    }
    expect(warnings.join('\n')).toMatch(/could not save state[\s\S]*writing works again/);
    // Both changes are on disk, the one answered 503 included (it was made in memory), and the log loads cleanly.
    await expectRestartHolds(app, ['while-full@example.com', 'after@example.com']);
  });

  it('never acknowledges a write whose fdatasync failed, and saves it with the next once syncing works again', async () => {
    const app = await start();
    const store = app.mock.persistence as unknown as { logFd: number };
    const realFd = store.logFd;
    // A pipe takes the writes but cannot be synced (EINVAL): a disk that fails on flush.
    const fifo = join(dir, 'unsyncable');
    execFileSync('mkfifo', [fifo]);
    store.logFd = openSync(fifo, 'r+');
    const warnings: string[] = [];
    const original = console.error;
    console.error = (message: string) => warnings.push(message);
    const user = (loginId: string) => ({ method: 'POST' as const, url: '/_mock/users', payload: { loginId, password: 'pw', firstName: 'N', lastName: 'Osync' } });
    try {
      const unsynced = await json<{ Message: string }>(app, user('unsynced@example.com'));
      expect(unsynced.status).toBe(503);
      expect(unsynced.body.Message).toMatch(/could not save its state: .*EINVAL/);
      closeSync(store.logFd);
      store.logFd = realFd;
      // A read with no change of its own writes the unsynced change again before it answers.
      expect((await json(app, { url: '/_mock/health' })).status).toBe(200);
      expect((await json(app, user('synced@example.com'))).status).toBe(201);
    } finally {
      console.error = original;
    }
    expect(warnings.join('\n')).toMatch(/could not save state[\s\S]*writing works again/);
    await expectRestartHolds(app, ['unsynced@example.com', 'synced@example.com']);
  });

  it.each([
    ['zeroed (its newline kept)', (line: string) => '\0'.repeat(line.length - 1) + '\n'],
    ['zeroed (its newline too)', (line: string) => '\0'.repeat(line.length)],
    ['garbage', (line: string) => `${'x'.repeat(line.length - 1)}\n`],
    ['a valid checksum around nonsense', () => frame({ c: [['user', 'nonsense@example.com', { roles: 7 }]], commit: true })],
  ])('sets a damaged last record (%s) aside as *.corrupt-<time>, naming the file and offset, and loads what came before', async (_kind, damage) => {
    let app = await start();
    await json(app, { method: 'POST', url: '/_mock/users', payload: { loginId: 'before@example.com', password: 'pw', firstName: 'B', lastName: 'Efore' } });
    await json(app, { method: 'POST', url: '/_mock/users', payload: { loginId: 'last@example.com', password: 'pw', firstName: 'L', lastName: 'Ast' } });
    await app.close();
    open.length = 0;
    const name = (await files()).find((f) => f.startsWith('changes-'))!;
    const log = await readFile(join(dir, name), 'utf8');
    const lines = log.split(/(?<=\n)/);
    const lastStart = log.length - lines.at(-1)!.length;
    await writeFile(join(dir, name), log.slice(0, lastStart) + damage(lines.at(-1)!));
    const warnings: string[] = [];
    const original = console.error;
    console.error = (message: string) => warnings.push(message);
    try {
      app = await start();
    } finally {
      console.error = original;
    }
    expect(app.mock.persistence!.summary.repaired).toBe('corrupt-log');
    expect(warnings.join('\n')).toContain(`${name} is damaged at byte ${Buffer.byteLength(log.slice(0, lastStart))}`);
    const aside = (await files()).filter((f) => f.startsWith(`${name}.corrupt-`));
    expect(aside).toHaveLength(1);
    const users = (await json<{ loginId: string }[]>(app, { url: '/_mock/users' })).body.map((u) => u.loginId);
    expect(users).toContain('before@example.com');
    expect(users).not.toContain('last@example.com');
  });

  it('keeps /oauth2/v0 tokens and the signing key across a restart: the refresh token still refreshes, the JWKS is the same', async () => {
    let app = await start();
    const form = (f: Record<string, string>) => ({ method: 'POST' as const, url: '/oauth2/v0/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ client_id: DEMO.app.consumerKey, client_secret: DEMO.app.consumerSecret, ...f }).toString() });
    const first = (await app.inject(form({ grant_type: 'password', username: DEMO.traveler.loginId, password: DEMO.traveler.password }))).json<{ refresh_token: string; access_token: string }>();
    const jwks = (await app.inject({ url: '/oauth2/v0/jwks' })).json<{ keys: { kid: string }[] }>();
    await app.close();
    open.length = 0;
    app = await start();
    expect((await app.inject({ url: '/oauth2/v0/jwks' })).json()).toEqual(jwks);
    const refreshed = await app.inject(form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const revoke = await app.inject({ method: 'DELETE', url: '/app-mgmt/v0/connections', headers: { authorization: `Bearer ${first.access_token}` } });
    expect(revoke.statusCode).toBe(200);
  });

  it('refuses a dir written in the other queue mode, naming the mode', async () => {
    const app = await start({ queueMode: 'peek' });
    await app.close();
    open.length = 0;
    await expect(start({ queueMode: 'lease' })).rejects.toThrow(/written with --queue-mode peek/);
  });
});
