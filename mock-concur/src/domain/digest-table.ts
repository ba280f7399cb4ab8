import { columnsOf, grown, growColumns, type Columns, type ColumnType } from './grown-column.js';

/** A SHA-256 digest's length: the key of every row. */
export const DIGEST_BYTES = 32;


const FREE = 0;
/** The row's key is a digest's 32 bytes, found through the hash index. */
const INDEXED = 1;
/** The row's key is some other string (read back from a state dir): found by string only. */
const ODD_KEY = 2;
/** Flag: the row is in the insertion order (a ghost row, kept for its key only, is not). */
const LISTED = 4;

const NONE = -1;
const FIRST_CAPACITY = 64;

/**
 * Rows keyed by a secret's digest, with typed-array columns: one token costs its 32 digest
 * bytes, an index slot or two and its columns, where a `Map<string, object>` cost a 43-character
 * key, a map entry and an object of strings. Rows keep the order they were listed in (a
 * `Map`'s insertion order: listings, snapshots and the purge sweep read it) through a linked
 * list, and a removed row's space is reused.
 *
 * The index is open addressing with linear probing over the digest's first four bytes (they
 * are uniformly random already), deleted by backward shift so no tombstones pile up.
 */
export class DigestTable<S extends Record<string, ColumnType>> {
  cols: Columns<S>;
  /** How many rows are listed. */
  size = 0;
  private capacity = FIRST_CAPACITY;
  /** Rows ever handed out; below it, freed rows wait in the free list. */
  private highWater = 0;
  private freeHead = NONE;
  private digests = new Uint8Array(FIRST_CAPACITY * DIGEST_BYTES);
  /** A Buffer over `digests`, for base64url keys without a view per call. */
  private digestText = Buffer.from(this.digests.buffer);
  private state = new Uint8Array(FIRST_CAPACITY);
  private orderNext = new Int32Array(FIRST_CAPACITY);
  private orderPrev = new Int32Array(FIRST_CAPACITY);
  private head = NONE;
  private tail = NONE;
  /** Row + 1 per slot, 0 for an empty one; at most half full. */
  private slots = new Int32Array(FIRST_CAPACITY * 2);
  private indexed = 0;
  private readonly oddRows = new Map<string, number>();
  private readonly oddKeys = new Map<number, string>();
  /** The purge sweep's hand: the row it visited last (NONE: before the first). */
  private sweepAt = NONE;

  constructor(spec: S) {
    this.cols = columnsOf(spec, FIRST_CAPACITY);
  }

  /** The row holding this digest (listed or a ghost), or -1. */
  find(digest: Uint8Array): number {
    const { slots, digests } = this;
    const mask = slots.length - 1;
    for (let i = homeSlot(digest, 0) & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === 0) return NONE;
      const at = (s - 1) * DIGEST_BYTES;
      let b = 0;
      while (b < DIGEST_BYTES && digests[at + b] === digest[b]) b++;
      if (b === DIGEST_BYTES) return s - 1;
    }
  }

  /** The row under a key as a `Map` would hold it (base64url of the digest, or any other string), or -1. */
  findKey(key: string): number {
    const bytes = canonicalDigest(key);
    return bytes ? this.find(bytes) : (this.oddRows.get(key) ?? NONE);
  }

  /** A new row for a digest (exactly 32 bytes) not yet held, listed last unless a ghost (kept only for its key). */
  insert(digest: Uint8Array, listed = true): number {
    const row = this.allocate();
    this.digests.set(digest, row * DIGEST_BYTES);
    this.state[row] = INDEXED;
    this.index(row);
    if (listed) this.list(row);
    return row;
  }

  insertKey(key: string, listed = true): number {
    const bytes = canonicalDigest(key);
    if (bytes) return this.insert(bytes, listed);
    const row = this.allocate();
    this.state[row] = ODD_KEY;
    this.oddRows.set(key, row);
    this.oddKeys.set(row, key);
    if (listed) this.list(row);
    return row;
  }

  /** The key as a `Map` held it: base64url of the digest, as `digest()` writes it. */
  keyOf(row: number): string {
    if ((this.state[row]! & ODD_KEY) !== 0) return this.oddKeys.get(row)!;
    return this.digestText.toString('base64url', row * DIGEST_BYTES, (row + 1) * DIGEST_BYTES);
  }

  isListed(row: number): boolean {
    return (this.state[row]! & LISTED) !== 0;
  }

  /** Puts a ghost row back in the order, last. */
  list(row: number): void {
    this.state[row]! |= LISTED;
    this.orderPrev[row] = this.tail;
    this.orderNext[row] = NONE;
    if (this.tail === NONE) this.head = row;
    else this.orderNext[this.tail] = row;
    this.tail = row;
    this.size++;
  }

  /** Takes a row out of the order, keeping its key findable (a ghost) until `release`. */
  unlist(row: number): void {
    const prev = this.orderPrev[row]!;
    const next = this.orderNext[row]!;
    if (prev === NONE) this.head = next;
    else this.orderNext[prev] = next;
    if (next === NONE) this.tail = prev;
    else this.orderPrev[next] = prev;
    if (this.sweepAt === row) this.sweepAt = prev;
    this.state[row]! &= ~LISTED;
    this.size--;
  }

  /** Forgets an unlisted row and its key; the row is reused. */
  release(row: number): void {
    if ((this.state[row]! & ODD_KEY) !== 0) {
      this.oddRows.delete(this.oddKeys.get(row)!);
      this.oddKeys.delete(row);
    } else {
      this.unindex(row);
    }
    this.state[row] = FREE;
    this.orderNext[row] = this.freeHead;
    this.freeHead = row;
  }

  remove(row: number): void {
    this.unlist(row);
    this.release(row);
  }

  /** The first listed row, or -1. */
  first(): number {
    return this.head;
  }

  /** The listed row after `row`, or -1. */
  after(row: number): number {
    return this.orderNext[row]!;
  }

  /** Starts a sweep pass at the first row. */
  sweepFromStart(): void {
    this.sweepAt = NONE;
  }

  /** The sweep's next row, rows listed since included (as a `Map` iterator sees them), or -1 at the end. */
  sweepNext(): number {
    const row = this.sweepAt === NONE ? this.head : this.orderNext[this.sweepAt]!;
    if (row !== NONE) this.sweepAt = row;
    return row;
  }

  private allocate(): number {
    if (this.freeHead !== NONE) {
      const row = this.freeHead;
      this.freeHead = this.orderNext[row]!;
      return row;
    }
    if (this.highWater === this.capacity) this.grow();
    return this.highWater++;
  }

  /** Half again as many rows: the slack a growing table carries stays under a third. */
  private grow(): void {
    const capacity = Math.ceil(this.capacity * 1.5);
    this.digests = grown(this.digests, capacity * DIGEST_BYTES);
    this.digestText = Buffer.from(this.digests.buffer);
    this.state = grown(this.state, capacity);
    this.orderNext = grown(this.orderNext, capacity);
    this.orderPrev = grown(this.orderPrev, capacity);
    growColumns(this.cols, capacity);
    this.capacity = capacity;
  }

  private index(row: number): void {
    if ((this.indexed + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    this.place(row);
    this.indexed++;
  }

  private place(row: number): void {
    const { slots } = this;
    const mask = slots.length - 1;
    let i = homeSlot(this.digests, row * DIGEST_BYTES) & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = row + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let row = 0; row < this.highWater; row++) if ((this.state[row]! & INDEXED) !== 0) this.place(row);
  }

  /** Deletes a row's slot by backward shift: each later entry of the probe run moves up if its home allows. */
  private unindex(row: number): void {
    const { slots, digests } = this;
    const mask = slots.length - 1;
    let hole = homeSlot(digests, row * DIGEST_BYTES) & mask;
    while (slots[hole] !== row + 1) hole = (hole + 1) & mask;
    for (let j = (hole + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = homeSlot(digests, (slots[j]! - 1) * DIGEST_BYTES) & mask;
      // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
      const homeBetween = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (homeBetween) continue;
      slots[hole] = slots[j]!;
      hole = j;
    }
    slots[hole] = 0;
    this.indexed--;
  }
}

function homeSlot(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

/** A key's 32 digest bytes when it is base64url of exactly them (as `digest()` writes), else null. */
function canonicalDigest(key: string): Buffer | null {
  if (key.length !== 43) return null;
  const bytes = Buffer.from(key, 'base64url');
  return bytes.length === DIGEST_BYTES && bytes.toString('base64url') === key ? bytes : null;
}
