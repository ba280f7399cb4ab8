import type { ChangeRecorder } from '../domain/change-recorder.js';
import type { ConnectionRequestRecord } from '../domain/connection-requests.js';
import type { ConcurUser, PartnerApp } from '../domain/directory.js';
import type { AccessTokenRecord, RefreshTokenRecord, RequestTokenRecord } from '../domain/token-service.js';
import { encodeApp, encodeConnectionRequest, encodeUser, type Change, type ClockState } from './entity-codec.js';

/**
 * The records changed since the last write, by key. A record changed ten times between two
 * writes is written once, as it is at write time: writes are upserts of whole records, so the
 * log replays to the latest value whatever happened in between.
 */
export class DirtySet implements ChangeRecorder {
  /** Grows with every change; the store compares it with what is on disk. */
  count = 0;
  private apps = new Map<string, PartnerApp>();
  private users = new Map<string, ConcurUser>();
  private requestTokens = new Map<string, RequestTokenRecord>();
  private accessTokens = new Map<string, AccessTokenRecord>();
  private refreshTokens = new Map<string, RefreshTokenRecord>();
  private requests = new Map<string, ConnectionRequestRecord | null>();
  private clockState: (() => ClockState) | null = null;

  /** `onChange` runs on every change: the store schedules a write if none is under way. */
  constructor(private readonly onChange: () => void) {}

  app(app: PartnerApp): void {
    this.apps.set(app.consumerKey, app);
    this.touch();
  }

  user(user: ConcurUser): void {
    this.users.set(user.loginId.toLowerCase(), user);
    this.touch();
  }

  requestToken(digest: string, record: RequestTokenRecord): void {
    this.requestTokens.set(digest, record);
    this.touch();
  }

  accessToken(digest: string, record: AccessTokenRecord): void {
    this.accessTokens.set(digest, record);
    this.touch();
  }

  refreshToken(digest: string, record: RefreshTokenRecord): void {
    this.refreshTokens.set(digest, record);
    this.touch();
  }

  connectionRequest(record: ConnectionRequestRecord): void {
    this.requests.set(record.id, record);
    this.touch();
  }

  connectionRequestRemoved(id: string): void {
    this.requests.set(id, null);
    this.touch();
  }

  clock(read: () => ClockState): void {
    this.clockState = read;
    this.touch();
  }

  get empty(): boolean {
    return this.apps.size + this.users.size + this.requestTokens.size + this.accessTokens.size + this.refreshTokens.size + this.requests.size === 0 && !this.clockState;
  }

  /** Every pending change as it is now, in dependency order (users before their requests); clears the set. */
  drain(): Change[] {
    const changes: Change[] = [];
    for (const [key, app] of this.apps) changes.push(['app', key, encodeApp(app)]);
    for (const [key, user] of this.users) changes.push(['user', key, encodeUser(user)]);
    for (const [key, record] of this.requestTokens) changes.push(['requestToken', key, record]);
    for (const [key, record] of this.refreshTokens) changes.push(['refreshToken', key, record]);
    for (const [key, record] of this.accessTokens) changes.push(['accessToken', key, record]);
    for (const [key, record] of this.requests) changes.push(['connectionRequest', key, record && encodeConnectionRequest(record)]);
    if (this.clockState) changes.push(['clock', 'clock', this.clockState()]);
    this.clear();
    return changes;
  }

  /** Forgets pending changes (a full snapshot is about to cover them). */
  clear(): void {
    this.apps = new Map();
    this.users = new Map();
    this.requestTokens = new Map();
    this.accessTokens = new Map();
    this.refreshTokens = new Map();
    this.requests = new Map();
    this.clockState = null;
  }

  /** Counts a change; also used for one with no record of its own (a reset). */
  touch(): void {
    this.count++;
    this.onChange();
  }
}
