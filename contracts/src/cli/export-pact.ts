import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FixtureError } from '../fixtures/fixture-error.js';
import { loadFixtures } from '../fixtures/load-fixtures.js';
import { exportPact } from '../pact/export-pact.js';

const USAGE = `Usage: concur-contracts export-pact [options]   (in this repository: npm run contracts:export-pact -- …)

Writes the contract fixtures as one Pact specification v3 file, {consumer}-{provider}.json,
for teams that keep a Pact broker. contracts/interactions/ stays the source of truth.

  --out DIR             where to write (default dist/pacts/)
  --consumer NAME       the consumer's name (default concur-partner-client)
  --provider NAME       the provider's name (default concur)
  -h, --help            this text`;

let parsed;
try {
  parsed = parseArgs({ options: { out: { type: 'string' }, consumer: { type: 'string' }, provider: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
} catch (error) {
  console.error(`concur-contracts export-pact: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const args = parsed.values;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const nameOk = (n: string) => /^[A-Za-z0-9._-]{1,100}$/.test(n);
const consumer = args.consumer ?? 'concur-partner-client';
const provider = args.provider ?? 'concur';
if (!nameOk(consumer) || !nameOk(provider)) {
  console.error(`concur-contracts export-pact: --consumer and --provider must be letters, digits, '.', '_' or '-'\n\n${USAGE}`);
  process.exit(2);
}
try {
  const pact = exportPact(loadFixtures(), { consumer, provider });
  const dir = resolve(args.out ?? join('dist', 'pacts'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${consumer}-${provider}.json`);
  writeFileSync(file, `${JSON.stringify(pact, null, 2)}\n`);
  console.log(`wrote ${(pact['interactions'] as unknown[]).length} interactions to ${file}`);
} catch (error) {
  if (error instanceof FixtureError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
