import { MalformedResponseError } from './errors.js';
import { redactUrl } from './redact-url.js';
import type { ConcurResponse } from './transport.js';

/**
 * A body that parsed (XML or JSON) but lacks what Concur's documents promise. The parsers
 * throw it with the detail; `readShape` turns it into a MalformedResponseError naming the
 * call's method and URL.
 */
export class BodyShapeError extends Error {
  override name = 'BodyShapeError';
}

/** Applies a body parser to a response; a shape it rejects becomes a MalformedResponseError. */
export function readShape<T>(response: ConcurResponse, parse: (body: unknown) => T): T {
  try {
    return parse(response.body);
  } catch (error) {
    if (error instanceof BodyShapeError) throw new MalformedResponseError(response.method, redactUrl(response.url), response.status, error.message);
    throw error;
  }
}
