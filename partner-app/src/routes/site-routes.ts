import type { FastifyInstance } from 'fastify';
import { saveSession, sessionOf, signedInMember, type PartnerContext } from '../context.js';
import { sendPage } from '../render.js';
import { accountsPage } from '../views/accounts-page.js';
import { homePage } from '../views/home-page.js';
import { BRAND } from '../views/layout.js';
import { STYLESHEET } from '../views/style.js';

/** The partner's own pages: home, the linked-accounts view, sign-out and the stylesheet. */
export async function siteRoutes(app: FastifyInstance, ctx: PartnerContext): Promise<void> {
  app.get('/', async (request, reply) => {
    const member = signedInMember(ctx, sessionOf(ctx, request));
    const body = homePage({ member, appCenterUrl: ctx.appCenterUrl, showDemoMembers: ctx.options.seedDemoMembers });
    return sendPage(reply, 200, { title: BRAND, body, member, csrfToken: member ? reply.generateCsrf() : undefined });
  });

  app.get('/accounts', async (request, reply) => {
    const session = sessionOf(ctx, request);
    const member = signedInMember(ctx, session);
    return sendPage(reply, 200, { title: 'Linked accounts', body: accountsPage(ctx.members.all(), member?.id), member, csrfToken: member ? reply.generateCsrf() : undefined });
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
