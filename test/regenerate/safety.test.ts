// The write step, case by case (issue 12): containment, all or nothing, the lock, trusting the tree, folders that are
// not empty, conflicts, upgrades, the lockfile, and a clear error for each bad input. Each case runs the bin, as a user.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { digest } from '../../generators/app/core/write/plan.js';
import { BIN, runBin, runYo, tempDir } from '../support/generate.js';
import { KEY, RECORD_FILE, RECORD_KEY, read, readYoRc, snapshot } from './support.js';

// A long suite says what it runs when it starts.
beforeAll(() => console.log(`write step cases (issue 12): about 60 runs of the bin and 3 of yo`));

const VERSION = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')).version;

/** Runs the bin in dir with --yes --skip-install and the given flags. */
const bin = (dir: string, ...flags: string[]) => runBin([dir, '--yes', '--skip-install', ...flags]);

/** Contents only, for comparing trees byte for byte. */
const contents = (dir: string) => new Map([...snapshot(dir)].map(([file, { contents: text }]) => [file, text]));

/** A generated project in a new folder (named svc, inside a fresh parent that also holds `outside/`). */
function project(...flags: string[]) {
  const parent = tempDir();
  const dir = path.join(parent, 'svc');
  const out = bin(dir, '--app-name', 'svc', ...flags);
  if (out.status !== 0) throw new Error(out.stderr);
  const outside = path.join(parent, 'outside');
  mkdirSync(outside);
  return { dir, outside };
}

const writeJson = (file: string, value: unknown) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

describe('containment', () => {
  it('refuses a symlinked folder that leads out of the project: error names it, nothing written anywhere', () => {
    const { dir, outside } = project();
    writeFileSync(path.join(outside, 'service.yml'), 'theirs');
    rmSync(path.join(dir, 'infra'), { recursive: true });
    symlinkSync(outside, path.join(dir, 'infra'));
    const before = contents(dir);
    const out = bin(dir, '--port', '8080');
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(`infra is a symlink that leads out of the project (to ${outside})`);
    expect(contents(dir)).toEqual(before);
    expect(read(outside, 'service.yml')).toBe('theirs');
    expect(existsSync(path.join(outside, 'pipeline.yml'))).toBe(false);
  });

  it('refuses a symlinked file out of the project on a first run, even with --force', () => {
    const parent = tempDir();
    const dir = path.join(parent, 'svc');
    mkdirSync(dir);
    writeFileSync(path.join(parent, 'elsewhere'), 'not yours');
    symlinkSync(path.join(parent, 'elsewhere'), path.join(dir, 'Dockerfile'));
    for (const flags of [[], ['--force']]) {
      const out = bin(dir, ...flags);
      expect(out.status).toBe(1);
      expect(out.stderr).toMatch(/Dockerfile is a symlink that leads out of the project/);
    }
    expect(read(parent, 'elsewhere')).toBe('not yours');
  });

  it('follows a symlink that stays inside: the file is written at its target and the link is kept', () => {
    const parent = tempDir();
    const dir = path.join(parent, 'svc');
    mkdirSync(path.join(dir, 'deploy'), { recursive: true });
    symlinkSync('deploy', path.join(dir, 'infra'));
    expect(bin(dir).status).toBe(0);
    expect(read(dir, 'deploy/service.yml')).toContain('AWSTemplateFormatVersion');
    expect(readFileSync(path.join(dir, 'infra/service.yml'), 'utf8')).toBe(read(dir, 'deploy/service.yml'));
  });
});

describe('a folder that is not empty, with --yes', () => {
  it('never prompts: files of the user in the way are conflicts, kept byte for byte; --force replaces them; others untouched', () => {
    const dir = tempDir();
    const mine = {
      'package.json': '{ "name": "mine" }\n',
      'README.md': '# Mine\n',
      'src/app.ts': 'export {};\n',
      'notes.txt': 'keep\n',
    };
    for (const [file, text] of Object.entries(mine)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const out = bin(dir);
    expect(out.status).toBe(1);
    for (const file of ['package.json', 'README.md', 'src/app.ts']) {
      expect(out.stderr).toContain(`  - ${file}: a file of yours is in the way`);
      expect(read(dir, `${file}.conflict`)).toContain(`<<<<<<< yours\n${mine[file as keyof typeof mine].trimEnd()}`);
    }
    for (const [file, text] of Object.entries(mine)) expect(read(dir, file)).toBe(text);
    expect(existsSync(path.join(dir, '.yo-rc.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);

    for (const file of ['package.json', 'README.md', 'src/app.ts']) unlinkSync(path.join(dir, `${file}.conflict`));
    const forced = bin(dir, '--force');
    expect(forced.status, forced.stderr).toBe(0);
    expect(JSON.parse(read(dir, 'package.json')).name).not.toBe('mine');
    expect(read(dir, 'notes.txt')).toBe('keep\n');
  });
});

describe('two runs in one folder', () => {
  it('a live lock stops the second run with a clear message; a lock of a dead process is taken over', () => {
    const { dir } = project();
    const lock = path.join(dir, '.bluegreen-ecs.lock');
    writeJson(lock, { pid: process.pid, host: os.hostname(), started: 'now' });
    const before = contents(dir);
    // The second run waits a bounded time (1 s here), says so, then stops with nothing written.
    const out = runBin([dir, '--yes', '--skip-install', '--port', '8080'], undefined, {
      BLUEGREEN_ECS_LOCK_WAIT_SECONDS: '1',
    });
    expect(out.status).toBe(1);
    expect(out.stdout).toContain(`Waiting for another run (pid ${process.pid}) in ${dir} to end...`);
    expect(out.stderr).toContain(`Another run (pid ${process.pid}, started now) is still working in ${dir} after 1 s`);
    expect(contents(dir)).toEqual(before);

    writeJson(lock, { pid: 2 ** 22 + 1, host: os.hostname(), started: 'then' });
    expect(bin(dir, '--port', '8080').status).toBe(0);
    expect(readYoRc(dir).port).toBe(8080);
    expect(existsSync(lock)).toBe(false);
  });
});

describe('trusting the tree', () => {
  it('a hand edit of .yo-rc.json takes effect as a flag would; a deleted key goes back to its default', () => {
    const { dir } = project();
    const rc = JSON.parse(read(dir, '.yo-rc.json'));
    rc[KEY].port = 5000;
    writeJson(path.join(dir, '.yo-rc.json'), rc);
    const out = bin(dir);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('  update   src/config.ts');
    expect(read(dir, 'src/config.ts')).toContain('5000');

    delete rc[KEY].port;
    writeJson(path.join(dir, '.yo-rc.json'), { ...JSON.parse(read(dir, '.yo-rc.json')), [KEY]: rc[KEY] });
    expect(bin(dir).status).toBe(0);
    expect(read(dir, 'src/config.ts')).toContain('3000');
    expect(readYoRc(dir).port).toBe(3000);
  });

  it('a first run cut short (no .yo-rc.json, some files) is finished by the next run', () => {
    const { dir } = project();
    const expected = contents(dir);
    // A first run writes its record file and .yo-rc.json last: cut short, it has neither.
    unlinkSync(path.join(dir, '.yo-rc.json'));
    unlinkSync(path.join(dir, RECORD_FILE));
    rmSync(path.join(dir, 'infra'), { recursive: true });
    unlinkSync(path.join(dir, 'README.md'));
    const out = bin(dir, '--app-name', 'svc');
    expect(out.status, out.stderr).toBe(0);
    expect(contents(dir)).toEqual(expected);
  });

  it('a recorded file the user deleted is named on every run, not recreated; --force brings it back', () => {
    const { dir } = project();
    unlinkSync(path.join(dir, '.github/dependabot.yml'));
    const out = bin(dir);
    expect(out.stdout).toContain('Nothing was written; the files match these settings, except:');
    expect(out.stdout).toContain('  skip     .github/dependabot.yml  (warning: removed by you');
    expect(out.stdout).not.toContain('Nothing to change');
    expect(bin(dir, '--force').status).toBe(0);
    expect(existsSync(path.join(dir, '.github/dependabot.yml'))).toBe(true);
    expect(bin(dir).stdout).toContain('Nothing to change: the files already match these settings');
  });
});

describe('conflicts', () => {
  it('a .conflict made for other settings is refused, and says why', () => {
    const { dir } = project();
    writeFileSync(path.join(dir, 'src/config.ts'), read(dir, 'src/config.ts').replace(/3000/, '3000 /* mine */'));
    expect(bin(dir, '--port', '8080').status).toBe(1);
    const side = read(dir, 'src/config.ts.conflict');
    // The user resolves it (markers gone), then runs with another port.
    writeFileSync(
      path.join(dir, 'src/config.ts.conflict'),
      side
        .split('\n')
        .filter((l) => !/^(<{7}|\|{7}|={7}|>{7})/.test(l))
        .join('\n'),
    );
    const out = bin(dir, '--port', '9090');
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("src/config.ts.conflict was made for other settings than this run's");
    expect(read(dir, 'src/config.ts')).toContain('3000 /* mine */');
  });
});

describe('upgrades', () => {
  it('from an older version: creates the files it adds, updates untouched ones, and says so', () => {
    const { dir } = project();
    const expected = contents(dir);
    // What version 0.0.1 wrote: no src/checks.ts, and an older README (untouched since: its digest is recorded).
    const rc = JSON.parse(read(dir, '.yo-rc.json'));
    const oldReadme = read(dir, 'README.md').replace(/[^\n]*\n$/, '');
    writeFileSync(path.join(dir, 'README.md'), oldReadme);
    unlinkSync(path.join(dir, 'src/checks.ts'));
    const record = read(dir, RECORD_FILE)
      .split('\n')
      .filter((line) => !line.endsWith(' src/checks.ts'))
      .map((line) => (line.endsWith(' README.md') ? `${digest(oldReadme)} README.md` : line));
    writeFileSync(path.join(dir, RECORD_FILE), record.join('\n'));
    rc[RECORD_KEY].version = '0.0.1';
    rc[KEY].generatorVersion = '0.0.1';
    // A setting 0.0.1 did not have: absent from the record and from the stored settings; it takes its default.
    delete rc[RECORD_KEY].settings.rollbackAlarms;
    delete rc[KEY].rollbackAlarms;
    writeJson(path.join(dir, '.yo-rc.json'), rc);

    const out = bin(dir);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Upgraded from generator version 0.0.1 to ${VERSION}.`);
    expect(out.stdout).toContain('  create   src/checks.ts');
    expect(out.stdout).toContain('  update   README.md');
    // The record keeps the old README's digest too (an earlier generation's): the files themselves are as expected.
    const after = contents(dir);
    expect(after.get(RECORD_FILE)).toContain(`${digest(oldReadme)} README.md`);
    after.delete(RECORD_FILE);
    expected.delete(RECORD_FILE);
    expect(after).toEqual(expected);
    expect(readYoRc(dir).rollbackAlarms).toBe(true); // its default (on since the production edge)
  });
});

describe('the lockfile', () => {
  it('a re-run notices a missing package-lock.json: installs, or with --skip-install says to', () => {
    const { dir } = project();
    expect(bin(dir).stdout).toContain(
      'Run npm install in the project: package-lock.json is missing (the buildspec runs npm ci).',
    );
    // A stand-in npm on PATH records that the run installed.
    const fake = tempDir();
    writeFileSync(
      path.join(fake, 'npm'),
      `#!/bin/sh\necho "$@" > "${path.join(fake, 'ran')}"\ntouch package-lock.json\n`,
    );
    chmodSync(path.join(fake, 'npm'), 0o755);
    const out = runBin([dir, '--yes'], undefined, { PATH: `${fake}:${process.env.PATH}` });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('npm install (package-lock.json is missing');
    expect(read(fake, 'ran')).toMatch(/^install /);
  });
});

describe('clear errors', () => {
  it('a package.json that is not JSON: names the file and the line, suggests fixing it or --force', () => {
    const { dir } = project();
    writeFileSync(path.join(dir, 'package.json'), read(dir, 'package.json').replace('"private"', '"private" oops'));
    for (const flags of [
      ['--port', '8080'],
      ['--port', '8080', '--dry-run'],
    ]) {
      const out = bin(dir, ...flags);
      expect(out.status).toBe(1);
      expect(out.stderr).toMatch(/package\.json is not valid JSON \(line \d+\): .*Fix it, or run again with --force/);
    }
    expect(bin(dir, '--port', '8080', '--force').status).toBe(0);
    expect(() => JSON.parse(read(dir, 'package.json'))).not.toThrow();
  });

  for (const [what, value] of [
    ['a string', '"port 3000"'],
    ['an array', '[1, 2]'],
  ] as const) {
    it(`.yo-rc.json with ${what} where the settings object belongs`, () => {
      const dir = tempDir();
      writeFileSync(path.join(dir, '.yo-rc.json'), `{ "${KEY}": ${value} }`);
      const out = bin(dir);
      expect(out.status).toBe(1);
      expect(out.stderr).toContain(`.yo-rc.json: "${KEY}" holds ${what} where an object of settings belongs`);
    });
  }

  it('a destination that is a file', () => {
    const file = path.join(tempDir(), 'svc');
    writeFileSync(file, 'x');
    const out = bin(file);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(`The destination ${file} is a file, not a folder`);
  });

  it('a one-letter folder name gets valid defaults', () => {
    const dir = path.join(tempDir(), 'a');
    expect(bin(dir).status).toBe(0);
    expect(readYoRc(dir)).toMatchObject({ appName: 'a', ecrRepository: 'a-app' });
  });

  it('--manual-approval true and =false, as the help words it', () => {
    const { dir } = project('--manual-approval', 'true');
    expect(readYoRc(dir).manualApproval).toBe(true);
    expect(bin(dir, '--manual-approval=false').status).toBe(0);
    expect(readYoRc(dir).manualApproval).toBe(false);
  });

  it('a branch "!main" (an exclusion in a GitHub Actions filter) is refused', () => {
    const out = bin(path.join(tempDir(), 'svc'), '--branch', '!main');
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(
      'branch = "!main" (from --branch): may contain only ASCII letters, digits and . _ - /',
    );
  });

  it('a flag the strategy does not use: validated, and a warning says it has no effect', () => {
    const parent = tempDir();
    const hook = 'arn:aws:lambda:us-east-1:123456789012:function:check';
    const ok = bin(path.join(parent, 'a1'), '--validation-hook', hook);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Warning: --validation-hook has no effect with strategy rolling');
    expect(readYoRc(path.join(parent, 'a1')).validationHook).toBeUndefined();
    const bad = bin(path.join(parent, 'a2'), '--bake-time', '99999');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('bakeTime = "99999" (from --bake-time)');
  });

  it('a long value is cut in the message', () => {
    const out = bin(path.join(tempDir(), 'svc'), '--health-check-path', `/${'x'.repeat(2000)}`);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/healthCheckPath = "\/x{70,80}… \(from --health-check-path\)/);
  });
});

describe('output', () => {
  it('a first run: Next steps start with cd <folder> and name the command that was run', () => {
    const parent = tempDir();
    // Not on the PATH here (test/generator/tarball.test.ts runs it installed and through npx): node and its path.
    const out = runBin(['svc', '--yes', '--skip-install'], parent, { PATH: path.dirname(process.execPath) });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/Next steps:\n {2}cd svc\n/);
    expect(out.stdout).toContain(`for example: node ${realpathSync(BIN)} . --port 8080`);
  });

  it("Next steps name the generated project's npm scripts for what they do (npm test builds and tests; lint is its own script)", () => {
    const parent = tempDir();
    const out = runBin(['svc', '--yes', '--skip-install'], parent);
    const scripts = JSON.parse(readFileSync(path.join(parent, 'svc', 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    const steps = new Map(
      [...out.stdout.matchAll(/^ {2}npm (?:run (\w+)|(test)) +(.+)$/gm)].map((m) => [m[1] ?? m[2], m[3]]),
    );
    expect([...steps.keys()]).toEqual(['test', 'lint', 'deploy']);
    for (const name of steps.keys()) expect(scripts).toHaveProperty(name);
    // A step says "lint" only if its script lints.
    for (const [name, text] of steps)
      if (name !== 'lint') expect(/\blint/.test(text), name).toBe(/\blint\b/.test(scripts[name]));
  });

  it("the README's change-a-setting example runs without a terminal", () => {
    const { dir } = project();
    const out = runBin(['.', '--port', '8080', '--skip-install'], dir);
    expect(out.status, out.stderr).toBe(0);
    expect(readYoRc(dir).port).toBe(8080);
  });
});

describe('yo bluegreen-ecs', () => {
  it('is quiet: our own messages only, with Next steps naming yo', () => {
    const out = runYo(['--yes', '--skip-install']);
    expect(out.status, out.output).toBe(0);
    expect(out.output).toContain('for example: yo bluegreen-ecs --port 8080');
    expect(out.output).not.toMatch(
      /An error occured|package manager|No change to package\.json|force \.yo-rc\.json|conflict /i,
    );
  });

  it('refuses an unknown flag, and prints a rejected setting without a Yeoman preamble', () => {
    const unknown = runYo(['--yes', '--skip-install', '--prot', '8080']);
    expect(unknown.status).toBe(2);
    expect(unknown.output).toContain('yo bluegreen-ecs: unknown flag --prot; did you mean --port?');
    const bad = runYo(['--yes', '--skip-install', '--port', '80']);
    expect(bad.status).toBe(1);
    expect(bad.output).toContain('port = "80" (from --port): must be a whole number from 1024 to 65535');
    expect(bad.output).not.toMatch(/An error occured/);
    expect(readdirSync(bad.dir)).toEqual([]);
  });
});

describe('Ctrl-C', () => {
  it('during npm install: exit 130, the install stopped with it, and the next run still sees the missing lockfile', async () => {
    const { dir } = project();
    const fake = tempDir();
    writeFileSync(path.join(fake, 'npm'), `#!/bin/sh\necho started > "${path.join(fake, 'ran')}"\nexec sleep 30\n`);
    chmodSync(path.join(fake, 'npm'), 0o755);
    const child = spawn(process.execPath, [BIN, dir, '--yes'], {
      env: { ...process.env, PATH: `${fake}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Until the fake npm runs (about a second quiet); the bound only ends a hang.
    for (const started = Date.now(); !existsSync(path.join(fake, 'ran')) && Date.now() - started < 60_000;)
      await sleep(50);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(130);
    expect(output).toContain('npm install (package-lock.json is missing');
    expect(bin(dir).stdout).toContain('Run npm install in the project: package-lock.json is missing');
  });
});
