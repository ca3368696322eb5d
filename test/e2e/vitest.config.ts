// The e2e suite runs alone (npm run test:e2e): one file at a time, long timeouts, and a closing line CI logs recognise.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default defineConfig({
  test: {
    root,
    include: ['test/e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
    reporters: ['default', [path.join(root, 'test', 'support', 'summary-reporter.ts'), { label: 'e2e' }]],
  },
});
