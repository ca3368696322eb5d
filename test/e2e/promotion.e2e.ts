// Promotion, rehearsed: two stand-in environments (staging and production, an HAProxy each) serving v1 of the generated
// app's image under load; v2 is deployed to staging, the generated scripts/smoke.mjs runs against staging's URL, and
// only when it passes is v2 deployed to production. Negative control: v2's health check fails on staging once deployed,
// the smoke test exits 1, production is never touched and keeps serving v1 without a failed request.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildImage, imageEnv } from './lib/image.js';
import { generateProject, type Project } from './lib/project.js';
import { Environment, type EnvironmentOptions, type EnvironmentResult, type ScaledTimes } from './lib/rehearsal.js';
import { containerRuntime } from './lib/tasks.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Every time of the settings is multiplied by this one factor, as in zero-downtime.e2e.ts. */
const TIME_SCALE = Number(process.env.E2E_TIME_SCALE ?? 1 / 10);
/** Paced load on each environment: two environments and their tasks share the machine. */
const LOAD = { rate: Number(process.env.E2E_PROMOTION_RATE ?? 800), connections: 16, slowConnections: 8 };
const JITTER_PERCENT = 10;
const IMAGE = 'localhost/bluegreen-e2e-promotion';
/** The smoke test's retries, scaled like the rest: a few attempts 1 s apart (the script counts whole seconds). */
const SMOKE_ENV = { SMOKE_ATTEMPTS: '4', SMOKE_INTERVAL_SECONDS: '1', SMOKE_TIMEOUT_SECONDS: '2' };

let project: Project;
const startedAt = Date.now();

beforeAll(async () => {
  project = await generateProject('orders-api');
  execFileSync('bash', [path.join(HERE, 'setup.sh'), ...project.baseImages], { stdio: 'inherit', timeout: 600_000 });
  // v2 differs only by the version the buildspec passes (the commit). Built without the layer cache: buildah 1.28
  // reuses the cached `ENV APP_VERSION=${APP_VERSION}` step whatever the build argument's value (an ENV set from an ARG
  // that no later RUN uses; https://github.com/containers/buildah/issues/5501), so a cached v2 was v1's very image and
  // staging kept answering v1 after its rollout to "v2".
  await buildImage(project.dir, `${IMAGE}:v1`, ['--build-arg', 'APP_VERSION=v1']);
  await buildImage(project.dir, `${IMAGE}:v2`, ['--no-cache', '--build-arg', 'APP_VERSION=v2']);
  for (const version of ['v1', 'v2']) {
    const env = await imageEnv(`${IMAGE}:${version}`);
    if (env.APP_VERSION !== version) throw new Error(`${IMAGE}:${version} has APP_VERSION=${env.APP_VERSION}`);
  }
});

afterAll(() => {
  if (project) rmSync(path.dirname(project.dir), { recursive: true, force: true });
});

/** The app's shutdown times, scaled (the forced exit keeps its lead before the stop timeout, as zero-downtime does). */
const taskEnv = (times: ScaledTimes): Record<string, string> => {
  const lead = project.forcedExitLeadSeconds;
  const stopSeconds = times.stopTimeoutMs / 1000 - lead * TIME_SCALE + lead;
  return { DRAIN_SECONDS: String(times.drainMs / 1000), STOP_TIMEOUT_SECONDS: stopSeconds.toFixed(3) };
};

const environment = (name: string, basePort: number): EnvironmentOptions => ({
  name,
  project,
  runtime: containerRuntime(`${IMAGE}:v1`),
  timeScale: TIME_SCALE,
  taskEnv,
  basePort,
  load: LOAD,
  jitterPercent: JITTER_PERCENT,
});

/** The generated smoke test, run as the pipeline's CodeBuild action runs it: node scripts/smoke.mjs URL. */
async function smoke(url: string): Promise<{ code: number | null; output: string; attempts: number }> {
  const child = spawn(process.execPath, [path.join(project.dir, 'scripts', 'smoke.mjs'), url], {
    env: { ...process.env, ...SMOKE_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const [code] = (await once(child, 'close')) as [number | null];
  console.log(output.trim());
  return { code, output, attempts: output.split('\n').filter((l) => l.startsWith('smoke: attempt ')).length };
}

const describeResult = (name: string, r: EnvironmentResult) =>
  `${name}: requests=${r.requests} failed=${r.failed} (non2xx=${r.non2xx} errors=${r.errors}) ` +
  `rollouts_s=${r.rollouts.map(Math.round).join(',') || 'none'} ` +
  `gaps_ms=${r.stopped.map((s) => Math.round(s.gapMs)).join(',') || 'none'}`;

const summary: string[] = [];

describe('promotion from staging to production under load', () => {
  afterAll(() => {
    console.log(
      `promotion summary: ${summary.join(' | ')} | duration_s=${Math.round((Date.now() - startedAt) / 1000)} ` +
        `(scaled x${Math.round(1 / TIME_SCALE)})`,
    );
  });

  test('v2 to staging, smoke test passes, v2 to production: 0 failed requests in both', async () => {
    const [staging, production] = await Promise.all([
      Environment.start(environment('staging', 24000)),
      Environment.start(environment('production', 24100)),
    ]);
    let results: EnvironmentResult[] | undefined;
    try {
      expect(new Set(await production.versions())).toEqual(new Set(['v1']));
      await staging.deploy(containerRuntime(`${IMAGE}:v2`));
      expect(new Set(await staging.versions())).toEqual(new Set(['v2']));
      const check = await smoke(staging.url);
      expect(check.code, check.output).toBe(0);
      // The pipeline's next stage: the same image to production.
      expect(new Set(await production.versions())).toEqual(new Set(['v1']));
      await production.deploy(containerRuntime(`${IMAGE}:v2`));
      expect(new Set(await production.versions())).toEqual(new Set(['v2']));
      summary.push(`promoted: smoke exit=${check.code} attempts=${check.attempts}`);
    } finally {
      results = await Promise.all([staging.stop(), production.stop()]);
    }
    const [s, p] = results;
    summary.push(describeResult('staging', s), describeResult('production', p));
    console.log(summary.slice(-3).join(' | '));
    for (const r of results) {
      expect(r.requests).toBeGreaterThan(1000);
      expect(r.failed).toBe(0);
      expect(r.rollouts).toHaveLength(1);
      expect(r.stopped).toHaveLength(project.settings.desiredCount);
      for (const stop of r.stopped) expect(stop).toMatchObject({ exit: { code: 0 }, killed: false });
    }
  });

  test('negative control: v2 fails its health check on staging, the smoke test stops the run, production keeps v1', async () => {
    const [staging, production] = await Promise.all([
      Environment.start(environment('staging', 24200)),
      Environment.start(environment('production', 24300)),
    ]);
    let results: EnvironmentResult[] | undefined;
    let check: Awaited<ReturnType<typeof smoke>> | undefined;
    let productionVersions: string[] | undefined;
    try {
      // The faulty v2 passes the balancer's checks while it rolls out, then its health path answers 503.
      await staging.deploy(containerRuntime(`${IMAGE}:v2`), { PROBE_UNHEALTHY_ON_SIGUSR2: '1' });
      await Promise.all(staging.tasks.map((t) => t.signal('SIGUSR2')));
      check = await smoke(staging.url);
      // The pipeline stops here: production is never deployed, whatever the smoke test said.
      if (check.code === 0) await production.deploy(containerRuntime(`${IMAGE}:v2`));
      productionVersions = await production.versions();
    } finally {
      results = await Promise.all([staging.stop(), production.stop()]);
    }
    const [s, p] = results;
    summary.push(
      `control: smoke exit=${check?.code} attempts=${check?.attempts} production_version=${[...new Set(productionVersions)].join(',')}`,
      describeResult('control staging', s),
      describeResult('control production', p),
    );
    console.log(summary.slice(-3).join(' | '));
    if (!check) throw new Error('the smoke test did not run');
    expect(check.code, check.output).toBe(1);
    expect(check.attempts).toBe(Number(SMOKE_ENV.SMOKE_ATTEMPTS));
    expect(check.output).toMatch(/health 503 /);
    expect(new Set(productionVersions)).toEqual(new Set(['v1']));
    expect(p.rollouts).toEqual([]);
    expect(p.stopped).toEqual([]);
    expect(p.requests).toBeGreaterThan(1000);
    expect(p.failed).toBe(0);
  });
});
