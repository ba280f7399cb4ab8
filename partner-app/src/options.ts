import { randomBytes } from 'node:crypto';

/** Everything the partner app can be told; `buildPartnerApp` merges the defaults once, here. */
export interface PartnerAppOptions {
  /** Where the app calls Concur's API (the mock in demos and tests). */
  concurBaseUrl: string;
  /**
   * Concur as the user's browser reaches it, for links back to the App Center. Differs from
   * `concurBaseUrl` only when the app reaches Concur by another name (a container network).
   */
  concurWebUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /**
   * This app's own origin as browsers see it, for the Web flow's `redirect_uri`; null takes it
   * from each request's Host (Concur checks it against the registration either way).
   */
  publicUrl: string | null;
  /** Scopes the Web flow asks for (comma list, as Concur's Login.aspx takes them). */
  scope: string;
  /** A JSON file that keeps members and their tokens across restarts; null keeps them in memory. */
  storePath: string | null;
  /** Signs the session and CSRF cookies. A random one per process unless given. */
  cookieSecret: string;
  /** Mark cookies `Secure` (set it whenever the app is served over https). */
  secureCookies: boolean;
  /** Seed the demo members (only into an empty store). */
  seedDemoMembers: boolean;
  /** A signed-in session lasts this long. */
  sessionMaxAgeMs: number;
  /** Per call to Concur. */
  concurTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The app's clock (session age, link times); injectable so tests need not wait. */
  now: () => number;
  /** Transport for the Concur client; tests may wrap it. */
  fetch: typeof globalThis.fetch;
}

export type PartnerAppInput = Partial<PartnerAppOptions>;

export const defaultPartnerAppOptions = Object.freeze({
  concurBaseUrl: 'http://127.0.0.1:8080',
  consumerKey: 'demo-consumer-key',
  consumerSecret: 'demo-consumer-secret',
  publicUrl: null,
  scope: 'USER,ITINER,TRVPRF',
  storePath: null,
  secureCookies: false,
  seedDemoMembers: true,
  sessionMaxAgeMs: 8 * 60 * 60_000,
  concurTimeoutMs: 10_000,
  logLevel: 'info' as PartnerAppOptions['logLevel'],
});

export class InvalidPartnerAppOptionsError extends Error {
  override name = 'InvalidPartnerAppOptionsError';
}

function origin(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidPartnerAppOptionsError(`${name} must be an absolute http(s) URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidPartnerAppOptionsError(`${name} must be http or https, got '${url.protocol}'`);
  if (url.search || url.hash) throw new InvalidPartnerAppOptionsError(`${name} must not carry a query or fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function resolvePartnerAppOptions(input: PartnerAppInput = {}): PartnerAppOptions {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as PartnerAppInput;
  const merged = {
    ...defaultPartnerAppOptions,
    cookieSecret: randomBytes(32).toString('base64url'),
    now: () => Date.now(),
    fetch: (...args: Parameters<typeof globalThis.fetch>) => globalThis.fetch(...args),
    ...defined,
  };
  const concurBaseUrl = origin('concurBaseUrl', merged.concurBaseUrl);
  const concurWebUrl = origin('concurWebUrl', merged.concurWebUrl ?? concurBaseUrl);
  const publicUrl = merged.publicUrl === null ? null : origin('publicUrl', merged.publicUrl);
  if (!merged.consumerKey) throw new InvalidPartnerAppOptionsError('consumerKey is required');
  if (!merged.consumerSecret) throw new InvalidPartnerAppOptionsError('consumerSecret is required');
  if (merged.cookieSecret.length < 32) throw new InvalidPartnerAppOptionsError('cookieSecret must be at least 32 characters');
  if (!/^[A-Za-z0-9_.]+(,[A-Za-z0-9_.]+)*$/.test(merged.scope)) throw new InvalidPartnerAppOptionsError(`scope must be a comma list such as USER,ITINER, got '${merged.scope}'`);
  for (const key of ['sessionMaxAgeMs', 'concurTimeoutMs'] as const) {
    if (!(Number.isFinite(merged[key]) && merged[key] > 0)) throw new InvalidPartnerAppOptionsError(`${key} must be a positive number, got ${String(merged[key])}`);
  }
  return { ...merged, concurBaseUrl, concurWebUrl, publicUrl };
}
