// Disk errors in our own words (issue 18 item 8): ENOENT, ENOTDIR, EISDIR, EACCES on the folder and ENOSPC end the
// run with one line (the path, what failed, what to do) and exit code 1 under both commands, never a stack trace;
// ENOSPC leaves no empty lock. The tests run as root, which no permission stops, so most errors are injected
// (BLUEGREEN_ECS_FAULT=<ERRNO>:<write number> or <ERRNO>:lock, apply.ts) where the file system would raise them.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, runYo, tempDir } from '../support/generate.js';

const LOCK = '.bluegreen-ecs.lock';

/** The lines of stderr that say something. */
const said = (stderr: string) => stderr.split('\n').filter((line) => line.trim() !== '');

function expectOneLine(stderr: string, code: string) {
  const lines = said(stderr);
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toContain(`(${code})`);
  expect(lines[0]).toContain('run the same command again');
  expect(stderr).not.toMatch(/\n\s+at /);
}

const leftovers = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
        (f) => f.endsWith('.bluegreen-tmp') || path.basename(f) === LOCK,
      )
    : [];

describe('create-bluegreen-ecs', () => {
  it('ENOTDIR: a destination below a file (a real error)', () => {
    const parent = tempDir();
    writeFileSync(path.join(parent, 'file'), 'x');
    const out = runBin([path.join(parent, 'file', 'svc'), '--yes', '--skip-install']);
    expect(out.status).toBe(1);
    expectOneLine(out.stderr, 'ENOTDIR');
    expect(out.stderr).toContain(path.join(parent, 'file', 'svc'));
  });

  it.each([
    ['ENOSPC', '3'],
    ['ENOSPC', 'lock'],
    ['EACCES', 'lock'],
    ['ENOENT', '1'],
    ['EISDIR', '2'],
  ])('%s at write %s: one line, exit 1, nothing left behind (no empty lock)', (code, at) => {
    const dir = path.join(tempDir(), 'svc');
    const out = runBin([dir, '--yes', '--skip-install'], undefined, { BLUEGREEN_ECS_FAULT: `${code}:${at}` });
    expect(out.status).toBe(1);
    expectOneLine(out.stderr, code);
    expect(leftovers(dir)).toEqual([]);
    // Once the disk is fixed, the same command completes.
    expect(runBin([dir, '--yes', '--skip-install']).status).toBe(0);
  });
});

describe('yo bluegreen-ecs', () => {
  it.each([
    ['ENOSPC', '2'],
    ['EACCES', 'lock'],
  ])('%s at write %s: one line, exit 1, no empty lock', (code, at) => {
    process.env.BLUEGREEN_ECS_FAULT = `${code}:${at}`;
    try {
      const out = runYo(['--yes', '--skip-install']);
      expect(out.status, out.output).toBe(1);
      expect(out.output).toContain(`(${code})`);
      expect(out.output).not.toMatch(/\n\s+at /);
      expect(leftovers(out.dir)).toEqual([]);
    } finally {
      delete process.env.BLUEGREEN_ECS_FAULT;
    }
  });
});
