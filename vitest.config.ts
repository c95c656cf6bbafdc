import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that open databases with better-sqlite3 directly get the same Node 24 guard as the product.
    // test/helpers/setup.ts removes each file's temporary directories after its tests.
    setupFiles: ['./src/store/sqlite/native-lifetime.ts', './test/helpers/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // 2-core CI machines: two files at a time keeps servers and engines from starving each other.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
