/** A position in time order: ties broken by insertion sequence, so order is total and stable. */
export type TimeKey = readonly [time: number, seq: number];

/** Runs per chunk before it splits: small enough that splicing and scanning one stays cheap. */
const CHUNK_RUNS = 128;

/**
 * Consecutive runs in key order, as parallel arrays. A run is `count` entries with the same
 * time, consecutive seqs from `seq` and consecutive refs from `ref`.
 */
class Chunk {
  readonly times: number[] = [];
  readonly seqs: number[] = [];
  readonly refs: number[] = [];
  readonly counts: number[] = [];
  /** Entries in all its runs. */
  total = 0;

  get runs(): number {
    return this.times.length;
  }

  addRun(at: number, time: number, seq: number, ref: number, count: number): void {
    this.times.splice(at, 0, time);
    this.seqs.splice(at, 0, seq);
    this.refs.splice(at, 0, ref);
    this.counts.splice(at, 0, count);
    this.total += count;
  }

  dropRun(at: number): void {
    this.total -= this.counts[at]!;
    this.times.splice(at, 1);
    this.seqs.splice(at, 1);
    this.refs.splice(at, 1);
    this.counts.splice(at, 1);
  }

  /** Moves the runs from `from` on into a new chunk, answered. */
  splitOff(from: number): Chunk {
    const upper = new Chunk();
    upper.times.push(...this.times.splice(from));
    upper.seqs.push(...this.seqs.splice(from));
    upper.refs.push(...this.refs.splice(from));
    upper.counts.push(...this.counts.splice(from));
    for (const c of upper.counts) upper.total += c;
    this.total -= upper.total;
    return upper;
  }
}

/** Whether the run starting at (time, seq) starts at or before the key (t, s). */
function startsByKey(time: number, seq: number, t: number, s: number): boolean {
  return time < t || (time === t && seq <= s);
}

/**
 * Refs (numbers) ordered by unique (time, seq) keys, with rank queries: "how many are due by
 * T" and "the k-th one" never scan the index. Entries with the same time and consecutive seqs
 * and refs are stored as one run, so a seed of a million requests created at one instant is a
 * few numbers, not a million nodes. Runs sit in sorted chunks of at most CHUNK_RUNS; a Fenwick
 * tree over the chunks' entry counts turns a rank into a chunk in O(log chunks). Mutable:
 * appending to a run allocates nothing.
 */
export class OrderedIndex {
  private chunks: Chunk[] = [];
  /** Prefix sums of the chunks' totals (1-based Fenwick tree); null after chunks were added or dropped. */
  private fenwick: number[] | null = null;
  private entries = 0;

  get size(): number {
    return this.entries;
  }

  /**
   * Adds `count` entries: keys (time, seq) … (time, seq + count - 1) with refs ref … ref + count - 1.
   * Keys are unique: inserting one already there is a bug in the caller, and throws.
   */
  insert(key: TimeKey, ref: number, count = 1): void {
    const [time, seq] = key;
    if (count < 1) return;
    this.entries += count;
    if (this.chunks.length === 0) {
      const chunk = new Chunk();
      chunk.addRun(0, time, seq, ref, count);
      this.chunks.push(chunk);
      this.fenwick = null;
      return;
    }
    const [c, r] = this.locate(time, seq);
    const chunk = this.chunks[c]!;
    // The run just after the new entries: the next one in this chunk, or the next chunk's first.
    const nc = r + 1 < chunk.runs ? c : c + 1;
    const nr = nc === c ? r + 1 : 0;
    const next = this.chunks[nc];
    const prevEnd = r >= 0 && chunk.times[r] === time ? chunk.seqs[r]! + chunk.counts[r]! : -Infinity;
    if (seq < prevEnd || (next && next.times[nr] === time && next.seqs[nr]! < seq + count)) {
      this.entries -= count;
      throw new Error(`OrderedIndex: key [${time}, ${seq}] is already there`);
    }
    const joinsPrev = prevEnd === seq && chunk.refs[r]! + chunk.counts[r]! === ref;
    const joinsNext = next !== undefined && next.times[nr] === time && next.seqs[nr] === seq + count && next.refs[nr] === ref + count;
    if (joinsPrev) {
      chunk.counts[r]! += count;
      chunk.total += count;
      this.bump(c, count);
      if (joinsNext) {
        // The new entries bridge two runs: one run now.
        const absorbed = next.counts[nr]!;
        chunk.counts[r]! += absorbed;
        chunk.total += absorbed;
        this.bump(c, absorbed);
        this.bump(nc, -absorbed);
        next.dropRun(nr);
        if (next.runs === 0) this.dropChunk(nc);
      }
    } else if (joinsNext) {
      next.seqs[nr] = seq;
      next.refs[nr] = ref;
      next.counts[nr]! += count;
      next.total += count;
      this.bump(nc, count);
    } else {
      chunk.addRun(r + 1, time, seq, ref, count);
      this.bump(c, count);
      if (chunk.runs > CHUNK_RUNS) this.split(c, r + 1);
    }
  }

  /** Answers whether the key was there. */
  remove(key: TimeKey): boolean {
    const [time, seq] = key;
    if (this.entries === 0) return false;
    const [c, r] = this.locate(time, seq);
    if (r < 0) return false;
    const chunk = this.chunks[c]!;
    const offset = seq - chunk.seqs[r]!;
    const count = chunk.counts[r]!;
    if (chunk.times[r] !== time || offset >= count) return false;
    this.entries--;
    if (count === 1) {
      chunk.dropRun(r);
      if (chunk.runs === 0) this.dropChunk(c);
      else this.bump(c, -1);
      return true;
    }
    this.bump(c, -1);
    if (offset === 0) {
      chunk.seqs[r]!++;
      chunk.refs[r]!++;
      chunk.counts[r]!--;
      chunk.total--;
    } else if (offset === count - 1) {
      chunk.counts[r]!--;
      chunk.total--;
    } else {
      // From the middle of a run: the entries after the key become a run of their own.
      chunk.counts[r] = offset;
      chunk.total -= count - offset;
      chunk.addRun(r + 1, time, seq + 1, chunk.refs[r]! + offset + 1, count - offset - 1);
      if (chunk.runs > CHUNK_RUNS) this.split(c, r + 1);
    }
    return true;
  }

  /** How many entries have time ≤ `time` (they form a prefix of the order). */
  countDue(time: number): number {
    if (this.entries === 0) return 0;
    const [c, r] = this.locate(time, Number.POSITIVE_INFINITY);
    if (r < 0) return 0;
    const chunk = this.chunks[c]!;
    let due = this.before(c);
    for (let i = 0; i <= r; i++) due += chunk.counts[i]!;
    return due;
  }

  /** Up to `limit` refs starting at rank `offset`, not going past rank `end` (exclusive). */
  slice(offset: number, limit: number, end = this.size): number[] {
    const out: number[] = [];
    let wanted = Math.min(limit, Math.min(end, this.entries) - offset);
    if (offset < 0 || wanted <= 0) return out;
    let [c, r, within] = this.at(offset);
    while (wanted > 0) {
      const chunk = this.chunks[c]!;
      const take = Math.min(wanted, chunk.counts[r]! - within);
      const ref = chunk.refs[r]! + within;
      for (let i = 0; i < take; i++) out.push(ref + i);
      wanted -= take;
      within = 0;
      if (++r === chunk.runs) {
        c++;
        r = 0;
      }
    }
    return out;
  }

  /** The key at rank `rank`, if there is one. */
  keyAt(rank: number): TimeKey | undefined {
    if (rank < 0 || rank >= this.entries) return undefined;
    const [c, r, within] = this.at(rank);
    const chunk = this.chunks[c]!;
    return [chunk.times[r]!, chunk.seqs[r]! + within];
  }

  /** The first entry, if any: the next one due. */
  first(): { key: TimeKey; ref: number } | undefined {
    const chunk = this.chunks[0];
    return chunk ? { key: [chunk.times[0]!, chunk.seqs[0]!], ref: chunk.refs[0]! } : undefined;
  }

  /** [chunk, run] of the last run starting at or before (time, seq); run -1 (chunk 0) if none does. */
  private locate(time: number, seq: number): [number, number] {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    let c = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const chunk = chunks[mid]!;
      if (startsByKey(chunk.times[0]!, chunk.seqs[0]!, time, seq)) {
        c = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (c < 0) return [0, -1];
    const chunk = chunks[c]!;
    lo = 1;
    hi = chunk.runs - 1;
    let r = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (startsByKey(chunk.times[mid]!, chunk.seqs[mid]!, time, seq)) {
        r = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return [c, r];
  }

  /** [chunk, run, offset in the run] of the entry at `rank` (0 ≤ rank < size). */
  private at(rank: number): [number, number, number] {
    const tree = this.prefixTree();
    // Fenwick descent: the last chunk whose preceding chunks hold at most `rank` entries.
    let c = 0;
    let rest = rank;
    for (let step = 1 << Math.floor(Math.log2(this.chunks.length)); step > 0; step >>= 1) {
      if (c + step <= this.chunks.length && tree[c + step]! <= rest) {
        c += step;
        rest -= tree[c]!;
      }
    }
    const chunk = this.chunks[c]!;
    let r = 0;
    while (rest >= chunk.counts[r]!) rest -= chunk.counts[r++]!;
    return [c, r, rest];
  }

  /** Entries in the chunks before chunk `c`. */
  private before(c: number): number {
    const tree = this.prefixTree();
    let sum = 0;
    for (let i = c; i > 0; i -= i & -i) sum += tree[i]!;
    return sum;
  }

  private prefixTree(): number[] {
    if (this.fenwick) return this.fenwick;
    const m = this.chunks.length;
    const tree = new Array<number>(m + 1).fill(0);
    for (let i = 1; i <= m; i++) {
      tree[i]! += this.chunks[i - 1]!.total;
      const parent = i + (i & -i);
      if (parent <= m) tree[parent]! += tree[i]!;
    }
    return (this.fenwick = tree);
  }

  /** Chunk `c` gained (or lost) `delta` entries. */
  private bump(c: number, delta: number): void {
    const tree = this.fenwick;
    if (!tree) return;
    for (let i = c + 1; i < tree.length; i += i & -i) tree[i]! += delta;
  }

  /**
   * Splits an overfull chunk in half, unless the run just added (at `added`) is the last of
   * the last chunk: entries mostly arrive in time order, and a chunk left full then stays full.
   */
  private split(c: number, added: number): void {
    const chunk = this.chunks[c]!;
    const atEnd = c === this.chunks.length - 1 && added === chunk.runs - 1;
    this.chunks.splice(c + 1, 0, chunk.splitOff(atEnd ? added : chunk.runs >> 1));
    this.fenwick = null;
  }

  private dropChunk(c: number): void {
    this.chunks.splice(c, 1);
    this.fenwick = null;
  }
}
