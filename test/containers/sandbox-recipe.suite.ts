import { it } from 'vitest';
import { expectRecipeRanInParallel, runSandboxRecipe } from '../support/sandbox-recipe.js';

/**
 * The README's parallel-tests recipe with its container switch (CONCUR_MOCK=container): one
 * mock in a container for the whole vitest run, four workers at once, each file in its own
 * sandbox driving an auto-connect cycle and the full contract verification. Runs after the
 * image suite, which built the bundles the image copies.
 */
export function sandboxRecipeSuite(): void {
  it('runs four vitest workers at once against one container, each in its own sandbox, all passing', async () => {
    expectRecipeRanInParallel(await runSandboxRecipe({ name: 'sandbox-recipe-container', workers: 4, env: { CONCUR_MOCK: 'container' } }), 4);
  }, 300_000);
}
