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

  constructor(details: HttpErrorDetails) {
    const why = details.concurMessage ?? 'no Concur error body';
    super(`${details.method} ${details.url} answered ${details.status}: ${why}${details.errorId ? ` (Id ${details.errorId})` : ''}`);
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.concurMessage = details.concurMessage;
    this.errorId = details.errorId;
    this.serverTime = details.serverTime;
    this.retryAfterMs = details.retryAfterMs;
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

/** The one place a status becomes a class. */
export function httpErrorFor(details: HttpErrorDetails): ConcurHttpError {
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
