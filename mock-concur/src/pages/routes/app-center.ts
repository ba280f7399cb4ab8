import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConcurUser } from '../../domain/directory.js';
import { appsPage } from '../views/apps-page.js';
import { errorPage } from '../views/error-page.js';
import { listingPage } from '../views/listing-page.js';
import { sendPage } from '../send-page.js';
import { pagePath, signedInUser } from '../session.js';

interface AppParams {
  consumerKey: string;
}

/**
 * The App Center of the seed (`app-center-flow.md`): Apps for me → Listing Details → Connect,
 * which sends the browser to the app's registered redirect URI with a fresh request token.
 * Once the partner has exchanged it, the listing shows the user as connected.
 */
export async function appCenterRoutes(app: FastifyInstance): Promise<void> {
  /** The signed-in user, or a redirect to sign in and come back here. */
  function requireUser(request: FastifyRequest, reply: FastifyReply): ConcurUser | undefined {
    const user = signedInUser(request);
    if (!user) void reply.redirect(`${pagePath(request, '/signin')}?returnTo=${encodeURIComponent(pagePath(request, request.url.split('?')[0]!))}`, 303);
    else request.journalClient = { kind: 'browser', user: user.loginId };
    return user;
  }

  const appNotFound = (request: FastifyRequest, reply: FastifyReply) => sendPage(reply, 404, errorPage({ base: request.mock.pathPrefix, title: 'App not found', message: 'The App Center has no app with that key.' }));

  app.get('/appcenter', async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const { mock } = request;
    const now = mock.clock.now();
    const apps = mock.world.directory.allApps().map((a) => ({ app: a, connected: mock.world.tokens.isConnected(a.consumerKey, user.loginId, now) }));
    return sendPage(reply, 200, appsPage({ base: mock.pathPrefix, user, csrf: reply.generateCsrf(), apps }));
  });

  app.get<{ Params: AppParams }>('/appcenter/apps/:consumerKey', async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const { mock } = request;
    const partner = mock.world.directory.app(request.params.consumerKey);
    if (!partner) return appNotFound(request, reply);
    const connected = mock.world.tokens.isConnected(partner.consumerKey, user.loginId, mock.clock.now());
    return sendPage(reply, 200, listingPage({ base: mock.pathPrefix, user, csrf: reply.generateCsrf(), app: partner, connected }));
  });

  app.post<{ Params: AppParams }>('/appcenter/apps/:consumerKey/connect', { preHandler: app.csrfProtection }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const { mock } = request;
    const partner = mock.world.directory.app(request.params.consumerKey);
    if (!partner) return appNotFound(request, reply);
    const redirectUri = partner.redirectUris[0];
    if (!redirectUri) return sendPage(reply, 409, errorPage({ base: mock.pathPrefix, title: 'This app cannot be connected yet', message: `${partner.name} has no registered redirect URI.` }));
    // A request token for this user and this app, valid as long as every other (15 minutes by default).
    const { token } = mock.world.tokens.issueRequestToken(partner.consumerKey, user.loginId, mock.clock.now());
    request.journalNote = `App Center connect: request token for ${user.loginId} to ${partner.consumerKey}`;
    request.journalSubject = { user: user.loginId };
    const target = new URL(redirectUri);
    // Today's App Center sends the user's id and a request token, exchanged at /oauth2/v0/token
    // (password grant, credtype=authtoken); the legacy redirect carries the token as `code`.
    if (partner.appCenterRedirect === 'requestToken') {
      target.searchParams.set('id', user.id);
      target.searchParams.set('requestToken', token);
    } else {
      target.searchParams.set('code', token);
    }
    return reply.redirect(target.toString(), 303);
  });

  app.post<{ Params: AppParams }>('/appcenter/apps/:consumerKey/disconnect', { preHandler: app.csrfProtection }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const { mock } = request;
    const partner = mock.world.directory.app(request.params.consumerKey);
    if (!partner) return appNotFound(request, reply);
    const count = mock.world.tokens.revokeUser(partner.consumerKey, user.loginId, mock.clock.now());
    request.journalNote = `App Center disconnect: revoked ${count} token(s) of ${user.loginId}`;
    request.journalSubject = { user: user.loginId };
    return reply.redirect(pagePath(request, `/appcenter/apps/${encodeURIComponent(partner.consumerKey)}`), 303);
  });
}
