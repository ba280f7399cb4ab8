import { UNRECORDED, type ChangeRecorder } from './change-recorder.js';
import type { ConcurUser } from './directory.js';
import { emptyCounts, LifecycleCounters, type LifecycleCounts } from './lifecycle-counters.js';
import { OrderedIndex, type TimeKey } from './ordered-index.js';
import { earliest, emptyForecast, type NextEvents, type QueueForecast } from './queue-forecast.js';
import { newId } from './secrets.js';
import { kindOf, type CodeKind, type StatusCode } from './status-codes.js';
import type { TokenService } from './token-service.js';

/**
 * How GET treats the queue; Concur's two editions of the v3.2 page disagree.
 * - `peek` (current page): GET peeks `limit` items from position `offset`; PUT pops them.
 * - `lease` (earlier page): each GET hands out a new page and hides it for the lease;
 *   `NextPage` carries the last id as its `offset` cursor.
 */
export type QueueMode = 'peek' | 'lease';

export interface QueuePolicy {
  mode: QueueMode;
  /** A handed-out request never PUT back is requeued after this long (24 h). */
  leaseMs: number;
  /** CREU1/2/3 requeue after this long (24 h) … */
  userErrorDelayMs: number;
  /** … at most this many times (4); the next user error ends the request Failed. */
  maxUserErrorRequeues: number;
  /** CRRET (and CRPA1/CRPA2) requeue after this long (1 h) … */
  retryDelayMs: number;
  /** … at most this many times (48). */
  maxRetryRequeues: number;
  /** Lease expiries requeue at most this many times (48). */
  maxLeaseRequeues: number;
}

/** What GET by id and the console report; list pages always say Pending, as on Concur. */
export type DisplayStatus = 'Pending' | 'Processing' | 'Retry' | 'Connected' | 'Failed';
export const LISTABLE_STATUSES = ['pending', 'processing', 'retry', 'connected', 'failed'] as const;
export type ListableStatus = (typeof LISTABLE_STATUSES)[number];

interface Handout {
  readonly token: string;
  readonly tokenExpiresAt: number;
  readonly handedOutAt: number;
  readonly leaseKey: TimeKey;
}

export interface ConnectionRequestRecord {
  readonly id: string;
  readonly appKey: string;
  readonly user: ConcurUser;
  readonly createdAt: number;
  lastModified: number;
  /** Position in the app's queue while the request is not final. */
  queueKey: TimeKey | null;
  handout: Handout | null;
  outcome: 'Connected' | 'Failed' | null;
  lastCode: StatusCode | null;
  userErrorRequeues: number;
  retryRequeues: number;
  leaseRequeues: number;
}

/** A request as the wire shows it at one moment. */
export interface ConnectionRequestView {
  id: string;
  user: ConcurUser;
  status: DisplayStatus;
  requestToken: string | null;
  lastModified: number;
}

/** See `pageValidity`. */
export interface PageValidity {
  readonly revision: number;
  readonly until: number;
}

export interface Page {
  items: ConnectionRequestView[];
  /** The `offset` value of the next page, or null on the last page. */
  nextOffset: string | null;
}

export type PutFailure = 'not-found' | 'final' | 'not-in-queue';
export type CreateFailure = 'already-open';

type DeferralKind = Exclude<CodeKind, 'success'>;

/** One TripLink supplier's queue: due requests form a prefix of `queue`, so a page is a rank slice. */
class AppQueue {
  readonly queue = new OrderedIndex();
  /** The queued requests without a hand-out, same keys: its not-yet-due suffix is Retry. */
  readonly waiting = new OrderedIndex();
  /** Active hand-outs by lease end, so expiries are found without a scan. */
  readonly leases = new OrderedIndex();
  /** Active hand-outs by their request token's deadline (keyed `[expiresAt, lease seq]`): the forecast's expiring tokens. */
  readonly tokenDeadlines = new OrderedIndex();
  /**
   * Requests a PUT deferred, by kind, keyed as in `queue` and kept until they leave it: the
   * entries already due are the requeues out of Retry that happened (no event marks them).
   */
  readonly deferred: Record<DeferralKind, OrderedIndex> = { 'user-error': new OrderedIndex(), retry: new OrderedIndex() };
  /** Deferred entries that left the index after coming due: requeues counted before they left. */
  readonly requeuedGone: Record<DeferralKind, number> = { 'user-error': 0, retry: 0 };
  readonly counters = new LifecycleCounters();
  readonly connected = new Set<string>();
  readonly failed = new Set<string>();
}

/** A hand-out's place in `tokenDeadlines`: its lease's sequence number is unique and stable across re-mints. */
function deadlineKey(handout: Handout): TimeKey {
  return [handout.tokenExpiresAt, handout.leaseKey[1]];
}

/** Which deferral a record's queue position is, if its last code deferred it. */
function deferralKind(record: ConnectionRequestRecord): DeferralKind | null {
  if (record.lastCode === null) return null;
  const kind = kindOf(record.lastCode);
  return kind === 'success' ? null : kind;
}

/**
 * The connection-request lifecycle as Concur documents it: available → handed out →
 * PUT back (final, or deferred until T) → available again, with attempt limits. Nothing
 * here runs on a timer: each call first settles what the clock says is due.
 */
export class ConnectionRequestQueue {
  private readonly records = new Map<string, ConnectionRequestRecord>();
  private readonly queues = new Map<string, AppQueue>();
  /**
   * app + user → the id of their latest request: open (non-final) if they have one, since a
   * new one can only be made when none is open. Kept after it ends, so the console finds a
   * user's Connected or Failed request by login id too.
   */
  private readonly latestByUser = new Map<string, string>();
  private seq = 0;
  private revisionCount = 0;

  constructor(
    private readonly policy: QueuePolicy,
    private readonly tokens: TokenService,
    private readonly recorder: ChangeRecorder = UNRECORDED,
  ) {}

  get mode(): QueueMode {
    return this.policy.mode;
  }

  /**
   * How long a page just read stays the answer a new read would give: until any request
   * changes (the revision), a lease ends, a deferred request becomes due, or one of the page's
   * request tokens runs out (a later GET would mint a new one). For a cache of written pages.
   */
  pageValidity(appKey: string, page: Page, now: number): PageValidity {
    let until = Number.POSITIVE_INFINITY;
    const q = this.settle(appKey, now);
    if (q) {
      const nextLeaseEnd = q.leases.first()?.key[0] ?? Number.POSITIVE_INFINITY;
      const nextDue = q.queue.keyAt(q.queue.countDue(now))?.[0] ?? Number.POSITIVE_INFINITY;
      until = Math.min(nextLeaseEnd, nextDue);
    }
    for (const item of page.items) until = Math.min(until, this.records.get(item.id)?.handout?.tokenExpiresAt ?? Number.POSITIVE_INFINITY);
    return { revision: this.revisionCount, until };
  }

  /** Whether a page stamped with `validity` would still be read the same at `now`. */
  stillValid(validity: PageValidity, now: number): boolean {
    return validity.revision === this.revisionCount && now < validity.until;
  }

  create(appKey: string, user: ConcurUser, now: number, id: string = newId()): { ok: true; value: ConnectionRequestRecord } | { ok: false; reason: CreateFailure } {
    const userKey = openKey(appKey, user.loginId);
    const latest = this.latestByUser.get(userKey);
    if (latest !== undefined && this.records.get(latest)?.outcome === null) return { ok: false, reason: 'already-open' };
    const record: ConnectionRequestRecord = {
      id,
      appKey,
      user,
      createdAt: now,
      lastModified: now,
      queueKey: null,
      handout: null,
      outcome: null,
      lastCode: null,
      userErrorRequeues: 0,
      retryRequeues: 0,
      leaseRequeues: 0,
    };
    this.records.set(id, record);
    this.latestByUser.set(userKey, id);
    this.enqueue(record, now);
    this.appQueue(appKey).counters.created++;
    return { ok: true, value: record };
  }

  /** GET list with status=pending: hands out what it returns (minting request tokens). */
  listPending(appKey: string, offset: number, limit: number, now: number): Page {
    const q = this.settle(appKey, now);
    if (!q) return { items: [], nextOffset: null };
    const due = q.queue.countDue(now);
    if (this.policy.mode === 'lease') {
      // Each call returns a new page: the ids are taken from the front and leased away.
      const ids = q.queue.slice(0, limit, due);
      const items = ids.map((id) => this.handOut(q, this.records.get(id)!, now));
      const more = due > ids.length;
      return { items, nextOffset: more && ids.length > 0 ? ids[ids.length - 1]! : null };
    }
    const ids = q.queue.slice(offset, limit, due);
    const items = ids.map((id) => this.handOut(q, this.records.get(id)!, now));
    return { items, nextOffset: offset + limit < due ? String(offset + limit) : null };
  }

  /** GET list with any other status: a read-only view, nothing is handed out. */
  listByStatus(appKey: string, status: Exclude<ListableStatus, 'pending'>, offset: number, limit: number, now: number): Page {
    const q = this.settle(appKey, now);
    if (!q) return { items: [], nextOffset: null };
    let ids: string[];
    let total: number;
    if (status === 'connected' || status === 'failed') {
      const set = status === 'connected' ? q.connected : q.failed;
      total = set.size;
      ids = takeFrom(set, offset, limit);
    } else if (status === 'processing') {
      total = q.leases.size;
      ids = q.leases.slice(offset, limit);
    } else {
      // Retry: the deferred suffix of the requests waiting without a hand-out (in lease mode a
      // leased request is keyed at its lease end too, but it is Processing, not Retry).
      const due = q.waiting.countDue(now);
      total = q.waiting.size - due;
      ids = q.waiting.slice(due + offset, limit);
    }
    return { items: ids.map((id) => this.view(this.records.get(id)!, now)), nextOffset: offset + limit < total ? String(offset + limit) : null };
  }

  get(appKey: string, id: string, now: number): ConnectionRequestView | undefined {
    this.settle(appKey, now);
    const record = this.records.get(id);
    return record && record.appKey === appKey ? this.view(record, now) : undefined;
  }

  /** Looks a request up for any app, settled for `now`: the control API and console see everything. */
  inspect(id: string, now: number): { record: ConnectionRequestRecord; view: ConnectionRequestView } | undefined {
    const found = this.records.get(id);
    if (!found) return undefined;
    this.settle(found.appKey, now);
    // Settling may have removed it (never today, but keep the read honest).
    const record = this.records.get(id);
    return record && { record, view: this.view(record, now) };
  }

  /** PUT: pops the request from the queue and applies the code's lifecycle rule. */
  put(appKey: string, id: string, code: StatusCode, now: number): { ok: true; value: ConnectionRequestView } | { ok: false; reason: PutFailure } {
    const q = this.settle(appKey, now);
    const record = this.records.get(id);
    if (!q || !record || record.appKey !== appKey) return { ok: false, reason: 'not-found' };
    if (record.outcome) return { ok: false, reason: 'final' };
    const awaiting = record.handout !== null || (record.queueKey !== null && record.queueKey[0] <= now);
    if (!awaiting) return { ok: false, reason: 'not-in-queue' };
    this.dequeue(q, record, now);
    record.lastCode = code;
    record.lastModified = now;
    const kind = kindOf(code);
    const counters = q.counters;
    counters.puts[code]++;
    if (kind === 'success') {
      counters.connected++;
      this.finish(q, record, 'Connected');
    } else if (kind === 'user-error') {
      if (record.userErrorRequeues >= this.policy.maxUserErrorRequeues) {
        counters.userErrorFailed++;
        this.finish(q, record, 'Failed');
      } else {
        counters.userErrorRetry++;
        record.userErrorRequeues++;
        this.defer(q, record, kind, now + this.policy.userErrorDelayMs);
      }
    } else if (record.retryRequeues >= this.policy.maxRetryRequeues) {
      counters.retryFailed++;
      this.finish(q, record, 'Failed');
    } else {
      counters.retryRetry++;
      record.retryRequeues++;
      this.defer(q, record, kind, now + this.policy.retryDelayMs);
    }
    return { ok: true, value: this.view(record, now) };
  }

  remove(appKey: string, id: string, now: number): boolean {
    const q = this.settle(appKey, now);
    const record = this.records.get(id);
    if (!q || !record || record.appKey !== appKey) return false;
    this.dequeue(q, record, now);
    q.connected.delete(id);
    q.failed.delete(id);
    q.counters.deleted++;
    if (this.latestByUser.get(openKey(appKey, record.user.loginId)) === id) this.latestByUser.delete(openKey(appKey, record.user.loginId));
    this.records.delete(id);
    this.recorder.connectionRequestRemoved(id);
    return true;
  }

  /** Every request, for a `--state-dir` snapshot. */
  allRecords(): IterableIterator<ConnectionRequestRecord> {
    return this.records.values();
  }

  /** Puts back a request read from `--state-dir` (unrecorded), into the indexes its fields say. */
  restore(record: ConnectionRequestRecord): void {
    this.records.set(record.id, record);
    const q = this.appQueue(record.appKey);
    if (record.queueKey) q.queue.insert(record.queueKey, record.id);
    if (record.queueKey && !record.handout) q.waiting.insert(record.queueKey, record.id);
    if (record.handout) {
      q.leases.insert(record.handout.leaseKey, record.id);
      q.tokenDeadlines.insert(deadlineKey(record.handout), record.id);
    }
    // A PUT's deferral is the one queue position later than the request's last change (a new
    // request and a lease requeue are placed at the moment they happen).
    const kind = deferralKind(record);
    if (kind && record.queueKey && !record.handout && !record.outcome && record.queueKey[0] > record.lastModified) q.deferred[kind].insert(record.queueKey, record.id);
    if (record.outcome) (record.outcome === 'Connected' ? q.connected : q.failed).add(record.id);
    this.restoreLatest(record);
    this.seq = Math.max(this.seq, record.queueKey?.[1] ?? 0, record.handout?.leaseKey[1] ?? 0);
    this.revisionCount++;
  }

  /**
   * After a restore, at the restored clock: deferrals that came due before the restart are
   * forgotten, so the requeue counters (which, like every edge counter, start at 0 after a
   * restart) count only what happens from now on.
   */
  restoredAt(now: number): void {
    for (const q of this.queues.values()) {
      for (const index of Object.values(q.deferred)) {
        for (let first = index.first(); first && first.key[0] <= now; first = index.first()) index.remove(first.key);
      }
    }
  }

  /** The user's latest request for `appKey` (any app if none is named): an open one before a final one. */
  latestOf(loginId: string, appKey?: string): ConnectionRequestRecord | undefined {
    let best: ConnectionRequestRecord | undefined;
    for (const key of appKey === undefined ? this.queues.keys() : [appKey]) {
      const id = this.latestByUser.get(openKey(key, loginId));
      const record = id === undefined ? undefined : this.records.get(id);
      if (!record) continue;
      if (!best || (best.outcome !== null && record.outcome === null) || ((best.outcome === null) === (record.outcome === null) && record.lastModified > best.lastModified)) best = record;
    }
    return best;
  }

  /**
   * How many requests took each edge of the lifecycle, for one app (or all). The requeues out
   * of Retry are the deferrals already due plus those that have since left the queue.
   */
  edges(now: number, appKey?: string): LifecycleCounts {
    const counts = emptyCounts();
    for (const [key, q] of this.queues) {
      if (appKey !== undefined && key !== appKey) continue;
      this.settle(key, now);
      q.counters.addInto(counts);
      counts.requeuedAfterUserError += q.requeuedGone['user-error'] + q.deferred['user-error'].countDue(now);
      counts.requeuedAfterRetry += q.requeuedGone.retry + q.deferred.retry.countDue(now);
    }
    return counts;
  }

  /** What moving the clock by `stepMs` from `now` will expire, requeue and end (see `QueueForecast`). */
  forecast(now: number, stepMs: number, appKey?: string): QueueForecast {
    const out = emptyForecast(stepMs);
    const until = now + stepMs;
    const between = (index: OrderedIndex) => index.countDue(until) - index.countDue(now);
    for (const [key, q] of this.queues) {
      if (appKey !== undefined && key !== appKey) continue;
      this.settle(key, now);
      out.tokensExpire += between(q.tokenDeadlines);
      out.retriesDue.userError += between(q.deferred['user-error']);
      out.retriesDue.retry += between(q.deferred.retry);
      out.retriesDue.total += between(q.waiting);
      // Settled: every lease left ends after `now`.
      out.leasesEnd += q.leases.countDue(until);
    }
    return out;
  }

  /** When the next request token runs out, Retry request comes due and lease ends. */
  nextEvents(now: number, appKey?: string): NextEvents {
    const next: NextEvents = { tokenExpiresAt: null, retryDueAt: null, leaseEndsAt: null };
    for (const [key, q] of this.queues) {
      if (appKey !== undefined && key !== appKey) continue;
      this.settle(key, now);
      next.tokenExpiresAt = earliest(next.tokenExpiresAt, q.tokenDeadlines.keyAt(q.tokenDeadlines.countDue(now))?.[0]);
      next.retryDueAt = earliest(next.retryDueAt, q.waiting.keyAt(q.waiting.countDue(now))?.[0]);
      next.leaseEndsAt = earliest(next.leaseEndsAt, q.leases.first()?.key[0]);
    }
    return next;
  }

  get policySettings(): Readonly<QueuePolicy> {
    return this.policy;
  }

  /** Counts per display status for one app (or all): the console's and health's summary. O(log n) per app, after settling. */
  counts(now: number, appKey?: string): Record<DisplayStatus, number> {
    const counts: Record<DisplayStatus, number> = { Pending: 0, Processing: 0, Retry: 0, Connected: 0, Failed: 0 };
    for (const [key, q] of this.queues) {
      if (appKey && key !== appKey) continue;
      this.settle(key, now);
      const due = q.queue.countDue(now);
      counts.Connected += q.connected.size;
      counts.Failed += q.failed.size;
      counts.Processing += q.leases.size;
      if (this.policy.mode === 'peek') {
        counts.Pending += due - q.leases.size;
        counts.Retry += q.queue.size - due;
      } else {
        counts.Pending += due;
        counts.Retry += q.queue.size - due - q.leases.size;
      }
    }
    return counts;
  }

  size(): number {
    return this.records.size;
  }

  view(record: ConnectionRequestRecord, now: number): ConnectionRequestView {
    let status: DisplayStatus;
    if (record.outcome) status = record.outcome;
    else if (record.handout) status = 'Processing';
    else if (record.queueKey && record.queueKey[0] > now) status = 'Retry';
    else status = 'Pending';
    return { id: record.id, user: record.user, status, requestToken: record.handout?.token ?? null, lastModified: record.lastModified };
  }

  /** Applies every lease expiry due by `now`; after this the app's queue is true for `now`. */
  private settle(appKey: string, now: number): AppQueue | undefined {
    const q = this.queues.get(appKey);
    if (!q) return undefined;
    for (let next = q.leases.first(); next && next.key[0] <= now; next = q.leases.first()) {
      const record = this.records.get(next.id)!;
      this.changed(record);
      q.leases.remove(next.key);
      q.tokenDeadlines.remove(deadlineKey(record.handout!));
      const leaseEnd = next.key[0];
      record.handout = null;
      record.leaseRequeues++;
      record.lastModified = leaseEnd;
      if (record.leaseRequeues > this.policy.maxLeaseRequeues) {
        q.counters.leaseFailed++;
        this.dequeue(q, record, now);
        this.finish(q, record, 'Failed');
      } else if (this.policy.mode === 'peek') {
        q.counters.leaseRequeued++;
        // Requeued as of the lease end: behind everything that was available before it.
        this.dequeue(q, record, now);
        this.enqueue(record, leaseEnd);
      } else if (record.queueKey) {
        q.counters.leaseRequeued++;
        // In lease mode the request was already keyed at its lease end when handed out; it
        // now waits there without a hand-out.
        q.waiting.insert(record.queueKey, record.id);
      }
    }
    return q;
  }

  private handOut(q: AppQueue, record: ConnectionRequestRecord, now: number): ConnectionRequestView {
    if (!record.handout || record.handout.tokenExpiresAt <= now) {
      // Request tokens are minted on GET; a peeked request whose token ran out gets a fresh
      // one, but its lease keeps running from the first hand-out.
      this.changed(record);
      const { token, expiresAt } = this.tokens.issueRequestToken(record.appKey, record.user.loginId, now, record.id);
      const leaseKey: TimeKey = record.handout?.leaseKey ?? [now + this.policy.leaseMs, ++this.seq];
      if (record.handout) {
        q.counters.tokensReminted++;
        q.tokenDeadlines.remove(deadlineKey(record.handout));
      } else {
        q.counters.handedOut++;
        q.leases.insert(leaseKey, record.id);
      }
      record.handout = { token, tokenExpiresAt: expiresAt, handedOutAt: record.handout?.handedOutAt ?? now, leaseKey };
      q.tokenDeadlines.insert(deadlineKey(record.handout), record.id);
      if (this.policy.mode === 'lease') {
        this.dequeue(q, record, now, false);
        this.place(q, record, leaseKey);
      }
    }
    // List pages always say Pending (Concur: "It is always Pending when you GET").
    return { ...this.view(record, now), status: 'Pending' };
  }

  /** Every change to a request passes here: the page cache sees a new revision, the recorder the record. */
  private changed(record: ConnectionRequestRecord): void {
    this.revisionCount++;
    this.recorder.connectionRequest(record);
  }

  private enqueue(record: ConnectionRequestRecord, availableAt: number): void {
    this.place(this.appQueue(record.appKey), record, [availableAt, ++this.seq]);
  }

  /** Requeues after a PUT's delay (Retry until then), remembered by kind for the requeue edges. */
  private defer(q: AppQueue, record: ConnectionRequestRecord, kind: DeferralKind, availableAt: number): void {
    this.enqueue(record, availableAt);
    q.deferred[kind].insert(record.queueKey!, record.id);
  }

  private place(q: AppQueue, record: ConnectionRequestRecord, key: TimeKey): void {
    this.changed(record);
    record.queueKey = key;
    q.queue.insert(key, record.id);
    if (!record.handout) q.waiting.insert(key, record.id);
  }

  /** Takes the request out of the queue (and, unless kept, ends its hand-out). */
  private dequeue(q: AppQueue, record: ConnectionRequestRecord, now: number, endHandout = true): void {
    this.changed(record);
    if (record.queueKey) {
      q.queue.remove(record.queueKey);
      q.waiting.remove(record.queueKey);
      // The last code is still the one that deferred it (a PUT sets the new one after this).
      const kind = deferralKind(record);
      if (kind && q.deferred[kind].remove(record.queueKey) && record.queueKey[0] <= now) q.requeuedGone[kind]++;
    }
    record.queueKey = null;
    if (endHandout && record.handout) {
      q.leases.remove(record.handout.leaseKey);
      q.tokenDeadlines.remove(deadlineKey(record.handout));
      record.handout = null;
    }
  }

  private finish(q: AppQueue, record: ConnectionRequestRecord, outcome: 'Connected' | 'Failed'): void {
    this.changed(record);
    record.outcome = outcome;
    (outcome === 'Connected' ? q.connected : q.failed).add(record.id);
  }

  /** A restored request is its user's latest if it is open, or newer than the final one already known. */
  private restoreLatest(record: ConnectionRequestRecord): void {
    const key = openKey(record.appKey, record.user.loginId);
    const known = this.records.get(this.latestByUser.get(key) ?? '');
    if (!known || known === record || record.outcome === null || (known.outcome !== null && record.createdAt >= known.createdAt)) this.latestByUser.set(key, record.id);
  }

  private appQueue(appKey: string): AppQueue {
    let q = this.queues.get(appKey);
    if (!q) this.queues.set(appKey, (q = new AppQueue()));
    return q;
  }
}

function openKey(appKey: string, loginId: string): string {
  return `${appKey}\u0000${loginId.toLowerCase()}`;
}

function takeFrom(set: ReadonlySet<string>, offset: number, limit: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (const id of set) {
    if (i++ < offset) continue;
    if (out.length >= limit) break;
    out.push(id);
  }
  return out;
}
