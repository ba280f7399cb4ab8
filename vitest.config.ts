import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run many cases; give them room without hiding a real hang.
    testTimeout: 30_000,
    pool: 'forks',
    // Every contract fixture must be used by some consumer test (or say why it is provider-only).
    globalSetup: ['contracts/consumer/usage-gate.ts'],
  },
});
