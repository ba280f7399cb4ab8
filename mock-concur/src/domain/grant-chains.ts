const NONE = -1;

/**
 * The rows of one table under each grant, in the order granted: a doubly linked list through
 * two row-indexed columns, so a purged row leaves its grant in O(1) and a grant's walk meets
 * no dead entries. Replaces an array of digests per grant (8 bytes a row plus the digest's
 * string) and its compaction.
 */
export class GrantChains {
  private heads: number[] = [];
  private tails: number[] = [];
  private next = new Int32Array(64);
  private prev = new Int32Array(64);
  /** Row → the grant it is chained in, or -1. */
  private grantOfRow = new Int32Array(64).fill(NONE);

  /** Chains `row` last in `grant`'s list. */
  add(grant: number, row: number): void {
    if (row >= this.next.length) this.grow(row);
    while (this.heads.length <= grant) {
      this.heads.push(NONE);
      this.tails.push(NONE);
    }
    const tail = this.tails[grant]!;
    this.prev[row] = tail;
    this.next[row] = NONE;
    if (tail === NONE) this.heads[grant] = row;
    else this.next[tail] = row;
    this.tails[grant] = row;
    this.grantOfRow[row] = grant;
  }

  /** Unchains a row (if chained): a purged token. */
  remove(row: number): void {
    if (row >= this.next.length) return;
    const grant = this.grantOfRow[row]!;
    if (grant === NONE) return;
    const prev = this.prev[row]!;
    const next = this.next[row]!;
    if (prev === NONE) this.heads[grant] = next;
    else this.next[prev] = next;
    if (next === NONE) this.tails[grant] = prev;
    else this.prev[next] = prev;
    this.grantOfRow[row] = NONE;
  }

  /** The first row of a grant (-1: none; a grant of -1 has none). */
  first(grant: number): number {
    return grant < 0 || grant >= this.heads.length ? NONE : this.heads[grant]!;
  }

  /** The row after `row` in its grant, or -1. */
  after(row: number): number {
    return this.next[row]!;
  }

  private grow(row: number): void {
    const size = Math.max(row + 1, Math.ceil(this.next.length * 1.5));
    const next = new Int32Array(size);
    next.set(this.next);
    this.next = next;
    const prev = new Int32Array(size);
    prev.set(this.prev);
    this.prev = prev;
    const grantOfRow = new Int32Array(size).fill(NONE);
    grantOfRow.set(this.grantOfRow);
    this.grantOfRow = grantOfRow;
  }
}
