import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadFixtures } from '../fixtures/load-fixtures.js';
import { formatUnused, readRecordedUsage, unusedInteractions, USAGE_DIR_ENV } from './usage-registry.js';

/**
 * The suite-wide "every fixture is used by some consumer test" check, shaped as a vitest
 * globalSetup module: `setup` clears the usage directory and points every test process at
 * it; `teardown` reads what they recorded and, when `enforce` is on, fails the run naming
 * each unused fixture. Wire it with `globalSetup: ['contracts/consumer/usage-gate.ts']`.
 */
export const USAGE_DIR = resolve('test-artifacts', 'contract-usage');

/** On: the client's consumer tests exist, so a fixture none of them uses fails the suite. */
export const ENFORCE_CONSUMER_USAGE = true;

export function setup(): void {
  rmSync(USAGE_DIR, { recursive: true, force: true });
  process.env[USAGE_DIR_ENV] = USAGE_DIR;
}

export function teardown(): void {
  // A run narrowed to some files or tests (`vitest run test/unit`, `-t name`) cannot have
  // used every fixture: it gets the report, and only a whole-suite run (npm test, CI) fails.
  const enforce = ENFORCE_CONSUMER_USAGE && !isFilteredRun(process.argv.slice(2));
  try {
    const report = checkConsumerUsage(enforce);
    if (report) console.warn(`[contracts] ${report}\n[contracts] (not enforced on a filtered run)`);
  } catch (error) {
    // vitest only logs an error thrown from a global teardown and still exits 0, so the
    // failure is made the process's exit code explicitly.
    console.error(`[contracts] FAIL ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

/** vitest flags whose value is the next argument, so that value is not a file filter. */
const FLAGS_WITH_VALUE = new Set(['--reporter', '--outputFile', '--pool', '--project', '--config', '-c', '--root', '-r']);

/** Whether vitest was given file filters or a test-name pattern. */
export function isFilteredRun(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-t' || arg.startsWith('--testNamePattern')) return true;
    if (arg.startsWith('-')) {
      if (FLAGS_WITH_VALUE.has(arg)) i++;
      continue;
    }
    if (arg !== 'run' && arg !== 'watch') return true;
  }
  return false;
}

/** Throws the list of unused fixtures when enforcing; otherwise returns it ('' when all are used). */
export function checkConsumerUsage(enforce: boolean, dir: string = USAGE_DIR): string {
  const unused = unusedInteractions(loadFixtures(), readRecordedUsage(dir));
  if (unused.length === 0) return '';
  const report = formatUnused(unused);
  if (enforce) throw new Error(report);
  return report;
}
