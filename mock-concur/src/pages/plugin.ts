import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyError, FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { appCenterRoutes } from './routes/app-center.js';
import { consoleRoutes } from './routes/console.js';
import { signInRoutes } from './routes/sign-in.js';
import { webFlowRoutes } from './routes/web-flow.js';
import { errorPage } from './views/error-page.js';
import { sendPage } from './send-page.js';
import { CSRF_COOKIE } from './session.js';
import { ConcurApiError } from '../wire/errors.js';
import { BROWSER_CLIENT } from '../http/journal-client.js';

declare module 'fastify' {
  interface FastifyReply {
    /** This response's nonce for its inline script, named in its Content-Security-Policy. */
    cspNonce: string;
  }
}

/**
 * Concur's pages for people: sign-in, the App Center, the Web flow's consent and the mock's
 * console. One encapsulated plugin, so its cookies, CSRF protection and HTML error pages stay
 * away from the API routes, which answer in Concur's XML/JSON envelope.
 */
export async function webPages(app: FastifyInstance): Promise<void> {
  await app.register(cookie, { secret: app.mock.options.sessionSecret ?? randomBytes(32).toString('base64url') });
  await app.register(csrf, { cookieKey: CSRF_COOKIE, cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true } });
  app.decorateReply('cspNonce', '');

  app.addHook('onRequest', (request, reply, done) => {
    // Every page is a browser's: the conversation draws them in one lane.
    request.journalClient = BROWSER_CLIENT;
    reply.cspNonce = randomBytes(16).toString('base64');
    // The code travels in the redirect's query string: never in a Referer to anyone else.
    void reply.headers({
      'content-security-policy': `default-src 'none'; script-src 'nonce-${reply.cspNonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'`,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    done();
  });

  app.setErrorHandler((error: FastifyError | ConcurApiError, request, reply) => {
    if ('code' in error && (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET')) {
      return sendPage(reply, 403, errorPage({ base: request.mock.pathPrefix, title: 'This form has expired', message: 'The page you submitted was out of date or did not come from this site, so nothing was done.', detail: 'Go back, reload the page and try again.' }));
    }
    // The mock's own errors (a bad body, an injected fault) carry `status`; Fastify's carry
    // `statusCode`. Either is the page's status; anything else is a bug: 500.
    const given = error instanceof ConcurApiError ? error.status : error.statusCode;
    const status = given !== undefined && given >= 400 && given < 600 ? given : 500;
    if (error instanceof ConcurApiError) void reply.headers(error.headers);
    if (status === 500 && !(error instanceof ConcurApiError)) reply.log.error({ err: error }, 'web page failed');
    const title = status >= 500 ? (error instanceof ConcurApiError ? 'Concur is not answering right now' : 'Something went wrong') : 'That request could not be used';
    const message = status >= 500 && !(error instanceof ConcurApiError) ? 'The mock hit an unexpected error.' : error.message.slice(0, 300);
    return sendPage(reply, status, errorPage({ base: request.mock.pathPrefix, title, message }));
  });

  await app.register(signInRoutes);
  await app.register(appCenterRoutes);
  await app.register(webFlowRoutes);
  await app.register(consoleRoutes);
}
