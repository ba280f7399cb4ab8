import { ConcurError, ConcurHttpError, NetworkError, RequestTokenExpiredError, TimeoutError, UnauthorizedError } from 'concur-partner-client';

/** Everything that can stop a link, as the user is told about it. */
export type LinkProblemKind =
  | 'expired' // the code outlived its 15 minutes
  | 'used' // the code was exchanged already
  | 'invalid' // Concur does not know the code (or it belongs to another app)
  | 'denied' // the user chose Deny in the Web flow
  | 'concur-error' // Concur sent another error back to the callback
  | 'missing-code' // the callback was opened without a code
  | 'state-mismatch' // a Web-flow answer to a request this browser did not make
  | 'no-pending' // a form was posted with no code waiting (session expired or already linked)
  | 'unreachable' // Concur did not answer; the code may still be good
  | 'misconfigured'; // Concur refused this app's own credentials

export interface LinkProblem {
  kind: LinkProblemKind;
  status: number;
  /** Concur's words, when it gave any (shown escaped, for support). */
  detail?: string;
}

/** Maps a failed exchange (legacy `exchangeRequestToken` or v0 `exchangeAuthToken`) onto what the user can do about it. */
export function problemFromExchange(error: unknown): LinkProblem {
  if (error instanceof RequestTokenExpiredError) return { kind: 'expired', status: 400 };
  // The Authentication API's numbered codes: 5 (an expired, used or unknown request token) and
  // 136 (another app's) mean "connect again"; invalid_client is this app's own credentials.
  if (error instanceof ConcurHttpError && error.oauth2Code !== null) {
    if (error.oauth2Error === 'invalid_client') return { kind: 'misconfigured', status: 502 };
    if (error.oauth2Code === 5 || error.oauth2Code === 136) return { kind: 'invalid', status: 400, detail: error.concurMessage ?? undefined };
  }
  if (error instanceof UnauthorizedError) return { kind: 'misconfigured', status: 502 };
  if (error instanceof ConcurHttpError && error.status === 400) {
    const message = error.concurMessage ?? '';
    if (/used/i.test(message)) return { kind: 'used', status: 400 };
    return { kind: 'invalid', status: 400, detail: message || undefined };
  }
  if (error instanceof NetworkError || error instanceof TimeoutError) return { kind: 'unreachable', status: 502 };
  if (error instanceof ConcurHttpError && error.status >= 500) return { kind: 'unreachable', status: 502 };
  if (error instanceof ConcurError) return { kind: 'unreachable', status: 502 };
  throw error;
}

/** Problems after which the code is no use: forget it, so a retry goes back to Concur. */
export function codeIsSpent(problem: LinkProblem): boolean {
  return problem.kind === 'expired' || problem.kind === 'used' || problem.kind === 'invalid';
}
