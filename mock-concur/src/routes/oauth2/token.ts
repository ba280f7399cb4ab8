import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PartnerApp } from '../../domain/directory.js';
import type { MockState } from '../../state.js';
import { ConcurApiError } from '../../wire/errors.js';
import { oauth2Errors } from '../../wire/oauth2-errors.js';
import { param } from '../../wire/params.js';
import { issueApplicationToken, issueUserTokens } from './issue-tokens.js';

type Form = Record<string, unknown>;

/** Parameters the documents forbid in the URL ("requests containing confidential keys … will be rejected"). */
const CONFIDENTIAL = ['client_secret', 'password', 'refresh_token', 'code'];

/**
 * `POST /oauth2/v0/token`, form-encoded: the password grant (`credtype=password`, or
 * `authtoken` with a request token), client credentials, refresh (rotating the refresh token)
 * and the authorization code. Each failure is one of the documented numbered codes.
 */
export function tokenRoute(app: FastifyInstance): void {
  app.post('/oauth2/v0/token', async (request) => {
    const form = formOf(request);
    const grantType = field(form, 'grant_type');
    if (!grantType) throw oauth2Errors.grantTypeMissing();
    const partner = authenticateClient(request.mock, form);
    request.journalClient = { kind: 'api', app: partner.consumerKey, credential: 'client-secret' };
    if (grantType === 'client_credentials') return issueApplicationToken(request, partner);
    if (grantType === 'password') return passwordGrant(request, partner, form);
    if (grantType === 'refresh_token') return refreshGrant(request, partner, form);
    if (grantType === 'authorization_code') return codeGrant(request, partner, form);
    throw oauth2Errors.unknownGrant();
  });

  async function passwordGrant(request: FastifyRequest, partner: PartnerApp, form: Form) {
    const { mock } = request;
    const credtype = (field(form, 'credtype') ?? 'password').toLowerCase();
    if (credtype !== 'password' && credtype !== 'authtoken') throw oauth2Errors.invalidCredtype();
    const username = field(form, 'username');
    if (!username) throw oauth2Errors.usernameMissing();
    const password = field(form, 'password');
    if (!password) throw oauth2Errors.passwordMissing();
    const scopes = [...partner.scopes];
    if (credtype === 'password') {
      const user = mock.world.directory.authenticateUser(username, password);
      if (!user) throw oauth2Errors.incorrectCredentials();
      return issueUserTokens(request, partner, user, 'oauth2-password', scopes);
    }
    // credtype=authtoken: the request token a connection request or the App Center handed out,
    // with the user's id (the documents' `id`/`userId`) or, as a convenience, their login id.
    const user = mock.world.directory.userById(username) ?? mock.world.directory.user(username);
    const used = mock.world.tokens.useRequestToken(password, partner.consumerKey, mock.clock.now());
    if (!used.ok) throw used.reason === 'other-app' ? oauth2Errors.authTokenOfOtherClient() : oauth2Errors.incorrectCredentials();
    if (!user || user.loginId.toLowerCase() !== used.value.loginId.toLowerCase()) throw oauth2Errors.incorrectCredentials();
    const requestId = used.value.connectionRequestId;
    return issueUserTokens(request, partner, user, 'oauth2-authtoken', scopes, undefined, requestId === null ? undefined : [requestId]);
  }

  async function refreshGrant(request: FastifyRequest, partner: PartnerApp, form: Form) {
    const { mock } = request;
    const refreshToken = field(form, 'refresh_token');
    if (!refreshToken) throw oauth2Errors.refreshTokenMissing();
    const scopes = narrowedScopes(partner, field(form, 'scope'));
    const now = mock.clock.now();
    const result = mock.world.tokens.refreshOAuth2(refreshToken, partner.consumerKey, now, mock.options.refreshTokenRotation, now + mock.options.oauth2RefreshTokenTtlMs);
    if (!result.ok) throw oauth2Errors.badRefreshToken();
    const user = mock.world.directory.user(result.value.loginId);
    if (!user) throw oauth2Errors.badRefreshToken();
    return issueUserTokens(request, partner, user, 'oauth2-refresh', scopes, result.value);
  }

  async function codeGrant(request: FastifyRequest, partner: PartnerApp, form: Form) {
    const { mock } = request;
    const code = field(form, 'code');
    if (!code) throw oauth2Errors.codeMissing();
    const redirectUri = field(form, 'redirect_uri');
    if (!redirectUri) throw oauth2Errors.redirectUriMissing();
    // Only codes from /oauth2/v0/authorize carry a redirect URI: a legacy request token is no code here.
    const issued = mock.world.tokens.peekRequestToken(code);
    if (!issued || issued.redirectUri === undefined) throw oauth2Errors.badCode();
    if (issued.appKey !== partner.consumerKey) throw oauth2Errors.codeOfOtherClient();
    if (issued.redirectUri !== redirectUri) throw oauth2Errors.redirectUriMismatch();
    const used = mock.world.tokens.useRequestToken(code, partner.consumerKey, mock.clock.now());
    if (!used.ok) throw oauth2Errors.badCode();
    const user = mock.world.directory.user(used.value.loginId);
    if (!user) throw oauth2Errors.badCode();
    return issueUserTokens(request, partner, user, 'oauth2-code', [...partner.scopes]);
  }
}

/** The form body; anything else (JSON, text, parameters in the URL) is the wrong format. */
function formOf(request: FastifyRequest): Form {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const query = request.query as Form;
  if (CONFIDENTIAL.some((name) => Object.keys(query).some((k) => k.toLowerCase() === name))) throw oauth2Errors.badParameter('confidential parameters belong in the form body, never in the URL');
  if (request.body === undefined || request.body === null) return {};
  if (type !== 'application/x-www-form-urlencoded' || typeof request.body !== 'object') throw oauth2Errors.unsupportedFormat();
  return request.body as Form;
}

/** One form field (names case-insensitive, like Concur's other endpoints); twice is refused. */
function field(form: Form, name: string): string | undefined {
  try {
    return param(form, name);
  } catch (error) {
    if (error instanceof ConcurApiError) throw oauth2Errors.badParameter(`${name} was given more than once`);
    throw error;
  }
}

function authenticateClient(mock: MockState, form: Form): PartnerApp {
  const clientId = field(form, 'client_id');
  if (!clientId) throw oauth2Errors.clientIdMissing();
  const clientSecret = field(form, 'client_secret');
  if (!clientSecret) throw oauth2Errors.clientSecretMissing();
  const directory = mock.world.directory;
  const partner = directory.authenticateApp(clientId, clientSecret);
  if (partner) return partner;
  throw directory.app(clientId) ? oauth2Errors.wrongClientSecret() : oauth2Errors.clientNotFound();
}

/** A refresh may narrow the scope (space-separated), never widen it (code 54). */
function narrowedScopes(partner: PartnerApp, scope: string | undefined): string[] {
  if (scope === undefined || scope.trim() === '') return [...partner.scopes];
  const asked = [...new Set(scope.trim().split(/\s+/).map((s) => s.toUpperCase()))];
  if (asked.some((s) => !partner.scopes.has(s))) throw oauth2Errors.scopeExceedsGrant();
  return asked;
}
