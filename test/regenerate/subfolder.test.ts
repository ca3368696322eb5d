// Run from a subfolder of a generated project (issue 18 item 9): both commands, given no folder, go to the project's
// root (the nearest .yo-rc.json that holds this generator's settings, as yo finds it) and say so; nothing is generated
// in the subfolder. A dry run reads exactly what the real run reads: a .yo-rc.json that is a symlink to a file outside
// the folder is refused by both.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runBin, tempDir } from '../support/generate.js';
import { readYoRc } from './support.js';

/** A workspace whose node_modules holds this package, as runYo's (yo drops root privileges: world-writable folders). */
function workspace(): string {
  const dir = tempDir('bluegreen-yo-');
  for (const sub of ['node_modules', 'home', 'out']) mkdirSync(path.join(dir, sub));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'generator-bluegreen-ecs'));
  for (const sub of ['', 'home', 'out']) chmodSync(path.join(dir, sub), 0o777);
  return dir;
}

/** `yo bluegreen-ecs` in `cwd` of a workspace, without a terminal. */
function yo(ws: string, cwd: string, args: string[]) {
  const out = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'yo'), ['bluegreen-ecs', '--no-insight', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
    env: { ...process.env, HOME: path.join(ws, 'home'), NO_UPDATE_NOTIFIER: '1' },
  });
  return { status: out.status, output: out.stdout + out.stderr };
}

describe('run from a subfolder of a generated project', () => {
  it('create-bluegreen-ecs without a folder regenerates the project at its root and says so', () => {
    const dir = path.join(tempDir(), 'svc');
    expect(runBin([dir, '--yes', '--skip-install', '--app-name', 'svc']).status).toBe(0);
    const out = runBin(['--yes', '--skip-install', '--port', '8080'], path.join(dir, 'src'));
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Running in the project at ${dir} (its .yo-rc.json), not in its subfolder`);
    expect(readYoRc(dir).port).toBe(8080);
    expect(existsSync(path.join(dir, 'src', '.yo-rc.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'src', 'package.json'))).toBe(false);
  });

  it('a folder named explicitly is taken as named (a nested project is asked for)', () => {
    const dir = path.join(tempDir(), 'svc');
    expect(runBin([dir, '--yes', '--skip-install', '--app-name', 'svc']).status).toBe(0);
    const out = runBin(['inner', '--yes', '--skip-install'], dir);
    expect(out.status, out.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'inner', '.yo-rc.json'))).toBe(true);
  });

  it('yo bluegreen-ecs regenerates the project at its root and says so', () => {
    const ws = workspace();
    const out = path.join(ws, 'out');
    expect(yo(ws, out, ['--yes', '--skip-install', '--app-name', 'svc']).status).toBe(0);
    const again = yo(ws, path.join(out, 'infra'), ['--yes', '--skip-install', '--port', '8080']);
    expect(again.status, again.output).toBe(0);
    expect(again.output).toContain(`Running in the project at ${out} (its .yo-rc.json)`);
    expect(readYoRc(out).port).toBe(8080);
    expect(existsSync(path.join(out, 'infra', '.yo-rc.json'))).toBe(false);
  });
});

describe('a .yo-rc.json that is a symlink to a file outside the folder', () => {
  const outside = () => {
    const parent = tempDir();
    chmodSync(parent, 0o755); // readable by the user yo runs as
    writeFileSync(
      path.join(parent, 'outside.json'),
      JSON.stringify({ 'generator-bluegreen-ecs': { appName: 'svc', port: 9999 } }),
    );
    return parent;
  };

  it('is refused by the real run and the dry run of create-bluegreen-ecs alike', () => {
    const parent = outside();
    const dir = path.join(parent, 'svc');
    mkdirSync(dir);
    symlinkSync(path.join(parent, 'outside.json'), path.join(dir, '.yo-rc.json'));
    for (const extra of [[], ['--dry-run']]) {
      const out = runBin([dir, '--yes', '--skip-install', ...extra]);
      expect(out.status, extra.join(' ')).toBe(1);
      expect(out.stderr).toContain('.yo-rc.json is a symlink that leads out of the project');
    }
  });

  it('is refused by the dry run of yo bluegreen-ecs', () => {
    const ws = workspace();
    const parent = outside();
    symlinkSync(path.join(parent, 'outside.json'), path.join(ws, 'out', '.yo-rc.json'));
    const out = yo(ws, path.join(ws, 'out'), ['--yes', '--skip-install', '--dry-run']);
    expect(out.status).toBe(1);
    expect(out.output).toContain('.yo-rc.json is a symlink that leads out of the project');
  });
});
