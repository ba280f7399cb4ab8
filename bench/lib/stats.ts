/** Order statistics over latency samples (milliseconds). */

export interface Summary {
  count: number;
  median: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array: the smallest sample ≥ p % of all samples. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  // A Float64Array sorts numerically (Array#sort would compare strings) and fast.
  const sorted = Float64Array.from(samples).sort();
  return { count: sorted.length, median: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN };
}

/** Rounds for display and for the JSON line: enough digits to compare, no float noise. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

// The list-at-scale offsets come from a seeded PRNG, so two runs differ by the code under
// test, not by which pages happened to be drawn.
export { seededRandom } from '../../mock-concur/src/domain/seeded-random.js';
