import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PartnerApp } from '../../domain/directory.js';
import { consentPage, type WebFlowRequest } from '../views/consent-page.js';
import { errorPage } from '../views/error-page.js';
import { sendPage } from '../send-page.js';
import { parseScopes } from '../scopes.js';
import { signedInUser } from '../session.js';
import { ConcurApiError } from '../../wire/errors.js';
import { param } from '../../wire/params.js';

const LOGIN_PATH = '/net2/oauth2/Login.aspx';

type Problem = { title: string; message: string };
type Checked = { ok: true; app: PartnerApp; request: WebFlowRequest } | { ok: false; problem: Problem };

/**
 * The Web flow (`Login.aspx`): sign in, consent to the app's scopes, and back to the app's
 * registered redirect URI with `code` and `state` — or `error=access_denied`. A redirect URI
 * that is not exactly one the app registered gets an error page and never a redirect, so the
 * mock cannot be used to send a browser (or a code) anywhere else.
 */
export async function webFlowRoutes(app: FastifyInstance): Promise<void> {
  const { mock } = app;

  function check(input: Record<string, unknown>): Checked {
    // The API's parameter rules (case-insensitive names, given twice is refused), on a page.
    let clientId, redirectUri, scope, state;
    try {
      [clientId, redirectUri, scope, state] = ['client_id', 'redirect_uri', 'scope', 'state'].map((name) => param(input, name));
    } catch (error) {
      if (error instanceof ConcurApiError) return { ok: false, problem: { title: 'Invalid request', message: 'A parameter was given more than once.' } };
      throw error;
    }
    if (!clientId) return { ok: false, problem: { title: 'Invalid request', message: 'client_id is required.' } };
    const partner = mock.world.directory.app(clientId);
    if (!partner) return { ok: false, problem: { title: 'Unknown application', message: 'No application is registered with this client_id.' } };
    if (!redirectUri) return { ok: false, problem: { title: 'Invalid request', message: 'redirect_uri is required.' } };
    if (!partner.redirectUris.includes(redirectUri)) {
      return { ok: false, problem: { title: 'Redirect URI mismatch', message: `The redirect_uri is not one ${partner.name} registered, so you have not been sent anywhere.` } };
    }
    const asked = parseScopes(scope ?? '');
    if (asked.length === 0) return { ok: false, problem: { title: 'Invalid request', message: 'scope is required (for example CONREQ,USER).' } };
    // `scope` cannot expand what the app registered (the Web flow page): only registered scopes
    // are offered, and the token carries the app's registered scopes, never more.
    const scopes = [...new Set(asked.map((s) => s.toUpperCase()))].filter((s) => partner.scopes.has(s));
    if (scopes.length === 0) return { ok: false, problem: { title: 'Invalid scope', message: `None of the scopes asked for are registered for ${partner.name}.` } };
    if (state !== undefined && state.length > 2048) return { ok: false, problem: { title: 'Invalid request', message: 'state is longer than 2048 characters.' } };
    return { ok: true, app: partner, request: { clientId: partner.consumerKey, scope: scope!, scopes, redirectUri, state } };
  }

  const problemPage = (reply: FastifyReply, problem: Problem) => sendPage(reply, 400, errorPage(problem));

  app.get(LOGIN_PATH, async (request, reply) => {
    const checked = check(request.query as Record<string, unknown>);
    if (!checked.ok) return problemPage(reply, checked.problem);
    const user = signedInUser(request);
    if (!user) return reply.redirect(`/signin?returnTo=${encodeURIComponent(request.url)}`, 303);
    return sendPage(reply, 200, consentPage({ user, csrf: reply.generateCsrf(), app: checked.app, request: checked.request }));
  });

  app.post(LOGIN_PATH, { preHandler: app.csrfProtection, bodyLimit: 16_384 }, async (request: FastifyRequest, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const checked = check(Object.fromEntries(Object.entries(form).filter(([k]) => k !== '_csrf' && k !== 'decision')));
    if (!checked.ok) return problemPage(reply, checked.problem);
    const user = signedInUser(request);
    if (!user) return reply.redirect(`/signin?returnTo=${encodeURIComponent(LOGIN_PATH)}`, 303);
    const { request: flow } = checked;
    const target = new URL(flow.redirectUri);
    if (form['decision'] === 'approve') {
      const { token } = mock.world.tokens.issueRequestToken(checked.app.consumerKey, user.loginId, mock.clock.now());
      target.searchParams.set('code', token);
      request.journalNote = `web flow approved by ${user.loginId} for ${checked.app.consumerKey}`;
    } else if (form['decision'] === 'deny') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'User denied access');
      request.journalNote = `web flow denied by ${user.loginId} for ${checked.app.consumerKey}`;
    } else {
      return problemPage(reply, { title: 'Invalid request', message: 'Choose Approve or Deny.' });
    }
    if (flow.state !== undefined) target.searchParams.set('state', flow.state);
    return reply.redirect(target.toString(), 303);
  });
}
