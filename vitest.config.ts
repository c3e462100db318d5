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
    // Most suites wait on the processes they start (the CLI, the simulator, pwsh): two at a time
    // keeps both cores busy (vitest's default on two cores is one).
    maxWorkers: 2,
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
    // The CLI prints findings as GitHub annotations too when GITHUB_ACTIONS=true (src/render/annotations.ts):
    // off for the suite, also when it runs in GitHub Actions; the tests of annotations set it themselves.
    env: { GITHUB_ACTIONS: '' },
  },
});
