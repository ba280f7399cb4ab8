import { isEntityKind, type Change, type EntityKind } from './entity-codec.js';

/**
 * Whether a value read from the state dir has the shape its kind is written in. A line can
 * pass its checksum and still hold nonsense (a bug, a hand edit, a valid CRC around garbage);
 * checked here, such a line is reported with its file and offset instead of failing later
 * with "number 7 is not iterable".
 */
type Check = (v: Record<string, unknown>) => boolean;

const str = (x: unknown) => typeof x === 'string';
const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
const strOrNull = (x: unknown) => x === null || typeof x === 'string';
const numOrNull = (x: unknown) => x === null || num(x);
const strings = (x: unknown) => Array.isArray(x) && x.every(str);
const timeKey = (x: unknown) => Array.isArray(x) && x.length === 2 && num(x[0]) && num(x[1]);
const object = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

const SHAPES: Record<EntityKind, Check> = {
  app: (v) => str(v.consumerKey) && str(v.name) && str(v.description) && strings(v.scopes) && strings(v.redirectUris) && str(v.secretDigest),
  user: (v) =>
    str(v.id) && str(v.loginId) && str(v.firstName) && strOrNull(v.middleName) && str(v.lastName) && strOrNull(v.loyaltyNumber) && Array.isArray(v.emails) && v.emails.every(strOrNull) && strings(v.roles) && str(v.passwordDigest),
  requestToken: (v) => str(v.appKey) && str(v.loginId) && num(v.issuedAt) && num(v.expiresAt) && strOrNull(v.connectionRequestId) && numOrNull(v.usedAt),
  accessToken: (v) => str(v.masked) && str(v.appKey) && str(v.loginId) && num(v.issuedAt) && num(v.expiresAt) && str(v.origin) && str(v.refreshDigest) && numOrNull(v.revokedAt),
  refreshToken: (v) => str(v.appKey) && str(v.loginId) && numOrNull(v.revokedAt),
  connectionRequest: (v) =>
    str(v.id) &&
    str(v.appKey) &&
    str(v.loginId) &&
    num(v.createdAt) &&
    num(v.lastModified) &&
    (v.queueKey === null || timeKey(v.queueKey)) &&
    (v.handout === null || (object(v.handout) && str(v.handout.token) && num(v.handout.tokenExpiresAt) && num(v.handout.handedOutAt) && timeKey(v.handout.leaseKey))) &&
    (v.outcome === null || v.outcome === 'Connected' || v.outcome === 'Failed') &&
    strOrNull(v.lastCode) &&
    num(v.userErrorRequeues) &&
    num(v.retryRequeues) &&
    num(v.leaseRequeues),
  clock: (v) => num(v.offsetMs) && num(v.nowMs),
};

/** One change: `[kind, key, value]`, the value null (a removal) or of its kind's shape. */
export function isChange(value: unknown): value is Change {
  if (!Array.isArray(value) || value.length !== 3 || !isEntityKind(value[0]) || typeof value[1] !== 'string') return false;
  return value[2] === null || (object(value[2]) && SHAPES[value[0]](value[2]));
}

/** A line's list of changes. */
export function isChangeList(value: unknown): value is Change[] {
  return Array.isArray(value) && value.every(isChange);
}
