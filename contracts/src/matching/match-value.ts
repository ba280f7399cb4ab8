import type { Expected, Json, Matcher } from '../fixtures/fixture-types.js';
import { matchesDateFormat } from './date-format.js';
import { isMatcher, isPlainObject, jsonType } from './matcher-guards.js';
import { describeValue, type BodyNotation, type PathSegment } from './mismatch.js';

export interface ValueMismatch {
  path: PathSegment[];
  message: string;
}

/**
 * Compares an actual value with an expected one and lists every difference. Objects are
 * matched Postel-style (the expected keys must be there; others may be), arrays item by
 * item. In XML notation every leaf is text, a repeated element may stand for an array of
 * one, and an empty element for an empty object or array, because XML cannot say which.
 */
export function matchValue(expected: Expected, actual: unknown, notation: BodyNotation, path: PathSegment[] = []): ValueMismatch[] {
  const out: ValueMismatch[] = [];
  walk(expected, actual, path, notation, out);
  return out;
}

function walk(expected: Expected, actual: unknown, path: PathSegment[], notation: BodyNotation, out: ValueMismatch[]): void {
  const fail = (message: string): void => void out.push({ path, message });
  if (isMatcher(expected)) return applyMatcher(expected, actual, path, notation, out);
  if (expected === null) {
    if (actual !== null) fail(`expected null${notation === 'xml' ? ' (xsi:nil)' : ''} but got ${describeValue(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    const items = asArray(actual, notation);
    if (!items) return fail(`expected an array but got ${describeValue(actual)}`);
    if (items.length !== expected.length) fail(`expected ${expected.length} item(s) but got ${items.length}`);
    expected.forEach((item, i) => {
      if (i < items.length) walk(item, items[i], [...path, { index: i }], notation, out);
    });
    return;
  }
  if (isPlainObject(expected)) {
    const object = asObject(actual, notation);
    if (!object) return fail(`expected an object but got ${describeValue(actual)}`);
    for (const [key, value] of Object.entries(expected as Record<string, Expected>)) {
      const segment: PathSegment = notation === 'xml' && key.startsWith('@') ? { attribute: key.slice(1) } : { key };
      const child = object[key];
      if (child === undefined && !acceptsMissing(value, notation)) {
        out.push({ path: [...path, segment], message: `missing (expected ${describeExpected(value)})` });
        continue;
      }
      walk(value, child, [...path, segment], notation, out);
    }
    return;
  }
  const want = notation === 'xml' ? String(expected) : expected;
  if (actual !== want) fail(`expected ${describeValue(want)} but got ${describeValue(actual)}`);
}

function applyMatcher(m: Matcher, actual: unknown, path: PathSegment[], notation: BodyNotation, out: ValueMismatch[]): void {
  const fail = (message: string): void => void out.push({ path, message });
  switch (m.$match) {
    case 'absent':
      if (actual !== undefined) fail(`expected no such ${notation === 'xml' ? 'element' : 'key'} but got ${describeValue(actual)}`);
      return;
    case 'nullOrString':
      if (actual !== null && typeof actual !== 'string') fail(`expected null or a string but got ${describeValue(actual)}`);
      return;
    case 'regex':
      if (typeof actual !== 'string') fail(`expected a string matching /${m.regex}/ but got ${describeValue(actual)}`);
      else if (!compileRegex(m.regex).test(actual)) fail(`expected a string matching /${m.regex}/ but got ${describeValue(actual)}`);
      return;
    case 'date':
      if (typeof actual !== 'string' || !matchesDateFormat(actual, m.format)) fail(`expected a date like '${m.format}' (e.g. ${describeValue(m.example)}) but got ${describeValue(actual)}`);
      return;
    case 'type':
      return typeLike(m.example, actual, path, notation, out);
    case 'eachLike': {
      const items = asArray(actual, notation);
      if (!items) return fail(`expected an array but got ${describeValue(actual)}`);
      const min = m.min ?? 1;
      if (items.length < min) fail(`expected at least ${min} item(s) but got ${items.length}`);
      if (m.max !== undefined && items.length > m.max) fail(`expected at most ${m.max} item(s) but got ${items.length}`);
      items.forEach((item, i) => walk(m.like, item, [...path, { index: i }], notation, out));
      return;
    }
  }
}

/** `type`: same kind of value as the example, all the way down. */
function typeLike(example: Json, actual: unknown, path: PathSegment[], notation: BodyNotation, out: ValueMismatch[]): void {
  const want = notation === 'xml' && example !== null && typeof example !== 'object' ? 'string' : jsonType(example);
  if (Array.isArray(example)) {
    const items = asArray(actual, notation);
    if (!items) return void out.push({ path, message: `expected an array but got ${describeValue(actual)}` });
    if (example.length > 0) items.forEach((item, i) => typeLike(example[0]!, item, [...path, { index: i }], notation, out));
    return;
  }
  if (isPlainObject(example)) {
    const object = asObject(actual, notation);
    if (!object) return void out.push({ path, message: `expected an object but got ${describeValue(actual)}` });
    for (const [key, value] of Object.entries(example)) {
      const segment: PathSegment = notation === 'xml' && key.startsWith('@') ? { attribute: key.slice(1) } : { key };
      if (object[key] === undefined) out.push({ path: [...path, segment], message: `missing (expected a ${jsonType(value)})` });
      else typeLike(value, object[key], [...path, segment], notation, out);
    }
    return;
  }
  if (jsonType(actual) !== want) out.push({ path, message: `expected a ${want} but got ${describeValue(actual)}` });
}

function asArray(actual: unknown, notation: BodyNotation): unknown[] | undefined {
  if (Array.isArray(actual)) return actual;
  if (notation !== 'xml') return undefined;
  // XML has no arrays: no element, an empty one, or one element are all lists too.
  if (actual === undefined || actual === '') return [];
  return [actual];
}

function asObject(actual: unknown, notation: BodyNotation): Record<string, unknown> | undefined {
  if (isPlainObject(actual)) return actual;
  if (notation === 'xml' && actual === '') return {};
  return undefined;
}

function acceptsMissing(expected: Expected, notation: BodyNotation): boolean {
  if (!isMatcher(expected)) return false;
  if (expected.$match === 'absent') return true;
  return notation === 'xml' && expected.$match === 'eachLike' && (expected.min ?? 1) === 0;
}

function describeExpected(expected: Expected): string {
  if (!isMatcher(expected)) return describeValue(expected);
  switch (expected.$match) {
    case 'regex':
      return `a string matching /${expected.regex}/`;
    case 'date':
      return `a date like '${expected.format}'`;
    case 'eachLike':
      return 'an array';
    case 'nullOrString':
      return 'null or a string';
    case 'type':
      return `a ${jsonType(expected.example)}`;
    case 'absent':
      return 'nothing';
  }
}

const regexCache = new Map<string, RegExp>();

export function compileRegex(source: string): RegExp {
  let regex = regexCache.get(source);
  if (!regex) regexCache.set(source, (regex = new RegExp(source)));
  return regex;
}
