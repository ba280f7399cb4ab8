import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBulkTravellers } from '../../../mock-concur/src/domain/bulk-travellers.js';
import type { ConnectionRequestRecord, ConnectionRequestView } from '../../../mock-concur/src/domain/connection-requests.js';
import { DEMO } from '../../../mock-concur/src/domain/demo-accounts.js';
import type { ConcurUser } from '../../../mock-concur/src/domain/directory.js';
import { STATUS_CODES, type StatusCode } from '../../../mock-concur/src/domain/status-codes.js';
import { createWorld, type World } from '../../../mock-concur/src/domain/world.js';
import { defaultOptions } from '../../../mock-concur/src/options.js';

const APPS = ['app-a', 'app-b'];
const MIN = 60_000;
const CODES = Object.keys(STATUS_CODES) as StatusCode[];
const STATUSES = ['processing', 'retry', 'connected', 'failed'] as const;

type Op =
  | { kind: 'seed'; app: number; count: number }
  | { kind: 'own'; app: number }
  | { kind: 'again'; app: number; pick: number }
  | { kind: 'list'; app: number; offset: number; limit: number }
  | { kind: 'listStatus'; app: number; status: (typeof STATUSES)[number]; offset: number; limit: number }
  | { kind: 'put'; pick: number; code: StatusCode }
  | { kind: 'remove'; pick: number }
  | { kind: 'advance'; minutes: number };

const app = fc.integer({ min: 0, max: APPS.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('seed' as const), app, count: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('own' as const), app }),
  fc.record({ kind: fc.constant('again' as const), app, pick: fc.nat() }),
  fc.record({ kind: fc.constant('list' as const), app, offset: fc.nat(8), limit: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('listStatus' as const), app, status: fc.constantFrom(...STATUSES), offset: fc.nat(4), limit: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('put' as const), pick: fc.nat(), code: fc.constantFrom(...CODES) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), minutes: fc.constantFrom(1, 16, 61, 24 * 60 + 1) }),
);

/**
 * What a record shows, without the random request token. Field by field (the type makes it
 * every field): a settled seeded record reads some through getters, which a spread misses.
 */
function shape(r: ConnectionRequestRecord): Record<keyof ConnectionRequestRecord, unknown> {
  return {
    id: r.id,
    appKey: r.appKey,
    user: { ...r.user, roles: [...r.user.roles] },
    createdAt: r.createdAt,
    lastModified: r.lastModified,
    queueKey: r.queueKey,
    handout: r.handout && { ...r.handout, token: typeof r.handout.token },
    outcome: r.outcome,
    lastCode: r.lastCode,
    userErrorRequeues: r.userErrorRequeues,
    retryRequeues: r.retryRequeues,
    leaseRequeues: r.leaseRequeues,
  };
}

function viewShape(v: ConnectionRequestView) {
  return { ...v, user: { ...v.user, roles: [...v.user.roles] }, requestToken: v.requestToken !== null };
}

/**
 * The model: the same requests made one `create` at a time, for users added one `addUser` at
 * a time with the generated travellers' very fields and ids. A seeded queue must be
 * indistinguishable from it through every read.
 */
describe('seeded requests and generated travellers', () => {
  for (const mode of ['peek', 'lease'] as const) {
    it(`behave exactly like requests and users made one at a time (${mode} mode, property)`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
          const make = () => createWorld({ requestTokenTtlMs: 15 * MIN, accessTokenTtlMs: defaultOptions.accessTokenTtlMs, singleUseRequestTokens: true }, { ...defaultOptions.queue, mode });
          const seeded = make();
          const plain = make();
          const both = [seeded, plain];
          let now = Date.UTC(2026, 0, 1);
          let own = 0;
          let again = 0;
          const users: ConcurUser[] = [];
          const ids = () => [...seeded.queue.allRecords()].map((r) => r.id);
          for (const o of ops) {
            if (o.kind === 'seed') {
              const batch = addBulkTravellers(seeded, APPS[o.app]!, o.count, now);
              // Read without settling: a read that settles one world only would tell them apart.
              const batchUsers = seeded.directory.usersSlice(seeded.directory.userCount() - batch.count, seeded.directory.userCount());
              for (let i = 0; i < batch.count; i++) {
                const id = batch.idAt(i);
                const u = batchUsers[i]!;
                users.push(u);
                const user = plain.directory.addUser({ id: u.id, loginId: u.loginId, firstName: u.firstName, lastName: u.lastName, loyaltyNumber: u.loyaltyNumber, emails: [u.loginId], password: DEMO.traveler.password });
                expect(plain.queue.create(APPS[o.app]!, user, now, id).ok).toBe(true);
              }
            } else if (o.kind === 'own') {
              // A user of the directory's own with the loyalty number of the traveller generated just before, or of the next but one.
              const loginId = `own${own}@example.com`;
              const loyaltyNumber = String(8_000_000_000 + users.length + (own % 2 === 0 ? 1 : -1));
              const input = { id: `00000000-0000-4000-8000-${String(own++).padStart(12, '0')}`, loginId, firstName: 'O', lastName: 'W', loyaltyNumber, emails: [loginId], password: 'pw' };
              for (const w of both) w.queue.create(APPS[o.app]!, w.directory.addUser(input), now, `own-request-${own}`);
              users.push(seeded.directory.user(loginId)!);
            } else if (o.kind === 'again') {
              if (users.length === 0) continue;
              const loginId = users[o.pick % users.length]!.loginId;
              const results = both.map((w) => w.queue.create(APPS[o.app]!, w.directory.user(loginId)!, now, `again-${again}`));
              again++;
              expect(results[0]!.ok).toBe(results[1]!.ok);
            } else if (o.kind === 'list') {
              const [a, b] = both.map((w) => w.queue.listPending(APPS[o.app]!, o.offset, o.limit, now));
              expect(a!.items.map(viewShape)).toEqual(b!.items.map(viewShape));
              expect(a!.nextOffset).toBe(b!.nextOffset);
            } else if (o.kind === 'listStatus') {
              const [a, b] = both.map((w) => w.queue.listByStatus(APPS[o.app]!, o.status, o.offset, o.limit, now));
              expect(a!.items.map(viewShape)).toEqual(b!.items.map(viewShape));
              expect(a!.nextOffset).toBe(b!.nextOffset);
            } else if (o.kind === 'put' || o.kind === 'remove') {
              const all = ids();
              if (all.length === 0) continue;
              const id = all[o.pick % all.length]!;
              const [found] = both.map((w) => w.queue.inspect(id, now));
              const appKey = found!.record.appKey;
              if (o.kind === 'put') {
                const [a, b] = both.map((w) => w.queue.put(appKey, id, o.code, now));
                expect(a!.ok).toBe(b!.ok);
                if (a!.ok && b!.ok) expect(viewShape(a!.value)).toEqual(viewShape(b!.value));
                else expect(a).toEqual(b);
              } else {
                expect(seeded.queue.remove(appKey, id, now)).toBe(plain.queue.remove(appKey, id, now));
                expect(seeded.queue.inspect(id, now)).toBeUndefined();
              }
            } else now += o.minutes * MIN;
          }
          expectSameReads(seeded, plain, users, now);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('finds generated travellers by login id (any case), id and loyalty number, and refuses their login id to a new user', () => {
    const world = createWorld({ requestTokenTtlMs: 15 * MIN, accessTokenTtlMs: defaultOptions.accessTokenTtlMs, singleUseRequestTokens: true }, { ...defaultOptions.queue, mode: 'peek' });
    const { directory } = world;
    directory.addUser({ loginId: 'first@example.com', firstName: 'F', lastName: 'L', loyaltyNumber: '8000000003', password: 'pw' });
    const batch = addBulkTravellers(world, 'app', 5, 0);
    const user = world.queue.inspect(batch.idAt(2), 0)!.record.user;
    expect(user.loginId).toMatch(/^traveler3\.[0-9a-f]{8}@load\.demo\.example$/);
    expect(directory.user(user.loginId.toUpperCase())).toEqual(user);
    expect(directory.userById(user.id.toUpperCase())).toEqual(user);
    // Added after the user of the directory's own with the same loyalty number: the one found.
    expect(directory.userByLoyaltyNumber('8000000003')).toEqual(user);
    directory.addUser({ loginId: 'later@example.com', firstName: 'F', lastName: 'L', loyaltyNumber: '8000000004', password: 'pw' });
    expect(directory.userByLoyaltyNumber('8000000004')?.loginId).toBe('later@example.com');
    expect(directory.user(user.loginId.replace(/\.[0-9a-f]{8}@/, '.00000000@'))).toBeUndefined();
    expect(directory.user('traveler03' + user.loginId.slice('traveler3'.length))).toBeUndefined();
    expect(directory.authenticateUser(user.loginId, DEMO.traveler.password)).toEqual(user);
    expect(() => directory.addUser({ loginId: user.loginId, firstName: 'X', lastName: 'Y', password: 'pw' })).toThrow(/already exists/);
    expect(world.queue.create('app', user, 0).ok).toBe(false);
    expect(directory.userCount()).toBe(7);
    expect(directory.allUsers().map((u) => u.loginId.split('@')[0]!.split('.')[0])).toEqual(['first', 'traveler1', 'traveler2', 'traveler3', 'traveler4', 'traveler5', 'later']);
  });

  it('forgets a generated traveller\'s latest request once removed, as it does anyone\'s, though their seeded one remains', () => {
    const world = createWorld({ requestTokenTtlMs: 15 * MIN, accessTokenTtlMs: defaultOptions.accessTokenTtlMs, singleUseRequestTokens: true }, { ...defaultOptions.queue, mode: 'peek' });
    const seededId = addBulkTravellers(world, 'app', 3, 0).idAt(1);
    const user = world.queue.inspect(seededId, 0)!.record.user;
    expect(world.queue.latestOf(user.loginId)?.id).toBe(seededId);
    world.queue.listPending('app', 0, 3, 0);
    expect(world.queue.put('app', seededId, 'CRSUC', 0).ok).toBe(true);
    const again = world.queue.create('app', user, 1);
    expect(again.ok).toBe(true);
    const againId = again.ok ? again.value.id : '';
    expect(world.queue.latestOf(user.loginId)?.id).toBe(againId);
    expect(world.queue.remove('app', againId, 2)).toBe(true);
    expect(world.queue.latestOf(user.loginId)).toBeUndefined();
    expect(world.queue.inspect(seededId, 2)?.view.status).toBe('Connected');
    expect(world.queue.remove('app', seededId, 2)).toBe(true);
    expect(world.queue.inspect(seededId, 2)).toBeUndefined();
    expect(world.queue.size()).toBe(2);
  });

  it('pages users and requests from any position without building the ones before it', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constant(0)), { maxLength: 12 }), fc.nat(200), fc.nat(40), fc.array(fc.nat(), { maxLength: 10 }), (steps, start, length, removals) => {
        const world = createWorld({ requestTokenTtlMs: 15 * MIN, accessTokenTtlMs: defaultOptions.accessTokenTtlMs, singleUseRequestTokens: true }, { ...defaultOptions.queue, mode: 'peek' });
        let own = 0;
        for (const count of steps) {
          if (count > 0) addBulkTravellers(world, 'app', count, 0);
          else world.queue.create('app', world.directory.addUser({ loginId: `own${own++}@example.com`, firstName: 'O', lastName: 'W', password: 'pw' }), 0);
        }
        for (const pick of removals) {
          const all = [...world.queue.allRecords()];
          if (all.length > 0) world.queue.remove('app', all[pick % all.length]!.id, 0);
        }
        expect(world.directory.usersSlice(start, start + length)).toEqual(world.directory.allUsers().slice(start, start + length));
        const records = [...world.queue.allRecords()];
        expect(records).toHaveLength(world.queue.size());
        expect([...world.queue.allRecords(start)].map((r) => r.id)).toEqual(records.slice(start).map((r) => r.id));
      }),
      { numRuns: 200 },
    );
  });
});

function expectSameReads(seeded: World, plain: World, users: readonly ConcurUser[], now: number): void {
  const [a, b] = [seeded, plain];
  expect([...a.queue.allRecords()].map(shape)).toEqual([...b.queue.allRecords()].map(shape));
  expect(a.queue.size()).toBe(b.queue.size());
  for (const appKey of [undefined, ...APPS]) {
    expect(a.queue.counts(now, appKey)).toEqual(b.queue.counts(now, appKey));
    expect(a.queue.edges(now, appKey)).toEqual(b.queue.edges(now, appKey));
    expect(a.queue.forecast(now, 61 * MIN, appKey)).toEqual(b.queue.forecast(now, 61 * MIN, appKey));
    expect(a.queue.nextEvents(now, appKey)).toEqual(b.queue.nextEvents(now, appKey));
  }
  for (const user of users) {
    for (const appKey of [undefined, ...APPS]) {
      const [x, y] = [a, b].map((w) => w.queue.latestOf(user.loginId, appKey));
      expect(x && shape(x)).toEqual(y && shape(y));
    }
    for (const w of [a, b]) {
      expect(w.directory.user(user.loginId)?.id).toBe(user.id);
      expect(w.directory.userById(user.id)?.loginId).toBe(user.loginId);
    }
    expect(a.directory.userByLoyaltyNumber(user.loyaltyNumber!)?.loginId).toBe(b.directory.userByLoyaltyNumber(user.loyaltyNumber!)?.loginId);
  }
  const plainUsers = b.directory.allUsers().map((u) => ({ ...u, roles: [...u.roles] }));
  expect(a.directory.allUsers().map((u) => ({ ...u, roles: [...u.roles] }))).toEqual(plainUsers);
}
