import type { Json } from '../fixtures/fixture-types.js';
import type { ConcurCredentials } from '../provider/credentials.js';
import { HttpFailure, send, type Fetch } from '../provider/http.js';
import type { MockControl } from '../provider/mock-control.js';
import { nativeFlowToken } from '../provider/native-flow.js';
import type { MockPartnerContext } from '../provider/partner-context.js';
import { BASE_VARIABLES } from './base-variables.js';
import { STATE_DECLARATIONS } from './state-declarations.js';

/** What a state handler may use: the mock's control API when the target is the mock, else credentials. */
export interface StateContext {
  baseUrl: string;
  /** The interaction's variables so far (base variables, then earlier states'). */
  variables: Readonly<Record<string, string>>;
  mock?: { control: MockControl; partner: MockPartnerContext };
  credentials: ConcurCredentials;
  fetch: Fetch;
  timeoutMs: number;
}

/** The state cannot be arranged on this target; the interaction is skipped with this reason. */
export class StateUnavailable extends Error {}

type Handler = (ctx: StateContext, params: Readonly<Record<string, Json>>) => Promise<Record<string, string>>;

const YEAR_AND_A_DAY_SECONDS = 366 * 86_400;

const v = (ctx: StateContext, name: string): string => {
  const value = ctx.variables[name];
  if (value !== undefined) return value;
  const base = BASE_VARIABLES.find((b) => b.name === name);
  throw new StateUnavailable(base?.flag ? `needs {{${name}}} (${base.flag} or ${base.env})` : `needs {{${name}}}`);
};

function mockOnly(ctx: StateContext): NonNullable<StateContext['mock']> {
  // Unreachable for a real target: the verifier skips mock-only states before calling handlers.
  if (!ctx.mock) throw new StateUnavailable("needs the mock's control API (/_mock)");
  return ctx.mock;
}

/** An administrator's or traveller's token: minted by the mock, or through the Native flow. */
async function userToken(ctx: StateContext, who: 'admin' | 'traveler'): Promise<{ token: string; refreshToken: string }> {
  if (ctx.mock) return ctx.mock.control.accessToken({ consumerKey: v(ctx, 'consumerKey'), loginId: v(ctx, `${who}LoginId`) });
  if (who === 'admin' && ctx.credentials.adminToken && !(ctx.credentials.adminLoginId && ctx.credentials.adminPassword)) return { token: ctx.credentials.adminToken, refreshToken: '' };
  const login = ctx.variables[`${who}LoginId`];
  const password = ctx.variables[`${who}Password`];
  if (!login || !password) throw new StateUnavailable(who === 'admin' ? 'needs --admin-login and --admin-password (or --admin-token)' : 'needs --traveler-login and --traveler-password');
  return nativeFlowToken(ctx.baseUrl, login, password, v(ctx, 'consumerKey'), ctx.fetch, ctx.timeoutMs);
}

/** A token from the provider's own /oauth2/v0/token: works on the mock and on a real Concur alike. */
async function oauth2Token(ctx: StateContext, form: Record<string, string>): Promise<{ access_token: string; refresh_token?: string }> {
  const res = await send(
    ctx.fetch,
    `${ctx.baseUrl}/oauth2/v0/token`,
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams({ client_id: v(ctx, 'consumerKey'), client_secret: v(ctx, 'consumerSecret'), ...form }).toString() },
    ctx.timeoutMs,
  );
  if (res.status !== 200) throw new HttpFailure(`/oauth2/v0/token (${form['grant_type']}) answered ${res.status}: ${res.text.slice(0, 200)}`);
  return JSON.parse(res.text) as { access_token: string; refresh_token?: string };
}

const HANDLERS: Record<string, Handler> = {
  'an access token for the Web Services Administrator': async (ctx): Promise<Record<string, string>> => {
    const { token, refreshToken } = await userToken(ctx, 'admin');
    // Without a refresh token (an --admin-token was given) the refresh interactions skip.
    return refreshToken ? { adminToken: token, adminRefreshToken: refreshToken } : { adminToken: token };
  },
  'an access token for a user without an administrator role': async (ctx) => ({ travelerToken: (await userToken(ctx, 'traveler')).token }),
  'an access token of an application without the CONREQ scope': async (ctx) => {
    const { control, partner } = mockOnly(ctx);
    const consumerKey = partner.unique('contract-noconreq');
    await control.addApp({ name: `Contract verification ${consumerKey}`, consumerKey, consumerSecret: partner.newSecret(), scopes: ['USER'] });
    return { noScopeToken: (await control.accessToken({ consumerKey, loginId: v(ctx, 'adminLoginId') })).token };
  },
  'an access token that expired': async (ctx) => ({
    expiredToken: (await mockOnly(ctx).control.accessToken({ consumerKey: v(ctx, 'consumerKey'), loginId: v(ctx, 'adminLoginId'), ageSeconds: YEAR_AND_A_DAY_SECONDS })).token,
  }),
  'an access token that was revoked': async (ctx) => ({
    revokedToken: (await mockOnly(ctx).control.accessToken({ consumerKey: v(ctx, 'consumerKey'), loginId: v(ctx, 'adminLoginId'), revoked: true })).token,
  }),
  'a request token issued {ageSeconds} seconds ago': async (ctx, params) => ({
    requestToken: await mockOnly(ctx).control.requestToken({ consumerKey: v(ctx, 'consumerKey'), loginId: v(ctx, 'travelerLoginId'), ageSeconds: params['ageSeconds'] as number }),
  }),
  'a request token issued to another application': async (ctx) => ({
    requestToken: await mockOnly(ctx).control.requestToken({ consumerKey: v(ctx, 'otherConsumerKey'), loginId: v(ctx, 'travelerLoginId'), ageSeconds: 0 }),
  }),
  '{count} pending connection requests': async (ctx, params) => {
    const count = params['count'] as number;
    if (count > 0) await mockOnly(ctx).control.connectionRequests({ consumerKey: v(ctx, 'consumerKey'), count });
    else mockOnly(ctx);
    return {};
  },
  'a pending connection request for a user with loyalty number {loyaltyNumber}': async (ctx, params) => {
    const { control, partner } = mockOnly(ctx);
    const loginId = `${partner.unique('contract-user')}@contracts.example`;
    await control.addUser({
      loginId,
      password: partner.userPassword(),
      firstName: params['firstName'] as string,
      middleName: (params['middleName'] as string | null | undefined) ?? null,
      lastName: params['lastName'] as string,
      loyaltyNumber: params['loyaltyNumber'] as string,
      ...(params['emails'] ? { emails: params['emails'] as string[] } : {}),
    });
    const [id] = await control.connectionRequests({ consumerKey: v(ctx, 'consumerKey'), loginId });
    return { connectionRequestId: id! };
  },
  'a user with no open connection request': async (ctx) => {
    const { control, partner } = mockOnly(ctx);
    const loginId = `${partner.unique('contract-user')}@contracts.example`;
    await control.addUser({ loginId, password: partner.userPassword(), firstName: 'Casey', lastName: 'Newcomer', loyaltyNumber: '7000000002' });
    return { userLoginId: loginId };
  },
  'the id of a user without an administrator role': async (ctx) => {
    const users = await mockOnly(ctx).control.users();
    const id = users.find((u) => u.loginId.toLowerCase() === v(ctx, 'travelerLoginId').toLowerCase())?.id;
    if (!id) throw new StateUnavailable(`the mock has no user ${v(ctx, 'travelerLoginId')}`);
    return { travelerUserId: id };
  },
  'an /oauth2/v0 token for a user without an administrator role': async (ctx) => {
    const body = await oauth2Token(ctx, { grant_type: 'password', username: v(ctx, 'travelerLoginId'), password: v(ctx, 'travelerPassword') });
    return { oauth2AccessToken: body.access_token, oauth2RefreshToken: body.refresh_token ?? '' };
  },
  'an /oauth2/v0 application token': async (ctx) => ({ oauth2AppToken: (await oauth2Token(ctx, { grant_type: 'client_credentials' })).access_token }),
  'a user with an open connection request': async (ctx) => {
    const { control, partner } = mockOnly(ctx);
    const loginId = `${partner.unique('contract-user')}@contracts.example`;
    await control.addUser({ loginId, password: partner.userPassword(), firstName: 'Olivia', lastName: 'Opened', loyaltyNumber: '7000000003' });
    await control.connectionRequests({ consumerKey: v(ctx, 'consumerKey'), loginId });
    return { userLoginId: loginId };
  },
};

// Every declared state has a handler and nothing else does: fail at import, not mid-run.
for (const d of STATE_DECLARATIONS) if (!HANDLERS[d.name]) throw new Error(`provider state '${d.name}' has no handler`);
for (const name of Object.keys(HANDLERS)) if (!STATE_DECLARATIONS.some((d) => d.name === name)) throw new Error(`handler for undeclared provider state '${name}'`);

export function stateHandler(name: string): Handler {
  return HANDLERS[name]!;
}
