import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderedIndex } from '../../../mock-concur/src/domain/ordered-index.js';

describe('OrderedIndex', () => {
  it('keeps ids in (time, seq) order and counts the due prefix', () => {
    const index = new OrderedIndex();
    index.insert([30, 1], 'c');
    index.insert([10, 2], 'a');
    index.insert([10, 3], 'b');
    index.insert([50, 4], 'd');
    expect(index.slice(0, 10)).toEqual(['a', 'b', 'c', 'd']);
    expect(index.countDue(9)).toBe(0);
    expect(index.countDue(10)).toBe(2);
    expect(index.countDue(49)).toBe(3);
    expect(index.slice(1, 2, index.countDue(30))).toEqual(['b', 'c']);
    index.remove([10, 2]);
    expect(index.first()).toEqual({ key: [10, 3], id: 'b' });
  });

  it('agrees with a sorted array for any inserts, removals and slices', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 200 }), fc.nat(60), fc.nat(20), fc.integer({ min: 1, max: 10 }), (ops, due, offset, limit) => {
        const index = new OrderedIndex();
        const model: [number, number, string][] = [];
        ops.forEach(([time, remove], seq) => {
          if (remove && model.length > 0) {
            const [t, s] = model.splice(seq % model.length, 1)[0]!;
            index.remove([t, s]);
          } else {
            model.push([time, seq, `id${seq}`]);
            index.insert([time, seq], `id${seq}`);
          }
        });
        model.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const dueCount = model.filter(([t]) => t <= due).length;
        expect(index.countDue(due)).toBe(dueCount);
        expect(index.slice(offset, limit, dueCount)).toEqual(model.slice(offset, Math.min(offset + limit, dueCount)).map(([, , id]) => id));
      }),
    );
  });
});
