import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The browser's session with the partner app, kept in a signed cookie (HMAC by @fastify/cookie):
 * the user can read it but not change it. It holds nothing the user doesn't already have — their
 * own member id, the code Concur just put in their address bar, the Web-flow state.
 */
export interface PartnerSession {
  memberId?: string;
  /** The App Center's request token, waiting for the user to sign in or create an account. */
  pendingCode?: string;
  /**
   * With today's App Center redirect (`?id=&requestToken=`): the Concur user's id, the
   * `username` of the /oauth2/v0 exchange. Absent for the legacy `?code=`.
   */
  pendingUserId?: string;
  /** The `state` this app sent to Concur's Login.aspx, to be matched on the way back. */
  webFlowState?: string;
  issuedAt: number;
}

// Distinct names: the mock's own pages set cookies on the same host (cookies ignore ports).
export const SESSION_COOKIE = 'triplink_session';
export const CSRF_COOKIE = 'triplink_csrf';

export interface SessionSettings {
  secure: boolean;
  maxAgeMs: number;
  now: () => number;
}

export function readSession(request: FastifyRequest, settings: SessionSettings): PartnerSession {
  const fresh: PartnerSession = { issuedAt: settings.now() };
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return fresh;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return fresh;
  try {
    const parsed = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Partial<PartnerSession>;
    if (typeof parsed.issuedAt !== 'number' || settings.now() - parsed.issuedAt > settings.maxAgeMs) return fresh;
    const session: PartnerSession = { issuedAt: parsed.issuedAt };
    if (typeof parsed.memberId === 'string') session.memberId = parsed.memberId;
    if (typeof parsed.pendingCode === 'string') session.pendingCode = parsed.pendingCode;
    if (typeof parsed.pendingUserId === 'string') session.pendingUserId = parsed.pendingUserId;
    if (typeof parsed.webFlowState === 'string') session.webFlowState = parsed.webFlowState;
    return session;
  } catch {
    return fresh;
  }
}

export function writeSession(reply: FastifyReply, session: PartnerSession, settings: SessionSettings): void {
  const value = Buffer.from(JSON.stringify(session), 'utf8').toString('base64url');
  // SameSite=Lax, not Strict: Concur's redirect to the callback is a cross-site navigation,
  // and the callback must see who is signed in and which Web-flow state it is waiting for.
  reply.setCookie(SESSION_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: settings.secure, signed: true });
}
