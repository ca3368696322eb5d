// Files as data: every file the generator writes, with the condition under which it is written.
// Sources are paths under templates/, which mirrors the generated repository; dotfiles are stored
// without their dot (npm strips some dotfiles from published packages) and renamed on write.
import { traitsOf } from '../settings/strategies.js';
import type { Settings } from '../settings/declaration.js';

export interface FileEntry {
  /** Path under templates/. */
  source: string;
  /** Path in the generated repository, when it differs from source. */
  destination?: string;
  /** Written only when this holds for the settings. */
  when?: (settings: Settings) => boolean;
}

const dot = (source: string): FileEntry => ({ source, destination: `.${source}` });

const NEW_PROJECT_FILES: readonly FileEntry[] = [
  // The service (its own package, lint, build and tests)
  { source: 'package.json' },
  { source: 'tsconfig.json' },
  { source: 'eslint.config.js' },
  { source: 'src/app.ts' },
  { source: 'src/server.ts' },
  { source: 'src/config.ts' },
  { source: 'src/checks.ts' },
  { source: 'src/health.ts' },
  { source: 'src/logger.ts' },
  { source: 'src/shutdown.ts' },
  { source: 'test/helpers.ts' },
  { source: 'test/app.test.ts' },
  { source: 'test/config.test.ts' },
  { source: 'test/health.test.ts' },
  { source: 'test/shutdown.test.ts' },
  { source: 'test/smoke.test.ts' },
  // The container
  { source: 'Dockerfile' },
  dot('dockerignore'),
  // Delivery
  { source: 'buildspec.yml' },
  { source: 'infra/pipeline.yml' },
  { source: 'infra/service.yml' },
  { source: 'infra/network.yml', when: (s) => s.network === 'new' },
  // npm run deploy and npm run teardown (AWS CLI v2), with what they share.
  { source: 'scripts/deploy.sh' },
  { source: 'scripts/teardown.sh' },
  { source: 'scripts/lib.sh' },
  // npm run smoke -- URL: the checks run against an environment before its image is promoted (Node built-ins only).
  { source: 'scripts/smoke.mjs' },
  // CodeDeploy's inputs, read by the pipeline's CodeDeployToECS action.
  { source: 'appspec.yaml', when: (s) => traitsOf(s.strategy).codeDeploy },
  { source: 'taskdef.json', when: (s) => traitsOf(s.strategy).codeDeploy },
  // Repository
  dot('github/workflows/ci.yml'),
  dot('github/dependabot.yml'),
  dot('gitignore'),
  { source: 'README.md' },
  dot('gitattributes'),
];

/**
 * --existing-service: only the delivery, in a folder of its own so nothing collides with the user's files, and the
 * health and shutdown module (the generated app's own health.ts, checks.ts and shutdown.ts, with a console logger and
 * the entry point the two wiring lines import). The user's package.json, Dockerfile and tests are never written.
 */
const MODULE = 'src/zero-downtime';
const EXISTING_SERVICE_FILES: readonly FileEntry[] = [
  { source: 'existing-service/delivery/buildspec.yml', destination: 'delivery/buildspec.yml' },
  { source: 'existing-service/delivery/pipeline.yml', destination: 'delivery/pipeline.yml' },
  { source: 'existing-service/delivery/deploy.sh', destination: 'delivery/deploy.sh' },
  { source: 'existing-service/delivery/teardown.sh', destination: 'delivery/teardown.sh' },
  { source: 'existing-service/delivery/README.md', destination: 'delivery/README.md' },
  { source: 'src/health.ts', destination: `${MODULE}/health.ts` },
  { source: 'src/checks.ts', destination: `${MODULE}/checks.ts` },
  { source: 'src/shutdown.ts', destination: `${MODULE}/shutdown.ts` },
  { source: 'existing-service/src/zero-downtime/logger.ts', destination: `${MODULE}/logger.ts` },
  { source: 'existing-service/src/zero-downtime/index.ts', destination: `${MODULE}/index.ts` },
].map((file) => ({ ...file, when: (s: Settings) => s.existingService }));

/** The new project's files are written only without --existing-service. */
export const FILES: readonly FileEntry[] = [
  ...NEW_PROJECT_FILES.map((file) => ({
    ...file,
    when: (s: Settings) => !s.existingService && (!file.when || file.when(s)),
  })),
  ...EXISTING_SERVICE_FILES,
];

/** Destination paths written for these settings (without .yo-rc.json and package-lock.json). */
export function outputPaths(settings: Settings): string[] {
  return FILES.filter((file) => !file.when || file.when(settings)).map((file) => file.destination ?? file.source);
}
