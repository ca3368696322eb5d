// The generated repository as the rehearsal sees it: its stored settings and the values derived from them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, tempDir } from '../../support/generate.js';

export interface Project {
  dir: string;
  /** Settings exactly as stored in the generated .yo-rc.json. */
  settings: Record<string, unknown> & {
    appName: string;
    port: number;
    healthCheckPath: string;
    healthCheckInterval: number;
    healthCheckTimeout: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
    deregistrationDelay: number;
    desiredCount: number;
    minHealthyPercent: number;
    maxPercent: number;
    strategy: string;
  };
  /** Values the templates were rendered with (drainSeconds, stopTimeout, ...), from the generator's own derive(). */
  derived: { drainSeconds: number; stopTimeout: number };
  /** ECS's task limits during a rolling deployment, from the generator's own rollingBounds(). */
  bounds: { minHealthy: number; maxRunning: number };
  /** Worst-case seconds of one deployment from the generator's estimate, with no Fargate start time (none here). */
  estimateSeconds: number;
  /** The app's forced exit comes this many seconds before its STOP_TIMEOUT_SECONDS (read from the generated src/config.ts). */
  forcedExitLeadSeconds: number;
  /** Images named by the Dockerfile's FROM lines (the local base image is tagged with these). */
  baseImages: string[];
  /** argv of the start script (`node dist/src/server.js`), run directly so signals reach node as in the container. */
  startCommand: string[];
}

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });

/** Generates a repository with the bin (as a user would), installs and builds it (unless `install` is false). */
export async function generateProject(
  name: string,
  flags: Record<string, string> = {},
  install = true,
): Promise<Project> {
  const dir = path.join(tempDir('bluegreen-e2e-'), name);
  const args = Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value]);
  run(process.execPath, [BIN, dir, '--yes', '--skip-install', ...args], ROOT);
  if (install) {
    run('npm', ['install', '--no-audit', '--no-fund'], dir);
    run('npm', ['run', 'build'], dir);
  }
  return readProject(dir);
}

/** A module of the built generator (dist/generators/app/<stage>/<module>.js), so the rehearsal uses the generator's own arithmetic. */
export const generatorModule = (module: string): Promise<any> =>
  import(path.join(ROOT, 'dist', 'generators', 'app', `${module}.js`));

/**
 * Seconds from the app's forced exit to the stop timeout: the generated app declares FORCED_EXIT_LEAD_SECONDS in
 * src/config.ts; the --existing-service module (src/zero-downtime/index.ts) renders forcedExitMs as a number.
 */
function forcedExitLead(dir: string, stopTimeout: number): number {
  const config = path.join(dir, 'src', 'config.ts');
  if (existsSync(config)) {
    const lead = /FORCED_EXIT_LEAD_SECONDS\s*=\s*(\d+)/.exec(readFileSync(config, 'utf8'));
    if (!lead) throw new Error('src/config.ts declares no FORCED_EXIT_LEAD_SECONDS');
    return Number(lead[1]);
  }
  const module = path.join(dir, 'src', 'zero-downtime', 'index.ts');
  const forced = existsSync(module) && /forcedExitMs:\s*(\d+)/.exec(readFileSync(module, 'utf8'));
  if (!forced) throw new Error(`${dir} has neither src/config.ts nor src/zero-downtime/index.ts with forcedExitMs`);
  return stopTimeout - Number(forced[1]) / 1000;
}

/** A generated repository, or an existing one with --existing-service's delivery/ and src/zero-downtime/. */
export async function readProject(dir: string): Promise<Project> {
  const rc = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'));
  const settings = Object.values(rc)[0] as Project['settings'];
  const [{ derive }, { rollingBounds }, { estimateSeconds }] = await Promise.all(
    ['core/render/derive', 'core/settings/aws-limits', 'core/settings/estimate'].map(generatorModule),
  );
  const derived = derive(settings);
  const localPlatform = { taskStart: { best: 0, worst: 0 }, appBoot: 0 };
  const leadSeconds = forcedExitLead(dir, derived.stopTimeout);
  const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  const stageNames = new Set<string>();
  const baseImages: string[] = [];
  for (const [, image, stage] of dockerfile.matchAll(/^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/gim)) {
    if (!stageNames.has(image) && !baseImages.includes(image)) baseImages.push(image);
    if (stage) stageNames.add(stage);
  }
  const start: string = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).scripts.start;
  const startCommand = start.split(/\s+/);
  if (startCommand[0] !== 'node') throw new Error(`start script is not "node ...": ${start}`);
  return {
    dir,
    settings,
    derived,
    bounds: rollingBounds(settings.desiredCount, settings.minHealthyPercent, settings.maxPercent),
    estimateSeconds: estimateSeconds(settings, derived, localPlatform).worst,
    forcedExitLeadSeconds: leadSeconds,
    baseImages,
    startCommand: [process.execPath, ...startCommand.slice(1)],
  };
}
