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

/** Off until the client's consumer tests exist; turning it on is a one-line change. */
export const ENFORCE_CONSUMER_USAGE = false;

export function setup(): void {
  rmSync(USAGE_DIR, { recursive: true, force: true });
  process.env[USAGE_DIR_ENV] = USAGE_DIR;
}

export function teardown(): void {
  const report = checkConsumerUsage(ENFORCE_CONSUMER_USAGE);
  if (report) console.warn(`[contracts] ${report}\n[contracts] (not enforced yet: see ENFORCE_CONSUMER_USAGE in contracts/consumer/usage-gate.ts)`);
}

/** Throws the list of unused fixtures when enforcing; otherwise returns it ('' when all are used). */
export function checkConsumerUsage(enforce: boolean, dir: string = USAGE_DIR): string {
  const unused = unusedInteractions(loadFixtures(), readRecordedUsage(dir));
  if (unused.length === 0) return '';
  const report = formatUnused(unused);
  if (enforce) throw new Error(report);
  return report;
}
