// Interactive runs through a real pseudo-terminal (python3's pty module, test/support/pty-driver.py): the five
// questions, the summary, confirm and decline, customise reaching the groups, and Ctrl-C under both commands.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../support/generate.js';
import { progressLine } from '../../generators/app/cli/progress.js';

type Step = { expect: string } | { send: string } | { enterUntil: string };
const DRIVER = path.join(ROOT, 'test', 'support', 'pty-driver.py');

function atTerminal(steps: Step[], command: string[], cwd = ROOT, env: Record<string, string> = {}) {
  const out = spawnSync('python3', [DRIVER, JSON.stringify(steps), ...command], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1', ...env },
  });
  return { status: out.status, output: out.stdout.replaceAll('\r', ''), error: out.stderr };
}

const FIRST = { expect: String.raw`Application name.*\(shop\)` };
const BEFORE_SUMMARY: Step[] = [
  FIRST,
  { send: '\r' },
  { expect: 'AWS region' },
  { send: 'eu-west-1\r' },
  { enterUntil: 'Customise the other' },
];

/** The answered questions (inquirer marks each with ✔) before `until`. */
const answeredBefore = (output: string, until: string) =>
  output.slice(0, output.indexOf(until)).split('\n').join('').split('\u2714').length - 1;

describe('create-bluegreen-ecs at a terminal', () => {
  it('asks five questions, shows the summary, and writes on confirm', () => {
    const dir = path.join(tempDir(), 'shop');
    const out = atTerminal(
      [
        ...BEFORE_SUMMARY,
        { send: '\r' },
        { expect: 'Write the project' },
        { send: '\r' },
        { expect: 'Generated shop' },
      ],
      [process.execPath, BIN, dir, '--skip-install'],
    );
    expect(out.status, out.output + out.error).toBe(0);
    expect(answeredBefore(out.output, 'Customise the other')).toBe(5);
    expect(out.output).toContain('Settings that differ from the defaults:');
    expect(out.output).toContain('region: "eu-west-1"');
    expect(out.output).toMatch(/Estimated deployment time \(rolling/);
    expect(existsSync(path.join(dir, '.yo-rc.json'))).toBe(true);
  });

  it('declined at "Write the project?": nothing is written, exit 0', () => {
    const parent = tempDir();
    const out = atTerminal(
      [
        ...BEFORE_SUMMARY,
        { send: '\r' },
        { expect: 'Write the project' },
        { send: 'n\r' },
        { expect: 'Nothing was written' },
      ],
      [process.execPath, BIN, path.join(parent, 'shop'), '--skip-install'],
    );
    expect(out.status, out.output + out.error).toBe(0);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('customise leads to every group, CPU as a list', () => {
    const parent = tempDir();
    const out = atTerminal(
      [
        ...BEFORE_SUMMARY,
        { send: 'y\r' },
        { enterUntil: 'Write the project' },
        { send: 'n\r' },
        { expect: 'Nothing was written' },
      ],
      [process.execPath, BIN, path.join(parent, 'shop'), '--skip-install'],
    );
    expect(out.status, out.output + out.error).toBe(0);
    for (const title of ['Application', 'AWS target', 'Network and HTTPS', 'Load balancer health check', 'Deployment'])
      expect(out.output).toContain(`\n${title}\n`);
    for (const title of ['Autoscaling', 'Source and pipeline', 'Configuration and secrets'])
      expect(out.output).toContain(`\n${title}\n`);
    // Seven questions before customise answered, then the rest: many more than five.
    expect(answeredBefore(out.output, 'Summary')).toBeGreaterThan(20);
    expect(out.output).toMatch(/Task CPU units[^\n]*\n(?:[^\n]*\n)*?[^\n]*16384/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('Ctrl-C at a question: one line, exit 130, nothing written', () => {
    const parent = tempDir();
    const out = atTerminal(
      [FIRST, { send: '\x03' }, { expect: 'stopped by Ctrl-C' }],
      [process.execPath, BIN, path.join(parent, 'shop')],
    );
    expect(out.status).toBe(130);
    expect(
      out.output
        .slice(out.output.indexOf('Application name'))
        .trim()
        .split('\n')
        .filter((l) => l.trim()).length,
    ).toBeLessThanOrEqual(3);
    expect(out.output).toContain('create-bluegreen-ecs: stopped by Ctrl-C.');
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('yo bluegreen-ecs at a terminal', () => {
  it('Ctrl-C at a question: our one line, exit 130, no Yeoman error', () => {
    const workspace = tempDir('bluegreen-yo-');
    for (const dir of ['node_modules', 'home', 'shop']) mkdirSync(path.join(workspace, dir));
    symlinkSync(ROOT, path.join(workspace, 'node_modules', 'generator-bluegreen-ecs'));
    for (const dir of ['', 'home', 'shop']) chmodSync(path.join(workspace, dir), 0o777);
    const yo = path.join(ROOT, 'node_modules', '.bin', 'yo');
    const out = atTerminal(
      [FIRST, { send: '\x03' }, { expect: 'stopped by Ctrl-C' }],
      [yo, 'bluegreen-ecs', '--no-insight'],
      path.join(workspace, 'shop'),
      {
        HOME: path.join(workspace, 'home'),
      },
    );
    expect(out.status, out.output).toBe(130);
    expect(out.output).toContain('yo bluegreen-ecs: stopped by Ctrl-C.');
    expect(out.output).not.toMatch(/An error occured|force closed/);
    expect(readdirSync(path.join(workspace, 'shop'))).toEqual([]);
  });
});

describe('progress', () => {
  it('a terminal shows each step as it starts, marked; without one, plain lines', () => {
    const dir = path.join(tempDir(), 'shop');
    const tty = atTerminal([{ expect: 'Generated shop' }], [process.execPath, BIN, dir, '--yes', '--skip-install']);
    expect(tty.status, tty.output).toBe(0);
    expect(tty.output).toMatch(/^› Writing 30 file\(s\) in /m);
    const plain = spawnSync(process.execPath, [BIN, path.join(tempDir(), 'shop'), '--yes', '--skip-install'], {
      encoding: 'utf8',
    });
    expect(plain.stdout).toMatch(/^Writing 30 file\(s\) in /m);
    expect(plain.stdout).not.toContain('\x1b[');
  });

  it('colour only on a terminal, and not with NO_COLOR', () => {
    expect(progressLine(true, {})('Writing')).toBe('\x1b[36m›\x1b[0m Writing');
    expect(progressLine(true, { NO_COLOR: '1' })('Writing')).toBe('› Writing');
    expect(progressLine(true, { NO_COLOR: '' })('Writing')).toBe('\x1b[36m›\x1b[0m Writing');
    expect(progressLine(false, {})('Writing')).toBe('Writing');
  });
});
