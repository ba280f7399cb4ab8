import { bindVariables } from '../fixtures/bind-variables.js';
import type { FixtureRequest, Matcher } from '../fixtures/fixture-types.js';
import { interpolate } from '../fixtures/placeholders.js';

export interface BuiltRequest {
  url: string;
  init: RequestInit & { method: string; headers: Record<string, string>; duplex?: 'half' };
}

const DEFAULT_CONTENT_TYPES = { json: 'application/json', xml: 'application/xml', form: 'application/x-www-form-urlencoded' } as const;

/**
 * The fixture's request with every variable filled in. Where the fixture holds a matcher
 * (a value consumers may vary), the verifier sends the matcher's example.
 */
export function buildRequest(request: FixtureRequest, baseUrl: string, values: Readonly<Record<string, string>>): BuiltRequest {
  const text = (value: string | Matcher) => interpolate(typeof value === 'string' ? value : 'example' in value && typeof value.example === 'string' ? value.example : '', values);
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) query.append(name, text(value));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name] = text(value);
  let body: string | undefined;
  const spec = request.body;
  if (spec) {
    const kind = 'json' in spec ? 'json' : 'xml' in spec ? 'xml' : 'form';
    if ('json' in spec) body = JSON.stringify(bindVariables(spec.json, values));
    else if ('xml' in spec) body = interpolate(spec.xml, values);
    else body = new URLSearchParams(Object.entries(spec.form).map(([k, v]): [string, string] => [k, interpolate(v, values)])).toString();
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = DEFAULT_CONTENT_TYPES[kind];
  }
  const search = query.toString();
  const url = `${baseUrl}${interpolate(request.path, values)}${search ? `?${search}` : ''}`;
  // A stream of unknown length: fetch sends it with Transfer-Encoding: chunked.
  if (request.chunked && body !== undefined) return { url, init: { method: request.method, headers, body: chunkedBody(body), duplex: 'half' } };
  return { url, init: { method: request.method, headers, ...(body !== undefined ? { body } : {}) } };
}

function chunkedBody(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
