/**
 * The provider states fixtures may name, as data: what each takes, what variables it
 * provides, and whether only the mock's control API (/_mock/) can arrange it. The loader
 * checks fixtures against this list; `state-handlers.ts` arranges them.
 */
export interface StateDeclaration {
  /** The name fixtures use; `{param}` parts are filled from the params when reported. */
  name: string;
  /** JSON Schema of the params (validated when fixtures load). */
  params: Record<string, unknown>;
  provides: readonly string[];
  /** True when no real Concur can be put in this state on demand. */
  mockOnly: boolean;
}

const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} } as const;

export const STATE_DECLARATIONS: readonly StateDeclaration[] = [
  {
    name: 'an access token for the Web Services Administrator',
    params: NO_PARAMS,
    provides: ['adminToken', 'adminRefreshToken'],
    mockOnly: false,
  },
  {
    name: 'an access token for a user without an administrator role',
    params: NO_PARAMS,
    provides: ['travelerToken'],
    mockOnly: false,
  },
  {
    name: 'an access token of an application without the CONREQ scope',
    params: NO_PARAMS,
    provides: ['noScopeToken'],
    mockOnly: true,
  },
  {
    name: 'an access token that expired',
    params: NO_PARAMS,
    provides: ['expiredToken'],
    mockOnly: true,
  },
  {
    name: 'an access token that was revoked',
    params: NO_PARAMS,
    provides: ['revokedToken'],
    mockOnly: true,
  },
  {
    name: 'a request token issued {ageSeconds} seconds ago',
    params: { type: 'object', required: ['ageSeconds'], additionalProperties: false, properties: { ageSeconds: { type: 'integer', minimum: 0 } } },
    provides: ['requestToken'],
    mockOnly: true,
  },
  {
    name: 'a request token issued to another application',
    params: NO_PARAMS,
    provides: ['requestToken'],
    mockOnly: true,
  },
  {
    name: '{count} pending connection requests',
    params: { type: 'object', required: ['count'], additionalProperties: false, properties: { count: { type: 'integer', minimum: 0, maximum: 1000 } } },
    provides: [],
    mockOnly: true,
  },
  {
    name: 'a pending connection request for a user with loyalty number {loyaltyNumber}',
    params: {
      type: 'object',
      required: ['loyaltyNumber', 'firstName', 'lastName'],
      additionalProperties: false,
      properties: {
        loyaltyNumber: { type: 'string', minLength: 1 },
        firstName: { type: 'string', minLength: 1 },
        middleName: { type: ['string', 'null'] },
        lastName: { type: 'string', minLength: 1 },
        emails: { type: 'array', maxItems: 5, items: { type: 'string' } },
      },
    },
    provides: ['connectionRequestId'],
    mockOnly: true,
  },
  {
    name: 'a user with no open connection request',
    params: NO_PARAMS,
    provides: ['userLoginId'],
    mockOnly: true,
  },
  {
    name: 'the id of a user without an administrator role',
    params: NO_PARAMS,
    provides: ['travelerUserId'],
    mockOnly: true,
  },
  {
    name: 'an /oauth2/v0 token for a user without an administrator role',
    params: NO_PARAMS,
    provides: ['oauth2AccessToken', 'oauth2RefreshToken'],
    mockOnly: false,
  },
  {
    name: 'an /oauth2/v0 application token',
    params: NO_PARAMS,
    provides: ['oauth2AppToken'],
    mockOnly: false,
  },
  {
    name: 'a user with an open connection request',
    params: NO_PARAMS,
    provides: ['userLoginId'],
    mockOnly: true,
  },
];

export function stateDeclaration(name: string): StateDeclaration | undefined {
  return STATE_DECLARATIONS.find((s) => s.name === name);
}

/** `a request token issued {ageSeconds} seconds ago` + `{ageSeconds: 960}` → `… issued 960 seconds ago`. */
export function describeState(name: string, params: Readonly<Record<string, unknown>> = {}): string {
  return name.replace(/\{(\w+)\}/g, (whole, key: string) => (params[key] === undefined ? whole : String(params[key])));
}
