import { errors } from './errors.js';

type Query = Record<string, unknown>;

/**
 * One query parameter, its name matched case-insensitively as ASP.NET does on Concur. A
 * parameter given twice is refused rather than guessed at.
 */
export function param(query: Query, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: unknown;
  let hits = 0;
  // for…in over own keys: no entries array per lookup on the token endpoint's hot path.
  for (const key in query) {
    if (key.length !== wanted.length || !Object.hasOwn(query, key) || key.toLowerCase() !== wanted) continue;
    found = query[key];
    hits++;
  }
  if (hits === 0 || found === undefined) return undefined;
  if (hits > 1 || Array.isArray(found)) throw errors.invalidParameter(name, 'given more than once');
  // Query strings only hold text; a JSON body (revocation) could hold anything.
  if (typeof found !== 'string') throw errors.invalidParameter(name, 'must be a string');
  return found;
}

export function requiredParam(query: Query, name: string): string {
  const value = param(query, name);
  if (value === undefined || value === '') throw errors.missingParameter(name);
  return value;
}

/** A whole number in [min, max]; digits only, so `1e3`, ` 7`, `0x10` and `5.0` are refused. */
export function integerParam(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = param(query, name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw errors.invalidParameter(name, 'must be a whole number');
  // Digits beyond what a double holds exactly are simply "very large": clamped below.
  const value = Number(raw);
  if (value < min) throw errors.invalidParameter(name, `must be at least ${min}`);
  return Math.min(value, max);
}
