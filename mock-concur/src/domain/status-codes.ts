/**
 * The codes a partner PUTs back (Connection Requests reference, all versions) and what
 * each does to the queue.
 */
export const STATUS_CODES = {
  CRSUC: 'connected successfully',
  CREU1: 'loyalty number not found',
  CREU2: "loyalty number doesn't match the name",
  CREU3: 'loyalty account needs attention',
  CRPA1: 'the request token has expired',
  CRPA2: 'a network error occurred',
  CRRET: 'retry the connection later',
} as const;

export type StatusCode = keyof typeof STATUS_CODES;

export function isStatusCode(value: unknown): value is StatusCode {
  return typeof value === 'string' && Object.hasOwn(STATUS_CODES, value);
}

/**
 * user-error: the user must fix their data; Concur emails them and requeues after 24 h.
 * retry: a technical problem; requeued after 1 h without an email. CRPA1/CRPA2 are not in
 * the v3.2 lifecycle text; the mock treats them as retries (see the README's fidelity notes).
 */
export type CodeKind = 'success' | 'user-error' | 'retry';

export function kindOf(code: StatusCode): CodeKind {
  if (code === 'CRSUC') return 'success';
  if (code === 'CREU1' || code === 'CREU2' || code === 'CREU3') return 'user-error';
  return 'retry';
}
