import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { saveSession, sessionOf, signedInMember, type PartnerContext } from '../context.js';
import { codeIsSpent, problemFromExchange } from '../link-problems.js';
import { DuplicateEmailError, type PartnerMember } from '../member-store.js';
import { hashPassword, verifyPassword } from '../password.js';
import { formField, sendPage } from '../render.js';
import type { PartnerSession } from '../session.js';
import { BRAND } from '../views/layout.js';
import { linkedPage } from '../views/linked-page.js';
import { linkPage, type CreateAccountErrors, type LinkPageModel } from '../views/link-page.js';
import { problemPage, problemTitle } from '../views/problem-page.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// C0/C1 controls and line/paragraph separators have no place in a name.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const MIN_PASSWORD = 10;

// Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
const decoyHash = hashPassword('not-a-real-password');

export function validateNewAccount(input: { name: string; email: string; password: string }): CreateAccountErrors {
  const errors: CreateAccountErrors = {};
  const name = input.name.trim();
  if (!name) errors.name = 'Enter your full name.';
  else if (name.length > 100) errors.name = 'Use at most 100 characters.';
  else if (CONTROL.test(name)) errors.name = 'Use letters, spaces and punctuation only.';
  const email = input.email.trim();
  if (!email) errors.email = 'Enter your email address.';
  else if (email.length > 254 || !EMAIL.test(email)) errors.email = 'Enter an email address like name@example.com.';
  if (input.password.length < MIN_PASSWORD) errors.password = `Use at least ${MIN_PASSWORD} characters.`;
  else if (input.password.length > 256) errors.password = 'Use at most 256 characters.';
  return errors;
}

/**
 * Steps 4–6 of the App Center flow: sign in or create an account, then exchange the code and
 * store the tokens with the member. The code is exchanged only now, not on arrival: an
 * exchanged code makes the App Center show the app as connected, which must not happen for a
 * user who walks away before choosing an account.
 */
export async function linkRoutes(app: FastifyInstance, ctx: PartnerContext): Promise<void> {
  const csrf = { preHandler: app.csrfProtection };

  function renderLink(reply: FastifyReply, status: number, session: PartnerSession, model: Partial<Pick<LinkPageModel, 'signIn' | 'create'>> = {}) {
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

  function noPendingCode(reply: FastifyReply, session: PartnerSession) {
    const member = signedInMember(ctx, session);
    const problem = { kind: 'no-pending' as const, status: 409 };
    return sendPage(reply, problem.status, { title: problemTitle(problem.kind), body: problemPage(problem, { appCenterUrl: ctx.appCenterUrl }), member, csrfToken: member ? reply.generateCsrf() : undefined });
  }

  /** The one place a code becomes a link. */
  async function exchangeAndLink(reply: FastifyReply, session: PartnerSession, member: PartnerMember, justCreated: boolean) {
    const code = session.pendingCode!;
    session.memberId = member.id;
    // A second submit of the same form after the first one linked: the same answer again.
    if (ctx.codes.linkedMember(code) === member.id && member.concurLink) {
      delete session.pendingCode;
      saveSession(ctx, reply, session);
      return reply.redirect('/linked', 303);
    }
    try {
      const token = await ctx.codes.exchangeOnce(code, member.id, () => ctx.concur.exchangeRequestToken(code));
      await ctx.members.link(member.id, {
        accessToken: token.token,
        refreshToken: token.refreshToken,
        expiresAt: token.expiresAt.toISOString(),
        instanceUrl: token.instanceUrl,
        linkedAt: new Date(ctx.options.now()).toISOString(),
      });
      delete session.pendingCode;
      saveSession(ctx, reply, session);
      return reply.redirect('/linked', 303);
    } catch (error) {
      const problem = problemFromExchange(error);
      reply.log.info({ problem: problem.kind }, 'linking failed');
      if (codeIsSpent(problem)) delete session.pendingCode;
      saveSession(ctx, reply, session);
      const note = justCreated ? `Your ${BRAND} account (${member.membershipNumber}) was created and you are signed in; when you connect again, just confirm.` : undefined;
      return sendPage(reply, problem.status, { title: problemTitle(problem.kind), body: problemPage(problem, { appCenterUrl: ctx.appCenterUrl, note }), member, csrfToken: reply.generateCsrf() });
    }
  }

  app.get('/link', async (request, reply) => {
    const session = sessionOf(ctx, request);
    if (!session.pendingCode) return noPendingCode(reply, session);
    return renderLink(reply, 200, session);
  });

  app.post('/link/sign-in', csrf, async (request: FastifyRequest, reply) => {
    const session = sessionOf(ctx, request);
    if (!session.pendingCode) return noPendingCode(reply, session);
    const email = formField(request.body, 'email').trim();
    const password = formField(request.body, 'password');
    const member = email ? ctx.members.findByEmail(email) : undefined;
    const ok = await verifyPassword(password, member?.passwordHash ?? (await decoyHash));
    if (!member || !ok) {
      // What they typed carries over to "Create an account": the likeliest next step.
      return renderLink(reply, 401, session, {
        signIn: { email, error: 'That email and password do not match a member. Check them, or create an account.' },
        create: { name: '', email, errors: {} },
      });
    }
    return exchangeAndLink(reply, session, member, false);
  });

  app.post('/link/create', csrf, async (request, reply) => {
    const session = sessionOf(ctx, request);
    if (!session.pendingCode) return noPendingCode(reply, session);
    const input = { name: formField(request.body, 'name'), email: formField(request.body, 'email'), password: formField(request.body, 'password') };
    const errors = validateNewAccount(input);
    const retry = (status: number, found: CreateAccountErrors) => renderLink(reply, status, session, { create: { name: input.name, email: input.email, errors: found } });
    if (Object.keys(errors).length > 0) return retry(400, errors);
    let member: PartnerMember;
    try {
      member = await ctx.members.add({ name: input.name.trim(), email: input.email, passwordHash: await hashPassword(input.password), createdAt: new Date(ctx.options.now()).toISOString() });
    } catch (error) {
      if (error instanceof DuplicateEmailError) return retry(409, { email: 'A member with this email already exists. Sign in instead.' });
      throw error;
    }
    return exchangeAndLink(reply, session, member, true);
  });

  app.post('/link/confirm', csrf, async (request, reply) => {
    const session = sessionOf(ctx, request);
    if (!session.pendingCode) return noPendingCode(reply, session);
    const member = signedInMember(ctx, session);
    if (!member) return renderLink(reply, 401, session);
    return exchangeAndLink(reply, session, member, false);
  });

  app.get('/linked', async (request, reply) => {
    const session = sessionOf(ctx, request);
    const member = signedInMember(ctx, session);
    if (!member?.concurLink) return reply.redirect('/', 303);
    return sendPage(reply, 200, { title: 'Accounts linked', body: linkedPage({ ...member, concurLink: member.concurLink }, ctx.appCenterUrl), member, csrfToken: reply.generateCsrf() });
  });
}
