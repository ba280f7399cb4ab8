import createTree from 'functional-red-black-tree';

type Tree<K, V> = createTree.Tree<K, V>;

/** A position in time order: ties broken by insertion sequence, so order is total and stable. */
export type TimeKey = readonly [time: number, seq: number];

function compareKeys(a: TimeKey, b: TimeKey): number {
  return a[0] - b[0] || a[1] - b[1];
}

/**
 * Ids ordered by (time, seq) with rank queries in O(log n): "how many are due by T" and
 * "the k-th one" never scan. Backed by a red-black tree whose nodes count their subtrees.
 */
export class OrderedIndex {
  private tree: Tree<TimeKey, string> = createTree(compareKeys);

  get size(): number {
    return this.tree.length;
  }

  insert(key: TimeKey, id: string): void {
    this.tree = this.tree.insert(key, id);
  }

  /** Answers whether the key was there. */
  remove(key: TimeKey): boolean {
    const it = this.tree.find(key);
    if (!it.valid) return false;
    this.tree = it.remove();
    return true;
  }

  /** How many entries have time ≤ `time` (they form a prefix of the order). */
  countDue(time: number): number {
    const it = this.tree.le([time, Number.POSITIVE_INFINITY]);
    return it.valid ? it.index + 1 : 0;
  }

  /** Up to `limit` ids starting at rank `offset`, not going past rank `end` (exclusive). */
  slice(offset: number, limit: number, end = this.size): string[] {
    const out: string[] = [];
    if (offset >= end) return out;
    const it = this.tree.at(offset);
    while (it.valid && out.length < limit && offset + out.length < end) {
      out.push(it.value as string);
      it.next();
    }
    return out;
  }

  /** The key at rank `rank`, if there is one. */
  keyAt(rank: number): TimeKey | undefined {
    if (rank < 0 || rank >= this.size) return undefined;
    return this.tree.at(rank).key as TimeKey;
  }

  /** The first entry, if any: the next one due. */
  first(): { key: TimeKey; id: string } | undefined {
    const it = this.tree.begin;
    return it.valid ? { key: it.key as TimeKey, id: it.value as string } : undefined;
  }
}
