import { parseArgs } from 'node:util';
import type { PartnerAppInput, PartnerAppOptions } from './options.js';

export const USAGE = `Usage: npm run partner-app -- [options]

  --host HOST                interface to listen on (env HOST; default 127.0.0.1)
  --port PORT                port (env PORT; default 3000; 0 picks a free one)
  --concur-url URL           Concur (or the mock) for API calls (env CONCUR_BASE_URL; default http://127.0.0.1:8080)
  --concur-web-url URL       Concur as browsers reach it, for App Center links (env CONCUR_WEB_URL; default --concur-url)
  --consumer-key KEY         the app's consumer key (env CONSUMER_KEY; default demo-consumer-key)
  --consumer-secret SECRET   its secret (env CONSUMER_SECRET; default demo-consumer-secret)
  --public-url URL           this app's origin as browsers see it, for the Web flow (env PUBLIC_URL; default from Host)
  --scope LIST               scopes the Web flow asks for (env SCOPE; default USER,ITINER,TRVPRF)
  --store FILE               keep members and tokens in this JSON file (env PARTNER_STORE; default in memory)
  --secure-cookies           mark cookies Secure (serve over https)
  --no-demo-members          start without the seeded demo members
  --log-level LEVEL          fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL; default info)
  -h, --help                 this text

  The cookie-signing secret comes from env SESSION_SECRET (at least 32 characters); without it a
  random one is made at start, so sessions end when the app restarts.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface PartnerAppCommand {
  help: boolean;
  host: string;
  port: number;
  input: PartnerAppInput;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Flags win over env; an empty env variable (as compose files often leave them) means the default. */
export function parsePartnerAppCommand(argv: string[], env: NodeJS.ProcessEnv): PartnerAppCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'concur-url': { type: 'string' },
        'concur-web-url': { type: 'string' },
        'consumer-key': { type: 'string' },
        'consumer-secret': { type: 'string' },
        'public-url': { type: 'string' },
        scope: { type: 'string' },
        store: { type: 'string' },
        'secure-cookies': { type: 'boolean' },
        'no-demo-members': { type: 'boolean' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const pick = (flag: string | undefined, name: string) => flag || env[name] || undefined;
  const rawPort = pick(values.port, 'PORT') ?? '3000';
  if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got '${rawPort}'`);
  const logLevel = pick(values['log-level'], 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  return {
    help: values.help ?? false,
    host: pick(values.host, 'HOST') ?? '127.0.0.1',
    port: Number(rawPort),
    input: {
      concurBaseUrl: pick(values['concur-url'], 'CONCUR_BASE_URL'),
      concurWebUrl: pick(values['concur-web-url'], 'CONCUR_WEB_URL'),
      consumerKey: pick(values['consumer-key'], 'CONSUMER_KEY'),
      consumerSecret: pick(values['consumer-secret'], 'CONSUMER_SECRET'),
      publicUrl: pick(values['public-url'], 'PUBLIC_URL'),
      scope: pick(values.scope, 'SCOPE'),
      storePath: pick(values.store, 'PARTNER_STORE'),
      cookieSecret: env.SESSION_SECRET || undefined,
      secureCookies: values['secure-cookies'] ? true : undefined,
      seedDemoMembers: values['no-demo-members'] ? false : undefined,
      logLevel: logLevel as PartnerAppOptions['logLevel'],
    },
  };
}
