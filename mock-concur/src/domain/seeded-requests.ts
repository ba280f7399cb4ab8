import type { ConnectionRequestRecord } from './connection-requests.js';
import type { ConcurUser } from './directory.js';
import type { GeneratedTravellers } from './generated-travellers.js';
import { newRequestRecord } from './new-request-record.js';
import { NumberedIds } from './numbered-ids.js';
import { SettledOutcomes } from './settled-outcomes.js';
import { SettledSeededRecord, type SeedOf } from './settled-seeded-record.js';

/**
 * `count` requests made by one bulk seed: request i (from 0) is slot `firstSlot + i`, queued
 * at [createdAt, firstSeq + i], for generated traveller `firstTraveller + i`.
 */
interface SeededRun {
  readonly appKey: string;
  readonly travellers: GeneratedTravellers;
  readonly createdAt: number;
  readonly firstSlot: number;
  readonly firstSeq: number;
  readonly firstTraveller: number;
  count: number;
}

/**
 * The requests of bulk seeds, as runs of numbers rather than a record each: until a request
 * first changes it is exactly as created, so its record can be built from its slot whenever
 * one is asked for (the queue then keeps its own copy). Ids name the slot (`NumberedIds`),
 * so finding a seeded request by id is a parse, not a map.
 */
export class SeededRequests implements SeedOf {
  /** The id of the request in slot s names s. */
  private readonly ids = new NumberedIds();
  private readonly runs: SeededRun[] = [];
  /** Slots of seeded requests since removed (DELETE). */
  private readonly removed = new Set<number>();
  /** What PUTs left of the seeded requests that are final. */
  private readonly outcomes = new SettledOutcomes();
  private total = 0;

  /** Seeded requests not removed. */
  get size(): number {
    return this.total - this.removed.size;
  }

  /** Seeded runs in slot order, for walking every request in creation order. */
  get slotRanges(): readonly { readonly firstSlot: number; readonly count: number }[] {
    return this.runs;
  }

  add(appKey: string, travellers: GeneratedTravellers, firstTraveller: number, count: number, createdAt: number, firstSlot: number, firstSeq: number): void {
    const last = this.runs[this.runs.length - 1];
    const continues =
      last !== undefined &&
      last.appKey === appKey &&
      last.travellers === travellers &&
      last.createdAt === createdAt &&
      last.firstSlot + last.count === firstSlot &&
      last.firstSeq + last.count === firstSeq &&
      last.firstTraveller + last.count === firstTraveller;
    if (continues) last.count += count;
    else this.runs.push({ appKey, travellers, createdAt, firstSlot, firstSeq, firstTraveller, count });
    this.total += count;
  }

  idOf(slot: number): string {
    return this.ids.idOf(slot);
  }

  /** The slot of the (not removed) seeded request with this id, or -1. */
  slotOfId(id: string): number {
    if (this.total === 0) return -1;
    const slot = this.ids.numberOf(id);
    return slot >= 0 && this.isLive(slot) ? slot : -1;
  }

  /** Whether the slot holds a seeded request not removed. */
  isLive(slot: number): boolean {
    return this.liveRun(slot) !== undefined;
  }

  /** The slot of the seeded request of the traveller with this login id for `appKey`, or -1. */
  slotOfTraveller(appKey: string, loginId: string): number {
    const key = loginId.toLowerCase();
    // Parsed once per directory (a world has one).
    let parsedBy: GeneratedTravellers | undefined;
    let n = -1;
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const run = this.runs[i]!;
      if (run.appKey !== appKey) continue;
      if (run.travellers !== parsedBy) {
        parsedBy = run.travellers;
        n = parsedBy.numberOfLoginId(key);
      }
      if (n >= run.firstTraveller && n < run.firstTraveller + run.count) {
        const slot = run.firstSlot + (n - run.firstTraveller);
        return this.removed.has(slot) ? -1 : slot;
      }
    }
    return -1;
  }

  /**
   * The seeded request in `slot` as it is now, built for the call: as created, or final (a
   * `SettledSeededRecord` over its outcome); undefined if the slot holds no live seeded
   * request. `keepTraveller: false` when the caller keeps the record (see GeneratedTravellers.user).
   */
  current(slot: number, keepTraveller = true): ConnectionRequestRecord | undefined {
    const run = this.liveRun(slot);
    if (!run) return undefined;
    return this.outcomes.has(slot) ? new SettledSeededRecord(this, this.outcomes, slot) : this.created(run, slot, keepTraveller);
  }

  /**
   * Keeps the final `record` of the live seeded request in `slot` (a record `current`
   * built) as its outcome and counters: the caller may then drop the record (`current`
   * builds it again). False, keeping nothing, when the slot holds no live seeded request or
   * the record is not final and out of every queue.
   */
  settle(slot: number, record: ConnectionRequestRecord): boolean {
    if (!this.isLive(slot) || record.outcome === null || record.queueKey !== null || record.handout !== null) return false;
    this.outcomes.settle(slot, record as ConnectionRequestRecord & { outcome: 'Connected' | 'Failed' });
    return true;
  }

  /** The app of the seeded request in `slot` (live or not). */
  appKeyOf(slot: number): string {
    return this.seededRun(slot).appKey;
  }

  /** When the seeded request in `slot` (live or not) was created. */
  createdAtOf(slot: number): number {
    return this.seededRun(slot).createdAt;
  }

  /** The traveller of the seeded request in `slot` (live or not), as it was created with. */
  travellerOf(slot: number): ConcurUser {
    const run = this.seededRun(slot);
    return run.travellers.user(run.firstTraveller + (slot - run.firstSlot));
  }

  remove(slot: number): void {
    if (!this.isLive(slot)) return;
    this.removed.add(slot);
    this.outcomes.forget(slot);
  }

  private seededRun(slot: number): SeededRun {
    const run = this.runAt(slot);
    if (!run) throw new Error(`slot ${slot} holds no seeded request`);
    return run;
  }

  /** The run of the seeded request in `slot` unless it was removed. */
  private liveRun(slot: number): SeededRun | undefined {
    const run = this.runAt(slot);
    return run && !this.removed.has(slot) ? run : undefined;
  }

  private created(run: SeededRun, slot: number, keepTraveller: boolean): ConnectionRequestRecord {
    const i = slot - run.firstSlot;
    return newRequestRecord(this.idOf(slot), run.appKey, run.travellers.user(run.firstTraveller + i, keepTraveller), run.createdAt, [run.createdAt, run.firstSeq + i]);
  }

  private runAt(slot: number): SeededRun | undefined {
    const runs = this.runs;
    let lo = 0;
    let hi = runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const run = runs[mid]!;
      if (slot < run.firstSlot) hi = mid - 1;
      else if (slot >= run.firstSlot + run.count) lo = mid + 1;
      else return run;
    }
    return undefined;
  }
}
