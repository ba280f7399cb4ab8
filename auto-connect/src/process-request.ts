import { ConcurHttpError, MalformedResponseError, NetworkError, RequestTokenExpiredError, TimeoutError, UnauthorizedError, type AccessToken, type ConnectionRequest, type ConnectionRequestsApi, type ConcurClient, type ConnectionStatusCode, type Sleep } from 'concur-partner-client';
import { AdminSession } from './admin-session.js';
import type { TokenSession } from './app-session.js';
import type { PossibleLeakCause, RevocationResult } from './events.js';
import type { Revocation, RevocationBacklog, RevocationEnd } from './revocation-backlog.js';
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
  /** The client's Connection Requests API for the polling token (one per token: see connection-requests-for.ts). */
  connectionRequests: (token: string | AccessToken) => ConnectionRequestsApi;
  flow: WorkerFlow;
  /** The token the worker polls and PUTs with: the administrator's (legacy) or the application's (oauth2). */
  admin: TokenSession;
  matcher: Matcher;
  onConnected: (connection: Connection) => void | Promise<void>;
  now: () => number;
  /**
   * Given to the matcher and to the worker's waits. Calls to Concur get none: once started they
   * are never cut short, and a signal the client must listen to costs it a listener per call.
   */
  signal: AbortSignal;
  /** The worker's wait (its injectable `sleep`): a lost exchange is re-checked after it. */
  sleep: Sleep;
  /** How long after a lost exchange the same request token is exchanged again. */
  lostExchangeRecheckMs: number;
  /** How many times at most a lost exchange is re-checked. */
  lostExchangeRechecks: number;
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
  /** Counts as `revoked` only when Concur confirmed the revocation. */
  revoked: RevocationResult;
  /**
   * Concur may hold an access token for this failed connection that the worker cannot revoke
   * (`leakCause` says why): an exchange whose answer was lost and could not be settled by
   * re-checking, a token whose revocation failed with the backlog full, or (oauth2) one whose
   * revocation needed a refresh Concur refused. Its `revoked` is then `'failed'`.
   */
  possibleLeak: boolean;
  /** Why, when `possibleLeak`; else null. */
  leakCause: PossibleLeakCause | null;
  startedAt: number;
  finishedAt: number;
  /** Time left before the deadline when the exchange began; null when nothing was exchanged. */
  deadlineMarginMs: number | null;
}

interface Decision {
  statusCode: ConnectionStatusCode;
  reason: string;
  message?: string;
  /** The user's token, to revoke: the exchange answered and the connection did not succeed. */
  accessToken?: AccessToken;
  leak?: PossibleLeakCause;
}

/**
 * One connection request, start to end: exchange its request token, ask the matcher, hand a
 * success to `onConnected`, revoke the access token of anything that did not connect (the
 * seed's instruction), then PUT exactly one status code. Never throws: every failure becomes
 * an outcome.
 *
 * The worker only ever revokes a token it holds (`revokeToken` in legacy, the user's own
 * `revokeConnection` in oauth2), never a user's tokens by an identity: a connection request
 * carries no login id (`revoketoken.ashx?user=` needs one; an e-mail address or v3.2's
 * `userId` is not it). An exchange whose answer was lost — no answer, or one that could not be
 * read — may still have minted a token on Concur's side, so the same request token is exchanged
 * again after `lostExchangeRecheckMs`: request tokens are single-use, so either the re-exchange
 * answers a token (the first minted nothing, or came too late to be honoured) and the request
 * carries on as if nothing had happened, or Concur refuses it and the token the first may have
 * minted is reported as a possible leak — as is one whose re-checks ran out or reached the
 * deadline.
 */
export async function processRequest(item: QueuedRequest, ctx: RequestContext): Promise<RequestOutcome> {
  const { request } = item;
  const startedAt = ctx.now();
  let deadlineMarginMs: number | null = null;
  const decided = await decide();
  let leakCause: PossibleLeakCause | null = decided.leak ?? null;
  let revoked: RevocationResult = leakCause ? 'failed' : 'not-needed';
  let reason = decided.reason;
  if (decided.accessToken && decided.statusCode !== 'CRSUC') {
    const result = await revoke(decided.accessToken);
    revoked = result.revoked;
    if (result.leak) {
      leakCause = result.leak;
      reason = `${reason}; ${result.why}: possible token leak`;
    }
  }
  const put = await putStatus(decided.statusCode, decided.message);
  return {
    id: request.id,
    statusCode: decided.statusCode,
    reason,
    put: put === null ? 'ok' : 'failed',
    putError: put,
    revoked,
    possibleLeak: leakCause !== null,
    leakCause,
    startedAt,
    finishedAt: ctx.now(),
    deadlineMarginMs,
  };

  async function decide(): Promise<Decision> {
    if (!request.requestToken) return { statusCode: 'CRPA1', reason: 'the request carried no request token' };
    const left = item.deadline - ctx.now();
    if (left <= 0) return { statusCode: 'CRPA1', reason: 'the request token reached its deadline before it could be exchanged' };
    deadlineMarginMs = left;

    // oauth2: the password grant with credtype=authtoken names the user — v3.2's userId, else
    // the first e-mail (Concur refuses it, minting nothing, when that is not the user's login id).
    const username = request.userId ?? request.emailAddresses[0];
    if (ctx.flow === 'oauth2' && !username) return { statusCode: 'CRPA1', reason: 'the request carried no user id to exchange its request token with' };

    const exchanged = await exchange(request.requestToken, username ?? '');
    if (!('token' in exchanged)) return exchanged;
    const accessToken = exchanged.token;

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

  /**
   * The exchange, re-checked while its answer is lost: the user's token, or the decision to PUT.
   * Only the first attempt's refusal is a plain CRPA1: once an attempt may have minted a token,
   * a refusal means that token may exist.
   */
  async function exchange(requestToken: string, username: string): Promise<{ token: AccessToken } | Decision> {
    const once = () => (ctx.flow === 'oauth2' ? ctx.client.exchangeAuthToken(username, requestToken) : ctx.client.exchangeRequestToken(requestToken));
    let first = '';
    for (let attempt = 0; ; attempt++) {
      try {
        return { token: await once() };
      } catch (error) {
        if (attempt === 0) {
          if (error instanceof RequestTokenExpiredError) return { statusCode: 'CRPA1', reason: 'Concur says the request token has expired' };
          // Used, unknown or another app's: the token can never be exchanged; the requeued request gets a fresh one.
          if (error instanceof ConcurHttpError && error.status >= 400 && error.status < 500) return { statusCode: 'CRPA1', reason: `Concur refused the request token (${error.status})` };
          // Concur answered with an error (a 500, a 503): nothing was minted.
          if (!mayHaveMinted(error)) return { statusCode: 'CRPA2', reason: `the exchange failed: ${describe(error)}` };
          first = describe(error);
        } else if (isRefusal(error)) {
          return leak('refused', `re-exchanging the request token was refused (${describe(error)})`);
        }
        // Lost again, or an answer that says nothing about the token (a 503, a 429): check again.
      }
      if (attempt >= ctx.lostExchangeRechecks) return leak('unanswered', attempt === 0 ? 'no re-check was allowed' : `${attempt} re-check(s) got no usable answer either`);
      if (ctx.now() + ctx.lostExchangeRecheckMs >= item.deadline) return leak('deadline', "the request's deadline comes before the next re-check");
      try {
        await ctx.sleep(ctx.lostExchangeRecheckMs, ctx.signal);
      } catch {
        return leak('unanswered', 'the wait before the re-check was cut short');
      }
      if (ctx.now() >= item.deadline) return leak('deadline', "the request's deadline passed while waiting to re-check");
    }

    function leak(cause: PossibleLeakCause, why: string): Decision {
      return { statusCode: 'CRPA2', reason: `the exchange's answer was lost (${first}) and ${why}: Concur may have issued a token the worker never saw — possible token leak`, leak: cause };
    }
  }

  function revoke(accessToken: AccessToken): Promise<{ revoked: RevocationResult; leak: PossibleLeakCause | null; why: string }> {
    if (ctx.flow === 'oauth2') return attempt(endConnection(ctx.client, accessToken));
    return attempt(async () => {
      await ctx.admin.withToken((admin) => ctx.client.revokeToken(AdminSession.raw(admin), accessToken.token), ctx.signal);
      return 'revoked';
    });
  }

  /**
   * A revocation that fails waits in the backlog and is tried again later ('failed' for now);
   * one the full backlog cannot take, or whose end cannot be known, is a possible leak.
   */
  async function attempt(revocation: Revocation): Promise<{ revoked: RevocationResult; leak: PossibleLeakCause | null; why: string }> {
    let end: RevocationEnd;
    try {
      end = await revocation();
    } catch {
      if (ctx.backlog.add(request.id, revocation)) return { revoked: 'failed', leak: null, why: '' };
      return { revoked: 'failed', leak: 'backlog-full', why: 'its access token could not be revoked and the revocation backlog is full' };
    }
    if (end === 'revoked') return { revoked: 'revoked', leak: null, why: '' };
    if (end === 'gone') return { revoked: 'not-needed', leak: null, why: '' };
    return { revoked: 'failed', leak: 'refresh-refused', why: REFRESH_REFUSED };
  }

  /** Null when the PUT landed, else why not. */
  async function putStatus(statusCode: ConnectionStatusCode, message: string | undefined): Promise<string | null> {
    try {
      await ctx.admin.withToken((admin) => ctx.connectionRequests(admin).update(request.id, statusCode, message), ctx.signal);
      return null;
    } catch (error) {
      return describe(error);
    }
  }
}

/**
 * An exchange that failed this way may have reached Concur and minted a token whose answer was
 * lost: no answer in time (a timeout, a reset), an answer that could not be read, or a gateway's
 * 504 (it gave up waiting for Concur, which may still have acted). Any other answer Concur gave
 * with an error status minted nothing.
 */
function mayHaveMinted(error: unknown): boolean {
  if (error instanceof ConcurHttpError) return error.status === 504;
  return true;
}

/** A re-exchange's answer that says the request token cannot be exchanged (used, expired, unknown): a 4xx other than 408 and 429. */
function isRefusal(error: unknown): boolean {
  return error instanceof ConcurHttpError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

/** Why a revocation that needed a refresh Concur refused is reported as a possible leak. */
export const REFRESH_REFUSED = "ending the connection needed a refresh of the user's token, which Concur refused: the token may have ended already, or a refresh whose answer was lost may have rotated it into one the worker never saw";

/**
 * oauth2's revocation: `DELETE /app-mgmt/v0/connections` with the user's own token, which ends
 * every token the user holds for the app. When the access token no longer works (its hour
 * passed while the revocation waited in the backlog), the refresh token — which lives six
 * months — is used to get one that does. The rotated token is kept, so a later retry never
 * reuses a spent one. A refresh Concur refuses cannot be told apart: the connection ended
 * already (revoked, expired), or the client's retry of a refresh whose answer was lost was
 * refused because that refresh had rotated the token — so it ends `unknown`, a possible leak.
 */
function endConnection(client: ConcurClient, token: AccessToken): Revocation {
  let current = token;
  return async () => {
    try {
      await client.revokeConnection(current);
      return 'revoked';
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      // Refused as invalid with nothing to renew it: that token cannot be used any more.
      if (!current.refreshToken) return 'gone';
    }
    try {
      current = await client.refresh(current);
    } catch (error) {
      if (error instanceof UnauthorizedError) return 'unknown';
      throw error;
    }
    await client.revokeConnection(current);
    return 'revoked';
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
