/**
 * The journal's ring buffer read by sequence number: `list(since, limit)` and `newestFirst`
 * answer what a plain list of every entry would, however the ring wrapped or was cleared.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../mock-concur/src/http/journal.js';

type Step = { kind: 'add' } | { kind: 'clear' } | { kind: 'list'; since: number; limit: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'add' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('list' as const), since: fc.integer({ min: 0, max: 60 }), limit: fc.integer({ min: 1, max: 40 }) }) },
);

describe('the journal', () => {
  it('lists by cursor exactly as a list of every entry would', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.array(step, { maxLength: 80 }), (capacity, steps) => {
        const journal = new Journal(capacity);
        let held: number[] = [];
        let seq = 0;
        for (const s of steps) {
          if (s.kind === 'add') {
            seq = journal.add({ atMs: seq, method: 'GET', url: `/${seq}`, status: 200, durationMs: 1, fault: undefined, note: undefined, client: undefined, subject: undefined, userAgent: undefined });
            held = capacity === 0 ? [] : [...held, seq].slice(-capacity);
          } else if (s.kind === 'clear') {
            journal.clear();
            held = [];
          } else {
            const want = held.filter((n) => n > s.since).slice(-s.limit);
            expect(journal.list(s.since, s.limit).map((e) => e.seq)).toEqual(want);
            expect([...journal.newestFirst(s.since)].map((r) => r.seq)).toEqual(held.filter((n) => n > s.since).reverse());
          }
          expect(journal.size).toBe(held.length);
          expect(journal.head).toBe(seq);
        }
      }),
      { numRuns: 300 },
    );
  });
});
