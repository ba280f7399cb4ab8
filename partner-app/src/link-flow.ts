import type { FastifyReply } from 'fastify';
import { saveSession, signedInMember, type PartnerContext } from './context.js';
import { codeIsSpent, problemFromExchange } from './link-problems.js';
import type { PartnerMember } from './member-store.js';
import { sendPage } from './render.js';
import type { PartnerSession } from './session.js';
import { BRAND } from './views/layout.js';
import { linkPage, type LinkPageModel } from './views/link-page.js';
import { problemPage, problemTitle } from './views/problem-page.js';

/**
 * Steps 4–6 of the App Center flow, as the link routes use them: show the link page, say there
 * is no code to link, and exchange the code for the member. The code is exchanged only at the
 * last step, never on arrival: an exchanged code makes the App Center show the app as connected,
 * which must not happen for a user who walks away before choosing an account.
 */
export function renderLink(ctx: PartnerContext, reply: FastifyReply, status: number, session: PartnerSession, model: Partial<Pick<LinkPageModel, 'signIn' | 'create'>> = {}) {
  const member = signedInMember(ctx, session);
  const csrfToken = reply.generateCsrf();
  const body = linkPage({
    csrfToken,
    member,
    signIn: model.signIn ?? { email: '' },
    create: model.create ?? { name: '', email: '', errors: {} },
    appCenterUrl: ctx.appCenterUrl,
  });
  return sendPage(reply, status, { title: 'Link your SAP Concur account', body, member, csrfToken });
}

/** The link pages without a code to link: the user did not come from the App Center (or already linked). */
export function noPendingCode(ctx: PartnerContext, reply: FastifyReply, session: PartnerSession) {
  const member = signedInMember(ctx, session);
  const problem = { kind: 'no-pending' as const, status: 409 };
  return sendPage(reply, problem.status, { title: problemTitle(problem.kind), body: problemPage(problem, { appCenterUrl: ctx.appCenterUrl }), member, csrfToken: member ? reply.generateCsrf() : undefined });
}

/** The one place a code becomes a link. */
export async function exchangeAndLink(ctx: PartnerContext, reply: FastifyReply, session: PartnerSession, member: PartnerMember, justCreated: boolean) {
  const code = session.pendingCode!;
  session.memberId = member.id;
  // A second submit of the same form after the first one linked: the same answer again.
  if (ctx.codes.linkedMember(code) === member.id && member.concurLink) {
    delete session.pendingCode;
    delete session.pendingUserId;
    saveSession(ctx, reply, session);
    return reply.redirect('/linked', 303);
  }
  try {
    const userId = session.pendingUserId;
    // Today's App Center hands a request token and the user's id: the /oauth2/v0 exchange.
    const exchange = () => (userId !== undefined ? ctx.concur.exchangeAuthToken(userId, code) : ctx.concur.exchangeRequestToken(code));
    const token = await ctx.codes.exchangeOnce(code, member.id, exchange);
    await ctx.members.link(member.id, {
      accessToken: token.token,
      refreshToken: token.refreshToken,
      expiresAt: token.expiresAt.toISOString(),
      instanceUrl: token.instanceUrl,
      linkedAt: new Date(ctx.options.now()).toISOString(),
    });
    delete session.pendingCode;
    delete session.pendingUserId;
    saveSession(ctx, reply, session);
    return reply.redirect('/linked', 303);
  } catch (error) {
    const problem = problemFromExchange(error);
    reply.log.info({ problem: problem.kind }, 'linking failed');
    if (codeIsSpent(problem)) {
      delete session.pendingCode;
      delete session.pendingUserId;
    }
    saveSession(ctx, reply, session);
    const note = justCreated ? `Your ${BRAND} account (${member.membershipNumber}) was created and you are signed in; when you connect again, just confirm.` : undefined;
    return sendPage(reply, problem.status, { title: problemTitle(problem.kind), body: problemPage(problem, { appCenterUrl: ctx.appCenterUrl, note }), member, csrfToken: reply.generateCsrf() });
  }
}
