import { installChildCleanup, installWatchdog, stopAllChildren } from './children.js';
import { assertMockBuilt } from './servers.js';

/**
 * Every benchmark script's frame: the mock's bundle must be built, children are stopped
 * however the run ends, a watchdog ends a hung run, and the process exits with `body`'s code
 * (0 when it answers none), or 1 after printing why the measurement failed.
 */
export function runBenchmark(name: string, body: () => Promise<number | void>, options: { watchdogMs?: number } = {}): void {
  const run = async (): Promise<number> => {
    assertMockBuilt();
    installChildCleanup();
    const clearWatchdog = options.watchdogMs === undefined ? () => {} : installWatchdog(options.watchdogMs, (line) => process.stderr.write(`${line}\n`));
    try {
      return (await body()) ?? 0;
    } finally {
      clearWatchdog();
      await stopAllChildren();
    }
  };
  run().then(
    (code) => process.exit(code),
    async (error: unknown) => {
      console.error(`\n${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      await stopAllChildren();
      process.exit(1);
    },
  );
}
