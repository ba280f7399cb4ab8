import type { AccessToken, ConnectionRequest, ConnectionStatusCode } from 'concur-partner-client';

/**
 * What the partner's matcher decides about one Concur user. `connected` carries the partner's
 * own member id; every other answer maps to the status code the seed documents.
 */
export type MatchResult =
  | { outcome: 'connected'; memberId: string }
  | { outcome: 'not-found' | 'name-mismatch' | 'needs-attention' | 'retry'; message?: string };

/** The request as the matcher sees it: everything but the request token, already spent. */
export type MatchCandidate = Omit<ConnectionRequest, 'requestToken'>;

export interface MatchContext {
  /** The user's fresh access token, for partners that call other Concur APIs to decide. */
  accessToken: AccessToken;
  signal: AbortSignal;
}

export type Matcher = (request: MatchCandidate, context: MatchContext) => MatchResult | Promise<MatchResult>;

/** The one-line reason each PUT code (the client's `ConnectionStatusCode`) stands for. */
export const STATUS_CODES = {
  CRSUC: 'connected',
  CREU1: 'loyalty number not found',
  CREU2: "loyalty number doesn't match the name",
  CREU3: 'loyalty account needs attention',
  CRPA1: 'request token expired',
  CRPA2: 'network error',
  CRRET: 'retry later',
} as const satisfies Record<ConnectionStatusCode, string>;

export const STATUS_CODE_LIST = Object.keys(STATUS_CODES) as ConnectionStatusCode[];

export function statusCodeFor(result: MatchResult): ConnectionStatusCode {
  switch (result.outcome) {
    case 'connected':
      return 'CRSUC';
    case 'not-found':
      return 'CREU1';
    case 'name-mismatch':
      return 'CREU2';
    case 'needs-attention':
      return 'CREU3';
    case 'retry':
      return 'CRRET';
  }
}

/** A matcher's answer checked at run time: partner code written in JavaScript can return anything. */
export function isMatchResult(value: unknown): value is MatchResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { outcome?: unknown; memberId?: unknown };
  if (v.outcome === 'connected') return typeof v.memberId === 'string' && v.memberId !== '';
  return v.outcome === 'not-found' || v.outcome === 'name-mismatch' || v.outcome === 'needs-attention' || v.outcome === 'retry';
}
