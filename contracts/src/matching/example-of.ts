import type { Expected, Json } from '../fixtures/fixture-types.js';
import { isMatcher, isPlainObject } from './matcher-guards.js';

/** A marker for "leave this key out": what an `absent` matcher contributes to an example. */
const OMIT = Symbol('omit');

/**
 * The concrete value a fixture describes, built from its literals and its matchers'
 * examples: what a consumer test receives, and what the Pact export writes as the body.
 */
export function exampleOf(expected: Expected): Json {
  const value = build(expected);
  return value === OMIT ? null : value;
}

function build(expected: Expected): Json | typeof OMIT {
  if (isMatcher(expected)) {
    switch (expected.$match) {
      case 'absent':
        return OMIT;
      case 'eachLike': {
        const item = build(expected.like);
        const count = Math.max(expected.min ?? 1, 1);
        return item === OMIT ? [] : Array.from({ length: count }, () => structuredClone(item));
      }
      default:
        return expected.example;
    }
  }
  if (Array.isArray(expected)) return expected.map(build).filter((v): v is Json => v !== OMIT);
  if (isPlainObject(expected)) {
    const out: Record<string, Json> = {};
    for (const [key, value] of Object.entries(expected as Record<string, Expected>)) {
      const built = build(value);
      if (built !== OMIT) out[key] = built;
    }
    return out;
  }
  return expected;
}
