import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { saveSession, sessionOf, signedInMember, type PartnerContext } from '../context.js';
import type { LinkProblem } from '../link-problems.js';
import { sendPage } from '../render.js';
import { problemPage, problemTitle } from '../views/problem-page.js';

const MAX_CODE_LENGTH = 512;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A query parameter given once; absent, repeated or non-string reads as undefined. */
function single(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Where Concur sends the browser: the App Center's Connect (`?code=`) and the Web flow
 * (`?code=&state=`, or `?error=access_denied`). The code is parked in the session and the
 * browser moved on to /link at once, so it leaves the address bar and history.
 */
export async function callbackRoutes(app: FastifyInstance, ctx: PartnerContext): Promise<void> {
  const showProblem = (reply: Parameters<typeof sendPage>[0], problem: LinkProblem, member?: Parameters<typeof sendPage>[2]['member'], note?: string) =>
    sendPage(reply, problem.status, { title: problemTitle(problem.kind), body: problemPage(problem, { appCenterUrl: ctx.appCenterUrl, note }), member, csrfToken: member ? reply.generateCsrf() : undefined });

  app.get('/concur/callback', async (request, reply) => {
    const session = sessionOf(ctx, request);
    const member = signedInMember(ctx, session);
    // The legacy redirect carries `code`; today's App Center `id` and `requestToken`.
    const requestToken = single(request.query, 'requestToken');
    const userId = single(request.query, 'id');
    const code = requestToken ?? single(request.query, 'code');
    const state = single(request.query, 'state');
    const error = single(request.query, 'error');

    // A state that comes back must be the one this browser sent. Concur's App Center sends
    // none, and a Web flow started elsewhere carries one we never saw: both are accepted,
    // because nothing is linked until the user signs in here and confirms (a planted code
    // links nothing by itself).
    const expected = session.webFlowState;
    if (expected !== undefined) {
      delete session.webFlowState;
      saveSession(ctx, reply, session);
      if (state !== undefined && !sameSecret(state, expected)) return showProblem(reply, { kind: 'state-mismatch', status: 400 }, member);
    }

    if (error !== undefined) {
      if (error === 'access_denied') return showProblem(reply, { kind: 'denied', status: 200 }, member);
      const description = single(request.query, 'error_description');
      return showProblem(reply, { kind: 'concur-error', status: 400, detail: `${error}${description ? `: ${description}` : ''}`.slice(0, 300) }, member);
    }
    if (code === undefined || code === '') return showProblem(reply, { kind: 'missing-code', status: 400 }, member);
    if (code.length > MAX_CODE_LENGTH || !/^[\x21-\x7e]+$/.test(code)) return showProblem(reply, { kind: 'invalid', status: 400 }, member);
    if (ctx.codes.wasSpent(code)) {
      const note = member?.concurLink ? 'Your accounts are linked: see Your account, at the top of the page.' : undefined;
      return showProblem(reply, { kind: 'used', status: 400 }, member, note);
    }

    if (requestToken !== undefined && (userId === undefined || userId === '' || userId.length > MAX_CODE_LENGTH || !/^[\x21-\x7e]+$/.test(userId))) return showProblem(reply, { kind: 'invalid', status: 400 }, member);
    session.pendingCode = code;
    if (requestToken !== undefined) session.pendingUserId = userId;
    else delete session.pendingUserId;
    saveSession(ctx, reply, session);
    return reply.redirect('/link', 303);
  });

  /** The Web flow started from this site: Concur's Login.aspx with a fresh `state`. */
  app.get('/connect', async (request, reply) => {
    const session = sessionOf(ctx, request);
    session.webFlowState = randomBytes(24).toString('base64url');
    saveSession(ctx, reply, session);
    const origin = ctx.options.publicUrl ?? `${request.protocol}://${request.host}`;
    const login = new URL(`${ctx.options.concurWebUrl}/net2/oauth2/Login.aspx`);
    login.searchParams.set('client_id', ctx.options.consumerKey);
    login.searchParams.set('scope', ctx.options.scope);
    login.searchParams.set('redirect_uri', `${origin}/concur/callback`);
    login.searchParams.set('state', session.webFlowState);
    return reply.redirect(login.href, 303);
  });
}
