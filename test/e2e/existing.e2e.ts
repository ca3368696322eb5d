// --existing-service, rehearsed (issue 21, "How to show it"): a user's own Express app (test/existing/fixtures/express-app)
// with the generated src/zero-downtime/ module wired in by the two lines the generator prints, replaced under load
// behind HAProxy by an ECS rolling update, SIGTERM in the worst phase of the balancer's health checks: 0 failed requests.
// Negative control: the same app without the module (app.listen, no SIGTERM handler) loses requests.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NPM_FREE_ENV, ROOT, runBin, tempDir } from '../support/generate.js';
import { readProject, type Project } from './lib/project.js';
import { rehearse, type RehearsalResult } from './lib/rehearsal.js';
import { processRuntime } from './lib/tasks.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(ROOT, 'test', 'existing', 'fixtures', 'express-app');
const FLAGS = ['--existing-service', '--cluster', 'prod', '--service', 'orders', '--yes', '--skip-install'];
/**
 * Real time, unlike zero-downtime.e2e.ts (x1/10): the module's drain and forced exit are figures rendered into
 * src/zero-downtime/index.ts at generation, not read from the environment, so the balancer's times stay unscaled too.
 */
const TIME_SCALE = 1;
const LOAD = { rate: Number(process.env.E2E_RATE ?? 2000), connections: 32, slowConnections: 16 };
const JITTER_PERCENT = 10;
/** The user's app has no root route (its catch-all answers 404): the load goes to its own route. */
const LOAD_PATH = '/orders';

let dir: string;
let project: Project;
let wiring: string[];

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { cwd: dir, env: NPM_FREE_ENV, stdio: 'pipe', timeout: 300_000 });

beforeAll(async () => {
  execFileSync('bash', [path.join(HERE, 'setup.sh')], { stdio: 'inherit', timeout: 600_000 });
  dir = path.join(tempDir('bluegreen-e2e-existing-'), 'orders-api');
  cpSync(FIXTURE, dir, { recursive: true });
  run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund']);
  // The user's app as it runs today (the negative control), kept aside before the module is wired in.
  run('npm', ['run', 'build']);
  renameSync(path.join(dir, 'dist'), path.join(dir, 'dist-without-module'));

  const generated = runBin([dir, ...FLAGS]);
  if (generated.status !== 0) throw new Error(generated.stderr);
  // The two wiring lines exactly as printed: the import, and serve(...) instead of app.listen(...).
  const printed = generated.stdout.split('\n').map((l) => l.trim());
  const importLine = printed.find((l) => l.startsWith('import { serve }'));
  const serveLine = printed.find((l) => l.startsWith('serve(app'))?.replace(/\s*\/\/.*$/, '');
  if (!importLine || !serveLine) throw new Error(`no wiring lines in the output:\n${generated.stdout}`);
  wiring = [importLine, serveLine];
  const server = path.join(dir, 'src', 'server.ts');
  const source = readFileSync(server, 'utf8');
  const wired = source
    .replace("import { createApp } from './app.js';", `import { createApp } from './app.js';\n${importLine}`)
    .replace(/app\.listen\(port, \(\) => \{[\s\S]*?\}\);/, serveLine);
  if (!wired.includes(importLine) || !wired.includes(serveLine) || wired.includes('app.listen'))
    throw new Error(`the fixture's src/server.ts changed: cannot wire the module into\n${source}`);
  writeFileSync(server, wired);
  run('npm', ['run', 'build']);
  project = await readProject(dir);
}, 600_000);

afterAll(() => {
  if (dir) rmSync(path.dirname(dir), { recursive: true, force: true });
});

describe("the user's Express app with --existing-service's module, replaced under load behind HAProxy", () => {
  const runs: string[] = [];
  afterAll(() => console.log(`existing-service rehearsal summary: ${runs.join(' | ')}`));

  test('the rehearsal runs the figures the module was rendered with', () => {
    const module = readFileSync(path.join(dir, 'src', 'zero-downtime', 'index.ts'), 'utf8');
    expect(module).toContain(`drainMs: ${project.derived.drainSeconds * 1000},`);
    expect(module).toContain(`healthCheckPath: ${JSON.stringify(project.settings.healthCheckPath)},`);
    expect(project.settings.strategy).toBe('rolling');
    const server = readFileSync(path.join(dir, 'src', 'server.ts'), 'utf8');
    for (const line of wiring) expect(server).toContain(line);
  });

  const rehearsal = (p: Project, entry: string, basePort: number): Promise<RehearsalResult> =>
    rehearse({
      project: p,
      runtime: processRuntime([process.execPath, path.join(entry, 'src', 'server.js')], dir),
      phase: 'worst',
      timeScale: TIME_SCALE,
      // Nothing to scale: the module reads no shutdown times from the environment.
      taskEnv: () => ({}),
      basePort,
      load: LOAD,
      loadPath: LOAD_PATH,
      jitterPercent: JITTER_PERCENT,
    });

  test('with the module wired in, worst phase: 0 failed requests, every task drains and exits 0', async () => {
    const result = await rehearsal(project, 'dist', 25000);
    console.log(result.line);
    runs.push(`module: ${result.line}`);
    expect(result.requests).toBeGreaterThan(1000);
    expect(result.failed).toBe(0);
    expect(result.stopped).toHaveLength(project.settings.desiredCount);
    for (const stop of result.stopped) {
      expect(stop).toMatchObject({ exit: { code: 0 }, killed: false });
      // The balancer stopped routing before the app stopped listening, for every task.
      expect(stop.gapMs).toBeGreaterThan(0);
    }
  });

  test('negative control: the same app without the module loses requests', async () => {
    // Without the module the app has no health endpoint; its target group checked a route it has (query string only
    // so that the probe tells checks from the load's requests).
    const withoutModule = { ...project, settings: { ...project.settings, healthCheckPath: `${LOAD_PATH}?health` } };
    const result = await rehearsal(withoutModule, 'dist-without-module', 25100);
    console.log(result.line);
    runs.push(`control: ${result.line}`);
    expect(result.requests).toBeGreaterThan(1000);
    expect(result.failed, 'the control lost nothing: the rehearsal cannot see lost requests').toBeGreaterThan(0);
  });
});
