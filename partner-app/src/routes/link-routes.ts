import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validateNewAccount } from '../account-validation.js';
import { sessionOf, signedInMember, type PartnerContext } from '../context.js';
import { exchangeAndLink, noPendingCode, renderLink } from '../link-flow.js';
import { DuplicateEmailError, type PartnerMember } from '../member-store.js';
import { hashPassword, verifyPassword } from '../password.js';
import { formField, sendPage } from '../render.js';
import { linkedPage } from '../views/linked-page.js';
import type { CreateAccountErrors } from '../views/link-page.js';

// Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
const decoyHash = hashPassword('not-a-real-password');

/** The link pages: sign in or create an account, or confirm as the member already signed in. */
export async function linkRoutes(app: FastifyInstance, ctx: PartnerContext): Promise<void> {
  const csrf = { preHandler: app.csrfProtection };

  app.get('/link', async (request, reply) => {
    const session = sessionOf(ctx, request);
    if (!session.pendingCode) return noPendingCode(ctx, reply, session);
    return renderLink(ctx, reply, 200, session);
  });

  app.post('/link/sign-in', csrf, async (request: FastifyRequest, reply) => {
    const session = sessionOf(ctx, request);
    if (!session.pendingCode) return noPendingCode(ctx, reply, session);
    const email = formField(request.body, 'email').trim();
    const password = formField(request.body, 'password');
    const member = email ? ctx.members.findByEmail(email) : undefined;
    const ok = await verifyPassword(password, member?.passwordHash ?? (await decoyHash));
    if (!member || !ok) {
      // What they typed carries over to "Create an account": the likeliest next step.
      return renderLink(ctx, reply, 401, session, {
        signIn: { email, error: 'That email and password do not match a member. Check them, or create an account.' },
        create: { name: '', email, errors: {} },
      });
    }
    return exchangeAndLink(ctx, reply, session, member, false);
  });

  app.post('/link/create', csrf, async (request, reply) => {
    const session = sessionOf(ctx, request);
    if (!session.pendingCode) return noPendingCode(ctx, reply, session);
    const input = { name: formField(request.body, 'name'), email: formField(request.body, 'email'), password: formField(request.body, 'password') };
    const errors = validateNewAccount(input);
    const retry = (status: number, found: CreateAccountErrors) => renderLink(ctx, reply, status, session, { create: { name: input.name, email: input.email, errors: found } });
    if (Object.keys(errors).length > 0) return retry(400, errors);
    let member: PartnerMember;
    try {
      member = await ctx.members.add({ name: input.name.trim(), email: input.email, passwordHash: await hashPassword(input.password), createdAt: new Date(ctx.options.now()).toISOString() });
    } catch (error) {
      if (error instanceof DuplicateEmailError) return retry(409, { email: 'A member with this email already exists. Sign in instead.' });
      throw error;
    }
    return exchangeAndLink(ctx, reply, session, member, true);
  });

  app.post('/link/confirm', csrf, async (request, reply) => {
    const session = sessionOf(ctx, request);
    if (!session.pendingCode) return noPendingCode(ctx, reply, session);
    const member = signedInMember(ctx, session);
    if (!member) return renderLink(ctx, reply, 401, session);
    return exchangeAndLink(ctx, reply, session, member, false);
  });

  app.get('/linked', async (request, reply) => {
    const session = sessionOf(ctx, request);
    const member = signedInMember(ctx, session);
    if (!member?.concurLink) return reply.redirect('/', 303);
    return sendPage(reply, 200, { title: 'Accounts linked', body: linkedPage({ ...member, concurLink: member.concurLink }, ctx.appCenterUrl), member, csrfToken: reply.generateCsrf() });
  });
}
