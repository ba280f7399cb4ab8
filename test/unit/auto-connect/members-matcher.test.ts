import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MockState } from '../../../mock-concur/src/state.js';
import { resolveOptions } from '../../../mock-concur/src/options.js';
import { DEMO } from 'mock-concur';
import { membersMatcher, MembersFileError, parseMembers, type MatchCandidate } from 'concur-auto-connect';

const candidate = (loyaltyNumber: string | null, lastName: string | null): MatchCandidate => ({
  id: 'x',
  uri: null,
  firstName: 'A',
  middleName: null,
  lastName,
  loyaltyNumber,
  status: 'Pending',
  lastModified: null,
  userId: null,
  emailAddresses: [],
  extra: {},
});
const ctx = {} as never;

describe('the built-in members matcher', () => {
  const match = membersMatcher(parseMembers('loyaltyNumber,lastName,memberId\n7000000001,Traveler,T-1\n3309354120,Rodríguez,\n', 'csv'));

  it('connects a known loyalty number under the same last name, whatever the case, accents or spacing', () => {
    expect(match(candidate('7000000001', 'traveler'), ctx)).toEqual({ outcome: 'connected', memberId: 'T-1' });
    expect(match(candidate('700 000 0001', '  TRAVELER '), ctx)).toEqual({ outcome: 'connected', memberId: 'T-1' });
    expect(match(candidate('3309354120', 'Rodriguez'), ctx)).toEqual({ outcome: 'connected', memberId: '3309354120' });
  });

  it('answers not-found (CREU1) for an unknown or missing number and name-mismatch (CREU2) for another name', () => {
    expect(match(candidate('1111111111', 'Traveler'), ctx)).toMatchObject({ outcome: 'not-found' });
    expect(match(candidate(null, 'Traveler'), ctx)).toMatchObject({ outcome: 'not-found' });
    expect(match(candidate('7000000001', 'Travelers'), ctx)).toMatchObject({ outcome: 'name-mismatch' });
    expect(match(candidate('7000000001', null), ctx)).toMatchObject({ outcome: 'name-mismatch' });
  });

  it('matches exactly the members it was given (property)', () => {
    const member = fc.record({ loyaltyNumber: fc.stringMatching(/^\d{6,10}$/), lastName: fc.stringMatching(/^[A-Za-z][a-z]{1,12}$/) });
    fc.assert(
      fc.property(fc.uniqueArray(member, { selector: (m) => m.loyaltyNumber, maxLength: 20 }), member, (members, probe) => {
        const m = membersMatcher(members.map((x) => ({ ...x, memberId: `id-${x.loyaltyNumber}` })));
        const known = members.find((x) => x.loyaltyNumber === probe.loyaltyNumber);
        const result = m(candidate(probe.loyaltyNumber, probe.lastName), ctx);
        if (!known) expect(result).toMatchObject({ outcome: 'not-found' });
        else if (known.lastName.toLowerCase() === probe.lastName.toLowerCase()) expect(result).toEqual({ outcome: 'connected', memberId: `id-${known.loyaltyNumber}` });
        else expect(result).toMatchObject({ outcome: 'name-mismatch' });
      }),
    );
  });

  it('reads JSON and refuses files it cannot use, saying where', () => {
    expect(parseMembers('[{"loyaltyNumber": 123, "lastName": "X"}]', 'json')).toEqual([{ loyaltyNumber: '123', lastName: 'X', memberId: '123' }]);
    expect(() => parseMembers('{"a":1}', 'json', 'f.json')).toThrow(MembersFileError);
    expect(() => parseMembers('[{', 'json', 'f.json')).toThrow(/f\.json is not valid JSON/);
    expect(() => parseMembers('loyaltyNumber,lastName\n1\n', 'csv', 'f.csv')).toThrow(/f\.csv is not valid CSV/);
    expect(() => parseMembers('number,name\n1,X\n', 'csv', 'f.csv')).toThrow(/member 1 needs loyaltyNumber and lastName/);
  });
});

describe('the demo members file', () => {
  const members = parseMembers(readFileSync(new URL('../../../auto-connect/demo-members.csv', import.meta.url), 'utf8'), 'csv');
  const seeded = new MockState(resolveOptions({ clock: 'manual' })).world.directory.allUsers().filter((u) => u.loyaltyNumber && u.loginId !== DEMO.traveler.loginId);

  it("belongs to the mock's default seed: a demo run connects most travellers and shows both user errors", () => {
    const match = membersMatcher(members);
    const outcomes = seeded.map((u) => (match(candidate(u.loyaltyNumber, u.lastName), ctx) as { outcome: string }).outcome);
    expect(seeded).toHaveLength(12);
    expect(outcomes.filter((o) => o === 'connected')).toHaveLength(8);
    expect(outcomes.filter((o) => o === 'not-found')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'name-mismatch')).toHaveLength(2);
  });

  it('includes the demo traveller of the App Center flow', () => {
    expect(members.find((m) => m.loyaltyNumber === '7000000001')).toMatchObject({ lastName: 'Traveler' });
  });
});
