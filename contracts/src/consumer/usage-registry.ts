import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FixtureSet, LoadedInteraction } from '../fixtures/fixture-types.js';

/**
 * Which fixtures consumer tests actually exercised: an interaction counts as used when an
 * interceptor made from it answered a request, not merely when it was installed. Test
 * files run in separate processes, so when `CONTRACT_USAGE_DIR` is set each use is also
 * appended to a file there, for the suite-wide check (`usage-gate.ts`) to read.
 */
export const USAGE_DIR_ENV = 'CONTRACT_USAGE_DIR';

export class ConsumerUsage {
  private readonly keys = new Set<string>();

  constructor(private readonly dir: string | undefined = process.env[USAGE_DIR_ENV]) {}

  record(key: string): void {
    if (this.keys.has(key)) return;
    this.keys.add(key);
    if (!this.dir) return;
    mkdirSync(this.dir, { recursive: true });
    appendFileSync(join(this.dir, `usage-${process.pid}.txt`), `${key}\n`);
  }

  used(): ReadonlySet<string> {
    return this.keys;
  }
}

/** The process-wide registry the nock helper records into unless given another. */
export const consumerUsage = new ConsumerUsage();

/** Every key recorded in a usage directory, by any process. */
export function readRecordedUsage(dir: string): Set<string> {
  const keys = new Set<string>();
  if (!existsSync(dir)) return keys;
  for (const file of readdirSync(dir).filter((f) => f.startsWith('usage-'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) if (line.trim()) keys.add(line.trim());
  }
  return keys;
}

/** The check itself: fixtures no consumer test has used. */
export function unusedInteractions(fixtures: FixtureSet, used: ReadonlySet<string>): LoadedInteraction[] {
  return fixtures.interactions.filter((i) => !used.has(i.key) && i.providerOnly === undefined);
}

export function formatUnused(unused: readonly LoadedInteraction[]): string {
  if (unused.length === 0) return 'Every contract fixture is used by some consumer test.';
  return [`${unused.length} contract fixture(s) no consumer test uses:`, ...unused.map((i) => `  ${i.key} (${i.file}) — ${i.name}`)].join('\n');
}
