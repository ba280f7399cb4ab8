/**
 * The mock's only source of time. Expiry and requeue delays are timestamps compared with
 * `now()` when state is read, so moving the clock takes effect at once and nothing needs
 * a timer.
 */
export type ClockMode = 'system' | 'manual';

/** The latest moment the mock will show: dates past year 9999 do not fit Concur's formats. */
export const LATEST_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

export interface Clock {
  readonly mode: ClockMode;
  /** Milliseconds since the epoch, as the mock sees it. */
  now(): number;
  /** Moves the mock's time forward; never backward, so no token un-expires. */
  advance(ms: number): void;
  /** How far the mock's time is ahead of the machine's (system mode) or its start (manual mode). */
  offsetMs(): number;
}

/** Real time plus an offset that `advance` grows. */
export function createSystemClock(realNow: () => number = Date.now): Clock {
  let offset = 0;
  return {
    mode: 'system',
    now: () => realNow() + offset,
    advance(ms) {
      assertForward(ms, realNow() + offset);
      offset += ms;
    },
    offsetMs: () => offset,
  };
}

/** Time stands still until advanced: fully deterministic tests. */
export function createManualClock(startMs: number = Date.now()): Clock {
  let current = startMs;
  return {
    mode: 'manual',
    now: () => current,
    advance(ms) {
      assertForward(ms, current);
      current += ms;
    },
    offsetMs: () => current - startMs,
  };
}

export function createClock(mode: ClockMode, startMs?: number): Clock {
  return mode === 'manual' ? createManualClock(startMs) : createSystemClock();
}

function assertForward(ms: number, now: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward by a finite amount, got ${ms}`);
  if (now + ms > LATEST_TIME_MS) throw new RangeError(`clock cannot move past ${new Date(LATEST_TIME_MS).toISOString()}`);
}
