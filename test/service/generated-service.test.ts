// The generated repository for real: npm install, lint, build and its own tests, then the built server
// started on loopback, its health endpoint and its shutdown on SIGTERM and SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { derive } from '../../generators/app/core/render/derive.js';
import type { Settings } from '../../generators/app/core/settings/declaration.js';
import { NPM_FREE_ENV, runBin, tempDir } from '../support/generate.js';
import { copySourceProblems, execForm, instructionsOf, projectPathOfImageFile, stagesOf } from './dockerfile.js';

const MINUTE = 60_000;
const DRAIN_SECONDS = 2;
const STOP_TIMEOUT_SECONDS = 6;

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: NPM_FREE_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Running {
  url: string;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function startServer(dir: string): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/src/server.js'], {
    cwd: dir,
    env: {
      ...NPM_FREE_ENV,
      PORT: String(port),
      DRAIN_SECONDS: String(DRAIN_SECONDS),
      STOP_TIMEOUT_SECONDS: String(STOP_TIMEOUT_SECONDS),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  // A bound for a server that never listens, far above a start under load (about 1 s quiet): it only ends a hang.
  for (const started = Date.now(); Date.now() - started < 60_000; await sleep(50)) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      await (await fetch(`${url}/`)).text();
      return { url, port, child, exited };
    } catch {
      // Not listening yet.
    }
  }
  child.kill('SIGKILL');
  throw new Error('server did not listen within 60 s');
}

/** Runs the Dockerfile's HEALTHCHECK command as Docker would inside the container (same PORT), and returns its exit code. */
async function runHealthcheck(dir: string, port: number): Promise<number | null> {
  const runtime = stagesOf(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'))[1];
  const [program, ...args] = execForm(instructionsOf(runtime, 'HEALTHCHECK')[0]);
  expect(program).toBe('node');
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...NPM_FREE_ENV, PORT: String(port) },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.once('exit', resolve));
}

// Lint runs once: settings change values in the code, not its shape; build and the project's tests prove the values.
const PROJECTS = [
  { name: 'defaults', options: {}, port: 3000, healthPath: '/status', scripts: ['lint', 'build', 'test'] },
  {
    name: 'port 8080 and /healthz',
    options: { port: '8080', 'health-check-path': '/healthz' },
    port: 8080,
    healthPath: '/healthz',
    scripts: ['build', 'test'],
  },
];

/** The first project's folder, installed once: the second, with the same dependencies, shares its node_modules. */
let installed: string | undefined;
const dependenciesOf = (dir: string) => {
  const { dependencies, devDependencies } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return { dependencies, devDependencies };
};

describe.each(PROJECTS)(
  'generated service ($name), installed and run for real',
  { timeout: 10 * MINUTE },
  (project) => {
    let dir: string;
    let settings: Settings;

    beforeAll(async () => {
      // The bin into a folder of our own: yeoman-test would remove the first project's folder when the second one starts.
      dir = path.join(tempDir(), 'service');
      const generated = runBin([
        dir,
        '--yes',
        '--skip-install',
        ...Object.entries(project.options).flatMap(([flag, value]) => [`--${flag}`, value]),
      ]);
      expect(generated.status, generated.stderr).toBe(0);
      settings = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))['generator-bluegreen-ecs'];
      if (installed) {
        // Settings change no dependency (checked here), so one install proves the same for both projects.
        expect(dependenciesOf(dir)).toEqual(dependenciesOf(installed));
        symlinkSync(path.join(installed, 'node_modules'), path.join(dir, 'node_modules'));
        copyFileSync(path.join(installed, 'package-lock.json'), path.join(dir, 'package-lock.json'));
        console.log(
          `integration (${project.name}): sharing the first project's node_modules; lint, build, test, then the server for real`,
        );
        return;
      }
      console.log(
        `integration (${project.name}): npm install of the generated project (about 20 s), then lint, build, test, the server for real`,
      );
      const install = await run('npm', ['install', '--no-audit', '--no-fund'], dir);
      expect(install.code, install.output).toBe(0);
      installed = dir;
    }, 10 * MINUTE);

    it("writes a lockfile on install, as the buildspec's npm ci needs", () => {
      const lock = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
      expect(lock.lockfileVersion).toBe(3);
      expect(lock.packages['node_modules/express']).toBeDefined();
    });

    it.each(project.scripts)('passes npm run %s', async (script) => {
      const { code, output } = await run('npm', ['run', script], dir);
      expect(code, output).toBe(0);
      if (script === 'test') expect(output).toMatch(/^# fail 0$/m);
    });

    it('has every COPY source of the Dockerfile, and the file its CMD runs, once built', () => {
      const content = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
      expect(copySourceProblems(dir, content)).toEqual([]);
      const [, script] = execForm(instructionsOf(stagesOf(content)[1], 'CMD')[0]);
      const fromProject = projectPathOfImageFile(content, script);
      expect(fromProject).toBeDefined();
      expect(existsSync(path.join(dir, fromProject!))).toBe(true);
    });

    it('defaults to the generated port and derives its timings from the settings', async () => {
      const { loadConfig, GENERATED } = await import(pathToFileURL(path.join(dir, 'dist/src/config.js')).href);
      const derived = derive(settings);
      expect(loadConfig({}).port).toBe(project.port);
      expect(GENERATED).toMatchObject({
        healthCheckPath: project.healthPath,
        drainSeconds: derived.drainSeconds,
        stopTimeoutSeconds: derived.stopTimeout,
        keepAliveTimeoutMs: derived.keepAliveTimeoutMs,
        headersTimeoutMs: derived.headersTimeoutMs,
        checkTimeoutMs: derived.checkTimeoutMs,
      });
    });

    it(`answers 200 {"status":"ok"} on its health path, and the Dockerfile's HEALTHCHECK passes`, async () => {
      const server = await startServer(dir);
      try {
        const res = await fetch(`${server.url}${project.healthPath}`);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({
          status: 'ok',
          version: '0.1.0',
          checks: { eventLoopDelay: { status: 'ok' } },
        });
        const other = project.healthPath === '/status' ? '/healthz' : '/status';
        expect((await fetch(`${server.url}${other}`)).status).toBe(404);
        expect(await runHealthcheck(dir, server.port)).toBe(0);
      } finally {
        server.child.kill('SIGKILL');
      }
    });

    it.each(['SIGTERM', 'SIGINT'] as const)(
      'on %s: health 503 during the drain, other requests served during it, exit 0 before the stop timeout',
      async (signal) => {
        const server = await startServer(dir);
        const signalled = Date.now();
        server.child.kill(signal);
        // The signal reaches the process a moment after kill(): poll until the first 503. Its body says draining,
        // which the server answers only between the signal and the end of its drain (no wall-clock bound: a loaded
        // machine delays the signal, not the order).
        let health = await fetch(`${server.url}${project.healthPath}`);
        while (health.status === 200) {
          await health.text();
          health = await fetch(`${server.url}${project.healthPath}`);
        }
        expect(health.status).toBe(503);
        expect(await health.json()).toMatchObject({ status: 'draining' });
        const healthcheck = runHealthcheck(dir, server.port);

        // A fixed number of requests right after the first 503, all inside the 2 s drain: each is served.
        for (let i = 0; i < 3; i++) {
          const res = await fetch(`${server.url}/`);
          expect(res.status).toBe(200);
          await res.json();
        }
        expect(await healthcheck).toBe(1);

        const code = await server.exited;
        // Not before the drain; before the stop timeout is the exit code: the forced exit there exits 1.
        expect(Date.now() - signalled).toBeGreaterThanOrEqual(DRAIN_SECONDS * 1000);
        expect(code).toBe(0);
      },
    );
  },
);
