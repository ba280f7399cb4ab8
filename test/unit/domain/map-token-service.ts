/**
 * The reference model of the token tables: `TokenService` as it was before them, every token
 * an object in a `Map` keyed by its digest (kept verbatim but for this comment and the imports).
 * `token-table.property.test.ts` runs both on the same operations and the same tokens.
 */
import { UNRECORDED, type ChangeRecorder } from '../../../mock-concur/src/domain/change-recorder.js';
import { digest, mask, newAccessToken, newId, newRefreshToken, newRequestToken } from '../../../mock-concur/src/domain/secrets.js';
import type { AccessTokenRecord, ExchangeFailure, IssuedAccessToken, RefreshFailure, RefreshTokenRecord, RequestTokenRecord, Result, AuthFailure, TokenOrigin, TokenPolicy } from '../../../mock-concur/src/domain/token-service.js';
import { DEAD_TOKEN_GRACE_MS } from '../../../mock-concur/src/domain/token-service.js';

const SWEEP_PER_ISSUE = 4;

type SweepItem = ['request', string, RequestTokenRecord] | ['access', string, AccessTokenRecord] | ['refresh', string, RefreshTokenRecord];

/**
 * Issues, exchanges, refreshes, authenticates and revokes tokens. Every map is keyed by the
 * token's digest, so no lookup compares a raw secret and nothing here can leak one.
 */
export class MapTokenService {
  private readonly requestTokens = new Map<string, RequestTokenRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** app + user → digests of their access tokens, for "revoke all of this user's tokens". */
  // Arrays, not Sets: digests are unique, and a push is the cheapest thing a refresh can do.
  private readonly grants = new Map<string, string[]>();
  /** app + user → digests of their refresh tokens (a migrated v0 one has no access token yet). */
  private readonly refreshGrants = new Map<string, string[]>();
  /** grant key → how many digests in its array name purged tokens (compacted at half). */
  private readonly purgedInGrant = new Map<string, number>();
  /** A hand that goes round every record, a few per token issued, purging the long dead. */
  private readonly sweep: Generator<SweepItem | null, never, undefined> = this.sweepOrder();

  constructor(
    private readonly policy: TokenPolicy,
    private readonly recorder: ChangeRecorder = UNRECORDED,
  ) {}

  get requestTokenTtlMs(): number {
    return this.policy.requestTokenTtlMs;
  }

  /** `redirectUri`: an authorization code of `/oauth2/v0/authorize`, bound to the URI it was issued for. */
  issueRequestToken(appKey: string, loginId: string, now: number, connectionRequestId: string | null = null, redirectUri?: string): { token: string; expiresAt: number } {
    const token = newRequestToken();
    const expiresAt = now + this.policy.requestTokenTtlMs;
    const tokenDigest = digest(token);
    const record: RequestTokenRecord = { appKey, loginId, issuedAt: now, expiresAt, connectionRequestId, usedAt: null, ...(redirectUri !== undefined ? { redirectUri } : {}) };
    this.requestTokens.set(tokenDigest, record);
    this.recorder.requestToken(tokenDigest, record);
    this.purgeSome(now);
    return { token, expiresAt };
  }

  /** The request token (`code`) for an access token, for the app it was issued to. */
  exchangeRequestToken(code: string, appKey: string, now: number): Result<IssuedAccessToken, ExchangeFailure> {
    const used = this.useRequestToken(code, appKey, now);
    if (!used.ok) return used;
    const issued = this.issueAccessToken(appKey, used.value.loginId, now, 'request-token');
    issued.connectionRequestId = used.value.connectionRequestId;
    return { ok: true, value: issued };
  }

  /**
   * Spends a request token of `appKey` (single-use and time-limited whichever flow spends it:
   * the legacy exchange, the v0 password grant with `credtype=authtoken`, or an authorization
   * code) and answers its record.
   */
  useRequestToken(code: string, appKey: string, now: number): Result<RequestTokenRecord, ExchangeFailure> {
    const codeDigest = digest(code);
    const record = this.requestTokens.get(codeDigest);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.appKey !== appKey) return { ok: false, reason: 'other-app' };
    if (now >= record.expiresAt) return { ok: false, reason: 'expired' };
    if (record.usedAt !== null && this.policy.singleUseRequestTokens) return { ok: false, reason: 'used' };
    record.usedAt = now;
    this.recorder.requestToken(codeDigest, record);
    return { ok: true, value: record };
  }

  /** A request token's record without spending it (an authorization code's redirect URI). */
  peekRequestToken(code: string): RequestTokenRecord | undefined {
    return this.requestTokens.get(digest(code));
  }

  /**
   * A v0 refresh token for a user: random, a UUID as Concur prints them, valid until
   * `expiresAt` (six months) unless revoked or rotated away.
   */
  issueOAuth2Refresh(appKey: string, loginId: string, now: number, expiresAt: number): { refreshToken: string; refreshDigest: string } {
    const refreshToken = newId();
    const refreshDigest = digest(refreshToken);
    const record: RefreshTokenRecord = { appKey, loginId, revokedAt: null, flow: 'oauth2', issuedAt: now, expiresAt };
    this.refreshTokens.set(refreshDigest, record);
    this.grantRefresh(refreshDigest, record);
    this.recorder.refreshToken(refreshDigest, record);
    this.purgeSome(now);
    return { refreshToken, refreshDigest };
  }

  /**
   * The v0 refresh grant's refresh token: checked (`flow: 'oauth2'` only), then either
   * rotated (a new token; the old one ends at once) or kept (`reuse`), its expiry slid to
   * `expiresAt` either way, as the documents say each refresh updates it.
   */
  refreshOAuth2(refreshToken: string, appKey: string, now: number, mode: 'rotate' | 'reuse', expiresAt: number): Result<{ loginId: string; refreshToken: string; refreshDigest: string; expiresAt: number }, RefreshFailure> {
    const oldDigest = digest(refreshToken);
    const record = this.refreshTokens.get(oldDigest);
    if (!record || record.flow !== 'oauth2') return { ok: false, reason: 'unknown' };
    if (record.appKey !== appKey) return { ok: false, reason: 'other-app' };
    if (record.revokedAt !== null) return { ok: false, reason: 'revoked' };
    if (record.expiresAt !== undefined && now >= record.expiresAt) return { ok: false, reason: 'expired' };
    if (mode === 'reuse') {
      record.expiresAt = expiresAt;
      this.recorder.refreshToken(oldDigest, record);
      return { ok: true, value: { loginId: record.loginId, refreshToken, refreshDigest: oldDigest, expiresAt } };
    }
    record.revokedAt = now;
    this.recorder.refreshToken(oldDigest, record);
    const next = this.issueOAuth2Refresh(appKey, record.loginId, now, expiresAt);
    return { ok: true, value: { loginId: record.loginId, ...next, expiresAt } };
  }

  /**
   * Stores a v0 access token the caller minted (a signed JWT: its randomness is its id and
   * signature), for a user (`loginId`) or for the application itself (`loginId` null: the
   * client-credentials grant). Looked up, like every token, by digest.
   */
  registerOAuth2Access(token: string, appKey: string, loginId: string | null, now: number, expiresAt: number, refreshDigest: string | null, origin: TokenOrigin): AccessTokenRecord {
    const tokenDigest = digest(token);
    const record: AccessTokenRecord = {
      masked: mask(token),
      appKey,
      loginId: loginId ?? '',
      issuedAt: now,
      expiresAt,
      origin,
      refreshDigest: refreshDigest ?? '',
      revokedAt: null,
      flow: 'oauth2',
      subject: loginId === null ? 'app' : 'user',
    };
    this.accessTokens.set(tokenDigest, record);
    if (loginId !== null) this.grant(tokenDigest, record);
    this.recorder.accessToken(tokenDigest, record);
    this.purgeSome(now);
    return record;
  }

  /** A legacy refresh token's user, if it is live and the app's (the v0 migration reads it). */
  legacyRefreshOwner(refreshToken: string, appKey: string): string | undefined {
    const record = this.refreshTokens.get(digest(refreshToken));
    return record && record.flow !== 'oauth2' && record.appKey === appKey && record.revokedAt === null ? record.loginId : undefined;
  }

  /** A new access token, a year from now, for the refresh token's own app and user. */
  refresh(refreshToken: string, appKey: string, now: number): Result<IssuedAccessToken, RefreshFailure> {
    const refreshDigest = digest(refreshToken);
    const record = this.refreshTokens.get(refreshDigest);
    if (!record || record.flow === 'oauth2') return { ok: false, reason: 'unknown' };
    if (record.appKey !== appKey) return { ok: false, reason: 'other-app' };
    if (record.revokedAt !== null) return { ok: false, reason: 'revoked' };
    return { ok: true, value: this.mintAccess(appKey, record.loginId, now, 'refresh', refreshToken, refreshDigest) };
  }

  issueAccessToken(appKey: string, loginId: string, now: number, origin: TokenOrigin, lifetimeMs = this.policy.accessTokenTtlMs): IssuedAccessToken {
    const refreshToken = newRefreshToken();
    const refreshDigest = digest(refreshToken);
    const refresh: RefreshTokenRecord = { appKey, loginId, revokedAt: null };
    this.refreshTokens.set(refreshDigest, refresh);
    this.grantRefresh(refreshDigest, refresh);
    this.recorder.refreshToken(refreshDigest, refresh);
    return this.mintAccess(appKey, loginId, now, origin, refreshToken, refreshDigest, lifetimeMs);
  }

  authenticate(token: string, now: number): Result<AccessTokenRecord, AuthFailure> {
    const record = this.accessTokens.get(digest(token));
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.revokedAt !== null) return { ok: false, reason: 'revoked' };
    if (now >= record.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, value: record };
  }

  /**
   * Revokes one access token of `appKey` (and the refresh token issued with it). Answers
   * whether a live token was revoked; a token of another app is left alone.
   */
  revoke(token: string, appKey: string, now: number): boolean {
    const tokenDigest = digest(token);
    const record = this.accessTokens.get(tokenDigest);
    if (!record || record.appKey !== appKey || record.revokedAt !== null) return false;
    this.revokeRecord(tokenDigest, record, now);
    return true;
  }

  /** Revokes every access and refresh token the user holds for the app; answers how many access tokens. */
  revokeUser(appKey: string, loginId: string, now: number): number {
    let count = 0;
    for (const d of this.grants.get(grantKey(appKey, loginId)) ?? []) {
      const record = this.accessTokens.get(d);
      if (!record || record.revokedAt !== null) continue;
      // Every token of the user goes in this loop: no sibling scan per token.
      this.revokeRecord(d, record, now, false);
      count++;
    }
    for (const d of this.refreshGrants.get(grantKey(appKey, loginId)) ?? []) {
      const refresh = this.refreshTokens.get(d);
      if (!refresh || refresh.revokedAt !== null) continue;
      refresh.revokedAt = now;
      this.recorder.refreshToken(d, refresh);
    }
    return count;
  }

  /** Whether the user holds an unexpired, unrevoked access token of the app: "Connected" in the App Center. */
  isConnected(appKey: string, loginId: string, now: number): boolean {
    for (const d of this.grants.get(grantKey(appKey, loginId)) ?? []) {
      const record = this.accessTokens.get(d);
      if (record && record.revokedAt === null && now < record.expiresAt) return true;
    }
    return false;
  }

  accessTokenCount(): number {
    return this.accessTokens.size;
  }

  /** How many records of each kind are held (dead ones included until purged). */
  recordCounts(): { request: number; access: number; refresh: number } {
    return { request: this.requestTokens.size, access: this.accessTokens.size, refresh: this.refreshTokens.size };
  }

  /**
   * Purges a few records that have been dead for longer than the grace: a long-running mock
   * (a demo for days, a CI server for weeks) holds what is live and a day of the dead, not
   * every token it ever issued. Not recorded: a purged record restored from `--state-dir` is
   * still dead, and goes again; a snapshot never holds it.
   */
  private purgeSome(now: number): void {
    for (let i = 0; i < SWEEP_PER_ISSUE; i++) {
      const item = this.sweep.next().value;
      if (item === null) return;
      const [kind, d, record] = item;
      if (kind === 'request') {
        if (now >= record.expiresAt + DEAD_TOKEN_GRACE_MS) this.requestTokens.delete(d);
      } else if (kind === 'access') {
        if (deadSince(record.revokedAt, record.expiresAt, now)) {
          this.accessTokens.delete(d);
          if (record.subject !== 'app') this.purgedFrom(this.grants, grantKey(record.appKey, record.loginId), this.accessTokens);
        }
      } else if (deadSince(record.revokedAt, record.expiresAt, now)) {
        this.refreshTokens.delete(d);
        this.purgedFrom(this.refreshGrants, grantKey(record.appKey, record.loginId), this.refreshTokens);
      }
    }
  }

  /** Counts a purged digest against its grant's array, and drops every such digest once they are half of it. */
  private purgedFrom(grants: Map<string, string[]>, key: string, live: Map<string, unknown>): void {
    const digests = grants.get(key);
    if (!digests) return;
    const countKey = grants === this.grants ? `a|${key}` : `r|${key}`;
    const purged = (this.purgedInGrant.get(countKey) ?? 0) + 1;
    if (purged * 2 < digests.length) {
      this.purgedInGrant.set(countKey, purged);
      return;
    }
    this.purgedInGrant.delete(countKey);
    const kept = digests.filter((d) => live.has(d));
    if (kept.length === 0) grants.delete(key);
    else grants.set(key, kept);
  }

  /** Every record, round and round (a Map's iterator sees what is added meanwhile); null when there are none. */
  private *sweepOrder(): Generator<SweepItem | null, never, undefined> {
    for (;;) {
      let any = false;
      for (const [d, r] of this.requestTokens) {
        any = true;
        yield ['request', d, r];
      }
      for (const [d, r] of this.accessTokens) {
        any = true;
        yield ['access', d, r];
      }
      for (const [d, r] of this.refreshTokens) {
        any = true;
        yield ['refresh', d, r];
      }
      if (!any) yield null;
    }
  }

  /** Every access token in the order issued: `/_mock/tokens` pages it newest first. */
  listAccessTokens(): AccessTokenRecord[] {
    return [...this.accessTokens.values()];
  }

  /** Every record by digest, for a `--state-dir` snapshot. */
  *records(): Generator<['request', string, RequestTokenRecord] | ['access', string, AccessTokenRecord] | ['refresh', string, RefreshTokenRecord]> {
    for (const [d, r] of this.requestTokens) yield ['request', d, r];
    for (const [d, r] of this.accessTokens) yield ['access', d, r];
    for (const [d, r] of this.refreshTokens) yield ['refresh', d, r];
  }

  /** Puts back records read from `--state-dir`, unrecorded. */
  restoreRequestToken(tokenDigest: string, record: RequestTokenRecord): void {
    this.requestTokens.set(tokenDigest, record);
  }

  restoreRefreshToken(refreshDigest: string, record: RefreshTokenRecord): void {
    const known = this.refreshTokens.has(refreshDigest);
    this.refreshTokens.set(refreshDigest, record);
    if (!known) this.grantRefresh(refreshDigest, record);
  }

  restoreAccessToken(tokenDigest: string, record: AccessTokenRecord): void {
    // A log holds a token once per change (issued, then revoked): grant it once.
    const known = this.accessTokens.has(tokenDigest);
    this.accessTokens.set(tokenDigest, record);
    if (!known) this.grant(tokenDigest, record);
  }

  /**
   * Revokes an access token, the refresh token of its grant, and every other access token that
   * refresh token minted (RFC 7009 §2.1): a refresh that raced the revocation leaves no live
   * sibling behind.
   */
  private revokeRecord(tokenDigest: string, record: AccessTokenRecord, now: number, withSiblings = true): void {
    record.revokedAt = now;
    this.recorder.accessToken(tokenDigest, record);
    if (record.refreshDigest === '') return;
    const refresh = this.refreshTokens.get(record.refreshDigest);
    if (refresh && refresh.revokedAt === null) {
      refresh.revokedAt = now;
      this.recorder.refreshToken(record.refreshDigest, refresh);
    }
    if (!withSiblings) return;
    for (const d of this.grants.get(grantKey(record.appKey, record.loginId)) ?? []) {
      const sibling = this.accessTokens.get(d);
      if (!sibling || sibling.revokedAt !== null || sibling.refreshDigest !== record.refreshDigest) continue;
      sibling.revokedAt = now;
      this.recorder.accessToken(d, sibling);
    }
  }

  private grantRefresh(refreshDigest: string, record: RefreshTokenRecord): void {
    const key = grantKey(record.appKey, record.loginId);
    const digests = this.refreshGrants.get(key);
    if (digests) digests.push(refreshDigest);
    else this.refreshGrants.set(key, [refreshDigest]);
  }

  private grant(tokenDigest: string, record: AccessTokenRecord): void {
    const key = grantKey(record.appKey, record.loginId);
    const digests = this.grants.get(key);
    if (digests) digests.push(tokenDigest);
    else this.grants.set(key, [tokenDigest]);
  }

  private mintAccess(appKey: string, loginId: string, now: number, origin: TokenOrigin, refreshToken: string, refreshDigest: string, lifetimeMs = this.policy.accessTokenTtlMs): IssuedAccessToken {
    const token = newAccessToken();
    const tokenDigest = digest(token);
    const record: AccessTokenRecord = {
      masked: mask(token),
      appKey,
      loginId,
      issuedAt: now,
      expiresAt: now + lifetimeMs,
      origin,
      refreshDigest,
      revokedAt: null,
    };
    this.accessTokens.set(tokenDigest, record);
    this.grant(tokenDigest, record);
    this.recorder.accessToken(tokenDigest, record);
    this.purgeSome(now);
    return { token, refreshToken, expiresAt: record.expiresAt, record, connectionRequestId: null };
  }
}

/** Revoked, or expired, longer than the grace ago (a legacy refresh token never expires). */
function deadSince(revokedAt: number | null, expiresAt: number | undefined, now: number): boolean {
  return (revokedAt !== null && now >= revokedAt + DEAD_TOKEN_GRACE_MS) || (expiresAt !== undefined && now >= expiresAt + DEAD_TOKEN_GRACE_MS);
}

function grantKey(appKey: string, loginId: string): string {
  return `${appKey}\u0000${loginId.toLowerCase()}`;
}
