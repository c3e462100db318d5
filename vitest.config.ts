import { defineConfig } from 'vitest/config';

// VITEST_JSON=<file> adds a JSON report beside the usual output (CI reads its counts).
const json = process.env.VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end suites spawn the built CLI and the simulator; give them room on 2-core machines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});
