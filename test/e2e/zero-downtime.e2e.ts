// Zero downtime, proven: the generated app built into an image and replaced under load behind HAProxy, as ECS does it.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../support/generate.js';
import { buildImage, buildSteps } from './lib/image.js';
import { generateProject, type Project } from './lib/project.js';
import { rehearse, type ScaledTimes, type Strategy } from './lib/rehearsal.js';
import { containerRuntime, podman, PODMAN_RUN_FLAGS, processRuntime, type Runtime } from './lib/tasks.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Every time of the settings is multiplied by this one factor (1/20: a 30 s health check interval becomes 1.5 s). */
const TIME_SCALE = Number(process.env.E2E_TIME_SCALE ?? 1 / 20);
const APP_IMAGE = 'localhost/bluegreen-e2e-app';
const CONTROL_IMAGE = 'localhost/bluegreen-e2e-abrupt';

/**
 * The app's shutdown times, scaled. Its STOP_TIMEOUT_SECONDS (the app's own forced-exit safety net) must exceed the
 * drain by its forced-exit lead, whole seconds the scale cannot shrink; ECS's SIGKILL still comes at the scaled timeout.
 */
function shutdownEnv(project: Project) {
  return (times: ScaledTimes): Record<string, string> => {
    const drainSeconds = times.drainMs / 1000;
    if (!Number.isInteger(drainSeconds)) throw new Error(`scaled drain ${drainSeconds} s is not whole seconds; pick another E2E_TIME_SCALE`);
    const stopSeconds = Math.max(Math.ceil(times.stopTimeoutMs / 1000), drainSeconds + project.forcedExitLeadSeconds + 1);
    return { DRAIN_SECONDS: String(drainSeconds), STOP_TIMEOUT_SECONDS: String(stopSeconds) };
  };
}

let defaults: Project;
let blueGreen: Project;
let custom: Project;
let buildLog: string;

beforeAll(async () => {
  [defaults, blueGreen, custom] = await Promise.all([
    generateProject('orders-api'),
    generateProject('orders-bg', { strategy: 'blue-green' }),
    // Every rolling knob off its default: 4 tasks, one may be down, one extra; drain 10 x 4 = 40 s (2 s scaled).
    generateProject('orders-custom', {
      port: '8080', 'health-check-path': '/healthz', 'health-check-interval': '10', 'health-check-timeout': '4',
      'healthy-threshold': '3', 'unhealthy-threshold': '4', 'deregistration-delay': '20',
      'desired-count': '4', 'min-healthy-percent': '75', 'max-percent': '125',
    }),
  ]);
  const baseImages = [...new Set([defaults, blueGreen, custom].flatMap((p) => p.baseImages))];
  execFileSync('bash', [path.join(HERE, 'setup.sh'), ...baseImages], { stdio: 'inherit', timeout: 600_000 });
  buildLog = await buildImage(defaults.dir, APP_IMAGE);
  await buildImage(blueGreen.dir, `${APP_IMAGE}-bg`);
  await buildImage(path.join(HERE, 'fixtures'), CONTROL_IMAGE, ['-f', path.join(HERE, 'fixtures', 'Dockerfile.abrupt'), '--build-arg', `BASE_IMAGE=${defaults.baseImages[0]}`]);
});

// Each generated repository has its own node_modules: about 100 MB a run.
afterAll(() => {
  for (const project of [defaults, blueGreen, custom]) if (project) rmSync(path.dirname(project.dir), { recursive: true, force: true });
});

// Concurrent: the real 60 s drain of the SIGTERM check overlaps the rebuild.
describe.concurrent('container built from the generated Dockerfile', () => {
  test('serves health on its port as non-root without dev dependencies; HEALTHCHECK passes; SIGTERM exits 0 in time', async () => {
    const { port, healthCheckPath } = defaults.settings;
    const hostPort = 43100;
    const name = `bluegreen-e2e-check-${process.pid}`;
    // Bridge network: the app listens on the port baked into the image, published on loopback only.
    await podman('run', '-d', '--name', name, ...PODMAN_RUN_FLAGS, '-p', `127.0.0.1:${hostPort}:${port}`, APP_IMAGE);
    try {
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = await fetch(`http://127.0.0.1:${hostPort}${healthCheckPath}`).then((r) => r.status, () => 0);
        if (status !== 200) await sleep(100);
      }
      expect(status).toBe(200);
      expect(await podman('exec', name, 'id', '-u')).not.toBe('0');
      const installed = (await podman('exec', name, 'ls', 'node_modules')).split('\n');
      const devDependencies = Object.keys(JSON.parse(readFileSync(path.join(defaults.dir, 'package.json'), 'utf8')).devDependencies);
      expect(installed).toContain('express');
      expect(installed.filter((dep) => devDependencies.some((d) => d === dep || d.startsWith(`${dep}/`)))).toEqual([]);
      expect(await podman('inspect', '--format', '{{.Config.Healthcheck.Test}}', name)).toContain(healthCheckPath);
      await podman('healthcheck', 'run', name);

      const signalled = Date.now();
      await podman('kill', '--signal', 'TERM', name);
      const code = Number(await podman('wait', name));
      const seconds = (Date.now() - signalled) / 1000;
      expect(code).toBe(0);
      // It drains for the whole drain period, and is gone before ECS would SIGKILL it.
      expect(seconds).toBeGreaterThanOrEqual(defaults.derived.drainSeconds);
      expect(seconds).toBeLessThan(defaults.derived.stopTimeout);
    } finally {
      await podman('rm', '-f', name).catch(() => undefined);
    }
  });

  test('a source-only change rebuilds without reinstalling dependencies', async () => {
    const copy = path.join(tempDir('bluegreen-e2e-rebuild-'), 'app');
    cpSync(defaults.dir, copy, { recursive: true, filter: (src) => !/node_modules|dist/.test(path.relative(defaults.dir, src)) });
    // Unique, or the layer cache of an earlier run of this suite would already hold the changed sources.
    appendFileSync(path.join(copy, 'src', 'app.ts'), `\n// a source-only change ${Date.now()}-${process.pid}\n`);
    const firstSteps = buildSteps(buildLog);
    const steps = buildSteps(await buildImage(copy, `${APP_IMAGE}-rebuilt`));
    const installs = steps.filter((s) => /^RUN npm ci/.test(s.instruction));
    expect(installs.length).toBeGreaterThan(0);
    expect(installs.every((s) => s.cached)).toBe(true);
    // The change was seen: copying the sources was not cached.
    expect(steps.find((s) => /^COPY src/.test(s.instruction))?.cached).toBe(false);
    expect(firstSteps.length).toBe(steps.length);
    rmSync(path.dirname(copy), { recursive: true, force: true });
  });
});

interface Case {
  strategy: Strategy;
  project: () => Project;
  runtime: () => Runtime;
  control?: boolean;
}

const appProcesses = (p: () => Project) => () => processRuntime(p().startCommand, p().dir);
const abruptProcesses = () => processRuntime([process.execPath, path.join(HERE, 'fixtures', 'abrupt-app.mjs')], HERE);

const CASES: Record<string, Case> = {
  'rolling, defaults, processes': { strategy: 'rolling', project: () => defaults, runtime: appProcesses(() => defaults) },
  'rolling, defaults, containers': { strategy: 'rolling', project: () => defaults, runtime: () => containerRuntime(APP_IMAGE) },
  'rolling, custom settings, processes': { strategy: 'rolling', project: () => custom, runtime: appProcesses(() => custom) },
  'blue-green, defaults, processes': { strategy: 'blue-green', project: () => blueGreen, runtime: appProcesses(() => blueGreen) },
  'blue-green, defaults, containers': { strategy: 'blue-green', project: () => blueGreen, runtime: () => containerRuntime(`${APP_IMAGE}-bg`) },
  'negative control (exits at once on SIGTERM), processes': { strategy: 'rolling', project: () => defaults, runtime: abruptProcesses, control: true },
  'negative control (exits at once on SIGTERM), containers': { strategy: 'rolling', project: () => defaults, runtime: () => containerRuntime(CONTROL_IMAGE), control: true },
};

describe('deployment rehearsal under load behind HAProxy', () => {
  Object.entries(CASES).forEach(([title, c], index) => {
    test(title, async () => {
      const project = c.project();
      const result = await rehearse({
        project,
        runtime: c.runtime(),
        strategy: c.strategy,
        timeScale: TIME_SCALE,
        taskEnv: shutdownEnv(project),
        loadPath: '/',
        basePort: 41000 + index * 100,
      });
      console.log(result.line);
      expect(result.requests).toBeGreaterThan(1000);
      if (c.control) {
        expect(result.failed, 'the control lost nothing: the rehearsal cannot see lost requests').toBeGreaterThan(0);
        return;
      }
      expect(result.failed).toBe(0);
      expect(result.stopped).toHaveLength(project.settings.desiredCount);
      for (const stop of result.stopped) expect(stop).toMatchObject({ exit: { code: 0 }, killed: false });
    });
  });
});
