import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigestTable } from '../../../mock-concur/src/domain/digest-table.js';

/**
 * A `DigestTable` finds, orders and forgets keys as a `Map` (and its insertion order) would.
 * Digests here share their first bytes often (the index's home slot is read from them), so
 * probe runs collide and wrap, and the backward-shift deletion is exercised; odd keys (not
 * base64url of 32 bytes) and ghost rows (findable, not listed) too.
 */
function digestKey(home: number, tail: number): string {
  const bytes = Buffer.alloc(32);
  bytes.writeUInt32LE(home >>> 0, 0);
  bytes.writeUInt32LE(tail, 28);
  return bytes.toString('base64url');
}

const key = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(0, 1, 127, 128, 255, 0xffffffff, 0x7fffffff), fc.nat(40)).map(([home, tail]) => digestKey(home, tail)) },
  { weight: 1, arbitrary: fc.constantFrom('', 'odd', 'not-a-digest-but-43-characters-long-xxxxxxx', digestKey(1, 1).slice(0, 42) + 'B') },
);
const op = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), key, listed: fc.boolean() }),
  fc.record({ kind: fc.constant('remove' as const), key }),
  fc.record({ kind: fc.constant('unlist' as const), key }),
  fc.record({ kind: fc.constant('list' as const), key }),
);

describe('DigestTable against a Map', () => {
  it('finds, lists in order and forgets what a Map would (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 400 }), (ops) => {
        const table = new DigestTable({ value: Float64Array });
        /** Key → listed; a Map's order is the listing order of listed keys. */
        const model = new Map<string, boolean>();
        const order: string[] = [];
        let stamp = 0;
        for (const o of ops) {
          const row = table.findKey(o.key);
          expect(row === -1).toBe(!model.has(o.key));
          if (o.kind === 'insert' && !model.has(o.key)) {
            const inserted = table.insertKey(o.key, o.listed);
            table.cols.value[inserted] = ++stamp;
            model.set(o.key, o.listed);
            if (o.listed) order.push(o.key);
          } else if (o.kind === 'remove' && model.get(o.key) === true) {
            table.remove(row);
            model.delete(o.key);
            order.splice(order.indexOf(o.key), 1);
          } else if (o.kind === 'unlist' && model.get(o.key) === true) {
            table.unlist(row);
            model.set(o.key, false);
            order.splice(order.indexOf(o.key), 1);
          } else if (o.kind === 'list' && model.get(o.key) === false) {
            table.list(row);
            model.set(o.key, true);
            order.push(o.key);
          } else if (o.kind === 'remove' && model.get(o.key) === false) {
            table.release(row);
            model.delete(o.key);
          }
          const listed: string[] = [];
          for (let r = table.first(); r !== -1; r = table.after(r)) listed.push(table.keyOf(r));
          expect(listed).toEqual(order);
          expect(table.size).toBe(order.length);
          for (const [k, isListed] of model) {
            const r = table.findKey(k);
            expect(table.keyOf(r)).toBe(k);
            expect(table.isListed(r)).toBe(isListed);
          }
        }
        // Every stored value still sits on its own key's row after all the moves of the index.
        const values = new Set<number>();
        for (const k of model.keys()) values.add(table.cols.value[table.findKey(k)]!);
        expect(values.size).toBe(model.size);
      }),
      { numRuns: 200 },
    );
  });

  it('sweeps every listed row once per pass, rows listed meanwhile included, and resumes after a removal', () => {
    const table = new DigestTable({});
    const rows = [1, 2, 3].map((i) => table.insertKey(digestKey(0, i)));
    table.sweepFromStart();
    expect(table.sweepNext()).toBe(rows[0]);
    table.remove(rows[0]!);
    expect(table.sweepNext()).toBe(rows[1]);
    const late = table.insertKey(digestKey(0, 4));
    expect([table.sweepNext(), table.sweepNext(), table.sweepNext()]).toEqual([rows[2], late, -1]);
    table.sweepFromStart();
    expect(table.sweepNext()).toBe(rows[1]);
  });
});
