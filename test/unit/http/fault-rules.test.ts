import { describe, expect, it } from 'vitest';
import { FaultRules } from '../../../mock-concur/src/http/faults.js';

describe('fault rules over time', () => {
  it('drops a rule from matching as soon as its times are used up, yet still lists it with its hits', () => {
    const faults = new FaultRules();
    const once = faults.add({ path: '/api/*', status: 503, times: 1 });
    const always = faults.add({ path: '/net2/*', status: 500 });
    expect(faults.match('GET', '/api/v3.2/x')).toBe(once);
    expect(faults.match('GET', '/api/v3.2/x')).toBeUndefined();
    expect(faults.list().map((r) => [r.id, r.remaining, r.hits])).toEqual([
      [once.id, 0, 1],
      [always.id, null, 0],
    ]);
  });

  it('is inactive (the hot path skips matching) once every rule is spent, however many there were', () => {
    const faults = new FaultRules();
    for (let i = 0; i < 20_000; i++) faults.add({ path: '/api/*', status: 503, times: 1 });
    for (let i = 0; i < 20_000; i++) expect(faults.match('GET', '/api/v3.2/x')).toBeDefined();
    expect(faults.active).toBe(false);
    expect(faults.match('GET', '/api/v3.2/x')).toBeUndefined();
    // The listing keeps the most recent spent rules only: it never grows without bound.
    const listed = faults.list();
    expect(listed).toHaveLength(1000);
    expect(listed.at(-1)!.id).toBe('fault-20000');
  });

  it('removes a spent rule by id like a live one', () => {
    const faults = new FaultRules();
    const rule = faults.add({ path: '/a', status: 503, times: 1 });
    faults.match('GET', '/a');
    expect(faults.remove(rule.id)).toBe(true);
    expect(faults.list()).toEqual([]);
    expect(faults.remove(rule.id)).toBe(false);
  });
});
