import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real git, real processes and real file-system races: give each test room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Says once whether the real-CLI conformance suite runs or why it is skipped.
    globalSetup: ['test/conformance/global-setup.ts'],
  },
});
