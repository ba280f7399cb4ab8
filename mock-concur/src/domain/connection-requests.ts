import { UNRECORDED, type ChangeRecorder } from './change-recorder.js';
import type { ConcurUser } from './directory.js';
import type { GeneratedTravellers } from './generated-travellers.js';
import { emptyCounts, LifecycleCounters, type LifecycleCounts } from './lifecycle-counters.js';
import { newRequestRecord } from './new-request-record.js';
import { OrderedIndex, type TimeKey } from './ordered-index.js';
import { earliest, emptyForecast, type NextEvents, type QueueForecast } from './queue-forecast.js';
import { newId } from './secrets.js';
import { SeededRequests } from './seeded-requests.js';
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

/** The requests one bulk seed call made, without a string per request. */
export interface SeededBatch {
  readonly count: number;
  /** The id of the batch's request `i` (from 0). */
  idAt(i: number): string;
}

type DeferralKind = Exclude<CodeKind, 'success'>;

/**
 * One TripLink supplier's queue: due requests form a prefix of `queue`, so a page is a rank
 * slice. Every index and set holds requests by slot (see `ConnectionRequestQueue`).
 */
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
  readonly connected = new Set<number>();
  readonly failed = new Set<number>();
}

/** What the wire shows of a request at `now`. */
function statusOf(record: ConnectionRequestRecord, now: number): DisplayStatus {
  if (record.outcome) return record.outcome;
  if (record.handout) return 'Processing';
  return record.queueKey && record.queueKey[0] > now ? 'Retry' : 'Pending';
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
  /**
   * By slot: requests are numbered in creation order. A request made one at a time has its
   * record here from the start; a seeded one (see `SeededRequests`) only from its first
   * change until it is final: before and after, its slot holds undefined (as does a removed
   * request's) and `SeededRequests` builds its record when one is read.
   */
  private readonly records: (ConnectionRequestRecord | undefined)[] = [];
  /** The slots of the requests not seeded, by id (a seeded request's id names its slot). */
  private readonly slotsById = new Map<string, number>();
  private readonly seeded = new SeededRequests();
  /** Slots whose request was removed, ascending: a creation-order position skips them. */
  private readonly removedSlots: number[] = [];
  private readonly queues = new Map<string, AppQueue>();
  /**
   * app + user → the slot of their latest request: open (non-final) if they have one, since a
   * new one can only be made when none is open. Kept after it ends, so the console finds a
   * user's Connected or Failed request by login id too. A generated traveller's seeded request
   * is their latest without an entry here; FORGOTTEN hides it once a later one is removed.
   */
  private readonly latestByUser = new Map<string, number>();
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
    for (const item of page.items) until = Math.min(until, this.peek(this.slotOf(item.id))?.handout?.tokenExpiresAt ?? Number.POSITIVE_INFINITY);
    return { revision: this.revisionCount, until };
  }

  /** Whether a page stamped with `validity` would still be read the same at `now`. */
  stillValid(validity: PageValidity, now: number): boolean {
    return validity.revision === this.revisionCount && now < validity.until;
  }

  create(appKey: string, user: ConcurUser, now: number, id: string = newId()): { ok: true; value: ConnectionRequestRecord } | { ok: false; reason: CreateFailure } {
    if (this.peek(this.latestSlot(appKey, user.loginId))?.outcome === null) return { ok: false, reason: 'already-open' };
    const slot = this.records.length;
    const record = newRequestRecord(id, appKey, user, now, null);
    this.records.push(record);
    this.slotsById.set(id, slot);
    this.latestByUser.set(openKey(appKey, user.loginId), slot);
    this.enqueue(slot, record, now);
    this.appQueue(appKey).counters.created++;
    return { ok: true, value: record };
  }

  /**
   * One pending request each for generated travellers `firstTraveller` … (new ones, so none
   * has a request open), created at `now`: queued as one run, no record made (see `SeededRequests`).
   */
  createSeeded(appKey: string, travellers: GeneratedTravellers, firstTraveller: number, count: number, now: number): SeededBatch {
    const firstSlot = this.records.length;
    const firstSeq = this.seq + 1;
    for (let i = 0; i < count; i++) this.records.push(undefined);
    this.seq += count;
    this.seeded.add(appKey, travellers, firstTraveller, count, now, firstSlot, firstSeq);
    const q = this.appQueue(appKey);
    q.queue.insert([now, firstSeq], firstSlot, count);
    q.waiting.insert([now, firstSeq], firstSlot, count);
    q.counters.created += count;
    this.revisionCount++;
    // Only a recorder needs them as records (built for it, not kept here).
    if (this.recorder !== UNRECORDED) for (let slot = firstSlot; slot < firstSlot + count; slot++) this.recorder.connectionRequest(this.seeded.current(slot)!);
    return { count, idAt: (i) => this.seeded.idOf(firstSlot + i) };
  }

  /** GET list with status=pending: hands out what it returns (minting request tokens). */
  listPending(appKey: string, offset: number, limit: number, now: number): Page {
    const q = this.settle(appKey, now);
    if (!q) return { items: [], nextOffset: null };
    const due = q.queue.countDue(now);
    if (this.policy.mode === 'lease') {
      // Each call returns a new page: the requests are taken from the front and leased away.
      const slots = q.queue.slice(0, limit, due);
      const items = slots.map((slot) => this.handOut(q, slot, this.hold(slot), now));
      const more = due > slots.length;
      return { items, nextOffset: more && items.length > 0 ? items[items.length - 1]!.id : null };
    }
    const slots = q.queue.slice(offset, limit, due);
    const items = slots.map((slot) => this.handOut(q, slot, this.hold(slot), now));
    return { items, nextOffset: offset + limit < due ? String(offset + limit) : null };
  }

  /** GET list with any other status: a read-only view, nothing is handed out. */
  listByStatus(appKey: string, status: Exclude<ListableStatus, 'pending'>, offset: number, limit: number, now: number): Page {
    const q = this.settle(appKey, now);
    if (!q) return { items: [], nextOffset: null };
    let slots: number[];
    let total: number;
    if (status === 'connected' || status === 'failed') {
      const set = status === 'connected' ? q.connected : q.failed;
      total = set.size;
      slots = takeFrom(set, offset, limit);
    } else if (status === 'processing') {
      total = q.leases.size;
      slots = q.leases.slice(offset, limit);
    } else {
      // Retry: the deferred suffix of the requests waiting without a hand-out (in lease mode a
      // leased request is keyed at its lease end too, but it is Processing, not Retry).
      const due = q.waiting.countDue(now);
      total = q.waiting.size - due;
      slots = q.waiting.slice(due + offset, limit);
    }
    return { items: slots.map((slot) => this.view(this.peek(slot)!, now)), nextOffset: offset + limit < total ? String(offset + limit) : null };
  }

  get(appKey: string, id: string, now: number): ConnectionRequestView | undefined {
    this.settle(appKey, now);
    const record = this.peek(this.slotOf(id));
    return record && record.appKey === appKey ? this.view(record, now) : undefined;
  }

  /** Looks a request up for any app, settled for `now`: the control API and console see everything. */
  inspect(id: string, now: number): { record: ConnectionRequestRecord; view: ConnectionRequestView } | undefined {
    const found = this.peek(this.slotOf(id));
    if (!found) return undefined;
    this.settle(found.appKey, now);
    // Settling may have removed it (never today, but keep the read honest).
    const record = this.peek(this.slotOf(id));
    return record && { record, view: this.view(record, now) };
  }

  /**
   * PUT: pops the request from the queue and applies the code's lifecycle rule. `before` is
   * the status the request showed (null if not found), for the journal and the error message.
   */
  put(appKey: string, id: string, code: StatusCode, now: number): { ok: true; value: ConnectionRequestView; before: DisplayStatus } | { ok: false; reason: PutFailure; before: DisplayStatus | null } {
    const q = this.settle(appKey, now);
    const slot = this.slotOf(id);
    const found = this.peek(slot, false);
    if (!q || !found || found.appKey !== appKey) return { ok: false, reason: 'not-found', before: null };
    const before = statusOf(found, now);
    if (found.outcome) return { ok: false, reason: 'final', before };
    const awaiting = found.handout !== null || (found.queueKey !== null && found.queueKey[0] <= now);
    if (!awaiting) return { ok: false, reason: 'not-in-queue', before };
    const record = this.hold(slot, found);
    this.dequeue(q, record, now);
    record.lastCode = code;
    record.lastModified = now;
    const kind = kindOf(code);
    const counters = q.counters;
    counters.puts[code]++;
    if (kind === 'success') {
      counters.connected++;
      this.finish(q, slot, record, 'Connected');
    } else if (kind === 'user-error') {
      if (record.userErrorRequeues >= this.policy.maxUserErrorRequeues) {
        counters.userErrorFailed++;
        this.finish(q, slot, record, 'Failed');
      } else {
        counters.userErrorRetry++;
        record.userErrorRequeues++;
        this.defer(q, slot, record, kind, now + this.policy.userErrorDelayMs);
      }
    } else if (record.retryRequeues >= this.policy.maxRetryRequeues) {
      counters.retryFailed++;
      this.finish(q, slot, record, 'Failed');
    } else {
      counters.retryRetry++;
      record.retryRequeues++;
      this.defer(q, slot, record, kind, now + this.policy.retryDelayMs);
    }
    return { ok: true, value: this.view(record, now), before };
  }

  remove(appKey: string, id: string, now: number): boolean {
    const q = this.settle(appKey, now);
    const slot = this.slotOf(id);
    const found = this.peek(slot, false);
    if (!q || found?.appKey !== appKey) return false;
    const record = this.hold(slot, found);
    this.dequeue(q, record, now);
    q.connected.delete(slot);
    q.failed.delete(slot);
    q.counters.deleted++;
    if (this.latestSlot(appKey, record.user.loginId) === slot) {
      // A generated traveller's seeded request would otherwise stand in as their latest again.
      const seededSlot = this.seeded.slotOfTraveller(appKey, record.user.loginId);
      if (seededSlot >= 0 && seededSlot !== slot) this.latestByUser.set(openKey(appKey, record.user.loginId), FORGOTTEN);
      else this.latestByUser.delete(openKey(appKey, record.user.loginId));
    }
    this.records[slot] = undefined;
    this.slotsById.delete(id);
    this.seeded.remove(slot);
    this.removedSlots.splice(sortedIndex(this.removedSlots, slot), 0, slot);
    this.recorder.connectionRequestRemoved(id);
    return true;
  }

  /**
   * Every request in creation order from the `from`-th (seeded ones built as the walk reaches
   * them), for a `--state-dir` snapshot and the control API's pages.
   */
  *allRecords(from = 0): IterableIterator<ConnectionRequestRecord> {
    let slot = Math.max(0, from);
    for (const removed of this.removedSlots) {
      if (removed > slot) break;
      slot++;
    }
    for (; slot < this.records.length; slot++) {
      const record = this.peek(slot);
      if (record) yield record;
    }
  }

  /** Puts back a request read from `--state-dir` (unrecorded), into the indexes its fields say. */
  restore(record: ConnectionRequestRecord): void {
    const slot = this.records.length;
    this.records.push(record);
    this.slotsById.set(record.id, slot);
    const q = this.appQueue(record.appKey);
    if (record.queueKey) q.queue.insert(record.queueKey, slot);
    if (record.queueKey && !record.handout) q.waiting.insert(record.queueKey, slot);
    if (record.handout) {
      q.leases.insert(record.handout.leaseKey, slot);
      q.tokenDeadlines.insert(deadlineKey(record.handout), slot);
    }
    // A PUT's deferral is the one queue position later than the request's last change (a new
    // request and a lease requeue are placed at the moment they happen).
    const kind = deferralKind(record);
    if (kind && record.queueKey && !record.handout && !record.outcome && record.queueKey[0] > record.lastModified) q.deferred[kind].insert(record.queueKey, slot);
    if (record.outcome) (record.outcome === 'Connected' ? q.connected : q.failed).add(slot);
    this.restoreLatest(slot, record);
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
      const record = this.peek(this.latestSlot(key, loginId));
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
    return this.slotsById.size + this.seeded.size;
  }

  view(record: ConnectionRequestRecord, now: number): ConnectionRequestView {
    return { id: record.id, user: record.user, status: statusOf(record, now), requestToken: record.handout?.token ?? null, lastModified: record.lastModified };
  }

  /** Applies every lease expiry due by `now`; after this the app's queue is true for `now`. */
  private settle(appKey: string, now: number): AppQueue | undefined {
    const q = this.queues.get(appKey);
    if (!q) return undefined;
    for (let next = q.leases.first(); next && next.key[0] <= now; next = q.leases.first()) {
      const slot = next.ref;
      const record = this.hold(slot);
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
        this.finish(q, slot, record, 'Failed');
      } else if (this.policy.mode === 'peek') {
        q.counters.leaseRequeued++;
        // Requeued as of the lease end: behind everything that was available before it.
        this.dequeue(q, record, now);
        this.enqueue(slot, record, leaseEnd);
      } else if (record.queueKey) {
        q.counters.leaseRequeued++;
        // In lease mode the request was already keyed at its lease end when handed out; it
        // now waits there without a hand-out.
        q.waiting.insert(record.queueKey, slot);
      }
    }
    return q;
  }

  private handOut(q: AppQueue, slot: number, record: ConnectionRequestRecord, now: number): ConnectionRequestView {
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
        q.leases.insert(leaseKey, slot);
      }
      record.handout = { token, tokenExpiresAt: expiresAt, handedOutAt: record.handout?.handedOutAt ?? now, leaseKey };
      q.tokenDeadlines.insert(deadlineKey(record.handout), slot);
      if (this.policy.mode === 'lease') {
        this.dequeue(q, record, now, false);
        this.place(q, slot, record, leaseKey);
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

  private enqueue(slot: number, record: ConnectionRequestRecord, availableAt: number): void {
    this.place(this.appQueue(record.appKey), slot, record, [availableAt, ++this.seq]);
  }

  /** Requeues after a PUT's delay (Retry until then), remembered by kind for the requeue edges. */
  private defer(q: AppQueue, slot: number, record: ConnectionRequestRecord, kind: DeferralKind, availableAt: number): void {
    this.enqueue(slot, record, availableAt);
    q.deferred[kind].insert(record.queueKey!, slot);
  }

  private place(q: AppQueue, slot: number, record: ConnectionRequestRecord, key: TimeKey): void {
    this.changed(record);
    record.queueKey = key;
    q.queue.insert(key, slot);
    if (!record.handout) q.waiting.insert(key, slot);
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

  private finish(q: AppQueue, slot: number, record: ConnectionRequestRecord, outcome: 'Connected' | 'Failed'): void {
    this.changed(record);
    record.outcome = outcome;
    (outcome === 'Connected' ? q.connected : q.failed).add(slot);
    // A final seeded request keeps only what differs from its seed, in columns (SettledOutcomes).
    if (this.records[slot] === record && this.seeded.settle(slot, record)) this.records[slot] = undefined;
  }

  /** A restored request is its user's latest if it is open, or newer than the final one already known. */
  private restoreLatest(slot: number, record: ConnectionRequestRecord): void {
    const key = openKey(record.appKey, record.user.loginId);
    const known = this.peek(this.latestByUser.get(key) ?? FORGOTTEN);
    if (!known || known === record || record.outcome === null || (known.outcome !== null && record.createdAt >= known.createdAt)) this.latestByUser.set(key, slot);
  }

  /** The slot of the request with this id, or -1. */
  private slotOf(id: string): number {
    return this.slotsById.get(id) ?? this.seeded.slotOfId(id);
  }

  /**
   * The request in `slot` for reading: a seeded one never changed is built for the call (its
   * traveller kept for the next read, unless `keepTraveller` is false: the caller changes it).
   */
  private peek(slot: number, keepTraveller = true): ConnectionRequestRecord | undefined {
    return slot < 0 ? undefined : (this.records[slot] ?? this.seeded.current(slot, keepTraveller));
  }

  /**
   * The request in `slot` for changing: a seeded one gets its record here first (the slot must
   * hold one), `peeked` if the caller just built it with `peek(slot, false)`.
   */
  private hold(slot: number, peeked?: ConnectionRequestRecord): ConnectionRequestRecord {
    let record = this.records[slot];
    if (!record) this.records[slot] = record = peeked ?? this.seeded.current(slot, false)!;
    return record;
  }

  /** The slot of the user's latest request for `appKey`, or -1. */
  private latestSlot(appKey: string, loginId: string): number {
    return this.latestByUser.get(openKey(appKey, loginId)) ?? this.seeded.slotOfTraveller(appKey, loginId);
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

/** Marks a user's latest request as removed, for a generated traveller whose seeded one would otherwise stand in. */
const FORGOTTEN = -1;

/** Where `value` goes in the ascending `list`. */
function sortedIndex(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function takeFrom(set: ReadonlySet<number>, offset: number, limit: number): number[] {
  const out: number[] = [];
  let i = 0;
  for (const id of set) {
    if (i++ < offset) continue;
    if (out.length >= limit) break;
    out.push(id);
  }
  return out;
}
