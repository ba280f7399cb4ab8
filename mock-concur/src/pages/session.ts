import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConcurUser } from '../domain/directory.js';

/** Cookie names of their own: cookies ignore ports, and a partner app may run on the same host. */
export const SESSION_COOKIE = 'concur_mock_session';
export const CSRF_COOKIE = 'concur_mock_csrf';

const COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'lax', signed: true } as const;

/**
 * Who is signed in to the mock's pages: the login id in an HMAC-signed cookie (SameSite=Lax,
 * HttpOnly). A cookie that fails its signature, or names a user who no longer exists (after
 * a reset), reads as signed out.
 */
export function signedInUser(request: FastifyRequest): ConcurUser | undefined {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  let loginId: unknown;
  try {
    loginId = (JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as { u?: unknown }).u;
  } catch {
    return undefined;
  }
  return typeof loginId === 'string' ? request.server.mock.world.directory.user(loginId) : undefined;
}

export function startSession(reply: FastifyReply, user: ConcurUser): void {
  const value = Buffer.from(JSON.stringify({ u: user.loginId })).toString('base64url');
  reply.setCookie(SESSION_COOKIE, value, COOKIE_OPTIONS);
}

export function endSession(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** A local path to return to after signing in: never another origin (no open redirect). */
export function safeReturnTo(raw: unknown, fallback = '/appcenter'): string {
  if (typeof raw !== 'string' || raw.length > 2048) return fallback;
  // One leading slash, no scheme-relative `//host` or `/\host`, printable ASCII only: a browser
  // percent-encodes everything else, and Node refuses other characters in a Location header.
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(raw)) return fallback;
  return raw;
}
