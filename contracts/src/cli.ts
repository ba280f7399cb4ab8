#!/usr/bin/env node
/**
 * `concur-contracts verify --base-url URL` and `concur-contracts export-pact --out DIR`: one bin,
 * a command per word. Each command parses its own flags from what follows the word.
 */
import { PACKAGE_VERSION } from './package-version.js';

const COMMANDS: Record<string, () => Promise<unknown>> = {
  verify: () => import('./cli/verify.js'),
  'export-pact': () => import('./cli/export-pact.js'),
};

const USAGE = `Usage: concur-contracts <command> [options]

  verify --base-url URL     replay every contract interaction against a provider (the mock or your Concur sandbox)
  export-pact --out DIR     write the fixtures as one Pact v3 file

Run a command with --help for its options; -v, --version prints the version.`;

const command = process.argv[2];
if (command === undefined || command === '-h' || command === '--help') {
  console.log(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
if (command === '-v' || command === '--version') {
  console.log(PACKAGE_VERSION);
  process.exit(0);
}
const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
if (!run) {
  console.error(`concur-contracts: unknown command '${command}'\n\n${USAGE}`);
  process.exit(2);
}
// The command reads process.argv as its own program would: its flags start at index 2.
process.argv.splice(2, 1);
await run();
