import { parseArgs } from 'node:util';
import type { ApiVersion, WireFormat } from 'concur-partner-client';

export const USAGE = `Usage: concur-auto-connect [options]   (in this repository: npm run auto-connect -- …)

The TripLink auto-connect worker: polls Concur's pending connection requests, exchanges each
request token, matches the user against partner members and PUTs the outcome.

  --base-url URL            Concur, or the mock (env CONCUR_BASE_URL; default http://127.0.0.1:8080)
  --consumer-key KEY        the partner app's key (env CONSUMER_KEY)
  --consumer-secret SECRET  its secret (env CONSUMER_SECRET)
  --flow legacy|oauth2      how to authenticate (env AUTH_FLOW; default legacy):
                              legacy  a Web Services Administrator (Native flow), /net2/oauth2
                              oauth2  Concur's OAuth 2.0 API (/oauth2/v0): the app's own
                                      client-credentials token polls v3.2, request tokens are
                                      exchanged with credtype=authtoken, failed connections
                                      ended with DELETE /app-mgmt/v0/connections; the consumer
                                      key and secret are the client id and secret, no admin
  --admin-login LOGIN       legacy: a Web Services Administrator's login id (env ADMIN_LOGIN)
  --admin-password PASS     legacy: their password (env ADMIN_PASSWORD: keeps it out of the process list)
  --members FILE            partner members, .json (array) or .csv (header row) with
                            loyaltyNumber, lastName and optional memberId (env MEMBERS_FILE)
  --once                    run one cycle, print the summary and exit (1 if it failed)
  --concurrency N           requests settled at once (default 8)
  --poll-interval SECONDS   wait between cycles (env POLL_INTERVAL_SECONDS; default 60)
  --page-size N             requests per page, 1-10 (default 10)
  --format json|xml         wire format (default json)
  --api-version 3.0|3.1|3.2 Connection Requests version (default 3.2; oauth2 needs 3.2)
  -v, --version             print the version and exit
  -h, --help                this text

Outcomes: a known loyalty number with the same last name → CRSUC; an unknown number → CREU1;
a known number under another name → CREU2; an expired request token → CRPA1; a network
failure the retries could not beat → CRPA2. Failed connections have their token revoked.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliCommand {
  help: boolean;
  version: boolean;
  flow: 'legacy' | 'oauth2';
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  adminLogin: string;
  adminPassword: string;
  membersFile: string;
  once: boolean;
  concurrency: number | undefined;
  pollIntervalMs: number | undefined;
  pageSize: number | undefined;
  format: WireFormat | undefined;
  apiVersion: ApiVersion | undefined;
}

/** Flags win over environment variables; an empty variable counts as unset. */
export function parseCliCommand(argv: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'base-url': { type: 'string' },
        'consumer-key': { type: 'string' },
        'consumer-secret': { type: 'string' },
        'admin-login': { type: 'string' },
        'admin-password': { type: 'string' },
        members: { type: 'string' },
        flow: { type: 'string' },
        once: { type: 'boolean' },
        concurrency: { type: 'string' },
        'poll-interval': { type: 'string' },
        'page-size': { type: 'string' },
        format: { type: 'string' },
        'api-version': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const pick = (flag: string | undefined, name: string) => flag || env[name] || undefined;
  // Neither needs the worker's settings.
  const help = values.help ?? false;
  const version = values.version ?? false;
  const required = (value: string | undefined, what: string) => {
    if (!value && !help && !version) throw new UsageError(`${what} is required`);
    return value ?? '';
  };
  const format = values.format;
  if (format !== undefined && format !== 'json' && format !== 'xml') throw new UsageError(`--format must be json or xml, got ${format}`);
  const apiVersion = values['api-version'];
  if (apiVersion !== undefined && !['3.0', '3.1', '3.2'].includes(apiVersion)) throw new UsageError(`--api-version must be 3.0, 3.1 or 3.2, got ${apiVersion}`);
  const flow = pick(values.flow, 'AUTH_FLOW') ?? 'legacy';
  if (flow !== 'legacy' && flow !== 'oauth2') throw new UsageError(`--flow must be legacy or oauth2, got ${flow}`);
  if (flow === 'oauth2' && apiVersion !== undefined && apiVersion !== '3.2') throw new UsageError(`--flow oauth2 polls Connection Requests v3.2 (the only version that takes an application token), got --api-version ${apiVersion}`);
  // The oauth2 flow needs no administrator: only the client id and secret.
  const admin = (value: string | undefined, what: string) => (flow === 'oauth2' ? (value ?? '') : required(value, what));
  const interval = whole('--poll-interval', pick(values['poll-interval'], 'POLL_INTERVAL_SECONDS'), 0, 86_400);
  return {
    help,
    version,
    flow,
    baseUrl: pick(values['base-url'], 'CONCUR_BASE_URL') ?? 'http://127.0.0.1:8080',
    consumerKey: required(pick(values['consumer-key'], 'CONSUMER_KEY'), '--consumer-key'),
    consumerSecret: required(pick(values['consumer-secret'], 'CONSUMER_SECRET'), '--consumer-secret'),
    adminLogin: admin(pick(values['admin-login'], 'ADMIN_LOGIN'), '--admin-login'),
    adminPassword: admin(pick(values['admin-password'], 'ADMIN_PASSWORD'), '--admin-password'),
    membersFile: required(pick(values.members, 'MEMBERS_FILE'), '--members'),
    once: values.once ?? false,
    concurrency: whole('--concurrency', values.concurrency, 1, 256),
    pollIntervalMs: interval === undefined ? undefined : interval * 1000,
    pageSize: whole('--page-size', values['page-size'], 1, 10),
    format,
    apiVersion: apiVersion as ApiVersion | undefined,
  };
}

function whole(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${name} must be a whole number, got ${raw}`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${raw}`);
  return n;
}
