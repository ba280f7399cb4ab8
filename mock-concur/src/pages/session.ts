import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConcurUser } from '../domain/directory.js';

/** Cookie names of their own: cookies ignore ports, and a partner app may run on the same host. */
const SESSION_COOKIE = 'concur_mock_session';
export const CSRF_COOKIE = 'concur_mock_csrf';

/**
 * Each sandbox signs its users in with a cookie of its own name, scoped to its path: signing
 * in to one never signs anyone out of another, and the cookie also names the sandbox, so one
 * sandbox's cookie never signs anyone in to another.
 */
export function sessionCookieName(request: FastifyRequest): string {
  const id = request.mock.sandboxId;
  return id === null ? SESSION_COOKIE : `${SESSION_COOKIE}_${id}`;
}

function cookieOptions(request: FastifyRequest) {
  return { path: request.mock.pathPrefix || '/', httpOnly: true, sameSite: 'lax', signed: true } as const;
}

/**
 * Who is signed in to the mock's pages: the login id (and the sandbox) in an HMAC-signed
 * cookie (SameSite=Lax, HttpOnly). A cookie that fails its signature, belongs to another
 * sandbox, or names a user who no longer exists (after a reset) reads as signed out.
 */
export function signedInUser(request: FastifyRequest): ConcurUser | undefined {
  const raw = request.cookies[sessionCookieName(request)];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  let session: { u?: unknown; s?: unknown };
  try {
    session = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as { u?: unknown; s?: unknown };
  } catch {
    return undefined;
  }
  if ((session.s ?? null) !== request.mock.sandboxId) return undefined;
  return typeof session.u === 'string' ? request.mock.world.directory.user(session.u) : undefined;
}

export function startSession(request: FastifyRequest, reply: FastifyReply, user: ConcurUser): void {
  const session = request.mock.sandboxId === null ? { u: user.loginId } : { u: user.loginId, s: request.mock.sandboxId };
  reply.setCookie(sessionCookieName(request), Buffer.from(JSON.stringify(session)).toString('base64url'), cookieOptions(request));
}

export function endSession(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(request), { path: request.mock.pathPrefix || '/' });
}

/**
 * A local path to return to after signing in: inside the same sandbox, never another origin
 * (no open redirect).
 */
export function safeReturnTo(request: FastifyRequest, raw: unknown): string {
  const base = request.mock.pathPrefix;
  const fallback = `${base}/appcenter`;
  if (typeof raw !== 'string' || raw.length > 2048) return fallback;
  // One leading slash, no scheme-relative `//host` or `/\host`, printable ASCII only: a browser
  // percent-encodes everything else, and Node refuses other characters in a Location header.
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(raw)) return fallback;
  if (base && !(raw === base || raw.startsWith(`${base}/`) || raw.startsWith(`${base}?`))) return fallback;
  return raw;
}

/** A path of this sandbox's pages: `/appcenter` at the root, `/sandboxes/{id}/appcenter` in one. */
export function pagePath(request: FastifyRequest, path: string): string {
  return request.mock.pathPrefix + path;
}
