// Zero downtime, proven: the generated app built into an image and replaced under load behind HAProxy, as ECS does it,
// for every strategy, with SIGTERM in the worst phase of the balancer's health checks as well as at random.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../support/generate.js';
import { buildImage, buildSteps } from './lib/image.js';
import { generateProject, type Project } from './lib/project.js';
import { rehearse, type Phase, type RehearsalResult, type ScaledTimes } from './lib/rehearsal.js';
import { containerRuntime, podman, PODMAN_RUN_FLAGS, processRuntime, type Runtime } from './lib/tasks.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Every time of the settings is multiplied by this one factor (1/10: a 10 s health check interval becomes 1 s). */
const TIME_SCALE = Number(process.env.E2E_TIME_SCALE ?? 1 / 10);
/** Paced keep-alive load on the main path (requests/s over 32 connections), plus 32 connections on the slow route. */
const LOAD = { rate: Number(process.env.E2E_RATE ?? 3000), connections: 32, slowConnections: 32 };
/** Check jitter (HAProxy spread-checks, percent of the interval): the generator's drain margin allows 10 %. */
const JITTER_PERCENT = 10;
const APP_IMAGE = 'localhost/bluegreen-e2e-app';
const CONTROL_IMAGE = 'localhost/bluegreen-e2e-abrupt';

/**
 * The app's shutdown times, scaled (fractions of a second allowed). Its forced exit comes FORCED_EXIT_LEAD_SECONDS
 * before STOP_TIMEOUT_SECONDS; scaled, that lead shrinks too, so the forced exit still comes before the harness's SIGKILL.
 */
function shutdownEnv(project: Project) {
  return (times: ScaledTimes): Record<string, string> => {
    const lead = project.forcedExitLeadSeconds;
    const stopSeconds = times.stopTimeoutMs / 1000 - lead * TIME_SCALE + lead;
    return { DRAIN_SECONDS: String(times.drainMs / 1000), STOP_TIMEOUT_SECONDS: stopSeconds.toFixed(3) };
  };
}

let defaults: Project;
let custom: Project;
/** One repository per shifting strategy; bake times of 1 minute keep the scaled rehearsal short. */
const shifting: Record<string, Project> = {};
let buildLog: string;
let tlsPem: string;

const SHIFTING_FLAGS: Record<string, Record<string, string>> = {
  'blue-green': { strategy: 'blue-green', 'bake-time': '1' },
  canary: { strategy: 'canary', 'canary-percent': '10', 'canary-bake-time': '1', 'bake-time': '1' },
  linear: { strategy: 'linear', 'linear-step-percent': '25', 'linear-step-bake-time': '1', 'bake-time': '1' },
  codedeploy: { strategy: 'codedeploy', 'bake-time': '1' },
};

const sourceFiles = (dir: string) =>
  Object.fromEntries(
    readdirSync(path.join(dir, 'src')).map((f) => [f, readFileSync(path.join(dir, 'src', f), 'utf8')]),
  );

beforeAll(async () => {
  [defaults, custom] = await Promise.all([
    generateProject('orders-api'),
    // Every rolling knob off its default: 4 tasks, one may be down, one extra; /healthz on 8080; unhealthy 4.
    generateProject('orders-custom', {
      port: '8080',
      'health-check-path': '/healthz',
      'health-check-interval': '10',
      'health-check-timeout': '4',
      'healthy-threshold': '3',
      'unhealthy-threshold': '4',
      'deregistration-delay': '20',
      'desired-count': '4',
      'min-healthy-percent': '75',
      'max-percent': '125',
    }),
  ]);
  for (const [strategy, flags] of Object.entries(SHIFTING_FLAGS)) {
    const project = await generateProject(`orders-${strategy}`, { 'app-name': 'orders-api', ...flags }, false);
    // The app is the same source whatever the strategy (only infra/ and the README differ), so the defaults' build runs.
    expect(sourceFiles(project.dir)).toEqual(sourceFiles(defaults.dir));
    shifting[strategy] = project;
  }
  const tlsDir = tempDir('bluegreen-e2e-tls-');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      path.join(tlsDir, 'key.pem'),
      '-out',
      path.join(tlsDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  tlsPem = path.join(tlsDir, 'listener.pem');
  writeFileSync(
    tlsPem,
    readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8') + readFileSync(path.join(tlsDir, 'key.pem'), 'utf8'),
  );

  const baseImages = [...new Set([defaults, custom].flatMap((p) => p.baseImages))];
  execFileSync('bash', [path.join(HERE, 'setup.sh'), ...baseImages], { stdio: 'inherit', timeout: 600_000 });
  buildLog = await buildImage(defaults.dir, APP_IMAGE);
  await buildImage(path.join(HERE, 'fixtures'), CONTROL_IMAGE, [
    '-f',
    path.join(HERE, 'fixtures', 'Dockerfile.abrupt'),
    '--build-arg',
    `BASE_IMAGE=${defaults.baseImages[0]}`,
  ]);
});

// Each generated repository has its own node_modules: about 100 MB a run.
afterAll(() => {
  for (const project of [defaults, custom, ...Object.values(shifting)])
    if (project) rmSync(path.dirname(project.dir), { recursive: true, force: true });
  if (tlsPem) rmSync(path.dirname(tlsPem), { recursive: true, force: true });
});

// Concurrent: the real 60 s drain of the SIGTERM check overlaps the rebuild.
describe.concurrent('container built from the generated Dockerfile', () => {
  test('serves health on its port as non-root without dev dependencies; HEALTHCHECK passes; SIGTERM exits 0 in time', async () => {
    const { port, healthCheckPath } = defaults.settings;
    const hostPort = 20900;
    const name = `bluegreen-e2e-check-${process.pid}`;
    // Bridge network: the app listens on the port baked into the image, published on loopback only.
    await podman('run', '-d', '--name', name, ...PODMAN_RUN_FLAGS, '-p', `127.0.0.1:${hostPort}:${port}`, APP_IMAGE);
    try {
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = await fetch(`http://127.0.0.1:${hostPort}${healthCheckPath}`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await sleep(100);
      }
      expect(status).toBe(200);
      expect(await podman('exec', name, 'id', '-u')).not.toBe('0');
      const installed = (await podman('exec', name, 'ls', 'node_modules')).split('\n');
      const devDependencies = Object.keys(
        JSON.parse(readFileSync(path.join(defaults.dir, 'package.json'), 'utf8')).devDependencies,
      );
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
    cpSync(defaults.dir, copy, {
      recursive: true,
      filter: (src) => !/node_modules|dist/.test(path.relative(defaults.dir, src)),
    });
    // Unique, or the layer cache of an earlier run of this suite would already hold the changed sources.
    appendFileSync(path.join(copy, 'src', 'app.ts'), `\n// a source-only change ${Date.now()}-${process.pid}\n`);
    const firstSteps = buildSteps(buildLog);
    const steps = buildSteps(await buildImage(copy, `${APP_IMAGE}-rebuilt`));
    const installs = steps.filter((s) => s.instruction.startsWith('RUN npm ci'));
    expect(installs.length).toBeGreaterThan(0);
    expect(installs.every((s) => s.cached)).toBe(true);
    // The change was seen: copying the sources was not cached.
    expect(steps.find((s) => s.instruction.startsWith('COPY src'))?.cached).toBe(false);
    expect(firstSteps.length).toBe(steps.length);
    rmSync(path.dirname(copy), { recursive: true, force: true });
  });
});

interface Case {
  project: () => Project;
  runtime: () => Runtime;
  phase: Phase;
  /** Trials of the same case: the worst phase is repeated so that a pass means something. */
  trials?: number;
  control?: boolean;
  tls?: boolean;
  scaleOutTo?: number;
}

const appProcesses = (p: () => Project) => () => processRuntime(p().startCommand, p().dir);
const defaultApp = appProcesses(() => defaults);
const abruptProcesses = () => processRuntime([process.execPath, path.join(HERE, 'fixtures', 'abrupt-app.mjs')], HERE);

const CASES: Record<string, Case> = {
  'rolling, defaults, worst phase': { project: () => defaults, runtime: defaultApp, phase: 'worst', trials: 5 },
  'rolling, defaults, random phase': { project: () => defaults, runtime: defaultApp, phase: 'random', trials: 2 },
  'rolling, defaults, ECS order (drain state, then SIGTERM)': {
    project: () => defaults,
    runtime: defaultApp,
    phase: 'ecs',
  },
  'rolling, defaults, containers, worst phase': {
    project: () => defaults,
    runtime: () => containerRuntime(APP_IMAGE),
    phase: 'worst',
  },
  'rolling, defaults, containers, random phase': {
    project: () => defaults,
    runtime: () => containerRuntime(APP_IMAGE),
    phase: 'random',
  },
  'rolling, custom settings, worst phase': {
    project: () => custom,
    runtime: appProcesses(() => custom),
    phase: 'worst',
  },
  'rolling, HTTPS listener with the redirect on port 80, worst phase': {
    project: () => defaults,
    runtime: defaultApp,
    phase: 'worst',
    tls: true,
  },
  'rolling, scale-out from 3 to 5 tasks during the rollout, random phase': {
    project: () => defaults,
    runtime: defaultApp,
    phase: 'random',
    scaleOutTo: 5,
  },
  ...Object.fromEntries(
    Object.keys(SHIFTING_FLAGS).flatMap((strategy) => [
      [
        `${strategy}, worst phase`,
        {
          project: () => shifting[strategy],
          runtime: defaultApp,
          phase: 'worst',
          trials: strategy === 'blue-green' ? 3 : 1,
        },
      ],
      [`${strategy}, random phase`, { project: () => shifting[strategy], runtime: defaultApp, phase: 'random' }],
    ]),
  ),
  'negative control (exits at once on SIGTERM), processes, worst phase': {
    project: () => defaults,
    runtime: abruptProcesses,
    phase: 'worst',
    control: true,
  },
  'negative control (exits at once on SIGTERM), containers, random phase': {
    project: () => defaults,
    runtime: () => containerRuntime(CONTROL_IMAGE),
    phase: 'random',
    control: true,
  },
};

/** Every rehearsal of the app (not the control), for the closing summary. */
const results: { phase: Phase; result: RehearsalResult }[] = [];

describe('deployment rehearsal under load behind HAProxy', () => {
  afterAll(() => {
    const worst = results.filter((r) => r.phase === 'worst').flatMap((r) => r.result.stopped.map((s) => s.gapMs));
    console.log(
      `rehearsal summary: runs=${results.length} stopped_tasks=${results.reduce((n, r) => n + r.result.stopped.length, 0)} ` +
        `failed=${results.reduce((n, r) => n + r.result.failed, 0)} worst_phase_stops=${worst.length} ` +
        `worst_phase_gap_min_ms=${Math.round(Math.min(...worst))} (scaled; x${Math.round(1 / TIME_SCALE)} in real time)`,
    );
  });
  Object.entries(CASES).forEach(([title, c], index) => {
    for (let trial = 1; trial <= (c.trials ?? 1); trial++) {
      test(`${title}${c.trials ? `, trial ${trial}` : ''}`, async () => {
        const project = c.project();
        const result: RehearsalResult = await rehearse({
          project,
          runtime: c.runtime(),
          phase: c.phase,
          timeScale: TIME_SCALE,
          taskEnv: shutdownEnv(project),
          // Below the ephemeral range (32768-60999 here): a task's port must not be taken by an outgoing connection.
          basePort: 21000 + index * 100,
          load: LOAD,
          jitterPercent: JITTER_PERCENT,
          tlsPem: c.tls ? tlsPem : undefined,
          scaleOutTo: c.scaleOutTo,
        });
        console.log(result.line);
        expect(result.requests).toBeGreaterThan(1000);
        if (c.tls)
          expect(result.redirect).toEqual({
            status: 301,
            location: expect.stringMatching(/^https:\/\/127\.0\.0\.1[:/]/),
          });
        if (c.control) {
          expect(result.failed, 'the control lost nothing: the rehearsal cannot see lost requests').toBeGreaterThan(0);
          return;
        }
        results.push({ phase: c.phase, result });
        expect(result.failed).toBe(0);
        expect(result.stopped).toHaveLength(project.settings.desiredCount);
        for (const stop of result.stopped) {
          expect(stop).toMatchObject({ exit: { code: 0 }, killed: false });
          // The balancer stopped routing before the app stopped listening, for every task.
          expect(stop.gapMs).toBeGreaterThan(0);
        }
      });
    }
  });
});
