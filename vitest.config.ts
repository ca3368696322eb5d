import { defineConfig } from 'vitest/config';

// Suites that install packages and run what they install (a generated project, the packed generator): they run after
// the others, so that npm installs and real processes do not compete with the fast suites for the two cores.
const INTEGRATION = ['test/service/generated-service.test.ts', 'test/generator/tarball.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['./test/support/temp-root.ts'],
    // Most suites wait on child processes (the bin, yo, git, npm): three workers keep two cores busy (39 s instead of 75 s).
    maxWorkers: 3,
    reporters: ['default', ['./test/support/summary-reporter.ts', { label: 'tests' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/existing/fixtures/**', 'node_modules/**', ...INTEGRATION],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: INTEGRATION,
          testTimeout: 600_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
