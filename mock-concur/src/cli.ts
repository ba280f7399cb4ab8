#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildMockConcur } from './app.js';
import { DEMO } from './domain/demo-accounts.js';
import { MINUTE_MS } from './domain/token-service.js';
import type { MockConcurInput } from './options.js';
import { PACKAGE_VERSION } from './package-version.js';

const USAGE = `Usage: mock-concur [options]   (npx mock-concur; in this repository: npm start -- …)

  --host HOST                 interface to listen on (env HOST; default 127.0.0.1)
  --port PORT                 port (env PORT; default 8080; 0 picks a free one)
  --seed N                    seed for the generated travellers (default 1)
  --travelers N               how many generated travellers with pending requests (default 12)
  --request-token-ttl MIN     request-token life in minutes (default 15)
  --clock system|manual       real time plus offset, or still until advanced (default system)
  --queue-mode peek|lease     GET peeks and PUT pops (default), or each GET leases a new page
  --reusable-request-tokens   let a request token be exchanged more than once within its life
  --token-spelling documented|alternate   Instance_Url/Expiration_date or Instance_URL/Expiration_Date
  --public-url URL            base URL written into URIs and Instance_Url
  --control-token TOKEN       required in X-Mock-Control-Token by the control API (env
                              MOCK_CONTROL_TOKEN; 16+ characters). Off on loopback; binding
                              another interface without one makes one up and prints it
  --allowed-hosts H1,H2       host names besides loopback that may reach the control API
                              (env ALLOWED_HOSTS; a compose network's service names)
  --auth-failure-status 401|403   a present but invalid Authorization (unknown, expired, revoked
                              token) or bad Native-flow credentials (default 403, the status-code
                              page; 401 as the older pages say). No Authorization is always 401
  --legacy-write-status 204|200   v3.0/v3.1 PUT and DELETE answer (default 204 No Content; 200
                              sends the Swagger's Void: {} or <Void />)
  --json-errors wrapped|flat  JSON errors as {"Error":{"Message",…}} (default) or {"Message",…}
  --allow-chunked             accept Transfer-Encoding: chunked (default: 400, as Concur)
  --refresh-token-rotation rotate|reuse   /oauth2/v0 refresh: a new refresh token each time,
                              the old one ended (default), or the same one again
  --expires-in-format number|string   /oauth2/v0 expires_in as 3600 (default) or "3600"
  --demo-app-redirect code|requestToken   the App Center sends the demo app's user back with
                              ?code= (default, legacy) or ?id=…&requestToken=… (current)
  (env SESSION_SECRET)        signs the web pages' cookies (32+ characters; default: random
                              per start, so browsers sign in again after a restart)
  --journal-size N            how many recent requests /_mock/journal and the console keep
                              (default 200; more costs every request some GC under load)
  --max-sandboxes N           how many sandboxes (POST /_mock/sandboxes) at once (default 1000)
  --sandbox-idle-ttl MIN      drop a sandbox unused this many minutes (default 60; 0 never)
  --state-dir DIR             keep the state in DIR: every acknowledged change survives a
                              restart and a kill -9 (env STATE_DIR; default: in memory only)
  --log-level LEVEL           fatal|error|warn|info|debug|trace|silent (default info)
  -v, --version               print the version and exit
  -h, --help                  this text`;

function fail(message: string): never {
  console.error(`mock-concur: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function wholeNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) fail(`${name} must be a whole number, got '${raw}'`);
  return Number(raw);
}

function oneOf<T>(name: string, raw: string | undefined, allowed: readonly string[], convert: (value: string) => T): T | undefined {
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw)) fail(`${name} must be ${allowed.join(' or ')}, got '${raw}'`);
  return convert(raw);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      seed: { type: 'string' },
      travelers: { type: 'string' },
      'request-token-ttl': { type: 'string' },
      clock: { type: 'string' },
      'queue-mode': { type: 'string' },
      'reusable-request-tokens': { type: 'boolean' },
      'token-spelling': { type: 'string' },
      'public-url': { type: 'string' },
      'control-token': { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'auth-failure-status': { type: 'string' },
      'legacy-write-status': { type: 'string' },
      'json-errors': { type: 'string' },
      'allow-chunked': { type: 'boolean' },
      'refresh-token-rotation': { type: 'string' },
      'expires-in-format': { type: 'string' },
      'demo-app-redirect': { type: 'string' },
      'state-dir': { type: 'string' },
      'journal-size': { type: 'string' },
      'max-sandboxes': { type: 'string' },
      'sandbox-idle-ttl': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    strict: true,
  });
} catch (error) {
  fail((error as Error).message);
}
const args = parsed.values;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.version) {
  console.log(PACKAGE_VERSION);
  process.exit(0);
}

// An empty HOST or PORT (as compose files often leave them) means the default.
const host = args.host || process.env.HOST || '127.0.0.1';
const port = wholeNumber('--port', args.port || process.env.PORT || undefined) ?? 8080;
const ttlMinutes = args['request-token-ttl'];
if (ttlMinutes !== undefined && !(Number(ttlMinutes) > 0)) fail(`--request-token-ttl must be a positive number of minutes, got '${ttlMinutes}'`);
const idleMinutes = args['sandbox-idle-ttl'];
if (idleMinutes !== undefined && !(Number(idleMinutes) >= 0)) fail(`--sandbox-idle-ttl must be a number of minutes (0: never), got '${idleMinutes}'`);

// A mock reachable from other machines guards its control API with a token: made up here
// (and printed below) when none is given. On loopback none is needed.
const loopback = /^(127(\.\d{1,3}){3}|localhost|::1)$/i.test(host);
const givenToken = args['control-token'] || process.env.MOCK_CONTROL_TOKEN || undefined;
const controlToken = givenToken ?? (loopback ? undefined : randomBytes(18).toString('base64url'));
const allowedHosts = (args['allowed-hosts'] || process.env.ALLOWED_HOSTS || '').split(',').map((h) => h.trim()).filter(Boolean);

const input: MockConcurInput = {
  controlToken,
  allowedHosts,
  seed: wholeNumber('--seed', args.seed),
  demoTravelers: wholeNumber('--travelers', args.travelers),
  requestTokenTtlMs: ttlMinutes === undefined ? undefined : Math.round(Number(ttlMinutes) * MINUTE_MS),
  clock: args.clock as MockConcurInput['clock'],
  queueMode: args['queue-mode'] as MockConcurInput['queueMode'],
  singleUseRequestTokens: args['reusable-request-tokens'] ? false : undefined,
  tokenElementSpelling: args['token-spelling'] as MockConcurInput['tokenElementSpelling'],
  publicUrl: args['public-url'],
  authFailureStatus: oneOf('--auth-failure-status', args['auth-failure-status'], ['401', '403'], Number) as MockConcurInput['authFailureStatus'],
  legacyWriteStatus: oneOf('--legacy-write-status', args['legacy-write-status'], ['204', '200'], Number) as MockConcurInput['legacyWriteStatus'],
  jsonErrors: oneOf('--json-errors', args['json-errors'], ['wrapped', 'flat'], String) as MockConcurInput['jsonErrors'],
  allowChunked: args['allow-chunked'] ? true : undefined,
  refreshTokenRotation: oneOf('--refresh-token-rotation', args['refresh-token-rotation'], ['rotate', 'reuse'], String) as MockConcurInput['refreshTokenRotation'],
  expiresInFormat: oneOf('--expires-in-format', args['expires-in-format'], ['number', 'string'], String) as MockConcurInput['expiresInFormat'],
  journalSize: wholeNumber('--journal-size', args['journal-size']),
  maxSandboxes: wholeNumber('--max-sandboxes', args['max-sandboxes']),
  sandboxIdleTtlMs: idleMinutes === undefined ? undefined : Math.round(Number(idleMinutes) * MINUTE_MS),
  demoAppRedirect: oneOf('--demo-app-redirect', args['demo-app-redirect'], ['code', 'requestToken'], String) as MockConcurInput['demoAppRedirect'],
  // Environment only: a secret on the command line would show in the process list.
  sessionSecret: process.env.SESSION_SECRET || undefined,
  // An empty STATE_DIR (a compose file's default) means in memory, like an empty HOST.
  stateDir: args['state-dir'] || process.env.STATE_DIR || undefined,
  // A tuning knob, not a flag: how large the change log grows before it is folded into a snapshot.
  stateCompactAfterBytes: wholeNumber('STATE_COMPACT_AFTER_BYTES', process.env.STATE_COMPACT_AFTER_BYTES || undefined),
  logLevel: (args['log-level'] ?? process.env.LOG_LEVEL ?? 'info') as MockConcurInput['logLevel'],
};

// Not top-level await: the bundle runs this file as a classic script (so V8 can cache its
// compiled code, bundle-entry.ts), where await is only allowed inside a function.
void start();

async function start(): Promise<void> {
  let app: Awaited<ReturnType<typeof buildMockConcur>>;
  try {
    app = await buildMockConcur(input);
  } catch (error) {
    fail((error as Error).message);
  }

  try {
    await app.listen({ host, port });
  } catch (error) {
    console.error(`mock-concur: cannot listen on ${host}:${port}: ${(error as Error).message}`);
    process.exit(1);
  }
  const address = app.server.address();
  const actualPort = address && typeof address === 'object' ? address.port : port;
  const url = input.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  const counts = app.mock.world.queue.counts(app.mock.clock.now());

  console.log(`mock-concur listening on ${url}

  Partner app            ${DEMO.app.name}
    consumer key         ${DEMO.app.consumerKey}
    consumer secret      ${DEMO.app.consumerSecret}
    redirect URI         ${DEMO.app.redirectUri}
  Second app             ${DEMO.otherApp.consumerKey} / ${DEMO.otherApp.consumerSecret}
  Web Services Admin     ${DEMO.admin.loginId} / ${DEMO.admin.password}
  Traveler               ${DEMO.traveler.loginId} / ${DEMO.traveler.password}
  Pending requests       ${counts.Pending} (seed ${app.mock.options.seed}, queue mode ${app.mock.options.queueMode}, clock ${app.mock.clock.mode})

  App Center             ${url}/appcenter   (sign in as the traveler)
  Console                ${url}/_mock/console${controlToken ? `?token=${encodeURIComponent(controlToken)}` : ''}
  Health                 ${url}/_mock/health
  Sandboxes              POST ${url}/_mock/sandboxes → its own Concur at ${url}/sandboxes/{id}${app.sandboxes.size ? ` (${app.sandboxes.size} durable restored)` : ''}
${controlLine()}${stateLine()}`);

  function controlLine(): string {
    if (!controlToken) return '';
    // Printed on purpose: whoever started the mock needs it; it is never logged anywhere else.
    return `  Control token          ${controlToken}   (X-Mock-Control-Token on /_mock/…${givenToken ? '' : '; made up for this start'})\n`;
  }

  function stateLine(): string {
    const state = app.mock.persistence?.summary;
    if (!state) return '  State                  in memory (--state-dir DIR to keep it)\n';
    const loaded = state.loadedGeneration === null ? 'new: seeded the demo data' : `loaded ${state.entities} records${state.repaired === 'torn-tail' ? ', dropped a write cut short by a crash' : state.repaired ? ', set a damaged log aside' : ''}`;
    return `  State                  ${state.dir} (${loaded})\n`;
  }

  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
