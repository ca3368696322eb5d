// The two packages as npm publishes them: both packed, installed from their tarballs as a user would (no install
// script may run), and `create-bluegreen-ecs` run from the installed bin and through npx; the closing hint of each
// run is run too, from the project folder, since it must work the way the generator was started.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NPM_FREE_ENV, ROOT, runBin, tempDir, treeSnapshot } from '../support/generate.js';

const rootManifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}

let work: string;
let prefix: string;
let tarballs: Record<string, string>;
let installOutput: string;
const PATH = () => `${path.join(prefix, 'bin')}${path.delimiter}${NPM_FREE_ENV.PATH ?? ''}`;

/** Runs a command line as a user's shell would, without npm's variables, on a PATH with the installed bins first. */
function shell(line: string, cwd: string) {
  const out = spawnSync('sh', ['-c', line], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...NPM_FREE_ENV, PATH: PATH(), NO_UPDATE_NOTIFIER: '1' },
  });
  return { status: out.status, stdout: out.stdout, output: out.stdout + out.stderr };
}

/** The command the closing hint names ("for example: <command> . --port 8080"). */
const hintOf = (stdout: string) => /for example: (.+ --port 8080)$/m.exec(stdout)?.[1];

const storedPort = (dir: string) =>
  (JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8')) as Record<string, { port: number }>)[
    'generator-bluegreen-ecs'
  ].port;

beforeAll(() => {
  // The tarball ships dist/ as built: npm test builds it first (prepack builds it when publishing).
  expect(
    existsSync(path.join(ROOT, 'dist', 'generators', 'app', 'core', 'run', 'run.js')),
    'run npm run build first',
  ).toBe(true);
  work = tempDir('bluegreen-tarball-');
  prefix = path.join(work, 'prefix');
  // --ignore-scripts: prepack would rebuild dist/ under the feet of the other suites; the build is npm test's.
  const packed = JSON.parse(
    execFileSync(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--workspaces', '--include-workspace-root', '--pack-destination', work],
      { cwd: ROOT, encoding: 'utf8', env: NPM_FREE_ENV },
    ),
  ) as Packed[];
  tarballs = Object.fromEntries(packed.map((p) => [p.name, path.join(work, p.filename)]));
  // Global, into a prefix of its own: what `npm install -g` does, bins in <prefix>/bin. The generator's runtime
  // dependencies come from npm's cache (filled by npm ci); the generator itself is not published yet, so both go in.
  const install = spawnSync(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--foreground-scripts',
      tarballs['generator-bluegreen-ecs'],
      tarballs['create-bluegreen-ecs'],
    ],
    { cwd: work, encoding: 'utf8', env: NPM_FREE_ENV },
  );
  installOutput = install.stdout + install.stderr;
  expect(install.status, installOutput).toBe(0);
});

describe('create-bluegreen-ecs, the package npm create runs', () => {
  it('is the generator at the same version: it depends on exactly this generator-bluegreen-ecs and ships its bin only', () => {
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', tarballs['create-bluegreen-ecs'], 'package/package.json'], { encoding: 'utf8' }),
    ) as { version: string; bin: Record<string, string>; dependencies: Record<string, string> };
    expect(manifest.version).toBe(rootManifest.version);
    expect(manifest.dependencies).toEqual({ 'generator-bluegreen-ecs': rootManifest.version });
    expect(Object.keys(manifest.bin)).toEqual(['create-bluegreen-ecs']);
    const files = execFileSync('tar', ['-tzf', tarballs['create-bluegreen-ecs']], { encoding: 'utf8' }).split('\n');
    expect(files.filter(Boolean).sort()).toEqual(['package/README.md', 'package/index.js', 'package/package.json']);
  });

  it('installs without running anything of ours: no install or prepare script in either package', () => {
    for (const tarball of Object.values(tarballs)) {
      const { scripts = {} } = JSON.parse(
        execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
      ) as { scripts?: Record<string, string> };
      const atInstall = ['preinstall', 'install', 'postinstall', 'prepare'].filter((name) => name in scripts);
      expect(atInstall, path.basename(tarball)).toEqual([]);
    }
    expect(installOutput).not.toMatch(/prepare|EBADENGINE/);
  });

  it('the installed bin generates the same tree as the clone, and its closing hint runs it again', () => {
    const bin = path.join(prefix, 'bin', 'create-bluegreen-ecs');
    expect(realpathSync(bin)).toBe(
      realpathSync(path.join(prefix, 'lib', 'node_modules', 'create-bluegreen-ecs', 'index.js')),
    );
    const cwd = path.join(work, 'installed');
    mkdirSync(cwd);
    const out = shell('create-bluegreen-ecs my-service --yes --skip-install', cwd);
    expect(out.status, out.output).toBe(0);
    const clone = tempDir();
    expect(runBin(['my-service', '--yes', '--skip-install'], clone).status).toBe(0);
    expect(treeSnapshot(path.join(cwd, 'my-service'))).toEqual(treeSnapshot(path.join(clone, 'my-service')));

    const hint = hintOf(out.stdout);
    expect(hint).toBe('create-bluegreen-ecs . --port 8080');
    const again = shell(hint!, path.join(cwd, 'my-service'));
    expect(again.status, again.output).toBe(0);
    expect(storedPort(path.join(cwd, 'my-service'))).toBe(8080);
  });

  it('run by its path (not on the PATH), the hint names node and that path', () => {
    const cwd = path.join(work, 'by-path');
    mkdirSync(cwd);
    const script = path.join(prefix, 'lib', 'node_modules', 'create-bluegreen-ecs', 'index.js');
    const out = shell(`PATH=${path.dirname(process.execPath)} node ${script} svc --yes --skip-install`, cwd);
    expect(out.status, out.output).toBe(0);
    expect(hintOf(out.stdout)).toBe(`node ${realpathSync(script)} . --port 8080`);
  });
});

describe('npx -p generator-bluegreen-ecs create-bluegreen-ecs', () => {
  it('generates, and its closing hint (npx with the package made absolute) runs it again from the project folder', () => {
    const cwd = path.join(work, 'npx');
    mkdirSync(cwd);
    const relative = path.relative(cwd, tarballs['generator-bluegreen-ecs']);
    const out = shell(
      `npx --yes --prefer-offline -p ${relative} create-bluegreen-ecs my-service --yes --skip-install`,
      cwd,
    );
    expect(out.status, out.output).toBe(0);
    const hint = hintOf(out.stdout);
    expect(hint).toBe(`npx -p ${tarballs['generator-bluegreen-ecs']} create-bluegreen-ecs . --port 8080`);
    // As printed, plus the --yes a user answers at npx's "Ok to proceed?" (this test has no terminal).
    const again = shell(hint!.replace(/^npx /, 'npx --yes '), path.join(cwd, 'my-service'));
    expect(again.status, again.output).toBe(0);
    expect(storedPort(path.join(cwd, 'my-service'))).toBe(8080);
  });
});
