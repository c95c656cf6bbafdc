import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // 2-core CI machines: two files at a time keeps servers and engines from starving each other.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
