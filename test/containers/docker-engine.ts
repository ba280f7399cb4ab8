import { execFileSync } from 'node:child_process';
import { describe, it } from 'vitest';

/** Whether a Docker engine answers here, and if not, why (for the one line a skip prints). */
export function probeDockerEngine(): { available: true; version: string } | { available: false; reason: string } {
  try {
    const version = execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
    if (version) return { available: true, version };
    return { available: false, reason: 'docker info printed no server version' };
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n')[0];
    return { available: false, reason: stderr || (error as Error).message.split('\n')[0]! };
  }
}

const engine = probeDockerEngine();
let announced = false;

/**
 * `describe` for suites that need Docker. Without an engine the suite is skipped with one
 * line saying why, except in CI (CI=true), where a skipped container test is a failure.
 */
export function describeWithDocker(name: string, suite: () => void): void {
  if (engine.available) {
    describe(name, suite);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs a Docker engine (CI=true turns a skip into a failure)', () => {
        throw new Error(`no Docker engine: ${engine.reason}`);
      });
    });
    return;
  }
  if (!announced) console.log(`[containers] skipped: no Docker engine (${engine.reason}); .ci/run installs one`);
  announced = true;
  describe.skip(name, suite);
}
