import type { ConnectionRequestRecord } from '../domain/connection-requests.js';
import type { ConcurUser, PartnerApp } from '../domain/directory.js';
import type { Role } from '../domain/roles.js';
import type { AccessTokenRecord, RefreshTokenRecord, RequestTokenRecord } from '../domain/token-service.js';

/**
 * How each kind of record is written to the state dir and read back. Secrets are stored as
 * the domain stores them (SHA-256 digests), with one exception: a handed-out request keeps
 * its request token, because a peeked page must show the same token again after a restart.
 */
export const ENTITY_KINDS = ['app', 'user', 'requestToken', 'accessToken', 'refreshToken', 'connectionRequest', 'clock'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** One change: the record's new value under its key, or null when it was removed. */
export type Change = readonly [kind: EntityKind, key: string, value: unknown];

/** The clock's part of the state: how far it is ahead of real time, and the time it showed. */
export interface ClockState {
  offsetMs: number;
  nowMs: number;
}

export interface StoredApp {
  consumerKey: string;
  name: string;
  description: string;
  scopes: string[];
  redirectUris: string[];
  secretDigest: string;
  /** Absent in state written before it existed: the legacy redirect. */
  appCenterRedirect?: 'code' | 'requestToken';
}

export interface StoredUser extends Omit<ConcurUser, 'roles' | 'emails'> {
  emails: (string | null)[];
  roles: Role[];
}

export interface StoredConnectionRequest extends Omit<ConnectionRequestRecord, 'user'> {
  loginId: string;
}

export function encodeApp(app: PartnerApp): StoredApp {
  return { consumerKey: app.consumerKey, name: app.name, description: app.description, scopes: [...app.scopes], redirectUris: [...app.redirectUris], secretDigest: app.secretDigest, appCenterRedirect: app.appCenterRedirect };
}

export function decodeApp(stored: StoredApp): PartnerApp {
  return { ...stored, scopes: new Set(stored.scopes), appCenterRedirect: stored.appCenterRedirect ?? 'code' };
}

export function encodeUser(user: ConcurUser): StoredUser {
  return { ...user, emails: [...user.emails], roles: [...user.roles] };
}

export function decodeUser(stored: StoredUser): ConcurUser {
  return { ...stored, roles: new Set(stored.roles) };
}

/** Field by field, not a spread: a settled seeded record reads its id, app, creation time and user through getters. */
export function encodeConnectionRequest(record: ConnectionRequestRecord): StoredConnectionRequest {
  return {
    id: record.id,
    appKey: record.appKey,
    createdAt: record.createdAt,
    lastModified: record.lastModified,
    queueKey: record.queueKey,
    handout: record.handout,
    outcome: record.outcome,
    lastCode: record.lastCode,
    userErrorRequeues: record.userErrorRequeues,
    retryRequeues: record.retryRequeues,
    leaseRequeues: record.leaseRequeues,
    loginId: record.user.loginId,
  };
}

export function decodeConnectionRequest(stored: StoredConnectionRequest, user: ConcurUser): ConnectionRequestRecord {
  const { loginId: _loginId, ...rest } = stored;
  return { ...rest, user };
}

/** Token records hold only primitives: they are written as they are. */
export type StoredRequestToken = RequestTokenRecord;
export type StoredAccessToken = AccessTokenRecord;
export type StoredRefreshToken = RefreshTokenRecord;

export function isEntityKind(value: unknown): value is EntityKind {
  return typeof value === 'string' && (ENTITY_KINDS as readonly string[]).includes(value);
}
