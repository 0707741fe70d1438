import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores: vitest's default on a 2-core machine is one worker, and most test files wait on
    // I/O between in-process servers (dynalite, s3rver) for part of their time.
    maxWorkers: 2,
  },
});
