import type { FastifyInstance } from 'fastify';
import { signInPage } from '../views/sign-in-page.js';
import { sendPage } from '../send-page.js';
import { endSession, pagePath, safeReturnTo, signedInUser, startSession } from '../session.js';

type Form = Record<string, unknown>;
const text = (form: Form, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');

/** Concur's sign-in for the App Center and the Web flow: the demo users and any created later. */
export async function signInRoutes(app: FastifyInstance): Promise<void> {
  app.get('/signin', async (request, reply) => {
    const returnTo = safeReturnTo(request, (request.query as Form)['returnTo']);
    if (signedInUser(request)) return reply.redirect(returnTo, 303);
    return sendPage(reply, 200, signInPage({ base: request.mock.pathPrefix, csrf: reply.generateCsrf(), returnTo }));
  });

  app.post('/signin', { preHandler: app.csrfProtection, bodyLimit: 8192 }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const loginId = text(form, 'loginId').trim().slice(0, 256);
    const returnTo = safeReturnTo(request, form['returnTo']);
    const user = loginId ? request.mock.world.directory.authenticateUser(loginId, text(form, 'password')) : undefined;
    if (!user) {
      request.journalNote = 'sign-in refused';
      return sendPage(reply, 401, signInPage({ base: request.mock.pathPrefix, csrf: reply.generateCsrf(), returnTo, loginId, error: 'That login ID and password do not match. Check both and try again.' }));
    }
    startSession(request, reply, user);
    request.journalNote = `signed in ${user.loginId}`;
    request.journalClient = { kind: 'browser', user: user.loginId };
    request.journalSubject = { user: user.loginId };
    return reply.redirect(returnTo, 303);
  });

  app.post('/signout', { preHandler: app.csrfProtection }, async (request, reply) => {
    endSession(request, reply);
    return reply.redirect(pagePath(request, '/signin'), 303);
  });
}
