import { bindVariables } from '../fixtures/bind-variables.js';
import type { FixtureRequest } from '../fixtures/fixture-types.js';
import { interpolate } from '../fixtures/placeholders.js';
import { isMatcher } from '../matching/matcher-guards.js';
import { matchValue } from '../matching/match-value.js';
import { describeValue, formatPath, type Mismatch } from '../matching/mismatch.js';
import { parseXmlDocument } from '../wire/xml-tree.js';

/** A request as a consumer sent it, already split into its parts. */
export interface ConsumerRequest {
  method: string;
  /** Path without query, relative to the base URL the interceptor serves. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Raw text, or what an HTTP library already parsed (JSON object, form fields). */
  body: unknown;
}

/**
 * What differs between a consumer's request and the fixture's, with variables at their
 * examples. Query parameters are exact (none missing, none extra, as Pact does); headers
 * only those the fixture names; bodies by the same matcher as responses.
 */
export function matchConsumerRequest(expected: FixtureRequest, actual: ConsumerRequest, examples: Readonly<Record<string, string>>): Mismatch[] {
  const out: Mismatch[] = [];
  if (actual.method.toUpperCase() !== expected.method) out.push({ where: 'method', message: `expected ${expected.method} but got ${actual.method}` });
  const path = interpolate(expected.path, examples);
  if (actual.path !== path) out.push({ where: 'path', message: `expected ${describeValue(path)} but got ${describeValue(actual.path)}` });

  const wantedQuery = expected.query ?? {};
  for (const [name, want] of Object.entries(wantedQuery)) {
    const got = actual.query.getAll(name);
    const where = `query ${name}`;
    if (got.length === 0) out.push({ where, message: 'missing' });
    else if (got.length > 1) out.push({ where, message: `given ${got.length} times` });
    else out.push(...matchText(want, got[0]!, where, examples));
  }
  for (const name of new Set(actual.query.keys())) if (!(name in wantedQuery)) out.push({ where: `query ${name}`, message: 'not in the contract' });

  for (const [name, want] of Object.entries(expected.headers ?? {})) {
    const got = actual.headers[name.toLowerCase()];
    const where = `header ${name}`;
    if (got === undefined) out.push({ where, message: 'missing' });
    else out.push(...matchText(want, got, where, examples));
  }

  const spec = expected.body;
  if (!spec) return out;
  if ('json' in spec) {
    let value = actual.body;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        return [...out, { where: 'body', message: `expected JSON but got ${describeValue(value)}` }];
      }
    }
    for (const m of matchValue(bindVariables(spec.json, examples), value, 'json')) out.push({ where: `body ${formatPath(m.path, 'json')}`, message: m.message });
  } else if ('xml' in spec) {
    let value: unknown;
    try {
      value = parseXmlDocument(String(actual.body ?? ''));
    } catch (error) {
      return [...out, { where: 'body', message: `expected XML but ${(error as Error).message}` }];
    }
    for (const m of matchValue(parseXmlDocument(interpolate(spec.xml, examples)), value, 'xml')) out.push({ where: `body ${formatPath(m.path, 'xml')}`, message: m.message });
  } else {
    const fields = typeof actual.body === 'string' ? Object.fromEntries(new URLSearchParams(actual.body)) : ((actual.body ?? {}) as Record<string, unknown>);
    for (const [name, want] of Object.entries(spec.form)) {
      const got = fields[name];
      if (typeof got !== 'string') out.push({ where: `form ${name}`, message: got === undefined ? 'missing' : `expected one value but got ${describeValue(got)}` });
      else out.push(...matchText(want, got, `form ${name}`, examples));
    }
  }
  return out;
}

function matchText(want: Parameters<typeof bindVariables>[0], got: string, where: string, examples: Readonly<Record<string, string>>): Mismatch[] {
  const bound = bindVariables(want, examples);
  if (!isMatcher(bound)) return bound === got ? [] : [{ where, message: `expected ${describeValue(bound)} but got ${describeValue(got)}` }];
  return matchValue(bound, got, 'json').map((m) => ({ where, message: m.message }));
}
