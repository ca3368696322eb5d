// The per-file decisions of a regeneration, and their writes through mem-fs, on small texts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { create as createMemFs } from 'mem-fs';
import { create as createEditor } from 'mem-fs-editor';
import { describe, expect, it } from 'vitest';
import { hasConflictMarkers, mergeThreeWay } from '../../generators/app/merge.js';
import { applyPlan, describePlan, planRegeneration, type Action } from '../../generators/app/regenerate.js';
import type { Output } from '../../generators/app/render.js';
import { tempDir } from '../support/generate.js';

const BASE = ['a', 'b', 'port: 3000', 'd', 'e', 'f', ''].join('\n');
const THEIRS = BASE.replace('3000', '8080');
const FAR_EDIT = `# mine\n${BASE}`;
const CLASH = BASE.replace('3000', '3000 # mine');

const output = (files: Record<string, string>): Output => new Map(Object.entries(files).map(([file, contents]) => [file, { contents }]));

function plan(base: Record<string, string> | undefined, theirs: Record<string, string>, disk: Record<string, string>) {
  return planRegeneration({ base: base && output(base), theirs: output(theirs), read: (file) => disk[file] });
}

const actions = (p: ReturnType<typeof plan>): Record<string, Action> => Object.fromEntries(p.files.map((f) => [f.path, f.action]));

describe('mergeThreeWay', () => {
  it('merges an edit far from the changed line', () => {
    expect(mergeThreeWay(FAR_EDIT, BASE, THEIRS)).toEqual({ clean: true, text: `# mine\n${THEIRS}` });
  });

  it('marks an edit of the changed line as a conflict, with all three versions', () => {
    const merged = mergeThreeWay(CLASH, BASE, THEIRS);
    expect(merged.clean).toBe(false);
    expect(merged.text).toBe(
      ['a', 'b', '<<<<<<< yours', 'port: 3000 # mine', '||||||| previous settings', 'port: 3000', '=======', 'port: 8080', '>>>>>>> new settings', 'd', 'e', 'f', ''].join('\n'),
    );
    expect(hasConflictMarkers(merged.text)).toBe(true);
  });

  it('takes the same change on both sides once', () => {
    expect(mergeThreeWay(THEIRS, BASE, THEIRS)).toEqual({ clean: true, text: THEIRS });
  });

  it('does not take a Markdown heading underline for a marker', () => {
    expect(hasConflictMarkers('Title\n=======\n')).toBe(false);
  });
});

describe('planRegeneration', () => {
  it('first run: creates what is missing and leaves a different existing file to Yeoman', () => {
    const p = plan(undefined, { new: 'x', same: 'y', mine: 'z' }, { same: 'y', mine: 'mine' });
    expect(p.firstRun).toBe(true);
    expect(actions(p)).toEqual({ new: 'create', same: 'unchanged', mine: 'ask' });
  });

  it('a folder holding none of the stored output counts as a first run', () => {
    expect(plan({ a: BASE }, { a: THEIRS }, {}).firstRun).toBe(true);
  });

  it('decides each case of a regeneration', () => {
    const p = plan(
      { untouched: BASE, far: BASE, clash: BASE, kept: BASE, gone: BASE, 'edited-gone': BASE, deleted: BASE, 'deleted-same': 'x' },
      { untouched: THEIRS, far: THEIRS, clash: THEIRS, kept: BASE, deleted: THEIRS, 'deleted-same': 'x', added: 'new', taken: 'new' },
      { untouched: BASE, far: FAR_EDIT, clash: CLASH, kept: FAR_EDIT, gone: BASE, 'edited-gone': FAR_EDIT, taken: 'user file' },
    );
    expect(p.firstRun).toBe(false);
    expect(actions(p)).toEqual({
      untouched: 'update',
      far: 'merge',
      clash: 'conflict',
      kept: 'unchanged',
      gone: 'remove',
      'edited-gone': 'keep',
      deleted: 'keep-removed',
      'deleted-same': 'unchanged',
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
    const [header] = side.split('\n', 1);
    const resolution = THEIRS.replace('8080', '8080 # mine');
    const resolve = (disk: Record<string, string>) => plan({ f: BASE }, { f: THEIRS }, disk).files[0];

    expect(resolve({ f: CLASH, 'f.conflict': `${header}\n${resolution}` })).toEqual({ path: 'f', action: 'resolve', contents: resolution });
    expect(resolve({ f: CLASH, 'f.conflict': side })).toMatchObject({ action: 'conflict', writeConflictFile: false, reason: 'f.conflict still has conflict markers' });
    expect(resolve({ f: `${CLASH}more\n`, 'f.conflict': `${header}\n${resolution}` })).toMatchObject({
      action: 'conflict',
      writeConflictFile: false,
      reason: 'f changed after f.conflict was written: delete f.conflict and run again for a fresh merge',
    });
    expect(resolve({ f: CLASH, 'f.conflict': resolution }).reason).toMatch(/does not start with its bluegreen-ecs line/);

    const stale = plan({ f: BASE }, { f: THEIRS }, { f: BASE, 'f.conflict': 'old' });
    expect(stale.staleConflictFiles).toEqual(['f.conflict']);
    expect(describePlan(stale)).toContain('  stale    f.conflict  (warning: left from an earlier conflict; delete it)');
  });
});

describe('applyPlan', () => {
  /** Applies the plan, returns the conflicter status of each pending file, then commits to disk. */
  async function commitPlan(p: ReturnType<typeof plan>, dir: string) {
    const editor = createEditor(createMemFs());
    applyPlan(p, editor as never, dir);
    const statuses = Object.fromEntries(editor.store.all().map((f) => [path.relative(dir, f.path), (f as { conflicter?: string }).conflicter]));
    await editor.commit();
    return statuses;
  }

  function project(files: Record<string, string>) {
    const dir = tempDir('bluegreen-apply-');
    for (const [file, contents] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), contents);
    }
    const read = (file: string) => (existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), 'utf8') : undefined);
    return { dir, read };
  }

  it('writes updates and merges, deletes an untouched dotfile, and marks each write forced', async () => {
    const { dir, read } = project({ '.github/old.yml': BASE, far: FAR_EDIT, untouched: BASE });
    const p = planRegeneration({ base: output({ '.github/old.yml': BASE, far: BASE, untouched: BASE }), theirs: output({ far: THEIRS, untouched: THEIRS }), read });
    expect(await commitPlan(p, dir)).toEqual({ '.github/old.yml': 'force', far: 'force', untouched: 'force' });
    expect(read('.github/old.yml')).toBeUndefined();
    expect(read('far')).toBe(`# mine\n${THEIRS}`);
    expect(read('untouched')).toBe(THEIRS);
  });

  it('on a conflict writes the side file and nothing else', async () => {
    const { dir, read } = project({ clash: CLASH, untouched: BASE, gone: BASE });
    const p = planRegeneration({ base: output({ clash: BASE, untouched: BASE, gone: BASE }), theirs: output({ clash: THEIRS, untouched: THEIRS }), read });
    expect(await commitPlan(p, dir)).toEqual({ 'clash.conflict': 'force' });
    expect([read('clash'), read('untouched'), read('gone')]).toEqual([CLASH, BASE, BASE]);
    expect(read('clash.conflict')).toMatch(/^bluegreen-ecs conflict, yours sha256:[0-9a-f]{12} .*\n/);
    expect(read('clash.conflict')?.replace(/^.*\n/, '')).toBe(mergeThreeWay(CLASH, BASE, THEIRS).text);
  });
});
