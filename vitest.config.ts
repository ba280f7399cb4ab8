import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run many cases; give them room without hiding a real hang.
    testTimeout: 30_000,
    pool: 'forks',
  },
});
