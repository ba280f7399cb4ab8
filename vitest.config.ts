import { defineConfig } from 'vitest/config';

// Packages resolve each other to their TypeScript sources (the "@mock-concur/source" export
// condition), so tests need no build; test/packaging proves the built tarballs separately.
const SOURCE_CONDITIONS = ['@mock-concur/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions: SOURCE_CONDITIONS },
  ssr: { resolve: { conditions: SOURCE_CONDITIONS, externalConditions: ['@mock-concur/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run many cases; give them room without hiding a real hang.
    testTimeout: 30_000,
    pool: 'forks',
    // Every contract fixture must be used by some consumer test (or say why it is provider-only).
    globalSetup: ['contracts/src/consumer/usage-gate.ts'],
  },
});
