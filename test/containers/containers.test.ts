import { demoComposeSuite } from './demo-compose.suite.js';
import { describeWithDocker } from './docker-engine.js';
import { mockImageSuite } from './mock-image.suite.js';
import { sandboxRecipeSuite } from './sandbox-recipe.suite.js';

// One file, so a machine without Docker prints one line about it (and CI=true fails once per suite).
describeWithDocker('the mock-concur image', mockImageSuite);
describeWithDocker("the README's parallel-tests recipe, in a container", sandboxRecipeSuite);
describeWithDocker('the docker compose demo environment', demoComposeSuite);
