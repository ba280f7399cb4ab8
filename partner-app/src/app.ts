import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { createConcurClient } from 'concur-partner-client';
import { CodeLedger } from './code-ledger.js';
import type { PartnerContext } from './context.js';
import { seedDemoMembers } from './demo-members.js';
import { MemberStore } from './member-store.js';
import { resolvePartnerAppOptions, type PartnerAppInput } from './options.js';
import { redactQuery } from './redact-query.js';
import { sendPage } from './render.js';
import { callbackRoutes } from './routes/callback-routes.js';
import { linkRoutes } from './routes/link-routes.js';
import { siteRoutes } from './routes/site-routes.js';
import { CSRF_COOKIE } from './session.js';
import { plainProblemPage } from './views/problem-page.js';

// No inline script or style anywhere; forms post only to this app.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The reference partner app (TripLink Demo Rewards): the App Center flow's partner side, built
 * on the client alone. Never listens; `server.ts` does, tests use `listen({ port: 0 })` or inject().
 */
export async function buildPartnerApp(input: PartnerAppInput = {}): Promise<FastifyInstance> {
  const options = resolvePartnerAppOptions(input);
  const members = await MemberStore.open(options.storePath);
  if (options.seedDemoMembers) await seedDemoMembers(members, options.now());
  const ctx: PartnerContext = {
    options,
    members,
    concur: createConcurClient({
      baseUrl: options.concurBaseUrl,
      consumerKey: options.consumerKey,
      consumerSecret: options.consumerSecret,
      format: 'json',
      timeoutMs: options.concurTimeoutMs,
      fetch: options.fetch,
    }),
    codes: new CodeLedger(),
    sessionSettings: { secure: options.secureCookies, maxAgeMs: options.sessionMaxAgeMs, now: options.now },
    appCenterUrl: `${options.concurWebUrl}/appcenter/apps/${encodeURIComponent(options.consumerKey)}`,
  };

  const app = Fastify({
    bodyLimit: 16 * 1024,
    logger: {
      level: options.logLevel,
      // The callback's query carries the request token: never write it to a log.
      serializers: { req: (request) => ({ method: request.method, url: redactQuery(request.url), remoteAddress: request.ip }) },
    },
  });
  await app.register(fastifyCookie, { secret: options.cookieSecret });
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: options.secureCookies, signed: true },
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN') {
      return sendPage(reply, 403, {
        title: 'This form could not be accepted',
        body: plainProblemPage('This form could not be accepted', 'It was open too long, or it did not come from this site. Go back, reload the page and try again.', { href: '/', label: 'Go to the home page' }),
      });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unhandled error');
    const explain = status === 500 ? 'Something went wrong on our side. Please try again.' : 'The request could not be read. Go back and try again.';
    return sendPage(reply, status, { title: 'Something went wrong', body: plainProblemPage('Something went wrong', explain, { href: '/', label: 'Go to the home page' }) });
  });

  app.setNotFoundHandler((_request, reply) =>
    sendPage(reply, 404, { title: 'Page not found', body: plainProblemPage('Page not found', 'There is no page at this address.', { href: '/', label: 'Go to the home page' }) }),
  );

  await app.register(async (scope) => siteRoutes(scope, ctx));
  await app.register(async (scope) => callbackRoutes(scope, ctx));
  await app.register(async (scope) => linkRoutes(scope, ctx));
  return app;
}
