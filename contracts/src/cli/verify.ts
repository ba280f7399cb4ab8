import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BASE_VARIABLES } from '../provider-states/base-variables.js';
import { FixtureError } from '../fixtures/fixture-error.js';
import type { ConcurCredentials } from '../provider/credentials.js';
import { formatReport } from '../provider/format-report.js';
import { verifyProvider } from '../provider/verify-provider.js';

const credentialFlags = BASE_VARIABLES.filter((v) => v.flag)
  .map((v) => `  ${`${v.flag} VALUE`.padEnd(32)}env ${v.env}`)
  .join('\n');

const USAGE = `Usage: concur-contracts verify --base-url URL [options]   (in this repository: npm run contracts:verify -- …)

Replays every interaction in contracts/interactions/ against a provider and reports, per
interaction, what differed: status, headers, and the JSON path or XML path of each body
mismatch, plus fields Concur's published Swagger does not define.

Against the mock (it answers /_mock/health) the verifier arranges each provider state
through /_mock/ with apps and users of its own; nothing else is needed. Against anything
else (a partner's own Concur sandbox, to detect drift) interactions whose states need
/_mock, or credentials you did not give, are reported SKIP with the reason — never PASS.

  --base-url URL                  the provider, e.g. http://127.0.0.1:8080 (env CONTRACT_BASE_URL)

Credentials for a real Concur sandbox (ignored by the mock; prefer the environment for
secrets, since flags show up in process listings):
${credentialFlags}
  ${'--admin-token TOKEN'.padEnd(32)}env CONCUR_ADMIN_TOKEN (instead of the admin login and password;
  ${''.padEnd(32)}interactions that need its refresh token are then skipped)

  (env MOCK_CONTROL_TOKEN)         the mock's control token, when it has one (a container's)
  --only TEXT                     only interactions whose family/id contains TEXT (repeatable)
  --fail-on-skip                  exit 1 when anything is skipped (CI against the mock)
  --verbose                       list passed interactions too
  --json                          print the report as JSON instead of text
  --timeout-ms N                  per HTTP call (default 10000)
  -h, --help                      this text

Exit status: 0 when nothing failed or errored, 1 otherwise, 2 for bad usage or fixtures.
Example, against your sandbox:
  CONCUR_CONSUMER_KEY=… CONCUR_CONSUMER_SECRET=… CONCUR_ADMIN_LOGIN=… CONCUR_ADMIN_PASSWORD=… \\
    npx concur-contracts verify --base-url https://www.concursolutions.com`;

function fail(message: string): never {
  console.error(`concur-contracts verify: ${message}\n\n${USAGE}`);
  process.exit(2);
}

const options = {
  'base-url': { type: 'string' },
  'admin-token': { type: 'string' },
  only: { type: 'string', multiple: true },
  'fail-on-skip': { type: 'boolean' },
  verbose: { type: 'boolean' },
  json: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(BASE_VARIABLES.filter((v) => v.flag).map((v) => [v.flag!.slice(2), { type: 'string' }])),
} as const;

let parsed;
try {
  parsed = parseArgs({ options: options as NonNullable<ParseArgsConfig['options']>, strict: true, allowPositionals: false });
} catch (error) {
  fail((error as Error).message);
}
const args = parsed.values as Record<string, string | string[] | boolean | undefined>;
if (args['help']) {
  console.log(USAGE);
  process.exit(0);
}

const text = (name: string, env?: string): string | undefined => {
  const value = (args[name] as string | undefined) ?? (env ? process.env[env] : undefined);
  return value === '' ? undefined : value;
};
const baseUrl = text('base-url', 'CONTRACT_BASE_URL');
if (!baseUrl) fail('--base-url is required');
try {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
} catch {
  fail(`--base-url must be an http(s) URL, got '${baseUrl}'`);
}
const timeoutRaw = text('timeout-ms');
if (timeoutRaw !== undefined && !/^\d+$/.test(timeoutRaw)) fail(`--timeout-ms must be a whole number, got '${timeoutRaw}'`);

const credentials: ConcurCredentials = {};
for (const v of BASE_VARIABLES) if (v.flag) (credentials as Record<string, string | undefined>)[v.name] = text(v.flag.slice(2), v.env);
credentials.adminToken = text('admin-token', 'CONCUR_ADMIN_TOKEN');

const only = (args['only'] as string[] | undefined) ?? [];
const asJson = Boolean(args['json']);
try {
  const report = await verifyProvider({
    baseUrl,
    credentials,
    ...(only.length ? { filter: (key: string) => only.some((o) => key.includes(o)) } : {}),
    ...(timeoutRaw ? { timeoutMs: Number(timeoutRaw) } : {}),
  });
  if (asJson) console.log(JSON.stringify(report, null, 2));
  else console.log(formatReport(report, { verbose: Boolean(args['verbose']) }));
  if (report.results.length === 0) fail(`no interaction matched --only ${only.join(', ')}`);
  process.exit(!report.ok || (args['fail-on-skip'] && report.counts.skipped > 0) ? 1 : 0);
} catch (error) {
  if (error instanceof FixtureError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
