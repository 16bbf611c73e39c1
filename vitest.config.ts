import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the CPUs: on CI's two cores, one test file at a time,
    // with a core idle while each file loads (a third of the run). Every CPU runs a file instead.
    maxWorkers: os.availableParallelism(),
    // PostgreSQL and Redis at their usual local addresses when the variables are unset and they answer.
    globalSetup: ['test/support/localServers.ts'],
    // The JSON report lets .ci/run print a plain 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
