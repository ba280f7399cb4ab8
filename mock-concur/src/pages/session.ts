import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { ConcurUser } from '../domain/directory.js';
import { HOUR_MS } from '../domain/token-service.js';

/** Cookie names of their own: cookies ignore ports, and a partner app may run on the same host. */
const SESSION_COOKIE = 'concur_mock_session';
export const CSRF_COOKIE = 'concur_mock_csrf';

/** A sign-in lasts a working day at most (machine time), then the pages ask again. */
export const SESSION_LIFETIME_MS = 12 * HOUR_MS;

interface Session {
  /** The user's login id. */
  u: string;
  /** The sandbox (absent at the root). */
  s?: string;
  /** The session's own random id: what signing out ends. */
  i: string;
  /** When it expires, ms since the epoch (machine time). */
  e: number;
}

/**
 * Each sandbox signs its users in with a cookie of its own name, scoped to its path: signing
 * in to one never signs anyone out of another, and the cookie also names the sandbox, so one
 * sandbox's cookie never signs anyone in to another.
 */
function sessionCookieName(request: FastifyRequest): string {
  const id = request.mock.sandboxId;
  return id === null ? SESSION_COOKIE : `${SESSION_COOKIE}_${id}`;
}

function cookiePath(request: FastifyRequest): string {
  return request.mock.pathPrefix || '/';
}

/** The request's session, if its cookie is genuine, of this sandbox, unexpired and not signed out. */
function currentSession(request: FastifyRequest): Session | undefined {
  const raw = request.cookies[sessionCookieName(request)];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  let session: Partial<Session>;
  try {
    session = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Partial<Session>;
  } catch {
    return undefined;
  }
  const { mock } = request;
  if (typeof session.u !== 'string' || typeof session.i !== 'string' || typeof session.e !== 'number') return undefined;
  if ((session.s ?? null) !== mock.sandboxId) return undefined;
  if (session.e <= mock.options.wallClock() || mock.signedOut.has(session.i)) return undefined;
  return session as Session;
}

/**
 * Who is signed in to the mock's pages: the login id, the sandbox and a session id in an
 * HMAC-signed cookie (SameSite=Lax, HttpOnly). A cookie that fails its signature, belongs to
 * another sandbox, has expired, was signed out, or names a user who no longer exists (after
 * a reset) reads as signed out.
 */
export function signedInUser(request: FastifyRequest): ConcurUser | undefined {
  const session = currentSession(request);
  return session ? request.mock.world.directory.user(session.u) : undefined;
}

export function startSession(request: FastifyRequest, reply: FastifyReply, user: ConcurUser): void {
  const { mock } = request;
  const session: Session = { u: user.loginId, ...(mock.sandboxId === null ? {} : { s: mock.sandboxId }), i: randomBytes(16).toString('base64url'), e: mock.options.wallClock() + SESSION_LIFETIME_MS };
  reply.setCookie(sessionCookieName(request), Buffer.from(JSON.stringify(session)).toString('base64url'), {
    path: cookiePath(request),
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    maxAge: SESSION_LIFETIME_MS / 1000,
  });
}

/** Signing out ends the session on the server too: the same cookie, replayed, signs nobody in. */
export function endSession(request: FastifyRequest, reply: FastifyReply): void {
  const session = currentSession(request);
  if (session) request.mock.signedOut.end(session.i, session.e, request.mock.options.wallClock());
  reply.clearCookie(sessionCookieName(request), { path: cookiePath(request) });
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
