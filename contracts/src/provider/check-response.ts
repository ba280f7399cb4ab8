import { bindVariables } from '../fixtures/bind-variables.js';
import type { FixtureResponse } from '../fixtures/fixture-types.js';
import { isMatcher } from '../matching/matcher-guards.js';
import { matchValue } from '../matching/match-value.js';
import { describeValue, formatPath, type Mismatch } from '../matching/mismatch.js';
import { parseXmlDocument, type XmlValue } from '../wire/xml-tree.js';
import type { HttpResponse } from './http.js';

export interface CheckedResponse {
  mismatches: Mismatch[];
  /** The parsed body, for the Swagger check (undefined when absent or unparsable). */
  body?: { notation: 'json' | 'xml'; value: unknown };
}

/** Status, then each expected header, then the body at every path the fixture names. */
export function checkResponse(expected: FixtureResponse, actual: HttpResponse, values: Readonly<Record<string, string>>): CheckedResponse {
  const mismatches: Mismatch[] = [];
  if (actual.status !== expected.status) mismatches.push({ where: 'status', message: `expected ${expected.status} but got ${actual.status}` });
  for (const [name, want] of Object.entries(expected.headers ?? {})) {
    const got = actual.headers.get(name);
    const where = `header ${name}`;
    if (got === null) {
      mismatches.push({ where, message: 'missing' });
      continue;
    }
    const bound = bindVariables(want, values);
    for (const m of matchValue(bound, got, 'json')) mismatches.push({ where, message: isMatcher(bound) ? m.message : `expected ${describeValue(bound)} but got ${describeValue(got)}` });
  }
  const spec = expected.body;
  if (!spec) return { mismatches };
  if ('empty' in spec) {
    if (actual.text.length > 0) mismatches.push({ where: 'body', message: `expected no body but got ${actual.text.length} byte(s): ${describeValue(actual.text)}` });
    return { mismatches };
  }
  const notation = 'json' in spec ? 'json' : 'xml';
  let parsed: unknown;
  try {
    parsed = notation === 'json' ? JSON.parse(actual.text) : (parseXmlDocument(actual.text) as Record<string, XmlValue>);
  } catch (error) {
    mismatches.push({ where: 'body', message: `expected ${notation.toUpperCase()} but could not parse it (${(error as Error).message}): ${describeValue(actual.text)}` });
    return { mismatches };
  }
  const bound = bindVariables('json' in spec ? spec.json : spec.xml, values);
  for (const m of matchValue(bound, parsed, notation)) mismatches.push({ where: `body ${formatPath(m.path, notation)}`, message: m.message });
  return { mismatches, body: { notation, value: parsed } };
}
