/**
 * The client's error hierarchy (after ky's HTTPError): every error names the method and the
 * URL, with credentials already redacted (see `redact-url.ts`), so a message can be logged as is.
 */
export class ConcurError extends Error {
  override name = 'ConcurError';
}

/** A client option that cannot work, named precisely, thrown by `createConcurClient`. */
export class InvalidOptionsError extends ConcurError {
  override name = 'InvalidOptionsError';
}

export interface HttpErrorDetails {
  method: string;
  /** Already redacted. */
  url: string;
  status: number;
  /** Concur's `Message`, or null when the body was not a Concur error (an HTML proxy page, an empty 502). */
  concurMessage: string | null;
  errorId: string | null;
  serverTime: string | null;
  /** Milliseconds from `Retry-After`, when the server sent one. */
  retryAfterMs: number | null;
  /** The OAuth 2.0 Authentication API's `error` (`invalid_grant`, `invalid_client`, …). */
  oauth2Error?: string | null;
  /** Its numbered `code` (5: incorrect credentials, 108: bad or expired refresh token, …). */
  oauth2Code?: number | null;
  /** The `concur-correlationid` header: Concur's support asks for it. */
  correlationId?: string | null;
}

export class ConcurHttpError extends ConcurError {
  override name = 'ConcurHttpError';
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly concurMessage: string | null;
  readonly errorId: string | null;
  readonly serverTime: string | null;
  readonly retryAfterMs: number | null;
  /** OAuth 2.0 API only: its `error`, else null. */
  readonly oauth2Error: string | null;
  /** OAuth 2.0 API only: its numbered `code`, else null. */
  readonly oauth2Code: number | null;
  /** The `concur-correlationid` response header, when Concur sent one: log it. */
  readonly correlationId: string | null;

  constructor(details: HttpErrorDetails) {
    const why = details.concurMessage ?? details.oauth2Error ?? 'no Concur error body';
    const oauth2 = details.oauth2Error ? ` [${details.oauth2Error}${details.oauth2Code != null ? ` ${details.oauth2Code}` : ''}]` : '';
    const ids = [details.errorId ? `Id ${details.errorId}` : null, details.correlationId ? `correlation id ${details.correlationId}` : null].filter(Boolean).join(', ');
    super(`${details.method} ${details.url} answered ${details.status}: ${why}${oauth2}${ids ? ` (${ids})` : ''}`);
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.concurMessage = details.concurMessage;
    this.errorId = details.errorId;
    this.serverTime = details.serverTime;
    this.retryAfterMs = details.retryAfterMs;
    this.oauth2Error = details.oauth2Error ?? null;
    this.oauth2Code = details.oauth2Code ?? null;
    this.correlationId = details.correlationId ?? null;
  }
}

/**
 * The credentials or token are not (or no longer) valid: renew the token or sign in again.
 * A 401 (no `Authorization`), or a 403 whose `Message` says the token or the credentials
 * failed validation: Concur's HTTP status-code page answers 403 for an unknown, expired or
 * revoked token and for bad Native-flow credentials (older pages, and older servers, say 401).
 * `status` says which was sent.
 */
export class UnauthorizedError extends ConcurHttpError {
  override name = 'UnauthorizedError';
}
/** Known caller, not allowed: a missing role or scope, another application's resource. Renewing the token does not help. */
export class ForbiddenError extends ConcurHttpError {
  override name = 'ForbiddenError';
}

/**
 * A 403 that means "this token or these credentials are not valid", told from a role or scope
 * refusal by its `Message`. A 403 without a Concur body stays a ForbiddenError.
 */
const INVALID_CREDENTIALS_403 = /(invalid|unknown|expired|revoked|not valid|no longer valid)\b[^.]*\b(access token|oauth token|token|login|password|credentials|consumer key)|(access token|oauth token|token|credentials)\b[^.]*\b(expired|revoked|invalid|not valid)|authorization header must be/i;
const PERMISSION_403 = /\b(role|scope|another application|other application|not allowed|permission)\b/i;

function isInvalidCredentials403(message: string | null): boolean {
  return message !== null && INVALID_CREDENTIALS_403.test(message) && !PERMISSION_403.test(message);
}
export class NotFoundError extends ConcurHttpError {
  override name = 'NotFoundError';
}
/** A 400 whose Message speaks of expiry: request tokens live 15 minutes, so the user must reconnect. */
export class RequestTokenExpiredError extends ConcurHttpError {
  override name = 'RequestTokenExpiredError';
}
export class RateLimitedError extends ConcurHttpError {
  override name = 'RateLimitedError';
}

/**
 * OAuth 2.0 codes that mean "these credentials or this grant are no good": 5 (wrong password;
 * an unknown, expired or used auth token), 108 (a bad or expired refresh token). Renewing by
 * signing in again is the answer, as for the legacy flow's refused credentials.
 */
const OAUTH2_INVALID_CREDENTIALS = new Set([5, 108]);
/** 103: an authorization code that is bad or expired — the user must connect again, like an expired request token. */
const OAUTH2_CODE_EXPIRED = 103;

/** The one place a status becomes a class. */
export function httpErrorFor(details: HttpErrorDetails): ConcurHttpError {
  if (details.oauth2Error && details.status === 400) {
    // The OAuth 2.0 body says what happened: its code, not the wording, decides.
    if (details.oauth2Error === 'invalid_grant' && details.oauth2Code != null && OAUTH2_INVALID_CREDENTIALS.has(details.oauth2Code)) return new UnauthorizedError(details);
    if (details.oauth2Code === OAUTH2_CODE_EXPIRED) return new RequestTokenExpiredError(details);
    return new ConcurHttpError(details);
  }
  switch (details.status) {
    case 401:
      return new UnauthorizedError(details);
    case 403:
      return isInvalidCredentials403(details.concurMessage) ? new UnauthorizedError(details) : new ForbiddenError(details);
    case 404:
      return new NotFoundError(details);
    case 429:
      return new RateLimitedError(details);
    case 400:
      if (details.concurMessage && /expired/i.test(details.concurMessage)) return new RequestTokenExpiredError(details);
      return new ConcurHttpError(details);
    default:
      return new ConcurHttpError(details);
  }
}

/** The connection failed (refused, reset, DNS) before a response arrived. */
export class NetworkError extends ConcurError {
  override name = 'NetworkError';
  constructor(
    readonly method: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${url} failed: ${describeCause(options?.cause)}`, options);
  }
}

export class TimeoutError extends ConcurError {
  override name = 'TimeoutError';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} ${url} timed out after ${timeoutMs} ms`);
  }
}

/** A success status whose body is neither the XML nor the JSON it claims (truncated, a proxy page). */
export class MalformedResponseError extends ConcurError {
  override name = 'MalformedResponseError';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${method} ${url} answered ${status} with a body that could not be read: ${detail}`);
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return 'network error';
  const code = (cause.cause as { code?: unknown } | undefined)?.code ?? (cause as { code?: unknown }).code;
  return typeof code === 'string' ? `${cause.message} (${code})` : cause.message;
}
