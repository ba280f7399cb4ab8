import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderedIndex } from '../../../mock-concur/src/domain/ordered-index.js';

type Entry = [time: number, seq: number, ref: number];

/** The model: a plain array kept sorted by (time, seq). */
function sorted(model: Entry[]): Entry[] {
  return [...model].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe('OrderedIndex', () => {
  it('keeps refs in (time, seq) order and counts the due prefix', () => {
    const index = new OrderedIndex();
    index.insert([30, 1], 3);
    index.insert([10, 2], 1);
    index.insert([10, 3], 2);
    index.insert([50, 4], 4);
    expect(index.slice(0, 10)).toEqual([1, 2, 3, 4]);
    expect(index.countDue(9)).toBe(0);
    expect(index.countDue(10)).toBe(2);
    expect(index.countDue(49)).toBe(3);
    expect(index.slice(1, 2, index.countDue(30))).toEqual([2, 3]);
    expect(index.remove([10, 2])).toBe(true);
    expect(index.remove([10, 2])).toBe(false);
    expect(index.first()).toEqual({ key: [10, 3], ref: 2 });
  });

  it('holds a million entries inserted at once as one run, and splits it where one is removed', () => {
    const index = new OrderedIndex();
    index.insert([100, 1], 0, 1_000_000);
    expect(index.size).toBe(1_000_000);
    expect(index.slice(567_890, 3)).toEqual([567_890, 567_891, 567_892]);
    expect(index.keyAt(999_999)).toEqual([100, 1_000_000]);
    expect(index.remove([100, 567_892])).toBe(true);
    // Key seq s holds ref s - 1: ref 567 891 is gone.
    expect(index.slice(567_890, 3)).toEqual([567_890, 567_892, 567_893]);
    index.insert([100, 567_892], 567_891);
    expect(index.slice(567_890, 4)).toEqual([567_890, 567_891, 567_892, 567_893]);
    expect(index.countDue(100)).toBe(1_000_000);
    expect(() => index.insert([100, 5], 77)).toThrow(/already there/);
    expect(index.size).toBe(1_000_000);
  });

  it('agrees with a sorted array for any inserts (single and runs), removals and rank queries', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), time: fc.integer({ min: 0, max: 20 }), count: fc.integer({ min: 1, max: 5 }), contiguous: fc.boolean() }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat(), missing: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.integer({ min: -1, max: 22 }), fc.nat(400), fc.integer({ min: 1, max: 40 }), (ops, due, offset, limit) => {
        const index = new OrderedIndex();
        let model: Entry[] = [];
        let seq = 0;
        let ref = 0;
        for (const o of ops) {
          if (o.kind === 'insert') {
            // Contiguous inserts continue the last seq and ref, so runs form and merge; others leave gaps.
            if (!o.contiguous) {
              seq += 3;
              ref += 7;
            }
            index.insert([o.time, seq], ref, o.count);
            for (let i = 0; i < o.count; i++) model.push([o.time, seq + i, ref + i]);
            seq += o.count;
            ref += o.count;
          } else if (o.missing || model.length === 0) {
            expect(index.remove([o.pick % 21, seq + 1 + (o.pick % 5)])).toBe(false);
          } else {
            const [t, s] = model[o.pick % model.length]!;
            model = model.filter((e) => e[0] !== t || e[1] !== s);
            expect(index.remove([t, s])).toBe(true);
          }
        }
        const expected = sorted(model);
        expect(index.size).toBe(expected.length);
        const dueCount = expected.filter(([t]) => t <= due).length;
        expect(index.countDue(due)).toBe(dueCount);
        expect(index.slice(offset, limit, dueCount)).toEqual(expected.slice(offset, Math.min(offset + limit, dueCount)).map(([, , r]) => r));
        expect(index.slice(0, expected.length + 1)).toEqual(expected.map(([, , r]) => r));
        const rank = offset % (expected.length + 1);
        expect(index.keyAt(rank)).toEqual(expected[rank] ? [expected[rank][0], expected[rank][1]] : undefined);
        expect(index.first()).toEqual(expected[0] ? { key: [expected[0][0], expected[0][1]], ref: expected[0][2] } : undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with a sorted array over many chunks (thousands of single entries out of order)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 500, maxLength: 3_000 }), fc.array(fc.nat(), { maxLength: 1_500 }), (times, removals) => {
        const index = new OrderedIndex();
        let model: Entry[] = times.map((t, i) => [t, i, i * 2]);
        for (const [t, s, r] of model) index.insert([t, s], r);
        for (const pick of removals) {
          if (model.length === 0) break;
          const [t, s] = model[pick % model.length]!;
          model = model.filter((e) => e[1] !== s);
          expect(index.remove([t, s])).toBe(true);
        }
        const expected = sorted(model);
        expect(index.slice(0, expected.length)).toEqual(expected.map(([, , r]) => r));
        for (const time of [0, 250, 999, 1_000]) expect(index.countDue(time)).toBe(expected.filter(([t]) => t <= time).length);
        for (let rank = 0; rank < expected.length; rank += 97) expect(index.keyAt(rank)).toEqual([expected[rank]![0], expected[rank]![1]]);
      }),
      { numRuns: 40 },
    );
  });
});
