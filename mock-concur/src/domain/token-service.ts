import { UNRECORDED, type ChangeRecorder } from './change-recorder.js';
import { DigestTable } from './digest-table.js';
import { GrantChains } from './grant-chains.js';
import { lazyArray } from './lazy-array.js';
import { digestInto, mask, newAccessToken, newId, newRefreshToken, newRequestToken } from './secrets.js';
import { StringCodes } from './string-codes.js';
import { ODD_MASK, packMask, packSecretMask, unpackMask } from './token-mask.js';
import { TokenOwners } from './token-owners.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const YEAR_MS = 365 * DAY_MS;

/** How an access token came to be: shown in the console and the token listing. */
export type TokenOrigin = 'request-token' | 'refresh' | 'native' | 'web-flow' | 'control' | 'oauth2-password' | 'oauth2-authtoken' | 'oauth2-client-credentials' | 'oauth2-refresh' | 'oauth2-code' | 'oauth2-migration';

export interface TokenPolicy {
  /** A request token's life; Concur documents 15 minutes. */
  requestTokenTtlMs: number;
  /** Access tokens live one year on Concur. */
  accessTokenTtlMs: number;
  /** OAuth 2.0 (RFC 6749 §4.1.2) makes codes single-use; Concur's documents are silent. */
  singleUseRequestTokens: boolean;
}

export interface RequestTokenRecord {
  readonly appKey: string;
  readonly loginId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly connectionRequestId: string | null;
  usedAt: number | null;
  /** Set on an authorization code: the redirect URI the exchange must name again. */
  readonly redirectUri?: string;
}

export interface AccessTokenRecord {
  readonly masked: string;
  readonly appKey: string;
  readonly loginId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly origin: TokenOrigin;
  readonly refreshDigest: string;
  revokedAt: number | null;
  /** `oauth2`: issued by `/oauth2/v0/token` (a JWT, one hour); absent: the legacy flow. */
  readonly flow?: 'oauth2';
  /** `app`: a client-credentials token, for the application itself (no user). */
  readonly subject?: 'user' | 'app';
}

export interface RefreshTokenRecord {
  readonly appKey: string;
  readonly loginId: string;
  revokedAt: number | null;
  /** `oauth2`: a v0 refresh token (six months, slid on every refresh); absent: legacy. */
  readonly flow?: 'oauth2';
  readonly issuedAt?: number;
  expiresAt?: number;
}

/** What a partner receives: the secrets appear here once and are stored only as digests. */
export interface IssuedAccessToken {
  token: string;
  refreshToken: string;
  expiresAt: number;
  record: AccessTokenRecord;
  /** Exchanged from a connection request's request token: that request (the console's timeline). */
  connectionRequestId: string | null;
}

export type ExchangeFailure = 'unknown' | 'expired' | 'used' | 'other-app';
export type RefreshFailure = 'unknown' | 'revoked' | 'other-app' | 'expired';
export type AuthFailure = 'unknown' | 'expired' | 'revoked';

export type Result<T, F> = { ok: true; value: T } | { ok: false; reason: F };

/**
 * How long a dead token (expired, revoked, or spent and expired) is still told apart from one
 * never issued ("has expired", "revoked" rather than "invalid"); after that it is purged.
 */
export const DEAD_TOKEN_GRACE_MS = 24 * HOUR_MS;
/** Records looked at per token issued: more than the (at most 3) records an issue adds, so the dead never pile up. */
const SWEEP_PER_ISSUE = 4;

const NONE = -1;
/** Access-token flags. */
const OAUTH2 = 1;
const SUBJECT_USER = 2;
const SUBJECT_APP = 4;

const REQUEST_COLUMNS = { owner: Int32Array, issuedAt: Float64Array, expiresAt: Float64Array, usedAt: Float64Array };
const ACCESS_COLUMNS = {
  owner: Int32Array,
  issuedAt: Float64Array,
  expiresAt: Float64Array,
  revokedAt: Float64Array,
  /** The masked token's seven characters, 7 bits each (`packMask`). */
  mask: Float64Array,
  /** The refresh table's row of `refreshDigest` (-1: none, `''`). */
  refresh: Int32Array,
  origin: Uint16Array,
  flags: Uint8Array,
};
const REFRESH_COLUMNS = {
  owner: Int32Array,
  revokedAt: Float64Array,
  issuedAt: Float64Array,
  expiresAt: Float64Array,
  /** How many access rows name this row as their refresh digest: a purged row stays a ghost (its key only) while any do. */
  refs: Int32Array,
  flags: Uint8Array,
};

/** The three tables the purge sweep goes round, in this order. */
interface Swept {
  sweepFromStart(): void;
  sweepNext(): number;
}
const REQUEST = 0;
const ACCESS = 1;

/**
 * Issues, exchanges, refreshes, authenticates and revokes tokens. Every table is keyed by the
 * token's digest, so no lookup compares a raw secret and nothing here can leak one.
 *
 * Tokens are rows of typed-array tables (`DigestTable`), not objects in maps: a refresh load
 * stores a year-long access token per refresh, and a row costs about a third of what a map
 * entry, its digest string and its record object did. Times are numbers with NaN for null;
 * app and user are an owner number (`TokenOwners`). Records are built when asked for (an
 * answer, a listing, a snapshot) and for the change recorder only when one is listening.
 */
export class TokenService {
  private readonly owners = new TokenOwners();
  private readonly requests = new DigestTable(REQUEST_COLUMNS);
  private readonly access = new DigestTable(ACCESS_COLUMNS);
  private readonly refreshes = new DigestTable(REFRESH_COLUMNS);
  /** Request row → its connection request (null: none). */
  private readonly connectionRequestIds: (string | null)[] = [];
  /** Request row → the redirect URI an authorization code is bound to. */
  private readonly redirectUris = new Map<number, string>();
  /** Access row → a mask `packMask` cannot hold. */
  private readonly oddMasks = new Map<number, string>();
  private readonly origins = new StringCodes();
  /** Grant (app + user) → its access rows, for "revoke all of this user's tokens". */
  private readonly accessGrants = new GrantChains();
  /** Grant → its refresh rows (a migrated v0 one has no access token yet). */
  private readonly refreshGrants = new GrantChains();
  /** A hand that goes round every record, a few per token issued, purging the long dead. */
  private readonly swept: readonly Swept[] = [this.requests, this.access, this.refreshes];
  private sweepTable = REQUEST;
  private sweepFoundAny = false;
  /** Without `--state-dir` nothing listens: no record is built for it. */
  private readonly recording: boolean;
  /** The digest being looked up or stored; each is read before the next is taken. */
  private readonly scratch = new Uint8Array(32);

  constructor(
    private readonly policy: TokenPolicy,
    private readonly recorder: ChangeRecorder = UNRECORDED,
  ) {
    this.recording = recorder !== UNRECORDED;
  }

  get requestTokenTtlMs(): number {
    return this.policy.requestTokenTtlMs;
  }

  /** `redirectUri`: an authorization code of `/oauth2/v0/authorize`, bound to the URI it was issued for. */
  issueRequestToken(appKey: string, loginId: string, now: number, connectionRequestId: string | null = null, redirectUri?: string): { token: string; expiresAt: number } {
    const token = newRequestToken();
    const expiresAt = now + this.policy.requestTokenTtlMs;
    const row = this.requests.insert(this.digestOf(token));
    const c = this.requests.cols;
    c.owner[row] = this.owners.id(appKey, loginId);
    c.issuedAt[row] = now;
    c.expiresAt[row] = expiresAt;
    c.usedAt[row] = NaN;
    this.connectionRequestIds[row] = connectionRequestId;
    if (redirectUri !== undefined) this.redirectUris.set(row, redirectUri);
    this.recordRequest(row);
    this.purgeSome(now);
    return { token, expiresAt };
  }

  /** The request token (`code`) for an access token, for the app it was issued to. */
  exchangeRequestToken(code: string, appKey: string, now: number): Result<IssuedAccessToken, ExchangeFailure> {
    const used = this.spendRequestToken(code, appKey, now);
    if (typeof used === 'string') return { ok: false, reason: used };
    const connectionRequestId = this.connectionRequestIds[used] ?? null;
    const issued = this.issueAccessFor(this.requests.cols.owner[used]!, now, 'request-token', this.policy.accessTokenTtlMs);
    issued.connectionRequestId = connectionRequestId;
    return { ok: true, value: issued };
  }

  /**
   * Spends a request token of `appKey` (single-use and time-limited whichever flow spends it:
   * the legacy exchange, the v0 password grant with `credtype=authtoken`, or an authorization
   * code) and answers its record.
   */
  useRequestToken(code: string, appKey: string, now: number): Result<RequestTokenRecord, ExchangeFailure> {
    const used = this.spendRequestToken(code, appKey, now);
    return typeof used === 'string' ? { ok: false, reason: used } : { ok: true, value: this.requestRecord(used) };
  }

  /** A request token's record without spending it (an authorization code's redirect URI). */
  peekRequestToken(code: string): RequestTokenRecord | undefined {
    const row = this.requests.find(this.digestOf(code));
    return row === NONE ? undefined : this.requestRecord(row);
  }

  /**
   * A v0 refresh token for a user: random, a UUID as Concur prints them, valid until
   * `expiresAt` (six months) unless revoked or rotated away.
   */
  issueOAuth2Refresh(appKey: string, loginId: string, now: number, expiresAt: number): { refreshToken: string; refreshDigest: string } {
    const refreshToken = newId();
    const row = this.refreshes.insert(this.digestOf(refreshToken));
    const c = this.refreshes.cols;
    const owner = this.owners.id(appKey, loginId);
    c.owner[row] = owner;
    c.revokedAt[row] = NaN;
    c.issuedAt[row] = now;
    c.expiresAt[row] = expiresAt;
    c.refs[row] = 0;
    c.flags[row] = OAUTH2;
    this.refreshGrants.add(this.owners.grantOf[owner]!, row);
    this.recordRefresh(row);
    const refreshDigest = this.refreshes.keyOf(row);
    this.purgeSome(now);
    return { refreshToken, refreshDigest };
  }

  /**
   * The v0 refresh grant's refresh token: checked (`flow: 'oauth2'` only), then either
   * rotated (a new token; the old one ends at once) or kept (`reuse`), its expiry slid to
   * `expiresAt` either way, as the documents say each refresh updates it.
   */
  refreshOAuth2(refreshToken: string, appKey: string, now: number, mode: 'rotate' | 'reuse', expiresAt: number): Result<{ loginId: string; refreshToken: string; refreshDigest: string; expiresAt: number }, RefreshFailure> {
    const row = this.refreshes.find(this.digestOf(refreshToken));
    const c = this.refreshes.cols;
    if (row === NONE || !this.refreshes.isListed(row) || (c.flags[row]! & OAUTH2) === 0) return { ok: false, reason: 'unknown' };
    const owner = c.owner[row]!;
    if (this.owners.appKeys[owner] !== appKey) return { ok: false, reason: 'other-app' };
    if (!Number.isNaN(c.revokedAt[row])) return { ok: false, reason: 'revoked' };
    if (now >= c.expiresAt[row]!) return { ok: false, reason: 'expired' };
    const loginId = this.owners.loginIds[owner]!;
    if (mode === 'reuse') {
      c.expiresAt[row] = expiresAt;
      this.recordRefresh(row);
      return { ok: true, value: { loginId, refreshToken, refreshDigest: this.refreshes.keyOf(row), expiresAt } };
    }
    c.revokedAt[row] = now;
    this.recordRefresh(row);
    const next = this.issueOAuth2Refresh(appKey, loginId, now, expiresAt);
    return { ok: true, value: { loginId, ...next, expiresAt } };
  }

  /**
   * Stores a v0 access token the caller minted (a signed JWT: its randomness is its id and
   * signature), for a user (`loginId`) or for the application itself (`loginId` null: the
   * client-credentials grant). Looked up, like every token, by digest.
   */
  registerOAuth2Access(token: string, appKey: string, loginId: string | null, now: number, expiresAt: number, refreshDigest: string | null, origin: TokenOrigin): AccessTokenRecord {
    const row = this.access.insert(this.digestOf(token));
    const owner = this.owners.id(appKey, loginId ?? '');
    this.writeAccess(row, owner, now, expiresAt, NaN, packSecretMask(token), mask(token), refreshDigest ?? '', origin, OAUTH2 | (loginId === null ? SUBJECT_APP : SUBJECT_USER));
    if (loginId !== null) this.accessGrants.add(this.owners.grantOf[owner]!, row);
    const record = this.accessRecord(row);
    if (this.recording) this.recorder.accessToken(this.access.keyOf(row), record);
    this.purgeSome(now);
    return record;
  }

  /** A legacy refresh token's user, if it is live and the app's (the v0 migration reads it). */
  legacyRefreshOwner(refreshToken: string, appKey: string): string | undefined {
    const row = this.refreshes.find(this.digestOf(refreshToken));
    if (row === NONE || !this.refreshes.isListed(row)) return undefined;
    const c = this.refreshes.cols;
    const owner = c.owner[row]!;
    return (c.flags[row]! & OAUTH2) === 0 && this.owners.appKeys[owner] === appKey && Number.isNaN(c.revokedAt[row]) ? this.owners.loginIds[owner] : undefined;
  }

  /** A new access token, a year from now, for the refresh token's own app and user. */
  refresh(refreshToken: string, appKey: string, now: number): Result<IssuedAccessToken, RefreshFailure> {
    const row = this.refreshes.find(this.digestOf(refreshToken));
    const c = this.refreshes.cols;
    if (row === NONE || !this.refreshes.isListed(row) || (c.flags[row]! & OAUTH2) !== 0) return { ok: false, reason: 'unknown' };
    const owner = c.owner[row]!;
    if (this.owners.appKeys[owner] !== appKey) return { ok: false, reason: 'other-app' };
    if (!Number.isNaN(c.revokedAt[row])) return { ok: false, reason: 'revoked' };
    return { ok: true, value: this.mintAccess(owner, now, 'refresh', refreshToken, row, this.policy.accessTokenTtlMs) };
  }

  issueAccessToken(appKey: string, loginId: string, now: number, origin: TokenOrigin, lifetimeMs = this.policy.accessTokenTtlMs): IssuedAccessToken {
    return this.issueAccessFor(this.owners.id(appKey, loginId), now, origin, lifetimeMs);
  }

  authenticate(token: string, now: number): Result<AccessTokenRecord, AuthFailure> {
    const row = this.access.find(this.digestOf(token));
    if (row === NONE) return { ok: false, reason: 'unknown' };
    const c = this.access.cols;
    if (!Number.isNaN(c.revokedAt[row])) return { ok: false, reason: 'revoked' };
    if (now >= c.expiresAt[row]!) return { ok: false, reason: 'expired' };
    return { ok: true, value: this.accessRecord(row) };
  }

  /**
   * Revokes one access token of `appKey` (and the refresh token issued with it). Answers
   * whether a live token was revoked; a token of another app is left alone.
   */
  revoke(token: string, appKey: string, now: number): boolean {
    const row = this.access.find(this.digestOf(token));
    if (row === NONE) return false;
    const c = this.access.cols;
    if (this.owners.appKeys[c.owner[row]!] !== appKey || !Number.isNaN(c.revokedAt[row])) return false;
    this.revokeRow(row, now, true);
    return true;
  }

  /** Revokes every access and refresh token the user holds for the app; answers how many access tokens. */
  revokeUser(appKey: string, loginId: string, now: number): number {
    const grant = this.owners.grant(appKey, loginId);
    let count = 0;
    for (let row = this.accessGrants.first(grant); row !== NONE; row = this.accessGrants.after(row)) {
      if (!Number.isNaN(this.access.cols.revokedAt[row])) continue;
      // Every token of the user goes in this loop: no sibling scan per token.
      this.revokeRow(row, now, false);
      count++;
    }
    const c = this.refreshes.cols;
    for (let row = this.refreshGrants.first(grant); row !== NONE; row = this.refreshGrants.after(row)) {
      if (!Number.isNaN(c.revokedAt[row])) continue;
      c.revokedAt[row] = now;
      this.recordRefresh(row);
    }
    return count;
  }

  /** Whether the user holds an unexpired, unrevoked access token of the app: "Connected" in the App Center. */
  isConnected(appKey: string, loginId: string, now: number): boolean {
    const c = this.access.cols;
    for (let row = this.accessGrants.first(this.owners.grant(appKey, loginId)); row !== NONE; row = this.accessGrants.after(row)) {
      if (Number.isNaN(c.revokedAt[row]) && now < c.expiresAt[row]!) return true;
    }
    return false;
  }

  accessTokenCount(): number {
    return this.access.size;
  }

  /** How many records of each kind are held (dead ones included until purged). */
  recordCounts(): { request: number; access: number; refresh: number } {
    return { request: this.requests.size, access: this.access.size, refresh: this.refreshes.size };
  }

  /** Every access token in the order issued: `/_mock/tokens` pages it newest first; records are built for the page read. */
  listAccessTokens(): readonly AccessTokenRecord[] {
    const rows = new Int32Array(this.access.size);
    let i = 0;
    for (let row = this.access.first(); row !== NONE; row = this.access.after(row)) rows[i++] = row;
    return lazyArray(rows.length, (index) => this.accessRecord(rows[index]!));
  }

  /** Every record by digest, for a `--state-dir` snapshot. */
  *records(): Generator<['request', string, RequestTokenRecord] | ['access', string, AccessTokenRecord] | ['refresh', string, RefreshTokenRecord]> {
    for (let row = this.requests.first(), next: number; row !== NONE; row = next) {
      next = this.requests.after(row);
      yield ['request', this.requests.keyOf(row), this.requestRecord(row)];
    }
    for (let row = this.access.first(), next: number; row !== NONE; row = next) {
      next = this.access.after(row);
      yield ['access', this.access.keyOf(row), this.accessRecord(row)];
    }
    for (let row = this.refreshes.first(), next: number; row !== NONE; row = next) {
      next = this.refreshes.after(row);
      yield ['refresh', this.refreshes.keyOf(row), this.refreshRecord(row)];
    }
  }

  /** Puts back records read from `--state-dir`, unrecorded. */
  restoreRequestToken(tokenDigest: string, record: RequestTokenRecord): void {
    let row = this.requests.findKey(tokenDigest);
    if (row === NONE) row = this.requests.insertKey(tokenDigest);
    const c = this.requests.cols;
    c.owner[row] = this.owners.id(record.appKey, record.loginId);
    c.issuedAt[row] = record.issuedAt;
    c.expiresAt[row] = record.expiresAt;
    c.usedAt[row] = record.usedAt ?? NaN;
    this.connectionRequestIds[row] = record.connectionRequestId;
    if (record.redirectUri !== undefined) this.redirectUris.set(row, record.redirectUri);
    else this.redirectUris.delete(row);
  }

  restoreRefreshToken(refreshDigest: string, record: RefreshTokenRecord): void {
    let row = this.refreshes.findKey(refreshDigest);
    // Known (a log holds a token once per change): updated where it is, granted once.
    const known = row !== NONE && this.refreshes.isListed(row);
    if (row === NONE) {
      row = this.refreshes.insertKey(refreshDigest);
      this.refreshes.cols.refs[row] = 0;
    } else if (!known) {
      this.refreshes.list(row);
    }
    const c = this.refreshes.cols;
    const owner = this.owners.id(record.appKey, record.loginId);
    c.owner[row] = owner;
    c.revokedAt[row] = record.revokedAt ?? NaN;
    c.issuedAt[row] = record.issuedAt ?? NaN;
    c.expiresAt[row] = record.expiresAt ?? NaN;
    c.flags[row] = record.flow === 'oauth2' ? OAUTH2 : 0;
    if (!known) this.refreshGrants.add(this.owners.grantOf[owner]!, row);
  }

  restoreAccessToken(tokenDigest: string, record: AccessTokenRecord): void {
    // A log holds a token once per change (issued, then revoked): grant it once.
    let row = this.access.findKey(tokenDigest);
    const known = row !== NONE;
    if (known) this.dropRefreshRef(row);
    else row = this.access.insertKey(tokenDigest);
    const owner = this.owners.id(record.appKey, record.loginId);
    const flags = (record.flow === 'oauth2' ? OAUTH2 : 0) | (record.subject === 'user' ? SUBJECT_USER : record.subject === 'app' ? SUBJECT_APP : 0);
    this.writeAccess(row, owner, record.issuedAt, record.expiresAt, record.revokedAt ?? NaN, packMask(record.masked), record.masked, record.refreshDigest, record.origin, flags);
    if (!known) this.accessGrants.add(this.owners.grantOf[owner]!, row);
  }

  private digestOf(secret: string): Uint8Array {
    return digestInto(secret, this.scratch);
  }

  /** A request row of `appKey` spent now, or why not. */
  private spendRequestToken(code: string, appKey: string, now: number): number | ExchangeFailure {
    const row = this.requests.find(this.digestOf(code));
    if (row === NONE) return 'unknown';
    const c = this.requests.cols;
    if (this.owners.appKeys[c.owner[row]!] !== appKey) return 'other-app';
    if (now >= c.expiresAt[row]!) return 'expired';
    if (!Number.isNaN(c.usedAt[row]) && this.policy.singleUseRequestTokens) return 'used';
    c.usedAt[row] = now;
    this.recordRequest(row);
    return row;
  }

  private issueAccessFor(owner: number, now: number, origin: TokenOrigin, lifetimeMs: number): IssuedAccessToken {
    const refreshToken = newRefreshToken();
    const row = this.refreshes.insert(this.digestOf(refreshToken));
    const c = this.refreshes.cols;
    c.owner[row] = owner;
    c.revokedAt[row] = NaN;
    c.issuedAt[row] = NaN;
    c.expiresAt[row] = NaN;
    c.refs[row] = 0;
    c.flags[row] = 0;
    this.refreshGrants.add(this.owners.grantOf[owner]!, row);
    this.recordRefresh(row);
    return this.mintAccess(owner, now, origin, refreshToken, row, lifetimeMs);
  }

  private mintAccess(owner: number, now: number, origin: TokenOrigin, refreshToken: string, refreshRow: number, lifetimeMs: number): IssuedAccessToken {
    const token = newAccessToken();
    const row = this.access.insert(this.digestOf(token));
    const c = this.access.cols;
    const expiresAt = now + lifetimeMs;
    c.owner[row] = owner;
    c.issuedAt[row] = now;
    c.expiresAt[row] = expiresAt;
    c.revokedAt[row] = NaN;
    c.mask[row] = packSecretMask(token);
    if (c.mask[row] === ODD_MASK) this.oddMasks.set(row, mask(token));
    c.refresh[row] = refreshRow;
    this.refreshes.cols.refs[refreshRow]!++;
    c.origin[row] = this.origins.code(origin);
    c.flags[row] = 0;
    this.accessGrants.add(this.owners.grantOf[owner]!, row);
    // Built before the sweep: a token minted already long expired (a control-API age) may go in it.
    const record = this.accessRecord(row);
    if (this.recording) this.recorder.accessToken(this.access.keyOf(row), record);
    this.purgeSome(now);
    return { token, refreshToken, expiresAt, record, connectionRequestId: null };
  }

  /** An access row's columns; `refreshDigest` '' is none, any other names a refresh row (a ghost if it is not held). */
  private writeAccess(row: number, owner: number, issuedAt: number, expiresAt: number, revokedAt: number, packedMask: number, masked: string, refreshDigest: string, origin: string, flags: number): void {
    const refreshRow = refreshDigest === '' ? NONE : this.refreshRowOf(refreshDigest);
    const c = this.access.cols;
    c.owner[row] = owner;
    c.issuedAt[row] = issuedAt;
    c.expiresAt[row] = expiresAt;
    c.revokedAt[row] = revokedAt;
    c.mask[row] = packedMask;
    if (packedMask === ODD_MASK) this.oddMasks.set(row, masked);
    else this.oddMasks.delete(row);
    c.refresh[row] = refreshRow;
    c.origin[row] = this.origins.code(origin);
    c.flags[row] = flags;
  }

  /** The refresh row of a digest an access token names, counted; a ghost row when no such refresh token is held. */
  private refreshRowOf(refreshDigest: string): number {
    let row = this.refreshes.findKey(refreshDigest);
    if (row === NONE) {
      row = this.refreshes.insertKey(refreshDigest, false);
      this.refreshes.cols.refs[row] = 0;
    }
    this.refreshes.cols.refs[row]!++;
    return row;
  }

  /** An access row no longer names its refresh row; a ghost nobody names goes. */
  private dropRefreshRef(accessRow: number): void {
    const refreshRow = this.access.cols.refresh[accessRow]!;
    if (refreshRow === NONE) return;
    const refs = --this.refreshes.cols.refs[refreshRow]!;
    if (refs === 0 && !this.refreshes.isListed(refreshRow)) this.refreshes.release(refreshRow);
  }

  /**
   * Revokes an access token, the refresh token of its grant, and every other access token that
   * refresh token minted (RFC 7009 §2.1): a refresh that raced the revocation leaves no live
   * sibling behind.
   */
  private revokeRow(row: number, now: number, withSiblings: boolean): void {
    const c = this.access.cols;
    c.revokedAt[row] = now;
    this.recordAccess(row);
    const refreshRow = c.refresh[row]!;
    if (refreshRow === NONE) return;
    const r = this.refreshes.cols;
    if (this.refreshes.isListed(refreshRow) && Number.isNaN(r.revokedAt[refreshRow])) {
      r.revokedAt[refreshRow] = now;
      this.recordRefresh(refreshRow);
    }
    if (!withSiblings) return;
    for (let sibling = this.accessGrants.first(this.owners.grantOf[c.owner[row]!]!); sibling !== NONE; sibling = this.accessGrants.after(sibling)) {
      if (!Number.isNaN(c.revokedAt[sibling]) || c.refresh[sibling] !== refreshRow) continue;
      c.revokedAt[sibling] = now;
      this.recordAccess(sibling);
    }
  }

  /**
   * Purges a few records that have been dead for longer than the grace: a long-running mock
   * (a demo for days, a CI server for weeks) holds what is live and a day of the dead, not
   * every token it ever issued. Not recorded: a purged record restored from `--state-dir` is
   * still dead, and goes again; a snapshot never holds it.
   *
   * The hand goes round the request, access and refresh tables in turn, seeing rows added
   * meanwhile (as a `Map` iterator does); a whole round that finds no row ends this call.
   */
  private purgeSome(now: number): void {
    for (let i = 0; i < SWEEP_PER_ISSUE; i++) {
      let row = this.swept[this.sweepTable]!.sweepNext();
      while (row === NONE) {
        if (++this.sweepTable === this.swept.length) {
          this.sweepTable = REQUEST;
          const foundAny = this.sweepFoundAny;
          this.sweepFoundAny = false;
          this.swept[REQUEST]!.sweepFromStart();
          if (!foundAny) return;
        } else {
          this.swept[this.sweepTable]!.sweepFromStart();
        }
        row = this.swept[this.sweepTable]!.sweepNext();
      }
      this.sweepFoundAny = true;
      if (this.sweepTable === REQUEST) {
        if (now >= this.requests.cols.expiresAt[row]! + DEAD_TOKEN_GRACE_MS) this.purgeRequest(row);
      } else if (this.sweepTable === ACCESS) {
        const c = this.access.cols;
        if (deadSince(c.revokedAt[row]!, c.expiresAt[row]!, now)) this.purgeAccess(row);
      } else {
        const c = this.refreshes.cols;
        if (deadSince(c.revokedAt[row]!, c.expiresAt[row]!, now)) this.purgeRefresh(row);
      }
    }
  }

  private purgeRequest(row: number): void {
    this.requests.remove(row);
    this.connectionRequestIds[row] = null;
    this.redirectUris.delete(row);
  }

  private purgeAccess(row: number): void {
    this.accessGrants.remove(row);
    this.dropRefreshRef(row);
    this.oddMasks.delete(row);
    this.access.remove(row);
  }

  private purgeRefresh(row: number): void {
    this.refreshGrants.remove(row);
    this.refreshes.unlist(row);
    // Access tokens still name it (their `refreshDigest`): its key stays until the last goes.
    if (this.refreshes.cols.refs[row] === 0) this.refreshes.release(row);
  }

  private recordRequest(row: number): void {
    if (this.recording) this.recorder.requestToken(this.requests.keyOf(row), this.requestRecord(row));
  }

  private recordAccess(row: number): void {
    if (this.recording) this.recorder.accessToken(this.access.keyOf(row), this.accessRecord(row));
  }

  private recordRefresh(row: number): void {
    if (this.recording) this.recorder.refreshToken(this.refreshes.keyOf(row), this.refreshRecord(row));
  }

  /** A request row as the record it stands for (the shape the state dir holds). */
  private requestRecord(row: number): RequestTokenRecord {
    const c = this.requests.cols;
    const owner = c.owner[row]!;
    const record: RequestTokenRecord = {
      appKey: this.owners.appKeys[owner]!,
      loginId: this.owners.loginIds[owner]!,
      issuedAt: c.issuedAt[row]!,
      expiresAt: c.expiresAt[row]!,
      connectionRequestId: this.connectionRequestIds[row] ?? null,
      usedAt: orNull(c.usedAt[row]!),
    };
    const redirectUri = this.redirectUris.get(row);
    return redirectUri === undefined ? record : { ...record, redirectUri };
  }

  private accessRecord(row: number): AccessTokenRecord {
    const c = this.access.cols;
    const owner = c.owner[row]!;
    const packedMask = c.mask[row]!;
    const refreshRow = c.refresh[row]!;
    const record: Mutable<AccessTokenRecord> = {
      masked: packedMask === ODD_MASK ? this.oddMasks.get(row)! : unpackMask(packedMask),
      appKey: this.owners.appKeys[owner]!,
      loginId: this.owners.loginIds[owner]!,
      issuedAt: c.issuedAt[row]!,
      expiresAt: c.expiresAt[row]!,
      origin: this.origins.name(c.origin[row]!) as TokenOrigin,
      refreshDigest: refreshRow === NONE ? '' : this.refreshes.keyOf(refreshRow),
      revokedAt: orNull(c.revokedAt[row]!),
    };
    const flags = c.flags[row]!;
    if ((flags & OAUTH2) !== 0) record.flow = 'oauth2';
    if ((flags & SUBJECT_USER) !== 0) record.subject = 'user';
    else if ((flags & SUBJECT_APP) !== 0) record.subject = 'app';
    return record;
  }

  private refreshRecord(row: number): RefreshTokenRecord {
    const c = this.refreshes.cols;
    const owner = c.owner[row]!;
    const record: Mutable<RefreshTokenRecord> = { appKey: this.owners.appKeys[owner]!, loginId: this.owners.loginIds[owner]!, revokedAt: orNull(c.revokedAt[row]!) };
    if ((c.flags[row]! & OAUTH2) !== 0) record.flow = 'oauth2';
    if (!Number.isNaN(c.issuedAt[row])) record.issuedAt = c.issuedAt[row]!;
    if (!Number.isNaN(c.expiresAt[row])) record.expiresAt = c.expiresAt[row]!;
    return record;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Revoked, or expired, longer than the grace ago (NaN: not revoked, or never expires: a legacy refresh token). */
function deadSince(revokedAt: number, expiresAt: number, now: number): boolean {
  return now >= revokedAt + DEAD_TOKEN_GRACE_MS || now >= expiresAt + DEAD_TOKEN_GRACE_MS;
}

function orNull(time: number): number | null {
  return Number.isNaN(time) ? null : time;
}
