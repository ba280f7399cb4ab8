import { describe, it } from 'vitest';
import { expectRecipeRanInParallel, runSandboxRecipe } from '../support/sandbox-recipe.js';

/**
 * The README's recipe, as written: one in-process mock for the whole vitest run (globalSetup),
 * one sandbox per test file. Four files run in four workers at once, each driving an
 * auto-connect cycle and the full contract verification in its own sandbox: all pass, and
 * none sees another's queue, clock or journal (the verification resets, seeds and moves the
 * clock of its sandbox throughout).
 */
describe("the README's parallel-tests recipe", () => {
  it('runs four vitest workers at once against one mock, each in its own sandbox, all passing', async () => {
    expectRecipeRanInParallel(await runSandboxRecipe({ name: 'sandbox-recipe', workers: 4 }), 4);
  }, 300_000);
});
