import { ConcurHttpError, MalformedResponseError, NetworkError, RequestTokenExpiredError, TimeoutError, UnauthorizedError, type AccessToken, type ConnectionRequest, type ConcurClient, type ConnectionStatusCode } from 'concur-partner-client';
import { AdminSession } from './admin-session.js';
import type { TokenSession } from './app-session.js';
import type { RevocationResult } from './events.js';
import type { RevocationBacklog } from './revocation-backlog.js';
import { isMatchResult, STATUS_CODES, statusCodeFor, type MatchCandidate, type Matcher } from './match-result.js';

export interface Connection {
  request: MatchCandidate;
  accessToken: AccessToken;
  memberId: string;
}

/** Which of Concur's authentication APIs the worker uses: `/net2/oauth2` with an administrator, or `/oauth2/v0` with the application's own token. */
export type WorkerFlow = 'legacy' | 'oauth2';

export interface RequestContext {
  client: ConcurClient;
  flow: WorkerFlow;
  /** The token the worker polls and PUTs with: the administrator's (legacy) or the application's (oauth2). */
  admin: TokenSession;
  matcher: Matcher;
  onConnected: (connection: Connection) => void | Promise<void>;
  now: () => number;
  signal: AbortSignal;
  /** The partner app's own key: revoking a user's tokens names it. */
  consumerKey: string;
  backlog: RevocationBacklog;
}

/** A request taken from a page, with the moment its request token stops being worth exchanging. */
export interface QueuedRequest {
  request: ConnectionRequest;
  /** Hand-out (our fetch) + the token's life − the safety margin. */
  deadline: number;
}

export interface RequestOutcome {
  id: string;
  statusCode: ConnectionStatusCode;
  reason: string;
  put: 'ok' | 'failed';
  putError: string | null;
  revoked: RevocationResult;
  /**
   * oauth2 only: the exchange's answer was lost, so Concur may have issued a token the worker
   * never saw, and without it (or an administrator) nothing can revoke it. Reported as a failed
   * revocation, never retried.
   */
  unrevocable: boolean;
  startedAt: number;
  finishedAt: number;
  /** Time left before the deadline when the exchange began; null when nothing was exchanged. */
  deadlineMarginMs: number | null;
}

/**
 * One connection request, start to end: exchange its request token, ask the matcher, hand a
 * success to `onConnected`, revoke the access token of anything that did not connect (the
 * seed's instruction), then PUT exactly one status code. Never throws: every failure becomes
 * an outcome.
 */
export async function processRequest(item: QueuedRequest, ctx: RequestContext): Promise<RequestOutcome> {
  const { request } = item;
  const startedAt = ctx.now();
  let deadlineMarginMs: number | null = null;
  const decided = await decide();
  const unrevocable = ctx.flow === 'oauth2' && !decided.accessToken && decided.mayHoldToken !== undefined;
  const revoked = decided.accessToken && decided.statusCode !== 'CRSUC' ? await revoke(decided.accessToken) : unrevocable ? 'failed' : decided.mayHoldToken ? await revokeUser(decided.mayHoldToken) : 'not-needed';
  const put = await putStatus(decided.statusCode, decided.message);
  return {
    id: request.id,
    statusCode: decided.statusCode,
    reason: unrevocable ? `${decided.reason}; a token Concur may have issued cannot be revoked without it (the user can disconnect in the App Center)` : decided.reason,
    put: put === null ? 'ok' : 'failed',
    putError: put,
    revoked,
    unrevocable,
    startedAt,
    finishedAt: ctx.now(),
    deadlineMarginMs,
  };

  async function decide(): Promise<{ statusCode: ConnectionStatusCode; reason: string; message?: string; accessToken?: AccessToken; mayHoldToken?: string }> {
    if (!request.requestToken) return { statusCode: 'CRPA1', reason: 'the request carried no request token' };
    const left = item.deadline - ctx.now();
    if (left <= 0) return { statusCode: 'CRPA1', reason: 'the request token reached its deadline before it could be exchanged' };
    deadlineMarginMs = left;

    // oauth2: the password grant with credtype=authtoken names the user — v3.2's userId, else the login id.
    const userId = request.userId ?? request.emailAddresses[0];
    if (ctx.flow === 'oauth2' && !userId) return { statusCode: 'CRPA1', reason: 'the request carried no user id to exchange its request token with' };

    let accessToken: AccessToken;
    try {
      accessToken = ctx.flow === 'oauth2' ? await ctx.client.exchangeAuthToken(userId!, request.requestToken, { signal: ctx.signal }) : await ctx.client.exchangeRequestToken(request.requestToken, { signal: ctx.signal });
    } catch (error) {
      if (error instanceof RequestTokenExpiredError) return { statusCode: 'CRPA1', reason: 'Concur says the request token has expired' };
      // Used, unknown or another app's: the token can never be exchanged; the requeued request gets a fresh one.
      if (error instanceof ConcurHttpError && error.status >= 400 && error.status < 500) return { statusCode: 'CRPA1', reason: `Concur refused the request token (${error.status})` };
      // The exchange may have reached Concur and only its answer was lost (a timeout, an
      // unreadable body): a token may exist that the worker never saw. Revoke whatever the user
      // holds for this app, by login id — the request's first email is the login id Concur shows.
      // In oauth2 nothing can revoke it (no administrator, no token): it is reported, and only
      // when a token may really exist — an answer lost or unreadable, not an error Concur answered.
      if (ctx.flow === 'oauth2') return { statusCode: 'CRPA2', reason: `the exchange failed: ${describe(error)}`, ...(error instanceof ConcurHttpError ? {} : { mayHoldToken: userId }) };
      return { statusCode: 'CRPA2', reason: `the exchange failed: ${describe(error)}`, mayHoldToken: request.emailAddresses[0] };
    }

    const candidate: MatchCandidate = withoutToken(request);
    let result: unknown;
    try {
      result = await ctx.matcher(candidate, { accessToken, signal: ctx.signal });
    } catch (error) {
      return { statusCode: 'CRRET', reason: `the matcher failed: ${describe(error)}`, accessToken };
    }
    if (!isMatchResult(result)) return { statusCode: 'CRRET', reason: 'the matcher answered something that is not a match result', accessToken };
    if (result.outcome !== 'connected') return { statusCode: statusCodeFor(result), reason: STATUS_CODES[statusCodeFor(result)], message: result.message, accessToken };
    try {
      await ctx.onConnected({ request: candidate, accessToken, memberId: result.memberId });
    } catch (error) {
      return { statusCode: 'CRRET', reason: `onConnected failed: ${describe(error)}`, accessToken };
    }
    return { statusCode: 'CRSUC', reason: STATUS_CODES.CRSUC };
  }

  function revoke(accessToken: AccessToken): Promise<RevocationResult> {
    if (ctx.flow === 'oauth2') return attempt(endConnection(ctx.client, accessToken, ctx.signal));
    return attempt(() => ctx.admin.withToken((admin) => ctx.client.revokeToken(AdminSession.raw(admin), accessToken.token, { signal: ctx.signal }), ctx.signal));
  }

  function revokeUser(loginId: string): Promise<RevocationResult> {
    return attempt(() => ctx.admin.withToken((admin) => ctx.client.revokeUserTokens(AdminSession.raw(admin), { consumerKey: ctx.consumerKey, user: loginId }, { signal: ctx.signal }), ctx.signal));
  }

  /** A revocation that fails waits in the backlog and is tried again later ('failed' for now). */
  async function attempt(revocation: () => Promise<void>): Promise<RevocationResult> {
    try {
      await revocation();
      return 'revoked';
    } catch {
      ctx.backlog.add(revocation);
      return 'failed';
    }
  }

  /** Null when the PUT landed, else why not. */
  async function putStatus(statusCode: ConnectionStatusCode, message: string | undefined): Promise<string | null> {
    try {
      await ctx.admin.withToken((admin) => ctx.client.connectionRequests(admin, { signal: ctx.signal }).update(request.id, statusCode, message), ctx.signal);
      return null;
    } catch (error) {
      return describe(error);
    }
  }
}

/**
 * oauth2's revocation: `DELETE /app-mgmt/v0/connections` with the user's own token, which ends
 * every token the user holds for the app. When the access token no longer works (its hour
 * passed while the revocation waited in the backlog), the refresh token — which lives six
 * months — is used to get one that does; a refresh token Concur refuses too leaves nothing
 * usable to revoke. The rotated token is kept, so a later retry never reuses a spent one.
 */
function endConnection(client: ConcurClient, token: AccessToken, signal: AbortSignal): () => Promise<void> {
  let current = token;
  return async () => {
    try {
      await client.revokeConnection(current, { signal });
      return;
    } catch (error) {
      if (!(error instanceof UnauthorizedError) || !current.refreshToken) {
        if (error instanceof UnauthorizedError) return;
        throw error;
      }
    }
    try {
      current = await client.refresh(current, { signal });
    } catch (error) {
      if (error instanceof UnauthorizedError) return;
      throw error;
    }
    await client.revokeConnection(current, { signal });
  };
}

function withoutToken(request: ConnectionRequest): MatchCandidate {
  const { requestToken: _spent, ...rest } = request;
  return rest;
}

/** An error in one line with no secret: the client's messages are already redacted. */
export function describe(error: unknown): string {
  if (error instanceof NetworkError || error instanceof TimeoutError || error instanceof MalformedResponseError || error instanceof ConcurHttpError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}
