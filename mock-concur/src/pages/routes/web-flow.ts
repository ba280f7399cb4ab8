import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PartnerApp } from '../../domain/directory.js';
import { consentPage, type WebFlowRequest } from '../views/consent-page.js';
import { errorPage } from '../views/error-page.js';
import { sendPage } from '../send-page.js';
import { parseScopes } from '../scopes.js';
import { pagePath, signedInUser } from '../session.js';
import { ConcurApiError } from '../../wire/errors.js';
import { baseUrl } from '../../wire/base-url.js';
import { param } from '../../wire/params.js';

const LOGIN_PATH = '/net2/oauth2/Login.aspx';
const AUTHORIZE_PATH = '/oauth2/v0/authorize';

/** The two consent flows: the legacy Web flow and the v0 authorization-code grant. */
type Flow = 'legacy' | 'oauth2';

type Problem = { title: string; message: string };
type Checked = { ok: true; app: PartnerApp; request: WebFlowRequest } | { ok: false; problem: Problem };

/**
 * The Web flow (`Login.aspx`) and the v0 authorization-code grant (`/oauth2/v0/authorize`):
 * sign in, consent to the app's scopes, and back to the app's registered redirect URI — the
 * legacy flow with `code` and `state` or `error=access_denied`; v0 with `code`, `geolocation`
 * and `state`, or `error_code=user_denied` (the Authentication API page). A redirect URI that
 * is not exactly one the app registered gets an error page and never a redirect, so the mock
 * cannot be used to send a browser (or a code) anywhere else.
 */
export async function webFlowRoutes(app: FastifyInstance): Promise<void> {
  function check(request: FastifyRequest, input: Record<string, unknown>, flow: Flow): Checked {
    const { mock } = request;
    // The API's parameter rules (case-insensitive names, given twice is refused), on a page.
    let clientId, redirectUri, scope, state, responseType;
    try {
      [clientId, redirectUri, scope, state, responseType] = ['client_id', 'redirect_uri', 'scope', 'state', 'response_type'].map((name) => param(input, name));
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
    if (flow === 'oauth2' && responseType !== 'code') return { ok: false, problem: { title: 'Invalid request', message: 'response_type must be code.' } };
    const action = flow === 'oauth2' ? AUTHORIZE_PATH : LOGIN_PATH;
    return { ok: true, app: partner, request: { clientId: partner.consumerKey, scope: scope!, scopes, redirectUri, state, action, ...(flow === 'oauth2' ? { responseType: 'code' } : {}) } };
  }

  const problemPage = (request: FastifyRequest, reply: FastifyReply, problem: Problem) => sendPage(reply, 400, errorPage({ base: request.mock.pathPrefix, ...problem }));

  for (const [path, flow] of [
    [LOGIN_PATH, 'legacy'],
    [AUTHORIZE_PATH, 'oauth2'],
  ] as const) {
    app.get(path, async (request, reply) => {
      const checked = check(request, request.query as Record<string, unknown>, flow);
      if (!checked.ok) return problemPage(request, reply, checked.problem);
      const user = signedInUser(request);
      if (!user) return reply.redirect(`${pagePath(request, '/signin')}?returnTo=${encodeURIComponent(pagePath(request, request.url))}`, 303);
      return sendPage(reply, 200, consentPage({ base: request.mock.pathPrefix, user, csrf: reply.generateCsrf(), app: checked.app, request: checked.request }));
    });
    app.post(path, { preHandler: app.csrfProtection, bodyLimit: 16_384 }, async (request: FastifyRequest, reply) => decide(request, reply, path, flow));
  }

  function decide(request: FastifyRequest, reply: FastifyReply, path: string, flow: Flow) {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const checked = check(request, Object.fromEntries(Object.entries(form).filter(([k]) => k !== '_csrf' && k !== 'decision')), flow);
    if (!checked.ok) return problemPage(request, reply, checked.problem);
    const user = signedInUser(request);
    if (!user) return reply.redirect(`${pagePath(request, '/signin')}?returnTo=${encodeURIComponent(pagePath(request, path))}`, 303);
    const { request: asked } = checked;
    const target = new URL(asked.redirectUri);
    const decision = form['decision'];
    if (decision !== 'approve' && decision !== 'deny') return problemPage(request, reply, { title: 'Invalid request', message: 'Choose Approve or Deny.' });
    const { mock } = request;
    const now = mock.clock.now();
    if (decision === 'approve' && flow === 'legacy') {
      target.searchParams.set('code', mock.world.tokens.issueRequestToken(checked.app.consumerKey, user.loginId, now).token);
    } else if (decision === 'approve') {
      // A v0 code is bound to its redirect URI: the authorization_code grant must name it again.
      target.searchParams.set('code', mock.world.tokens.issueRequestToken(checked.app.consumerKey, user.loginId, now, null, asked.redirectUri).token);
      target.searchParams.set('geolocation', baseUrl(request));
    } else if (flow === 'legacy') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'User denied access');
    } else {
      target.searchParams.set('error_code', 'user_denied');
      target.searchParams.set('error_description', 'The user denied your request.');
    }
    request.journalNote = `${flow === 'legacy' ? 'web flow' : 'oauth2 authorize'} ${decision === 'approve' ? 'approved' : 'denied'} by ${user.loginId} for ${checked.app.consumerKey}`;
    request.journalClient = { kind: 'browser', user: user.loginId };
    request.journalSubject = { user: user.loginId };
    if (asked.state !== undefined) target.searchParams.set('state', asked.state);
    return reply.redirect(target.toString(), 303);
  }
}
