import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_PEOPLE, DEFAULT_DEMO_SEED } from '../../../mock-concur/src/domain/default-demo-people.js';
import { demoPeople, prepareDemoPeople } from '../../../mock-concur/src/domain/demo-people.js';
import { fakerDemoPeople } from '../../../mock-concur/src/domain/faker-demo-people.js';
import { defaultOptions } from '../../../mock-concur/src/options.js';

describe('the demo data without faker at start (default-demo-people.ts)', () => {
  it('holds exactly what faker makes for the default seed', () => {
    expect(DEFAULT_DEMO_SEED).toBe(defaultOptions.seed);
    expect(DEFAULT_DEMO_PEOPLE.travellers.length, 'the default start must not need faker').toBeGreaterThanOrEqual(defaultOptions.demoTravelers);
    // On a faker upgrade that changes its output: node --import tsx scripts/write-default-demo-people.ts
    expect(fakerDemoPeople(DEFAULT_DEMO_SEED, DEFAULT_DEMO_PEOPLE.travellers.length)).toEqual(DEFAULT_DEMO_PEOPLE);
  });

  it('answers the table for the default seed, and asks for faker for any other', () => {
    expect(demoPeople(DEFAULT_DEMO_SEED, 5)).toEqual(fakerDemoPeople(DEFAULT_DEMO_SEED, 5));
    expect(demoPeople(DEFAULT_DEMO_SEED, 0).travellers).toEqual([]);
    expect(() => demoPeople(DEFAULT_DEMO_SEED + 1, 3)).toThrow(/await prepareDemoPeople\(2, 3\)/);
    expect(() => demoPeople(DEFAULT_DEMO_SEED, DEFAULT_DEMO_PEOPLE.travellers.length + 1)).toThrow(/needs faker/);
  });

  it('answers faker itself once prepared, for every seed and count', async () => {
    await prepareDemoPeople(DEFAULT_DEMO_SEED + 1, 1);
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 31 }), fc.nat({ max: 30 }), (seed, count) => {
        expect(demoPeople(seed, count)).toEqual(fakerDemoPeople(seed, count));
      }),
      { numRuns: 40 },
    );
  });

  it('makes the first n travellers of a longer list the list of n (what the table relies on)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 31 }), fc.nat({ max: 20 }), fc.nat({ max: 20 }), (seed, n, more) => {
        const longer = fakerDemoPeople(seed, n + more);
        expect(fakerDemoPeople(seed, n)).toEqual({ ...longer, travellers: longer.travellers.slice(0, n) });
      }),
      { numRuns: 40 },
    );
  });

  it('gives two travellers with the same address distinct login ids, the later one numbered', () => {
    // Among many travellers faker repeats an address now and then.
    const { travellers } = fakerDemoPeople(3, 3_000);
    const loginIds = travellers.map((t) => t.loginId);
    expect(new Set(loginIds).size).toBe(loginIds.length);
    const numbered = travellers.filter((t, i) => t.loginId.startsWith(`${i}.`));
    expect(numbered.length).toBeGreaterThan(0);
    for (const t of numbered) expect(t.emails[0]).toBe(t.loginId.slice(t.loginId.indexOf('.') + 1));
  });
});
