import type { Expected, Json, Matcher } from '../fixtures/fixture-types.js';

/** Whether an expected value is a matcher (`{"$match": …}`) rather than a literal. */
export function isMatcher(value: Expected | undefined): value is Matcher {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Record<string, unknown>)['$match'] === 'string';
}

export function isPlainObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON's own names for types, so "expected string, got number" reads as the wire does. */
export function jsonType(value: unknown): 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean' | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined' ? t : 'object';
}
