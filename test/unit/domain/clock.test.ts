import { describe, expect, it } from 'vitest';
import { createManualClock, createSystemClock } from '../../../mock-concur/src/domain/clock.js';

describe('clocks', () => {
  it('a manual clock stands still until advanced', () => {
    const clock = createManualClock(1000);
    expect(clock.now()).toBe(1000);
    clock.advance(500);
    expect(clock.now()).toBe(1500);
    expect(clock.offsetMs()).toBe(500);
  });

  it('a system clock is real time plus the advanced offset', () => {
    let real = 10_000;
    const clock = createSystemClock(() => real);
    clock.advance(60_000);
    real += 5;
    expect(clock.now()).toBe(70_005);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('never moves backward or by a non-finite amount (%s)', (ms) => {
    expect(() => createManualClock(0).advance(ms)).toThrow(RangeError);
  });
});
