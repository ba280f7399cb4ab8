/** Issue 18 item 8: the Web flow's `scope` cannot expand what the app registered (the Web flow page). */
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, json, mockConcur, oauth } from '../../support/mock.js';

let app: FastifyInstance;
let cookies: Map<string, string>;
beforeEach(async () => {
  app = await mockConcur();
  cookies = new Map();
});
afterEach(async () => app.close());

async function request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<LightMyRequestResponse> {
  const res = await app.inject({
    method,
    url,
    headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
  });
  for (const c of res.cookies as { name: string; value: string }[]) cookies.set(c.name, c.value);
  return res;
}
const csrf = (res: LightMyRequestResponse) => /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
async function signIn(): Promise<void> {
  const page = await request('GET', '/signin?returnTo=%2Fappcenter');
  await request('POST', '/signin', { _csrf: csrf(page), loginId: DEMO.traveler.loginId, password: DEMO.traveler.password, returnTo: '/appcenter' });
}
const loginUrl = (q: Record<string, string>) => `/net2/oauth2/Login.aspx?${new URLSearchParams(q)}`;

/** Approves the Web flow and exchanges the code: the token the app would hold. */
async function approveAndExchange(clientId: string, secret: string, redirectUri: string, scope: string): Promise<string> {
  const consent = await request('GET', loginUrl({ client_id: clientId, scope, redirect_uri: redirectUri }));
  expect(consent.statusCode, consent.body.slice(0, 300)).toBe(200);
  const approved = await request('POST', '/net2/oauth2/Login.aspx', { _csrf: csrf(consent), client_id: clientId, scope, redirect_uri: redirectUri, decision: 'approve' });
  const code = new URL(approved.headers.location as string).searchParams.get('code')!;
  const res = await app.inject({ url: `/net2/oauth2/getaccesstoken.ashx?code=${code}&client_id=${clientId}&client_secret=${secret}`, headers: { accept: 'application/json' } });
  return res.json<{ Access_Token: { Token: string } }>().Access_Token.Token;
}

describe('Web flow scope', () => {
  it('offers only the registered scopes asked for; an unregistered one is not shown', async () => {
    await signIn();
    const consent = await request('GET', loginUrl({ client_id: DEMO.app.consumerKey, scope: 'CONREQ,EXPRPT,user', redirect_uri: DEMO.app.redirectUri }));
    expect(consent.statusCode).toBe(200);
    expect(consent.body).toContain('Connection requests');
    expect(consent.body).toContain('Your profile');
    expect(consent.body).not.toContain('Your expense reports');
  });

  it('shows an error page, and redirects nowhere, when none of the scopes asked for is registered', async () => {
    await signIn();
    const res = await request('GET', loginUrl({ client_id: DEMO.app.consumerKey, scope: 'EXPRPT RCTIMG', redirect_uri: DEMO.app.redirectUri }));
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toContain('None of the scopes asked for are registered');
  });

  it('gives a token that carries only what the app registered: asking for CONREQ does not add it', async () => {
    const created = await json<{ consumerKey: string; consumerSecret: string }>(app, { method: 'POST', url: '/_mock/apps', payload: { name: 'Profile Only', scopes: ['USER'], redirectUris: ['https://partner.example/cb'] } });
    await signIn();
    const token = await approveAndExchange(created.body.consumerKey, created.body.consumerSecret, 'https://partner.example/cb', 'USER,CONREQ');
    // The admin role is missing too, so ask as the admin through the Native flow: the scope is still missing.
    expect(token).toMatch(/^\S+$/);
    const adminToken = (await json<{ token: string }>(app, { method: 'POST', url: '/_mock/access-tokens', payload: { consumerKey: created.body.consumerKey, loginId: DEMO.admin.loginId } })).body.token;
    const res = await app.inject({ url: '/api/v3.2/common/connectionrequests', headers: { ...oauth(adminToken), accept: 'application/json' } });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('does not have the CONREQ scope');
  });

  it('never answers 500 and never lists an unregistered scope, whatever scope is asked for (property)', async () => {
    await signIn();
    const registered = ['CONREQ', 'USER', 'ITINER', 'TRVPRF'];
    const scope = fc.array(fc.oneof(fc.constantFrom('CONREQ', 'user', 'EXPRPT', 'RCTIMG', 'Itiner', '<b>x</b>'), fc.string({ maxLength: 12 })), { maxLength: 6 }).map((s) => s.join(fc.sample(fc.constantFrom(',', ' ', ', '), 1)[0]!));
    await fc.assert(
      fc.asyncProperty(scope, async (s) => {
        const res = await request('GET', loginUrl({ client_id: DEMO.app.consumerKey, scope: s, redirect_uri: DEMO.app.redirectUri }));
        expect([200, 400]).toContain(res.statusCode);
        expect(res.body).not.toContain('Your expense reports');
        expect(res.body).not.toContain('Your receipt images');
        const asked = s.split(/[\s,]+/).filter(Boolean).map((x) => x.toUpperCase());
        expect(res.statusCode === 200).toBe(asked.some((x) => registered.includes(x)));
      }),
      { numRuns: 60 },
    );
  });
});
