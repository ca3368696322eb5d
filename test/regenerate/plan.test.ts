// The per-file decisions of a regeneration, and the operations they write, on small texts.
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyOperations, operationsOf } from '../../generators/app/core/write/apply.js';
import { hasConflictMarkers, mergeThreeWay } from '../../generators/app/core/write/merge.js';
import { digest, planRegeneration, type Action } from '../../generators/app/core/write/plan.js';
import type { Output } from '../../generators/app/core/render/render.js';
import { describePlan } from '../../generators/app/core/write/report.js';
import { tempDir } from '../support/generate.js';

const SETTINGS_DIGEST = 'aaaaaaaaaaaa';
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const BASE = ['a', 'b', 'port: 3000', 'd', 'e', 'f', ''].join('\n');
const THEIRS = BASE.replace('3000', '8080');
const FAR_EDIT = `# mine\n${BASE}`;
const CLASH = BASE.replace('3000', '3000 # mine');

const output = (files: Record<string, string>): Output =>
  new Map(Object.entries(files).map(([file, contents]) => [file, { contents }]));

function plan(
  base: Record<string, string> | undefined,
  theirs: Record<string, string>,
  disk: Record<string, string>,
  extra: { recorded?: Record<string, string>; force?: boolean; settingsDigest?: string } = {},
) {
  return planRegeneration({
    base: base && output(base),
    theirs: output(theirs),
    read: (file) => disk[file],
    settingsDigest: SETTINGS_DIGEST,
    ...extra,
    // One generation recorded per path (the record file keeps up to 8).
    recorded: extra.recorded && Object.fromEntries(Object.entries(extra.recorded).map(([file, sha]) => [file, [sha]])),
  });
}

const actions = (p: ReturnType<typeof plan>): Record<string, Action> =>
  Object.fromEntries(p.files.map((f) => [f.path, f.action]));

describe('mergeThreeWay', () => {
  it('merges an edit far from the changed line', () => {
    expect(mergeThreeWay(FAR_EDIT, BASE, THEIRS)).toEqual({ clean: true, text: `# mine\n${THEIRS}` });
  });

  it('marks an edit of the changed line as a conflict, with all three versions', () => {
    const merged = mergeThreeWay(CLASH, BASE, THEIRS);
    expect(merged.clean).toBe(false);
    expect(merged.text).toBe(
      [
        'a',
        'b',
        '<<<<<<< yours',
        'port: 3000 # mine',
        '||||||| previous settings',
        'port: 3000',
        '=======',
        'port: 8080',
        '>>>>>>> new settings',
        'd',
        'e',
        'f',
        '',
      ].join('\n'),
    );
    expect(hasConflictMarkers(merged.text)).toBe(true);
  });

  it('takes the same change on both sides once', () => {
    expect(mergeThreeWay(THEIRS, BASE, THEIRS)).toEqual({ clean: true, text: THEIRS });
  });

  it('finds every kind of marker line, alone or labelled, and nothing inside a line', () => {
    for (const marker of [
      '<<<<<<< yours',
      '||||||| previous settings',
      '=======',
      '>>>>>>> new settings',
      '>>>>>>>',
      '=======\r',
    ]) {
      expect(hasConflictMarkers(`a\n${marker}\nb\n`), marker).toBe(true);
    }
    expect(hasConflictMarkers('a ======= b\n========\n<<<<<<<<\n')).toBe(false);
  });
});

describe('planRegeneration', () => {
  it('first run: creates what is missing; a file of the user in the way is a conflict, or replaced with force', () => {
    const p = plan(undefined, { new: 'x', same: 'y', mine: 'z' }, { same: 'y', mine: 'mine' });
    expect(p.firstRun).toBe(true);
    expect(actions(p)).toEqual({ new: 'create', same: 'unchanged', mine: 'conflict' });
    expect(p.files.find((f) => f.path === 'mine')?.contents).toMatch(/<<<<<<< yours\nmine\n/);
    expect(actions(plan(undefined, { mine: 'z' }, { mine: 'mine' }, { force: true }))).toEqual({ mine: 'overwrite' });
  });

  it('with digests: tells untouched, edited, deleted and never-written files apart', () => {
    const recorded = { untouched: digest('old output'), edited: digest(BASE), deleted: digest(BASE) };
    // The base is rendered by this version for the old settings: it differs from what an older version wrote.
    const p = plan(
      { untouched: 'newer template, old settings', edited: BASE, deleted: BASE, added: 'x' },
      { untouched: THEIRS, edited: THEIRS, deleted: THEIRS, added: 'x', 'yours-in-the-way': 'new' },
      { untouched: 'old output', edited: FAR_EDIT, 'yours-in-the-way': 'mine' },
      { recorded },
    );
    expect(actions(p)).toEqual({
      untouched: 'update',
      edited: 'merge',
      deleted: 'keep-removed',
      added: 'create',
      'yours-in-the-way': 'conflict',
    });
    // The record holds the generator's output, not the merge: the user's edit is still an edit on the next run.
    expect(p.digests).toEqual({
      untouched: digest(THEIRS),
      edited: digest(THEIRS),
      deleted: digest(THEIRS),
      added: digest('x'),
      'yours-in-the-way': digest('new'),
    });
  });

  it('decides each case of a regeneration', () => {
    const p = plan(
      {
        untouched: BASE,
        far: BASE,
        clash: BASE,
        kept: BASE,
        gone: BASE,
        'edited-gone': BASE,
        deleted: BASE,
        'deleted-same': 'x',
      },
      {
        untouched: THEIRS,
        far: THEIRS,
        clash: THEIRS,
        kept: BASE,
        deleted: THEIRS,
        'deleted-same': 'x',
        added: 'new',
        taken: 'new',
      },
      {
        untouched: BASE,
        far: FAR_EDIT,
        clash: CLASH,
        kept: FAR_EDIT,
        gone: BASE,
        'edited-gone': FAR_EDIT,
        taken: 'user file',
      },
    );
    expect(p.firstRun).toBe(false);
    expect(actions(p)).toEqual({
      untouched: 'update',
      far: 'merge',
      clash: 'conflict',
      kept: 'unchanged',
      gone: 'remove',
      'edited-gone': 'keep',
      // No digests recorded (a folder of an older version): a missing file cannot be told from one never written; created.
      deleted: 'create',
      'deleted-same': 'create',
      added: 'create',
      taken: 'conflict',
    });
    expect(p.files.find((f) => f.path === 'far')?.contents).toBe(`# mine\n${THEIRS}`);
    expect(p.files.find((f) => f.path === 'taken')?.contents).toMatch(/<<<<<<< yours\nuser file\n/);
  });

  it('follows a CRLF checkout: an untouched file is not taken for an edit, and the update keeps CRLF', () => {
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    const p = plan({ f: BASE, g: BASE }, { f: THEIRS, g: THEIRS }, { f: crlf(BASE), g: crlf(FAR_EDIT) });
    expect(p.files).toEqual([
      { path: 'f', action: 'update', contents: crlf(THEIRS) },
      { path: 'g', action: 'merge', contents: crlf(`# mine\n${THEIRS}`) },
    ]);
  });

  it("takes a resolved side file while the user's file is as it was, and keeps an unresolved or outdated one", () => {
    const side = plan({ f: BASE }, { f: THEIRS }, { f: CLASH }).files[0].contents ?? '';
    expect(side).toMatch(
      new RegExp(
        `^bluegreen-ecs conflict, yours sha256:[0-9a-f]{12}, settings sha256:${SETTINGS_DIGEST} \\(keep this line\\)\n`,
      ),
    );
    const [header] = side.split('\n', 1);
    const resolution = THEIRS.replace('8080', '8080 # mine');
    const resolve = (disk: Record<string, string>) => plan({ f: BASE }, { f: THEIRS }, disk).files[0];

    expect(resolve({ f: CLASH, 'f.conflict': `${header}\n${resolution}` })).toEqual({
      path: 'f',
      action: 'resolve',
      contents: resolution,
    });
    expect(resolve({ f: CLASH, 'f.conflict': side })).toMatchObject({
      action: 'conflict',
      writeConflictFile: false,
      reason: 'f.conflict still has conflict markers',
    });
    expect(resolve({ f: `${CLASH}more\n`, 'f.conflict': `${header}\n${resolution}` })).toMatchObject({
      action: 'conflict',
      writeConflictFile: false,
      reason: 'f changed after f.conflict was written: delete f.conflict and run again for a fresh merge',
    });
    expect(resolve({ f: CLASH, 'f.conflict': resolution }).reason).toMatch(
      /does not start with its bluegreen-ecs line/,
    );
    const otherSettings = plan(
      { f: BASE },
      { f: THEIRS },
      { f: CLASH, 'f.conflict': `${header}\n${resolution}` },
      { settingsDigest: 'bbbbbbbbbbbb' },
    );
    expect(otherSettings.files[0].reason).toBe(
      "f.conflict was made for other settings than this run's: delete it and run again for a fresh merge",
    );
    // Only the opening and closing markers deleted: the middle ones are refused too.
    const halfResolved = side
      .split('\n')
      .filter((line) => !/^(<{7}|>{7})/.test(line))
      .join('\n');
    expect(resolve({ f: CLASH, 'f.conflict': halfResolved })).toMatchObject({
      action: 'conflict',
      reason: 'f.conflict still has conflict markers',
    });

    const stale = plan({ f: BASE }, { f: THEIRS }, { f: BASE, 'f.conflict': 'old' });
    expect(stale.staleConflictFiles).toEqual(['f.conflict']);
    expect(describePlan(stale)).toContain('  stale    f.conflict  (warning: left from an earlier conflict; delete it)');
  });
});

describe('mixed line endings', () => {
  it('a CRLF file with one LF line gives a line-level merge, not a whole-file conflict', () => {
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    const mixed = crlf(BASE).replace('f\r\n', 'f\n');
    const p = plan({ f: BASE }, { f: THEIRS }, { f: mixed });
    expect(p.files[0]).toEqual({ path: 'f', action: 'merge', contents: crlf(THEIRS).replace('f\r\n', 'f\n') });
    // The LF line edited where the new settings change it too: a conflict on that line only, the other lines untouched.
    const clash = plan({ f: BASE }, { f: THEIRS }, { f: crlf(BASE).replace('port: 3000\r\n', 'port: 3000\n') })
      .files[0];
    expect(clash.action).toBe('conflict');
    expect(clash.contents).toContain(
      'a\r\nb\r\n<<<<<<< yours\nport: 3000\n||||||| previous settings\nport: 3000\r\n=======\nport: 8080\r\n>>>>>>> new settings\nd\r\n',
    );
  });
});

describe('operationsOf and applyOperations', () => {
  function project(files: Record<string, string>) {
    const dir = tempDir('bluegreen-apply-');
    made.push(dir);
    for (const [file, contents] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), contents);
    }
    const read = (file: string) =>
      existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), 'utf8') : undefined;
    return { dir, read };
  }

  it('writes updates and merges, deletes an untouched dotfile', () => {
    const { dir, read } = project({ '.github/old.yml': BASE, far: FAR_EDIT, untouched: BASE });
    const p = planRegeneration({
      base: output({ '.github/old.yml': BASE, far: BASE, untouched: BASE }),
      theirs: output({ far: THEIRS, untouched: THEIRS }),
      read,
      settingsDigest: SETTINGS_DIGEST,
    });
    applyOperations(dir, operationsOf(p));
    expect(read('.github/old.yml')).toBeUndefined();
    expect(read('far')).toBe(`# mine\n${THEIRS}`);
    expect(read('untouched')).toBe(THEIRS);
  });

  it('removes a symlink that stays inside, not its target; writes through it to its target', () => {
    const { dir, read } = project({ 'docs/real.txt': 'real', 'docs/other.txt': 'other' });
    symlinkSync('docs/real.txt', path.join(dir, 'gone'));
    symlinkSync('docs/other.txt', path.join(dir, 'kept'));
    applyOperations(dir, [
      { path: 'gone', remove: true },
      { path: 'kept', contents: 'new' },
    ]);
    expect(existsSync(path.join(dir, 'gone'))).toBe(false);
    expect(read('docs/real.txt')).toBe('real');
    expect(lstatSync(path.join(dir, 'kept')).isSymbolicLink()).toBe(true);
    expect(read('docs/other.txt')).toBe('new');
  });

  it('on a conflict writes the side file and nothing else', () => {
    const { dir, read } = project({ clash: CLASH, untouched: BASE, gone: BASE });
    const p = planRegeneration({
      base: output({ clash: BASE, untouched: BASE, gone: BASE }),
      theirs: output({ clash: THEIRS, untouched: THEIRS }),
      read,
      settingsDigest: SETTINGS_DIGEST,
    });
    expect(operationsOf(p).map((op) => op.path)).toEqual(['clash.conflict']);
    applyOperations(dir, operationsOf(p));
    expect([read('clash'), read('untouched'), read('gone')]).toEqual([CLASH, BASE, BASE]);
    expect(read('clash.conflict')?.replace(/^.*\n/, '')).toBe(mergeThreeWay(CLASH, BASE, THEIRS).text);
  });
});
