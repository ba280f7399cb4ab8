import type { ConnectionRequestRecord } from './connection-requests.js';
import { grown } from './grown-column.js';
import { STATUS_CODES, type StatusCode } from './status-codes.js';

type FinalOutcome = 'Connected' | 'Failed';

const CODES = Object.keys(STATUS_CODES) as StatusCode[];
const CODE_NUMBER = new Map<StatusCode, number>(CODES.map((code, i) => [code, i + 1]));
const NOT_SETTLED = 0;
const CONNECTED = 1;
const FAILED = 2;
const FIRST_CAPACITY = 1024;

/**
 * What a PUT left of each settled seeded request, by slot, in typed-array columns: its
 * outcome, last code, last change and requeue counts, 22 bytes a slot. Kept as an object a
 * request each (≈ 190 bytes), every request a PUT load settles was copied by the scavenger
 * and then promoted: with columns the PUT leaves nothing on the heap, and a scavenge under
 * that load copies 40 % less.
 *
 * Columns cover slots up to the highest one settled (the queue settles in roughly creation
 * order, so they grow with what has been settled, not with what was seeded).
 */
export class SettledOutcomes {
  private outcome = new Uint8Array(0);
  private lastCode = new Uint8Array(0);
  private lastModified = new Float64Array(0);
  private userErrorRequeues = new Int32Array(0);
  private retryRequeues = new Int32Array(0);
  private leaseRequeues = new Int32Array(0);

  /** Keeps what `record` (final, out of every queue) says of slot `slot`. */
  settle(slot: number, record: ConnectionRequestRecord & { outcome: FinalOutcome }): void {
    if (slot >= this.outcome.length) this.grow(slot);
    this.outcome[slot] = record.outcome === 'Connected' ? CONNECTED : FAILED;
    this.lastCode[slot] = record.lastCode === null ? 0 : CODE_NUMBER.get(record.lastCode)!;
    this.lastModified[slot] = record.lastModified;
    this.userErrorRequeues[slot] = record.userErrorRequeues;
    this.retryRequeues[slot] = record.retryRequeues;
    this.leaseRequeues[slot] = record.leaseRequeues;
  }

  has(slot: number): boolean {
    return slot < this.outcome.length && this.outcome[slot] !== NOT_SETTLED;
  }

  /** A removed request is no longer settled (its slot is never reused, but say so anyway). */
  forget(slot: number): void {
    if (slot < this.outcome.length) this.outcome[slot] = NOT_SETTLED;
  }

  outcomeOf(slot: number): FinalOutcome {
    return this.outcome[slot] === CONNECTED ? 'Connected' : 'Failed';
  }

  lastCodeOf(slot: number): StatusCode | null {
    const n = this.lastCode[slot]!;
    return n === 0 ? null : CODES[n - 1]!;
  }

  lastModifiedOf(slot: number): number {
    return this.lastModified[slot]!;
  }

  userErrorRequeuesOf(slot: number): number {
    return this.userErrorRequeues[slot]!;
  }

  retryRequeuesOf(slot: number): number {
    return this.retryRequeues[slot]!;
  }

  leaseRequeuesOf(slot: number): number {
    return this.leaseRequeues[slot]!;
  }

  /** Half again as many slots (at least up to `slot`): the slack stays under a third. */
  private grow(slot: number): void {
    const capacity = Math.max(FIRST_CAPACITY, slot + 1, Math.ceil(this.outcome.length * 1.5));
    this.outcome = grown(this.outcome, capacity);
    this.lastCode = grown(this.lastCode, capacity);
    this.lastModified = grown(this.lastModified, capacity);
    this.userErrorRequeues = grown(this.userErrorRequeues, capacity);
    this.retryRequeues = grown(this.retryRequeues, capacity);
    this.leaseRequeues = grown(this.leaseRequeues, capacity);
  }
}

