import type { FastifyInstance } from 'fastify';
import { saveSession, sessionOf, signedInMember, type PartnerContext } from '../context.js';
import { sendPage } from '../render.js';
import { ACCOUNT_PAGE_TITLE, accountPage, SIGN_IN_PAGE_TITLE, signInToSeeAccountPage } from '../views/account-page.js';
import { homePage } from '../views/home-page.js';
import { BRAND } from '../views/layout.js';
import { STYLESHEET } from '../views/style.js';

/** The partner's own pages: home, the signed-in member's account, sign-out and the stylesheet. */
export async function siteRoutes(app: FastifyInstance, ctx: PartnerContext): Promise<void> {
  app.get('/', async (request, reply) => {
    const member = signedInMember(ctx, sessionOf(ctx, request));
    const body = homePage({ member, appCenterUrl: ctx.appCenterUrl, showDemoMembers: ctx.options.seedDemoMembers });
    return sendPage(reply, 200, { title: BRAND, body, member, csrfToken: member ? reply.generateCsrf() : undefined });
  });

  // Member data goes only to the member it belongs to: the one the session names, never
  // another member, and nothing to a visitor who is not signed in (401, no redirect to follow).
  app.get('/accounts', async (request, reply) => {
    const member = signedInMember(ctx, sessionOf(ctx, request));
    if (!member) return sendPage(reply, 401, { title: SIGN_IN_PAGE_TITLE, body: signInToSeeAccountPage(ctx.appCenterUrl) });
    return sendPage(reply, 200, { title: ACCOUNT_PAGE_TITLE, body: accountPage(member, ctx.appCenterUrl), member, csrfToken: reply.generateCsrf() });
  });

  app.post('/sign-out', { preHandler: app.csrfProtection }, async (request, reply) => {
    const session = sessionOf(ctx, request);
    delete session.memberId;
    saveSession(ctx, reply, session);
    return reply.redirect('/', 303);
  });

  app.get('/assets/style.css', async (_request, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(STYLESHEET),
  );

  app.get('/health', async () => ({ status: 'ok', members: ctx.members.size }));
}
