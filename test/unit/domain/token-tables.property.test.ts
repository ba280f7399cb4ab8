import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ChangeRecorder } from '../../../mock-concur/src/domain/change-recorder.js';
import { digest } from '../../../mock-concur/src/domain/secrets.js';
import { DAY_MS, DEAD_TOKEN_GRACE_MS, HOUR_MS, MINUTE_MS, TokenService, YEAR_MS, type TokenOrigin } from '../../../mock-concur/src/domain/token-service.js';
import { MapTokenService } from './map-token-service.js';

/**
 * The token tables answer what the `Map` implementation they replaced answers, over random
 * issues, exchanges, refreshes, revocations, waits (expiry, the purge sweep) and restores:
 * the same results, the same records in the same order (as JSON: what the state dir
 * receives), the same change-recorder calls, the same listing and counts.
 *
 * Both services must mint the same tokens, so the secrets' generators are replaced by a
 * source the test rewinds before running an operation on the second service.
 */
const source = vi.hoisted(() => {
  let next = 0;
  let mark = 0;
  const token = (prefix: string) => `${prefix}${(next++).toString(36).padStart(6, 'x')}Zq8-_${'k'.repeat(30)}${next % 7}`;
  return {
    requestToken: () => token('0_r'),
    accessToken: () => token('0_a'),
    refreshToken: () => token('0_f'),
    id: () => `0000${(next++).toString(16).padStart(4, '0')}-1111-4222-8333-444455556666`,
    mark: () => void (mark = next),
    rewind: () => void (next = mark),
  };
});

vi.mock('../../../mock-concur/src/domain/secrets.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../mock-concur/src/domain/secrets.js')>()),
  newRequestToken: source.requestToken,
  newAccessToken: source.accessToken,
  newRefreshToken: source.refreshToken,
  newId: source.id,
}));

const NOW = Date.UTC(2026, 0, 1);
const POLICY = { requestTokenTtlMs: 15 * MINUTE_MS, accessTokenTtlMs: YEAR_MS, singleUseRequestTokens: true };
const APPS = ['app', 'other'];
const USERS = ['u0', 'U0', 'u1', 'u2'];
const ORIGINS: TokenOrigin[] = ['native', 'control', 'web-flow'];

type Service = TokenService | MapTokenService;
type Change = [kind: string, key: string, json: string];

/** What a recorder is told, as JSON at the moment it is told (a DirtySet writes a record as it is then). */
function loggingRecorder(log: Change[]): ChangeRecorder {
  const note = (kind: string) => (key: string, record: unknown) => void log.push([kind, key, JSON.stringify(record)]);
  return { app() {}, user() {}, connectionRequest() {}, connectionRequestRemoved() {}, requestToken: note('requestToken'), accessToken: note('accessToken'), refreshToken: note('refreshToken') };
}

/** Everything a service shows, as JSON (key order included). */
function state(service: Service, now: number): string {
  return JSON.stringify({
    counts: service.recordCounts(),
    access: service.accessTokenCount(),
    records: [...service.records()],
    listing: [...service.listAccessTokens()],
    connected: APPS.flatMap((a) => USERS.map((u) => service.isConnected(a, u, now))),
  });
}

/** A service restored from changes as `--state-dir` replays them: the latest of each key, requests, then refresh, then access tokens. */
function restored<S extends Service>(service: S, changes: Change[]): S {
  const latest = new Map<string, Map<string, unknown>>();
  for (const [kind, key, json] of changes) {
    if (!latest.has(kind)) latest.set(kind, new Map());
    latest.get(kind)!.set(key, JSON.parse(json));
  }
  for (const [key, record] of latest.get('requestToken') ?? []) service.restoreRequestToken(key, record as never);
  for (const [key, record] of latest.get('refreshToken') ?? []) service.restoreRefreshToken(key, record as never);
  for (const [key, record] of latest.get('accessToken') ?? []) service.restoreAccessToken(key, record as never);
  return service;
}

const pick = fc.nat();
const op = fc.oneof(
  fc.record({ kind: fc.constant('request' as const), app: fc.nat(1), user: fc.nat(3), connection: fc.boolean(), redirect: fc.boolean() }),
  fc.record({ kind: fc.constant('exchange' as const), app: fc.nat(1), pick }),
  fc.record({ kind: fc.constant('use' as const), app: fc.nat(1), pick }),
  fc.record({ kind: fc.constant('issue' as const), app: fc.nat(1), user: fc.nat(3), origin: fc.nat(2), lifetime: fc.constantFrom(YEAR_MS, HOUR_MS, -2 * DAY_MS) }),
  fc.record({ kind: fc.constant('refresh' as const), app: fc.nat(1), pick }),
  fc.record({ kind: fc.constant('revoke' as const), app: fc.nat(1), pick }),
  fc.record({ kind: fc.constant('revokeUser' as const), app: fc.nat(1), user: fc.nat(3) }),
  fc.record({ kind: fc.constant('authenticate' as const), pick }),
  fc.record({ kind: fc.constant('v0Refresh' as const), app: fc.nat(1), user: fc.nat(3) }),
  fc.record({ kind: fc.constant('v0Rotate' as const), app: fc.nat(1), pick, reuse: fc.boolean() }),
  fc.record({ kind: fc.constant('v0Access' as const), app: fc.nat(1), user: fc.option(fc.nat(3)), pick: fc.option(pick) }),
  fc.record({ kind: fc.constant('legacyOwner' as const), app: fc.nat(1), pick }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(MINUTE_MS, 16 * MINUTE_MS, 2 * HOUR_MS, DEAD_TOKEN_GRACE_MS, YEAR_MS + DAY_MS) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** The secrets handed out so far (the same on both sides), for operations to pick from; unknown ones too. */
interface Known {
  requestTokens: string[];
  accessTokens: string[];
  refreshTokens: string[];
  v0RefreshTokens: string[];
  v0Digests: string[];
  jwts: number;
}

const chosen = (list: string[], at: number) => (list.length === 0 || at % 5 === 4 ? `0_unknown${at}` : list[at % list.length]!);

/** Runs one operation; answers its result as JSON, and notes the secrets it handed out. */
function run(service: Service, o: Op, now: number, known: Known): string {
  const app = 'app' in o ? APPS[o.app]! : '';
  switch (o.kind) {
    case 'request': {
      const r = service.issueRequestToken(app, USERS[o.user]!, now, o.connection ? `cr-${now}` : null, o.redirect ? 'https://partner.example/back' : undefined);
      known.requestTokens.push(r.token);
      return JSON.stringify(r);
    }
    case 'exchange':
    case 'use': {
      const code = chosen(known.requestTokens, o.pick);
      const r = o.kind === 'exchange' ? service.exchangeRequestToken(code, app, now) : service.useRequestToken(code, app, now);
      if (r.ok && 'token' in r.value) {
        known.accessTokens.push(r.value.token);
        known.refreshTokens.push(r.value.refreshToken);
      }
      return JSON.stringify([r, service.peekRequestToken(code)]);
    }
    case 'issue': {
      const r = service.issueAccessToken(app, USERS[o.user]!, now, ORIGINS[o.origin]!, o.lifetime);
      known.accessTokens.push(r.token);
      known.refreshTokens.push(r.refreshToken);
      return JSON.stringify(r);
    }
    case 'refresh': {
      const r = service.refresh(chosen(known.refreshTokens, o.pick), app, now);
      if (r.ok) known.accessTokens.push(r.value.token);
      return JSON.stringify(r);
    }
    case 'revoke':
      return JSON.stringify(service.revoke(chosen(known.accessTokens, o.pick), app, now));
    case 'revokeUser':
      return JSON.stringify(service.revokeUser(app, USERS[o.user]!, now));
    case 'authenticate':
      return JSON.stringify(service.authenticate(chosen(known.accessTokens, o.pick), now));
    case 'v0Refresh': {
      const r = service.issueOAuth2Refresh(app, USERS[o.user]!, now, now + 180 * DAY_MS);
      known.v0RefreshTokens.push(r.refreshToken);
      known.v0Digests.push(r.refreshDigest);
      return JSON.stringify(r);
    }
    case 'v0Rotate': {
      const r = service.refreshOAuth2(chosen(known.v0RefreshTokens, o.pick), app, now, o.reuse ? 'reuse' : 'rotate', now + 180 * DAY_MS);
      if (r.ok) {
        known.v0RefreshTokens.push(r.value.refreshToken);
        known.v0Digests.push(r.value.refreshDigest);
      }
      return JSON.stringify(r);
    }
    case 'v0Access': {
      const jwt = `eyJhbGciOiJSUzI1NiJ9.jwt${known.jwts++}.signature`;
      known.accessTokens.push(jwt);
      const refreshDigest = o.pick === null ? null : o.pick % 3 === 2 ? digest(`0_forgotten${o.pick}`) : chosen(known.v0Digests, o.pick);
      return JSON.stringify(service.registerOAuth2Access(jwt, app, o.user === null ? null : USERS[o.user]!, now, now + HOUR_MS, refreshDigest, 'oauth2-password'));
    }
    case 'legacyOwner':
      return JSON.stringify(service.legacyRefreshOwner(chosen(known.refreshTokens, o.pick), app) ?? null);
    case 'wait':
      return '';
  }
}

describe('the token tables against the Map implementation they replaced', () => {
  it('answer, record, list, purge and restore the same for any operations (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 30, maxLength: 200 }), (ops) => {
        const tableLog: Change[] = [];
        const mapLog: Change[] = [];
        const tables = new TokenService(POLICY, loggingRecorder(tableLog));
        const model = new MapTokenService(POLICY, loggingRecorder(mapLog));
        const known: Known = { requestTokens: [], accessTokens: [], refreshTokens: [], v0RefreshTokens: [], v0Digests: [], jwts: 0 };
        let now = NOW;
        for (const o of ops) {
          if (o.kind === 'wait') now += o.ms;
          source.mark();
          const answer = run(tables, o, now, structuredClone(known));
          source.rewind();
          expect(answer).toBe(run(model, o, now, known));
          expect(state(tables, now)).toBe(state(model, now));
        }
        expect(tableLog).toEqual(mapLog);
        // A restart from what was recorded (tokens purged since included, as a log still holds them).
        const back = restored(new TokenService(POLICY), tableLog);
        expect(state(back, now)).toBe(state(restored(new MapTokenService(POLICY), mapLog), now));
        // Replayed change by change (a key restored again updates it where it is, granted once).
        const replayed = (service: Service, log: Change[]) => {
          for (const [kind, key, json] of log) service[`restore${kind[0]!.toUpperCase()}${kind.slice(1)}` as 'restoreAccessToken'](key, JSON.parse(json) as never);
          return service;
        };
        const replayedTables = replayed(new TokenService(POLICY), tableLog);
        const replayedModel = replayed(new MapTokenService(POLICY), mapLog);
        expect(state(replayedTables, now)).toBe(state(replayedModel, now));
        const revokeAll = (service: Service) => APPS.flatMap((a) => USERS.map((u) => service.revokeUser(a, u, now)));
        expect(revokeAll(replayedTables)).toEqual(revokeAll(replayedModel));
        expect(state(replayedTables, now)).toBe(state(replayedModel, now));
        // And the purge goes on the same after it.
        const modelBack = restored(new MapTokenService(POLICY), mapLog);
        source.mark();
        for (let i = 0; i < 40; i++) back.issueRequestToken('app', 'u0', now + 2 * YEAR_MS);
        source.rewind();
        for (let i = 0; i < 40; i++) modelBack.issueRequestToken('app', 'u0', now + 2 * YEAR_MS);
        expect(state(back, now + 2 * YEAR_MS)).toBe(state(modelBack, now + 2 * YEAR_MS));
      }),
      { numRuns: 150 },
    );
  });
});
