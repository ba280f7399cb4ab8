import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectionRequestRecord } from '../../../mock-concur/src/domain/connection-requests.js';
import { SettledOutcomes } from '../../../mock-concur/src/domain/settled-outcomes.js';
import { STATUS_CODES, type StatusCode } from '../../../mock-concur/src/domain/status-codes.js';

type Final = Pick<ConnectionRequestRecord, 'lastModified' | 'lastCode' | 'userErrorRequeues' | 'retryRequeues' | 'leaseRequeues'> & { outcome: 'Connected' | 'Failed' };

const final: fc.Arbitrary<Final> = fc.record({
  outcome: fc.constantFrom('Connected' as const, 'Failed' as const),
  lastCode: fc.option(fc.constantFrom(...(Object.keys(STATUS_CODES) as StatusCode[]))),
  lastModified: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  userErrorRequeues: fc.nat(1_000_000),
  retryRequeues: fc.nat(1_000_000),
  leaseRequeues: fc.nat(1_000_000),
});

function readBack(outcomes: SettledOutcomes, slot: number): Final {
  return {
    outcome: outcomes.outcomeOf(slot),
    lastCode: outcomes.lastCodeOf(slot),
    lastModified: outcomes.lastModifiedOf(slot),
    userErrorRequeues: outcomes.userErrorRequeuesOf(slot),
    retryRequeues: outcomes.retryRequeuesOf(slot),
    leaseRequeues: outcomes.leaseRequeuesOf(slot),
  };
}

describe('SettledOutcomes', () => {
  it('gives back every field it was given, for any slots in any order, across its growth (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5_000), final), { maxLength: 60 }), fc.array(fc.nat(5_000), { maxLength: 10 }), (settles, forgotten) => {
        const outcomes = new SettledOutcomes();
        const expected = new Map<number, Final>();
        for (const [slot, record] of settles) {
          outcomes.settle(slot, record as ConnectionRequestRecord & Final);
          expected.set(slot, record);
        }
        for (const slot of forgotten) {
          outcomes.forget(slot);
          expected.delete(slot);
        }
        // Every slot touched and its neighbours: what `has` says of them is what the model says.
        const near = [...settles.map(([slot]) => slot), ...forgotten].flatMap((slot) => [slot - 1, slot, slot + 1]).filter((slot) => slot >= 0);
        for (const slot of near) expect(outcomes.has(slot)).toBe(expected.has(slot));
        for (const [slot, record] of expected) expect(readBack(outcomes, slot)).toEqual(record);
      }),
      { numRuns: 100 },
    );
  });

  it('holds nothing for slots never settled, however high', () => {
    const outcomes = new SettledOutcomes();
    expect(outcomes.has(0)).toBe(false);
    expect(outcomes.has(10_000_000)).toBe(false);
    outcomes.forget(10_000_000);
    expect(outcomes.has(10_000_000)).toBe(false);
  });
});
