import { expect, it } from 'vitest';
import { runSandboxRecipe } from '../support/sandbox-recipe.js';

/**
 * The README's parallel-tests recipe with its container switch (CONCUR_MOCK=container): one
 * mock in a container for the whole vitest run, four workers at once, each file in its own
 * sandbox driving an auto-connect cycle and the full contract verification. Runs after the
 * image suite, which built the bundles the image copies.
 */
export function sandboxRecipeSuite(): void {
  it('runs four vitest workers at once against one container, each in its own sandbox, all passing', async () => {
    const { runs, output } = await runSandboxRecipe({ name: 'sandbox-recipe-container', workers: 4, env: { CONCUR_MOCK: 'container' } });
    expect(output).toMatch(/Test Files\s+4 passed \(4\)/);
    expect(runs).toHaveLength(4);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(4);
    expect(new Set(runs.map((r) => r.sandbox)).size).toBe(4);
    expect(new Set(runs.map((r) => new URL(r.sandboxUrl).origin)).size).toBe(1);
    for (const r of runs) expect(r.verification).toMatchObject({ ok: true, counts: { failed: 0, error: 0, skipped: 0 } });
    expect(Math.max(...runs.map((r) => r.startedAt))).toBeLessThan(Math.min(...runs.map((r) => r.endedAt)));
  }, 300_000);
}
