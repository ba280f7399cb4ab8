import { bindVariables } from '../fixtures/bind-variables.js';
import type { FixtureResponse } from '../fixtures/fixture-types.js';
import { interpolate } from '../fixtures/placeholders.js';
import { exampleOf } from '../matching/example-of.js';
import { writeXmlDocument } from '../wire/xml-writer.js';

export interface ExampleResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as it goes over the wire ('' for none). */
  body: string;
}

/**
 * The concrete response a fixture describes, with every variable at its example value:
 * what a consumer test receives, and what the Pact export records.
 */
export function exampleResponse(response: FixtureResponse, examples: Readonly<Record<string, string>>): ExampleResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    headers[name] = typeof value === 'string' ? interpolate(value, examples) : String(exampleOf(bindVariables(value, examples)));
  }
  const spec = response.body;
  let body = '';
  if (spec && 'json' in spec) body = JSON.stringify(exampleOf(bindVariables(spec.json, examples)));
  if (spec && 'xml' in spec) body = writeXmlDocument(exampleOf(bindVariables(spec.xml, examples)));
  return { status: response.status, headers, body };
}
