// Never lose work on disk (issue 18 items 3 to 6): files the run cannot read, a file restored from an earlier
// generation, the record of generated files through a real git merge of two regenerated branches, --force's copies and
// the advice for a broken .yo-rc.json followed to the letter. Every run is the bin, as a user runs it.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NPM_FREE_ENV, runBin, tempDir } from '../support/generate.js';
import { RECORD_FILE, isStateFile, read, readYoRc, snapshot } from './support.js';

const bin = (dir: string, ...args: string[]) => runBin([dir, '--yes', '--skip-install', ...args]);

/** A generated project (svc) in a fresh folder, generated with these flags. */
function project(...flags: string[]): string {
  const dir = path.join(tempDir(), 'svc');
  const out = bin(dir, '--app-name', 'svc', ...flags);
  expect(out.status, out.stderr).toBe(0);
  return dir;
}

const contents = (dir: string) => new Map([...snapshot(dir)].map(([file, { contents: text }]) => [file, text]));
/** Output files only (the record and .yo-rc.json differ between folders of different histories). */
const output = (dir: string) => new Map([...contents(dir)].filter(([file]) => !isStateFile(file)));

describe('files the run cannot read (item 6)', () => {
  // As root (these tests run as root), open() reads a file of mode 000 or 0200 all the same: the run checks the
  // owner's read bit, so the refusal is tested here as a user without root sees it.
  it.each([
    ['unreadable (000), edited', 'src/app.ts', 0o000],
    ['write-only (0200)', 'src/config.ts', 0o200],
  ])('%s: refused with one line naming it, before anything is written; settings not stored', (_name, file, mode) => {
    const dir = project();
    writeFileSync(path.join(dir, file), `// mine\n${read(dir, file)}`);
    chmodSync(path.join(dir, file), mode);
    const before = contents(dir);
    const out = bin(dir, '--port', '8080');
    expect(out.status).toBe(1);
    const message = out.stderr.trim().split('\n');
    expect(message).toHaveLength(1);
    expect(message[0]).toContain(
      `${file} cannot be read (mode ${mode.toString(8).padStart(3, '0')}); nothing was written.`,
    );
    expect(contents(dir)).toEqual(before);
    expect(readYoRc(dir).port).toBe(3000);
    // A dry run reads the same and says the same.
    expect(bin(dir, '--port', '8080', '--dry-run').stderr).toContain(`${file} cannot be read`);
    // Made readable again, the run goes on and keeps the edit.
    chmodSync(path.join(dir, file), 0o644);
    expect(bin(dir, '--port', '8080').status).toBe(0);
    expect(read(dir, file).startsWith('// mine\n')).toBe(true);
  });
});

describe('a file restored from an earlier generation (item 5)', () => {
  for (const last of [[], ['--force']]) {
    it(`is regenerated, not taken for an edit${last.length > 0 ? ' (--force as well)' : ''}`, () => {
      const dir = project();
      const old = read(dir, 'src/config.ts');
      unlinkSync(path.join(dir, 'src/config.ts'));
      const skipped = bin(dir, '--port', '8080');
      expect(skipped.status, skipped.stderr).toBe(0);
      expect(skipped.stdout).toContain('  skip     src/config.ts');
      // Restored from git: the content of the generation before.
      writeFileSync(path.join(dir, 'src/config.ts'), old);
      const out = bin(dir, ...last);
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout).toContain('  update   src/config.ts');
      expect(read(dir, 'src/config.ts')).toContain('8080');
      expect(output(dir)).toEqual(output(project('--port', '8080')));
      expect(bin(dir).stdout).toContain('Nothing to change');
    });
  }

  it('keeps at most 8 generations of a path in the record file, newest first', () => {
    const dir = project();
    const ports = [3001, 3002, 3003, 3004, 3005, 3006, 3007, 3008, 3009, 3010];
    for (const port of ports) expect(bin(dir, '--port', String(port)).status).toBe(0);
    const lines = read(dir, RECORD_FILE)
      .split('\n')
      .filter((line) => line.endsWith(' src/config.ts'));
    expect(lines).toHaveLength(8);
    expect(lines[0].split(' ')[0]).toBe(
      read(project('--port', '3010'), RECORD_FILE)
        .split('\n')
        .find((line) => line.endsWith(' src/config.ts'))!
        .split(' ')[0],
    );
  });
});

/** git in `dir`, as a user with a name; stops the test on a failure other than an expected one. */
function git(dir: string, ...args: string[]) {
  const out = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: NPM_FREE_ENV,
  });
  return { status: out.status, output: out.stdout + out.stderr };
}

describe('the record through a git merge of two branches that both regenerated (item 4)', () => {
  it('merges without a conflict, and the next run neither conflicts nor loses an edit', () => {
    const dir = project();
    expect(git(dir, 'init', '-q', '-b', 'main').status).toBe(0);
    git(dir, 'add', '-A');
    expect(git(dir, 'commit', '-qm', 'generated').status).toBe(0);
    // Branch a: the port, and an edit of the user's in src/app.ts.
    git(dir, 'checkout', '-qb', 'a');
    expect(bin(dir, '--port', '8080').status).toBe(0);
    writeFileSync(path.join(dir, 'src/app.ts'), `// mine, on branch a\n${read(dir, 'src/app.ts')}`);
    git(dir, 'commit', '-qam', 'port 8080');
    // Branch b: the desired count.
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'checkout', '-qb', 'b');
    expect(bin(dir, '--desired-count', '2').status).toBe(0);
    git(dir, 'commit', '-qam', 'two tasks');
    // The record file differs on both branches in the lines of the same paths: union keeps both.
    git(dir, 'checkout', '-q', 'a');
    const merged = git(dir, 'merge', '-q', '--no-edit', 'b');
    expect(merged.status, merged.output).toBe(0);
    expect(read(dir, RECORD_FILE)).not.toMatch(/^(<{7}|={7}|>{7})/m);
    expect(readYoRc(dir)).toMatchObject({ port: 8080, desiredCount: 2 });

    const out = bin(dir);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).not.toContain('conflict');
    expect(read(dir, 'src/app.ts').startsWith('// mine, on branch a\n')).toBe(true);
    const expected = output(project('--port', '8080', '--desired-count', '2'));
    expected.set('src/app.ts', `// mine, on branch a\n${expected.get('src/app.ts')}`);
    expect(output(dir)).toEqual(expected);
  });

  it('.yo-rc.json with git conflict markers: said so, with advice; nothing is written', () => {
    const dir = project();
    const text = read(dir, '.yo-rc.json').replace(
      '    "port": 3000,',
      '<<<<<<< HEAD\n    "port": 8080,\n=======\n    "port": 9090,\n>>>>>>> b',
    );
    writeFileSync(path.join(dir, '.yo-rc.json'), text);
    const before = contents(dir);
    const out = bin(dir);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('.yo-rc.json has git conflict markers (line 4): a merge left it unresolved');
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(contents(dir)).toEqual(before);
  });
});

describe('--force keeps a copy (item 3)', () => {
  it('a file of the user in the way is kept as <file>.orig, then .orig.1, named in the report', () => {
    const dir = path.join(tempDir(), 'svc');
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'src/app.ts'), 'mine 1\n');
    const out = bin(dir, '--app-name', 'svc', '--force');
    expect(out.status, out.stderr).toBe(0);
    expect(read(dir, 'src/app.ts.orig')).toBe('mine 1\n');
    expect(out.stdout).toContain('yours is kept as src/app.ts.orig');
    // Again a file of the user's in the way (a folder that no longer records anything): the first copy stays.
    unlinkSync(path.join(dir, RECORD_FILE));
    unlinkSync(path.join(dir, '.yo-rc.json'));
    writeFileSync(path.join(dir, 'src/app.ts'), 'mine 2\n');
    const again = bin(dir, '--app-name', 'svc', '--force');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('yours is kept as src/app.ts.orig.1');
    expect(read(dir, 'src/app.ts.orig')).toBe('mine 1\n');
    expect(read(dir, 'src/app.ts.orig.1')).toBe('mine 2\n');
  });

  it('a broken .yo-rc.json: following the printed advice to the letter loses no edit', () => {
    const dir = project();
    const edits = {
      'src/app.ts': `// mine\n${read(dir, 'src/app.ts')}`,
      'src/config.ts': read(dir, 'src/config.ts').replace('3000', '3000 /* mine */'),
    };
    for (const [file, text] of Object.entries(edits)) writeFileSync(path.join(dir, file), text);
    writeFileSync(path.join(dir, '.yo-rc.json'), read(dir, '.yo-rc.json').slice(0, 40));
    const kept = () => {
      const all = [...contents(dir).values()];
      for (const text of Object.values(edits)) expect(all).toContain(text);
    };
    const broken = bin(dir);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('.yo-rc.json is not valid JSON');
    expect(broken.stderr).toContain('or delete it and run again');
    kept();
    // The advice: delete it and run again (no terminal here, so with --yes as that run says), then --force.
    unlinkSync(path.join(dir, '.yo-rc.json'));
    const asked = runBin([dir, '--skip-install']);
    expect(asked.stderr).toContain('Run again with --yes');
    kept();
    const again = bin(dir);
    kept();
    if (again.status !== 0) {
      expect(again.stderr).toContain('run again with --force');
      const forced = bin(dir, '--force');
      expect(forced.stderr).not.toMatch(/\n\s+at /);
      kept();
    }
    expect(existsSync(path.join(dir, 'src/app.ts'))).toBe(true);
    expect(readFileSync(path.join(dir, RECORD_FILE), 'utf8')).toContain(' src/app.ts');
  });
});
