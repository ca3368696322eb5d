// Regeneration in real folders: generate, edit files on disk, generate again with a changed setting.
import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Generator from '../../generators/app/index.js';
import { FILES } from '../../generators/app/core/render/files.js';
import { runBin, tempDir } from '../support/generate.js';
import { KEY, RECORD_KEY, generatedFolder, isStateFile, read, readYoRc, rerun, snapshot } from './support.js';

const APP = { 'app-name': 'svc' };
const USER_LINE = 'USER EDIT: keep me';

/** Files whose output differs between the two folders, with the differing line indexes (same line count only). */
function changedFiles(before: string, after: string): { file: string; lines: number[] }[] {
  const next = snapshot(after);
  return [...snapshot(before)]
    .filter(([file, { contents }]) => !isStateFile(file) && next.get(file)?.contents !== contents)
    .map(([file, { contents }]) => {
      const a = contents.split('\n');
      const b = next.get(file)?.contents.split('\n') ?? [];
      return { file, lines: a.length === b.length ? a.flatMap((line, i) => (line === b[i] ? [] : [i])) : [] };
    })
    .filter(({ lines }) => lines.length > 0);
}

/**
 * A project generated with port 3000 and the output for port 8080 beside it, then edited by the user:
 * a line added at the top of one changed file (far from its changed lines), a changed line edited in another.
 */
async function editedProject({ clash: withClash = true } = {}) {
  const dir = await generatedFolder(APP);
  const expected = await generatedFolder({ ...APP, port: '8080' });
  const changed = changedFiles(dir, expected);
  const far = changed.find(({ lines }) => lines[0] >= 3);
  const clash = changed.find((c) => c !== far);
  if (!far || !clash)
    throw new Error(`a port change must touch two files, one below its third line: ${JSON.stringify(changed)}`);
  const untouched = changed.filter((c) => c !== far && c !== clash).map((c) => c.file);
  writeFileSync(path.join(dir, far.file), `${USER_LINE}\n${read(dir, far.file)}`);
  const clashLines = read(dir, clash.file).split('\n');
  if (withClash) clashLines[clash.lines[0]] += ' USER EDIT';
  writeFileSync(path.join(dir, clash.file), clashLines.join('\n'));
  return { dir, expected, far: far.file, clash: clash.file, clashLine: clashLines[clash.lines[0]], untouched };
}

/** Files that differ in contents or mtime between two snapshots. */
function written(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>): string[] {
  const files = new Set([...before.keys(), ...after.keys()]);
  return [...files].filter(
    (f) => before.get(f)?.contents !== after.get(f)?.contents || before.get(f)?.mtimeMs !== after.get(f)?.mtimeMs,
  );
}

describe('regenerating with a changed setting', () => {
  it('updates untouched files, merges an edit far from the changed lines, and stores the setting', async () => {
    const { dir, expected, far } = await editedProject({ clash: false });
    await rerun(dir, { yes: true, port: '8080' });
    for (const [file, { contents }] of snapshot(expected)) {
      if (isStateFile(file)) continue;
      expect(read(dir, file), file).toBe(file === far ? `${USER_LINE}\n${contents}` : contents);
    }
    expect(readYoRc(dir)).toEqual(readYoRc(expected));
    expect(existsSync(path.join(dir, `${far}.conflict`))).toBe(false);
  });

  it('stops on an edit of a changed line: files and .yo-rc.json untouched, a conflict file; a resolved one completes the run', async () => {
    const { dir, expected, far, clash, clashLine, untouched } = await editedProject();
    const before = snapshot(dir);
    await expect(rerun(dir, { yes: true, port: '8080' })).rejects.toThrow(/1 file\(s\) conflict with your edits/);
    const after = snapshot(dir);
    expect(written(before, after)).toEqual([`${clash}.conflict`]);
    const side = read(dir, `${clash}.conflict`);
    expect(side).toMatch(
      /^bluegreen-ecs conflict, yours sha256:[0-9a-f]{12}, settings sha256:[0-9a-f]{12} \(keep this line\)/,
    );
    expect(side).toContain(`<<<<<<< yours\n${clashLine}\n||||||| previous settings\n`);
    expect(side).toMatch(/\n=======\n[^\n]*8080[^\n]*\n>>>>>>> new settings\n/);

    // The user keeps the new value and their mark, deletes the markers, and runs the same command again.
    const resolved = side.replace(/<<<<<<< yours\n[\s\S]*?\n=======\n([\s\S]*?)\n>>>>>>> new settings/, '$1 USER EDIT');
    writeFileSync(path.join(dir, `${clash}.conflict`), resolved);
    await rerun(dir, { yes: true, port: '8080' });
    expect(read(dir, clash)).toBe(resolved.slice(resolved.indexOf('\n') + 1)); // without the side file's own first line
    expect(existsSync(path.join(dir, `${clash}.conflict`))).toBe(false);
    expect(read(dir, far)).toBe(`${USER_LINE}\n${read(expected, far)}`);
    for (const file of untouched) expect(read(dir, file), file).toBe(read(expected, file));
    expect(readYoRc(dir).port).toBe(8080);
  });

  it('create-bluegreen-ecs exits 1 on a conflict and lists it', async () => {
    const { dir, clash } = await editedProject();
    const yoRc = read(dir, '.yo-rc.json');
    const out = runBin([dir, '--yes', '--skip-install', '--port', '8080']);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('conflict with your edits; your files and .yo-rc.json are unchanged');
    expect(out.stderr).toContain(`  - ${clash}: conflict markers in ${clash}.conflict`);
    expect(read(dir, '.yo-rc.json')).toBe(yoRc);
  });

  it('takes a setting changed interactively (its key cleared from .yo-rc.json) and asks nothing else', async () => {
    const dir = await generatedFolder(APP);
    const expected = await generatedFolder({ ...APP, port: '8080' });
    const yoRc = JSON.parse(read(dir, '.yo-rc.json'));
    delete yoRc[KEY].port;
    writeFileSync(path.join(dir, '.yo-rc.json'), JSON.stringify(yoRc, null, 2));
    const result = await rerun(dir).withAnswers({ port: '8080' });
    expect(result.askedQuestions.map((q) => q.name)).toEqual(['port']);
    for (const [file, { contents }] of snapshot(expected))
      if (!isStateFile(file)) expect(read(dir, file), file).toBe(contents);
    expect(readYoRc(dir)).toEqual(readYoRc(expected));
  });

  it('regenerates an output of another generator version from the stored settings, its own lines kept as edits', async () => {
    const dir = await generatedFolder(APP);
    const expected = await generatedFolder({ ...APP, port: '8080' });
    const yoRc = JSON.parse(read(dir, '.yo-rc.json'));
    const current = yoRc[KEY].generatorVersion;
    // A folder of a version that recorded no digests: only the settings and the version.
    delete yoRc[RECORD_KEY];
    yoRc[KEY].generatorVersion = '0.0.1';
    writeFileSync(path.join(dir, '.yo-rc.json'), JSON.stringify(yoRc, null, 2));
    // What version 0.0.1 wrote: its version in the README, and an older template without the README's last line.
    const oldReadme = read(dir, 'README.md')
      .replace(` ${current}.`, ' 0.0.1.')
      .replace(/[^\n]*\n$/, '');
    expect(oldReadme).toContain(' 0.0.1.');
    writeFileSync(path.join(dir, 'README.md'), oldReadme);
    await rerun(dir, { yes: true, port: '8080' });
    expect(read(dir, 'README.md')).toBe(read(expected, 'README.md').replace(/[^\n]*\n$/, ''));
    expect(readYoRc(dir).generatorVersion).toBe(current);
  });

  it('rejects a bad new value before writing anything', async () => {
    const { dir } = await editedProject();
    const before = snapshot(dir);
    await expect(rerun(dir, { yes: true, port: '80' })).rejects.toThrow(/port = "80" \(from --port\)/);
    expect(written(before, snapshot(dir))).toEqual([]);
  });
});

describe('the generated README', () => {
  it('shows the command to change a setting and what happens to edited files', async () => {
    const readme = read(await generatedFolder(APP), 'README.md');
    const section = readme.slice(readme.indexOf('## Changing a setting'));
    expect(section).toContain('create-bluegreen-ecs . --port 8080 --dry-run');
    expect(section).toContain('yo bluegreen-ecs --port 8080');
    expect(section).toMatch(/\| edited by you, [^|]*\| three-way merge/);
    expect(section).toContain('goes to `<file>.conflict`');
  });
});

describe('a re-run with the same settings', () => {
  it('writes nothing, edits or not, and says so', async () => {
    const { dir } = await editedProject();
    const before = snapshot(dir);
    const out = runBin([dir, '--yes', '--skip-install']);
    const log = out.stdout + out.stderr; // Yeoman logs to stderr
    expect(out.status).toBe(0);
    expect(log).toContain('Nothing to change: the files already match these settings; nothing was written.');
    expect(written(before, snapshot(dir))).toEqual([]);
  });
});

describe('--dry-run', () => {
  it('reports what would be updated, merged and in conflict, and writes nothing', async () => {
    const { dir, far, clash, untouched } = await editedProject();
    const before = snapshot(dir);
    const out = runBin([dir, '--yes', '--skip-install', '--port', '8080', '--dry-run']);
    const log = out.stdout + out.stderr; // Yeoman logs to stderr
    expect(out.status).toBe(0);
    expect(log).toContain('Dry run, nothing was written. This run would:');
    expect(log).toContain(`  merge    ${far}  (your edits kept`);
    expect(log).toContain(`  conflict ${clash}  (your file is untouched`);
    for (const file of untouched) expect(log).toContain(`  update   ${file}\n`);
    expect(log).toContain('and stop on 1 conflict(s)');
    expect(written(before, snapshot(dir))).toEqual([]);
  });

  it('writes nothing with the dryRun option that yo passes, even where the run would complete', async () => {
    const dir = await generatedFolder(APP);
    const before = snapshot(dir);
    await rerun(dir, { yes: true, port: '8080', dryRun: true });
    expect(written(before, snapshot(dir))).toEqual([]);
  });

  it('writes nothing and leaves no folder behind for a first run', () => {
    const dir = path.join(tempDir(), 'new-service');
    const out = runBin([dir, '--yes', '--skip-install', '--dry-run']);
    const log = out.stdout + out.stderr; // Yeoman logs to stderr
    expect(out.status).toBe(0);
    expect(log).toContain('  create   package.json');
    expect(existsSync(dir)).toBe(false);
  });
});

// Output files that only some settings produce: the generator with two of them added, gone once manualApproval is on.
const OPTIONAL = ['optional/untouched.txt', 'optional/edited.txt'];
class WithOptionalFiles extends Generator {
  constructor(...args: ConstructorParameters<typeof Generator>) {
    super(...args);
    this.setFeatures({ inheritTasks: true }); // Yeoman runs the methods of the class itself only, unless told
  }

  _outputFiles() {
    return [
      ...FILES,
      ...OPTIONAL.map((destination) => ({
        source: 'gitignore',
        destination,
        when: (s: { manualApproval: boolean }) => !s.manualApproval,
      })),
    ];
  }
}

describe('a file the new settings no longer produce', () => {
  it('is removed when untouched and kept with a warning when edited', async () => {
    const dir = tempDir();
    await rerun(dir, { yes: true, appName: 'svc' }, WithOptionalFiles);
    for (const file of OPTIONAL) expect(existsSync(path.join(dir, file)), file).toBe(true);
    writeFileSync(path.join(dir, OPTIONAL[1]), `${read(dir, OPTIONAL[1])}${USER_LINE}\n`);

    await rerun(dir, { yes: true, manualApproval: true }, WithOptionalFiles);
    expect(existsSync(path.join(dir, OPTIONAL[0]))).toBe(false);
    expect(read(dir, OPTIONAL[1])).toContain(USER_LINE);
    expect(readYoRc(dir).manualApproval).toBe(true);
  });

  it('a file the user deleted is not brought back by a re-run', async () => {
    const dir = await generatedFolder(APP);
    const [{ file }] = changedFiles(dir, await generatedFolder({ ...APP, port: '8080' }));
    unlinkSync(path.join(dir, file));
    const out = runBin([dir, '--yes', '--skip-install', '--port', '8080']);
    const log = out.stdout + out.stderr; // Yeoman logs to stderr
    expect(out.status).toBe(0);
    expect(log).toContain(`  skip     ${file}  (warning: removed by you`);
    expect(existsSync(path.join(dir, file))).toBe(false);
  });
});
