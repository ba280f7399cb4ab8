import type { ConnectionRequestRecord } from './connection-requests.js';
import { columnsOf, growColumns } from './grown-column.js';
import { STATUS_CODES, type StatusCode } from './status-codes.js';

type FinalOutcome = 'Connected' | 'Failed';

const CODES = Object.keys(STATUS_CODES) as StatusCode[];
const CODE_NUMBER = new Map<StatusCode, number>(CODES.map((code, i) => [code, i + 1]));
const NOT_SETTLED = 0;
const CONNECTED = 1;
const FAILED = 2;
const FIRST_CAPACITY = 1024;
const COLUMNS = { outcome: Uint8Array, lastCode: Uint8Array, lastModified: Float64Array, userErrorRequeues: Int32Array, retryRequeues: Int32Array, leaseRequeues: Int32Array };

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
  private readonly cols = columnsOf(COLUMNS, 0);

  /** Keeps what `record` (final, out of every queue) says of slot `slot`. */
  settle(slot: number, record: ConnectionRequestRecord & { outcome: FinalOutcome }): void {
    const c = this.cols;
    if (slot >= c.outcome.length) this.grow(slot);
    c.outcome[slot] = record.outcome === 'Connected' ? CONNECTED : FAILED;
    c.lastCode[slot] = record.lastCode === null ? 0 : CODE_NUMBER.get(record.lastCode)!;
    c.lastModified[slot] = record.lastModified;
    c.userErrorRequeues[slot] = record.userErrorRequeues;
    c.retryRequeues[slot] = record.retryRequeues;
    c.leaseRequeues[slot] = record.leaseRequeues;
  }

  has(slot: number): boolean {
    return slot < this.cols.outcome.length && this.cols.outcome[slot] !== NOT_SETTLED;
  }

  /** A removed request is no longer settled (its slot is never reused, but say so anyway). */
  forget(slot: number): void {
    if (slot < this.cols.outcome.length) this.cols.outcome[slot] = NOT_SETTLED;
  }

  outcomeOf(slot: number): FinalOutcome {
    return this.cols.outcome[slot] === CONNECTED ? 'Connected' : 'Failed';
  }

  lastCodeOf(slot: number): StatusCode | null {
    const n = this.cols.lastCode[slot]!;
    return n === 0 ? null : CODES[n - 1]!;
  }

  lastModifiedOf(slot: number): number {
    return this.cols.lastModified[slot]!;
  }

  userErrorRequeuesOf(slot: number): number {
    return this.cols.userErrorRequeues[slot]!;
  }

  retryRequeuesOf(slot: number): number {
    return this.cols.retryRequeues[slot]!;
  }

  leaseRequeuesOf(slot: number): number {
    return this.cols.leaseRequeues[slot]!;
  }

  /** Half again as many slots (at least up to `slot`): the slack stays under a third. */
  private grow(slot: number): void {
    growColumns(this.cols, Math.max(FIRST_CAPACITY, slot + 1, Math.ceil(this.cols.outcome.length * 1.5)));
  }
}

