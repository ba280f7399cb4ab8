import { describe, expect, it } from 'vitest';
import { runSandboxRecipe } from '../support/sandbox-recipe.js';

/**
 * The README's recipe, as written: one in-process mock for the whole vitest run (globalSetup),
 * one sandbox per test file. Four files run in four workers at once, each driving an
 * auto-connect cycle and the full contract verification in its own sandbox: all pass, and
 * none sees another's queue, clock or journal (the verification resets, seeds and moves the
 * clock of its sandbox throughout).
 */
describe("the README's parallel-tests recipe", () => {
  it('runs four vitest workers at once against one mock, each in its own sandbox, all passing', async () => {
    const { runs, output } = await runSandboxRecipe({ name: 'sandbox-recipe', workers: 4 });
    expect(output).toMatch(/Test Files\s+4 passed \(4\)/);
    expect(output).toMatch(/Tests\s+8 passed \(8\)/);
    expect(runs).toHaveLength(4);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(4);
    expect(new Set(runs.map((r) => r.sandbox)).size).toBe(4);
    // One server: every sandbox URL is under the same origin.
    expect(new Set(runs.map((r) => new URL(r.sandboxUrl).origin)).size).toBe(1);
    for (const r of runs) expect(r.verification).toMatchObject({ ok: true, counts: { failed: 0, error: 0, skipped: 0 } });
    // At the same time: every file had started before any had finished.
    expect(Math.max(...runs.map((r) => r.startedAt))).toBeLessThan(Math.min(...runs.map((r) => r.endedAt)));
  }, 300_000);
});
