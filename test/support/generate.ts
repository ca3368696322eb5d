// Shared test helpers: run the compiled generator (what ships) with yeoman-test, or spawn the bin.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import helpers, { type RunResult } from 'yeoman-test';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GENERATOR = path.join(ROOT, 'dist', 'generators', 'app', 'index.js');
export const BIN = path.join(ROOT, 'bin', 'create-bluegreen-ecs.js');

/** Generates into a fresh temporary folder with --yes and --skip-install; options are setting flags (kebab-case). */
export async function generate(options: Record<string, unknown> = {}): Promise<RunResult> {
  // yeoman-test types only Yeoman's own options; ours are declared by the generator at run time.
  return helpers.run(GENERATOR).withOptions({ yes: true, skipInstall: true, ...options } as never);
}

/** The environment without npm's own variables: an outer `npm test` or `npx vitest` would leak them into npm and
 * the bin (which reads them to tell how it was started). */
export const NPM_FREE_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
);

export function tempDir(prefix = 'bluegreen-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs the bin as a user would, with no terminal. */
export function runBin(args: string[], cwd = ROOT, env: Record<string, string> = {}) {
  const out = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { status: out.status, signal: out.signal, stdout: out.stdout, stderr: out.stderr };
}

/** Every file of a generated folder (relative path -> contents), as yeoman-test's getSnapshot() showed the files it wrote. */
export function treeSnapshot(dir: string): Record<string, { contents: string; stateCleared: 'modified' }> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
  return Object.fromEntries(
    files.map((file) => [
      file,
      { contents: readFileSync(path.join(dir, file), 'utf8'), stateCleared: 'modified' as const },
    ]),
  );
}

/** Runs the core in-process, as the bin does with --yes --skip-install; status 1 with the error when the run stops. */
export async function runCore(
  destination: string,
  flags: Record<string, unknown> = {},
  options: { dryRun?: boolean; force?: boolean } = {},
): Promise<{ status: 0 | 1; error?: Error; log: string }> {
  const { Run } = await import('../../generators/app/core/run/run.js');
  let log = '';
  try {
    const run = new Run({
      destination,
      flags,
      yes: true,
      skipInstall: true,
      command: 'create-bluegreen-ecs',
      log: (text) => (log += `${text}\n`),
      ...options,
    });
    run.decide();
    run.write();
    run.finish();
    return { status: 0, log };
  } catch (error) {
    return { status: 1, error: error as Error, log };
  }
}

/**
 * Runs `yo bluegreen-ecs` as a user would after `npm link`, without a terminal, in a new folder `out` of a workspace
 * whose node_modules holds this package (yo drops root privileges, so the folders are world-writable).
 */
export function runYo(args: string[]) {
  const workspace = tempDir('bluegreen-yo-');
  for (const dir of ['node_modules', 'home', 'out']) mkdirSync(path.join(workspace, dir));
  symlinkSync(ROOT, path.join(workspace, 'node_modules', 'generator-bluegreen-ecs'));
  for (const dir of ['', 'home', 'out']) chmodSync(path.join(workspace, dir), 0o777);
  const out = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'yo'), ['bluegreen-ecs', '--no-insight', ...args], {
    cwd: path.join(workspace, 'out'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
    env: { ...process.env, HOME: path.join(workspace, 'home'), NO_UPDATE_NOTIFIER: '1' },
  });
  return { status: out.status, output: out.stdout + out.stderr, dir: path.join(workspace, 'out') };
}
