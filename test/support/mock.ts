import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { buildMockConcur, DEMO, type MockConcurInput } from 'mock-concur';

export { DEMO };

/** A mock on a manual clock that starts at a fixed instant: every test's time is its own. */
export const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

export function mockConcur(options: MockConcurInput = {}): Promise<FastifyInstance> {
  return buildMockConcur({ clock: 'manual', clockStartMs: T0, logLevel: 'silent', ...options });
}

export function basic(loginId: string, password: string): string {
  return 'Basic ' + Buffer.from(`${loginId}:${password}`).toString('base64');
}

export interface Tokens {
  token: string;
  refreshToken: string;
}

/** A token through the Native flow (JSON), as an auto-connect service gets its admin token. */
export async function nativeToken(app: FastifyInstance, loginId: string = DEMO.admin.loginId, consumerKey: string = DEMO.app.consumerKey, password: string = DEMO.admin.password): Promise<Tokens> {
  const res = await app.inject({ url: '/net2/oauth2/accesstoken.ashx', headers: { authorization: basic(loginId, password), 'x-consumerkey': consumerKey, accept: 'application/json' } });
  if (res.statusCode !== 200) throw new Error(`native flow failed: ${res.statusCode} ${res.body}`);
  const body = res.json<{ Access_Token: { Token: string; Refresh_Token: string } }>();
  return { token: body.Access_Token.Token, refreshToken: body.Access_Token.Refresh_Token };
}

export function oauth(token: string): Record<string, string> {
  return { authorization: `OAuth ${token}` };
}

export const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => name === 'ConnectionRequest' });

export function parseXml<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return xml.parse(res.body) as T;
}

/** The Concur error envelope of a response, in whichever format it came. */
export function concurError(res: LightMyRequestResponse): { Message: string; 'Server-Time': string; Id: string } {
  // Concur's JSON errors come wrapped in Error, as the XML (issue 18); the control API's are flat.
  if (res.headers['content-type']?.toString().includes('json')) {
    const body = res.json<Record<string, unknown>>();
    return (Object.keys(body).length === 1 && 'Error' in body ? body['Error'] : body) as { Message: string; 'Server-Time': string; Id: string };
  }
  return parseXml<{ Error: { Message: string; 'Server-Time': string; Id: string } }>(res).Error;
}

export async function json<T = unknown>(app: FastifyInstance, opts: InjectOptions): Promise<{ status: number; body: T }> {
  const res = await app.inject({ ...opts, headers: { accept: 'application/json', ...(opts.headers ?? {}) } });
  return { status: res.statusCode, body: res.body ? (res.json() as T) : (undefined as T) };
}

export interface CrJson {
  ID: string;
  URI: string;
  requestToken: string | null;
  status: string;
  lastModified: string;
  loyaltyNumber: string | null;
  [field: string]: unknown;
}

/** One v3.2 page as JSON. */
export async function listPage(app: FastifyInstance, token: string, query = ''): Promise<{ Items: CrJson[]; NextPage: string | null }> {
  const res = await app.inject({ url: `/api/v3.2/common/connectionrequests${query}`, headers: { ...oauth(token), accept: 'application/json' } });
  if (res.statusCode !== 200) throw new Error(`list failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function putStatus(app: FastifyInstance, token: string, id: string, status: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'PUT', url: `/api/v3.2/common/connectionrequests/${id}`, headers: { ...oauth(token), 'content-type': 'application/json' }, payload: { status } });
}

export async function advance(app: FastifyInstance, seconds: number): Promise<void> {
  const res = await app.inject({ method: 'POST', url: '/_mock/clock/advance', payload: { seconds } });
  if (res.statusCode !== 200) throw new Error(`advance failed: ${res.body}`);
}

export const MIN = 60;
export const HOUR = 3600;
export const DAY = 86400;
