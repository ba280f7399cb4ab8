import type { Clock } from '../domain/clock.js';

/** The same clock, reporting each move so `--state-dir` keeps the time the mock has reached. */
export function recordedClock(inner: Clock, onAdvance: () => void): Clock {
  return {
    get mode() {
      return inner.mode;
    },
    now: () => inner.now(),
    advance(ms) {
      inner.advance(ms);
      onAdvance();
    },
    offsetMs: () => inner.offsetMs(),
  };
}
