// --existing-service into a real existing Express repository (test/existing/fixtures/express-app: its own package.json,
// src/, tests and Dockerfile): nothing of the user's changes, a second run changes nothing, the delivery passes the
// schema, IAM and cfn-lint checks, and the user's own tests (and tsc) still pass once the module is wired in.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkTemplate } from '../support/cfn/check.js';
import { checkPolicies } from '../support/cfn/iam.js';
import { CFN_LINT_AVAILABLE, cfnLintEach } from '../support/cfn/lint.js';
import { NPM_FREE_ENV, ROOT, runBin, tempDir } from '../support/generate.js';

export const FIXTURE = path.join(ROOT, 'test', 'existing', 'fixtures', 'express-app');
export const FLAGS = ['--existing-service', '--cluster', 'prod', '--service', 'orders', '--yes', '--skip-install'];

const digests = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !path.relative(dir, e.parentPath).startsWith('node_modules'))
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .map((file) => [
        file,
        createHash('sha256')
          .update(readFileSync(path.join(dir, file)))
          .digest('hex'),
      ]),
  );

let dir: string;
let before: Record<string, string>;
let first: ReturnType<typeof runBin>;
beforeAll(() => {
  dir = path.join(tempDir('existing-'), 'orders-api');
  cpSync(FIXTURE, dir, { recursive: true });
  before = digests(dir);
  first = runBin([dir, ...FLAGS]);
}, 120_000);

describe('generation into an existing Express repository', () => {
  test('writes only delivery/, src/zero-downtime/ and .yo-rc.json; every file of the user is unchanged', () => {
    expect(first.status, first.stderr).toBe(0);
    const after = digests(dir);
    for (const [file, digest] of Object.entries(before)) expect(after[file], file).toBe(digest);
    const added = Object.keys(after)
      .filter((f) => !(f in before))
      .sort();
    expect(added).toEqual(
      [
        '.bluegreen-ecs.generated',
        '.yo-rc.json',
        ...['README.md', 'buildspec.yml', 'deploy.sh', 'pipeline.yml', 'teardown.sh'].map((f) => `delivery/${f}`),
        ...['checks.ts', 'health.ts', 'index.ts', 'logger.ts', 'shutdown.ts'].map((f) => `src/zero-downtime/${f}`),
      ].sort(),
    );
  });

  test('the module reuses the generated app templates (health, checks, shutdown) byte for byte', () => {
    for (const file of ['health.ts', 'checks.ts', 'shutdown.ts'])
      expect(readFileSync(path.join(dir, 'src/zero-downtime', file), 'utf8')).toBe(
        readFileSync(path.join(ROOT, 'templates/src', file), 'utf8'),
      );
  });

  test('prints the two wiring lines, and no warning for a Dockerfile that runs node in exec form', () => {
    expect(first.stdout).toContain("import { serve } from './zero-downtime/index.js';");
    expect(first.stdout).toContain('serve(app, Number(process.env.PORT ?? 3000)); // instead of app.listen(port)');
    expect(first.stdout).not.toContain('Warning');
    expect(readFileSync(path.join(dir, 'delivery/README.md'), 'utf8')).toContain(
      "import { serve } from './zero-downtime/index.js';",
    );
  });

  test('a second run changes nothing', () => {
    const snapshot = digests(dir);
    const again = runBin([dir, ...FLAGS]);
    expect(again.status, again.stderr).toBe(0);
    expect(digests(dir)).toEqual(snapshot);
  });

  test('a Dockerfile starting the app with npm start is warned about, with the reason', () => {
    const other = path.join(tempDir('existing-npm-'), 'orders-api');
    cpSync(FIXTURE, other, { recursive: true });
    const dockerfile = path.join(other, 'Dockerfile');
    writeFileSync(dockerfile, readFileSync(dockerfile, 'utf8').replace(/^CMD .*$/m, 'CMD ["npm", "start"]'));
    const out = runBin([other, ...FLAGS]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/Warning: .*npm does not forward SIGTERM/);
    expect(readFileSync(dockerfile, 'utf8')).toContain('CMD ["npm", "start"]');
  });

  test('the build runs the repository own lint and test scripts only when they exist, and says so', () => {
    const buildspec = readFileSync(path.join(dir, 'delivery/buildspec.yml'), 'utf8');
    expect(buildspec).toContain('for script in lint test');
    expect(buildspec).toContain('script: skipped');
    // imagedefinitions.json is the last command of the aborting build phase.
    const build = buildspec.slice(buildspec.indexOf('  build:'), buildspec.indexOf('artifacts:'));
    expect(build).toContain('on-failure: ABORT');
    expect(build.trim().split('\n').at(-1)).toContain('imagedefinitions.json');
  });
});

describe('the delivery template', () => {
  test('delivery/pipeline.yml passes the schema, reference and IAM checks, and cfn-lint', async () => {
    const file = path.join(dir, 'delivery/pipeline.yml');
    const text = readFileSync(file, 'utf8');
    expect(await checkTemplate(text)).toEqual([]);
    expect(await checkPolicies(text)).toEqual([]);
    if (CFN_LINT_AVAILABLE) expect(cfnLintEach([{ file, region: 'us-east-1' }]).get(file)).toEqual([]);
  }, 120_000);

  test('the pipeline role may update only the named service and creates none', () => {
    const text = readFileSync(path.join(dir, 'delivery/pipeline.yml'), 'utf8');
    expect(text).toContain('service/${ClusterName}/${ServiceName}');
    expect(text).not.toMatch(/AWS::ECS::Service|AWS::ECS::Cluster|AWS::ElasticLoadBalancingV2::/);
    expect(text).not.toMatch(/ecs:(CreateService|DeleteService|DeleteCluster)/);
  });
});

describe("the user's own tests with the module wired in", () => {
  test('npm test (tsc and node --test) passes, and the wired server answers the health path, drains and exits 0', async () => {
    const server = path.join(dir, 'src/server.ts');
    writeFileSync(
      server,
      readFileSync(server, 'utf8')
        .replace(
          "import { createApp } from './app.js';",
          "import { createApp } from './app.js';\nimport { serve } from './zero-downtime/index.js';",
        )
        .replace(/app\.listen\(port, \(\) => \{[\s\S]*?\}\);/, 'serve(app, port);'),
    );
    expect(readFileSync(server, 'utf8')).toContain('serve(app, port);');
    const env = NPM_FREE_ENV;
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, env, stdio: 'pipe' });
    const tests = spawnSync('npm', ['test'], { cwd: dir, env, encoding: 'utf8' });
    expect(tests.status, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/# pass 1\b/);

    // The compiled module in the user's app: /status 200 in front of the user's 404 catch-all, 503 after SIGTERM while
    // still serving, then exit 0 (drain shortened through serve's options).
    const probe = `
      import { createApp } from './dist/src/app.js';
      import { serve } from './dist/src/zero-downtime/index.js';
      const server = serve(createApp(), 0, { drainMs: 300, forcedExitMs: 3000, signals: false, exit: (code) => { console.log('exit', code); process.exit(code); } });
      server.on('listening', async () => {
        const url = 'http://127.0.0.1:' + server.address().port;
        const status = async (p) => (await fetch(url + p)).status;
        console.log('health', await status('/status'), 'orders', await status('/orders'), 'other', await status('/nope'));
        server.shutdown('SIGTERM');
        console.log('draining', await status('/status'), 'orders', await status('/orders'));
      });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', probe], { cwd: dir, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out).toContain('health 200 orders 200 other 404');
    expect(out).toContain('draining 503 orders 200');
    expect(out).toContain('exit 0');
    expect(code).toBe(0);
  }, 300_000);
});
