// Regeneration: compares the output for the stored settings (base), the output for the new settings (theirs)
// and the files on disk (ours), then decides per file, without asking, what to write, merge, remove or report.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MemFsEditor } from 'mem-fs-editor';
import { hasConflictMarkers, mergeThreeWay, withLineEndingsOf } from './merge.js';
import type { Output, RenderedFile } from './render.js';
import { resolveSettings, SettingsError, type Sources } from './resolve.js';
import type { Context, Settings } from './types.js';

/** Suffix of the side file that holds a conflicting merge, beside the user's untouched file. */
export const CONFLICT_SUFFIX = '.conflict';

export type Action =
  /** No file on disk: the new output is written. */
  | 'create'
  /** The user never edited the file: the new output replaces it. */
  | 'update'
  /** The user edited the file and the three-way merge is clean: the merge is written. */
  | 'merge'
  /** The user resolved an earlier conflict in the side file: it replaces the file, the side file goes. */
  | 'resolve'
  /** The new settings no longer produce the file and the user never edited it: it is deleted. */
  | 'remove'
  /** The user's edits clash with the new output: the file stays as it is, the merge goes to the side file. */
  | 'conflict'
  /** The new settings no longer produce the file but the user edited it: it is kept, with a warning. */
  | 'keep'
  /** The user deleted the file and the new settings would change it: it is not recreated, with a warning. */
  | 'keep-removed'
  /** First run into a folder that already holds a different file: Yeoman's conflicter decides, as ever. */
  | 'ask'
  | 'unchanged';

export interface FilePlan {
  /** Destination path, relative to the project root, with forward slashes. */
  path: string;
  action: Action;
  /** What to write: to the file itself, or for a conflict to its side file. */
  contents?: string;
  /** Mode of the template, for files written where none existed. */
  stat?: RenderedFile['stat'];
  /** For a conflict: false when a side file is already there (it may hold the user's work). */
  writeConflictFile?: boolean;
  /** For a conflict: why an existing side file was not taken as its resolution. */
  reason?: string;
}

export interface Plan {
  /** No earlier generation in this folder: every output is written through Yeoman's conflicter, as on day one. */
  firstRun: boolean;
  files: FilePlan[];
  /** Side files left from an earlier run for files that no longer conflict. */
  staleConflictFiles: string[];
}

export interface PlanInput {
  /** Output for the stored settings; undefined when nothing was generated before. */
  base?: Output;
  /** Output for the new settings. */
  theirs: Output;
  /** Text of a file in the project, or undefined when there is none. */
  read: (relativePath: string) => string | undefined;
}

/** Decides, file by file, what a run does; reads the project through `read` and writes nothing. */
export function planRegeneration({ base, theirs, read }: PlanInput): Plan {
  const firstRun = !base || ![...base.keys()].some((file) => read(file) !== undefined);
  if (firstRun) {
    const files = [...theirs].map(([file, rendered]): FilePlan => {
      const ours = read(file);
      const action = ours === undefined ? 'create' : ours === rendered.contents ? 'unchanged' : 'ask';
      return { path: file, action, contents: rendered.contents, stat: rendered.stat };
    });
    return { firstRun, files, staleConflictFiles: [] };
  }
  const files: FilePlan[] = [];
  const staleConflictFiles: string[] = [];
  for (const file of new Set([...theirs.keys(), ...base.keys()])) {
    const plan = planFile(file, read(file), base.get(file)?.contents, theirs.get(file), read(file + CONFLICT_SUFFIX));
    if (!plan) continue;
    files.push(plan);
    if (plan.action !== 'conflict' && plan.action !== 'resolve' && read(file + CONFLICT_SUFFIX) !== undefined) {
      staleConflictFiles.push(file + CONFLICT_SUFFIX);
    }
  }
  return { firstRun, files, staleConflictFiles };
}

function planFile(
  file: string,
  ours: string | undefined,
  renderedBase: string | undefined,
  renderedTheirs: RenderedFile | undefined,
  side: string | undefined,
): FilePlan | undefined {
  // Compared and written with the line endings the file has on disk, so a CRLF checkout is not one big edit.
  const base = ours === undefined || renderedBase === undefined ? renderedBase : withLineEndingsOf(ours, renderedBase);
  const theirs = ours === undefined || !renderedTheirs ? renderedTheirs : { ...renderedTheirs, contents: withLineEndingsOf(ours, renderedTheirs.contents) };
  if (!theirs) {
    if (ours === undefined) return undefined;
    return { path: file, action: ours === base ? 'remove' : 'keep' };
  }
  if (ours === undefined) {
    if (base === undefined) return { path: file, action: 'create', contents: theirs.contents, stat: theirs.stat };
    return { path: file, action: base === theirs.contents ? 'unchanged' : 'keep-removed' };
  }
  if (ours === theirs.contents || base === theirs.contents) return { path: file, action: 'unchanged' };
  if (ours === base) return { path: file, action: 'update', contents: theirs.contents };
  // A file the user created where the new settings now produce one has no common base: every line is theirs.
  const merged = mergeThreeWay(ours, base ?? '', theirs.contents);
  if (merged.clean) return { path: file, action: 'merge', contents: merged.text };
  if (side === undefined) return { path: file, action: 'conflict', contents: sideHeader(ours) + merged.text, writeConflictFile: true };
  const sideFile = file + CONFLICT_SUFFIX;
  const header = SIDE_HEADER.exec(side);
  const reason = !header
    ? `${sideFile} does not start with its bluegreen-ecs line: delete it and run again for a fresh merge`
    : header[1] !== digest(ours)
      ? `${file} changed after ${sideFile} was written: delete ${sideFile} and run again for a fresh merge`
      : hasConflictMarkers(side)
        ? `${sideFile} still has conflict markers`
        : undefined;
  if (!reason) return { path: file, action: 'resolve', contents: side.slice(header![0].length) };
  return { path: file, action: 'conflict', contents: sideHeader(ours) + merged.text, writeConflictFile: false, reason };
}

// The side file's first line records a digest of the user's file: a resolution is taken only while that file is as it was.
const SIDE_HEADER = /^bluegreen-ecs conflict, yours sha256:([0-9a-f]{12})\b.*\r?\n/;
const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
const sideHeader = (ours: string) =>
  `bluegreen-ecs conflict, yours sha256:${digest(ours)} (keep this line): resolve the markers below, then run the same command again\n`;

export const conflictsOf = (plan: Plan): FilePlan[] => plan.files.filter((file) => file.action === 'conflict');

/**
 * Writes the plan through the generator's mem-fs editor. A first run leaves every file to Yeoman's conflicter,
 * as before; a regeneration marks each write as forced so the conflicter neither asks nor skips, and when any
 * file conflicts it writes only the side files, so that nothing else changes until the run can complete.
 */
export function applyPlan(plan: Plan, fs: MemFsEditor, root: string): void {
  const target = (file: string) => path.join(root, file);
  if (plan.firstRun) {
    for (const file of plan.files) fs.write(target(file.path), file.contents ?? '', { stat: file.stat });
    return;
  }
  const conflicted = conflictsOf(plan).length > 0;
  for (const file of plan.files) {
    if (conflicted) {
      if (file.action === 'conflict' && file.writeConflictFile) forceWrite(fs, target(file.path + CONFLICT_SUFFIX), file.contents ?? '');
      continue;
    }
    switch (file.action) {
      case 'create':
        forceWrite(fs, target(file.path), file.contents ?? '', file.stat);
        break;
      case 'update':
      case 'merge':
        forceWrite(fs, target(file.path), file.contents ?? '');
        break;
      case 'resolve':
        forceWrite(fs, target(file.path), file.contents ?? '');
        forceDelete(fs, target(file.path + CONFLICT_SUFFIX));
        break;
      case 'remove':
        forceDelete(fs, target(file.path));
        break;
      default:
        break;
    }
  }
}

// A conflicter status set before the commit is kept: 'force' writes the file without a prompt.
const markForced = (fs: MemFsEditor, file: string) => Object.assign(fs.store.get(file), { conflicter: 'force' });

function forceWrite(fs: MemFsEditor, file: string, contents: string, stat?: RenderedFile['stat']): void {
  fs.write(file, contents, stat ? { stat } : undefined);
  markForced(fs, file);
}

function forceDelete(fs: MemFsEditor, file: string): void {
  fs.delete(file);
  markForced(fs, file);
}

/** The settings of the previous generation and the generator version that made it; undefined when there was none. */
export function previousGeneration(
  stored: Sources['stored'] & { generatorVersion?: unknown },
  context: Context,
): { settings: Settings; generatorVersion: string } | undefined {
  if (typeof stored.generatorVersion !== 'string') return undefined;
  const kept = { ...stored };
  try {
    return { settings: resolveSettings({ flags: {}, stored: kept }, context), generatorVersion: stored.generatorVersion };
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    // A stored value that a flag now overrides may be invalid; the base then takes the default in its place.
    for (const problem of error.problems) delete kept[problem.setting];
    return { settings: resolveSettings({ flags: {}, stored: kept }, context), generatorVersion: stored.generatorVersion };
  }
}

/** True when storing `next` would change .yo-rc.json. */
export function storedValuesDiffer(stored: Record<string, unknown>, next: Record<string, unknown>): boolean {
  return Object.entries(next).some(([key, value]) => JSON.stringify(stored[key]) !== JSON.stringify(value));
}

const VERBS: Record<Action, string> = {
  create: 'create',
  update: 'update',
  merge: 'merge',
  resolve: 'resolve',
  remove: 'remove',
  conflict: 'conflict',
  keep: 'keep',
  'keep-removed': 'skip',
  ask: 'exists',
  unchanged: 'same',
};

const NOTES: Partial<Record<Action, (file: string) => string>> = {
  merge: () => 'your edits kept, the new settings merged in',
  resolve: (file) => `your resolution from ${file}${CONFLICT_SUFFIX}`,
  conflict: (file) => `your file is untouched; the merge with conflict markers is in ${file}${CONFLICT_SUFFIX}`,
  keep: () => 'warning: edited by you and no longer produced by these settings; kept (delete it if unneeded)',
  'keep-removed': () => 'warning: removed by you; the new settings change it; not recreated',
  ask: () => 'differs from the output; Yeoman asks before overwriting it',
};

/** One line per file that a run changes or warns about, then the side files left from an earlier run. */
export function describePlan(plan: Plan): string[] {
  const lines = plan.files
    .filter((file) => file.action !== 'unchanged')
    .map((file) => {
      const note = file.reason ?? NOTES[file.action]?.(file.path);
      return `  ${VERBS[file.action].padEnd(8)} ${file.path}${note ? `  (${note})` : ''}`;
    });
  for (const side of plan.staleConflictFiles) {
    lines.push(`  ${'stale'.padEnd(8)} ${side}  (warning: left from an earlier conflict; delete it)`);
  }
  return lines;
}

/** What the run did (or, dry, would do), for the end of the run. */
export function runReport(plan: Plan, { dryRun, stored }: { dryRun: boolean; stored: boolean }): string {
  const lines = describePlan(plan);
  const conflicts = conflictsOf(plan).length;
  if (dryRun) {
    return ['', 'Dry run, nothing was written. This run would:', ...(lines.length > 0 ? lines : ['  change no file'])]
      .concat(conflicts > 0 ? [`and stop on ${conflicts} conflict(s), leaving your files and .yo-rc.json as they are.`] : [])
      .join('\n');
  }
  if (conflicts > 0) {
    return ['', 'Regeneration stopped on conflicts: only the .conflict files were written. Once they are resolved, the run will:', ...lines].join('\n');
  }
  if (lines.length === 0 && !stored) return '\nNothing to change: the files already match these settings; nothing was written.';
  return ['', 'Regenerated for the new settings:', ...(lines.length > 0 ? lines : ['  no file changes']), stored ? 'Stored the settings in .yo-rc.json.' : '']
    .join('\n')
    .trimEnd();
}

/** Reads project files as text from disk; a missing path (or a folder) reads as undefined. */
export function diskReader(root: string): (relativePath: string) => string | undefined {
  return (file) => {
    const target = path.join(root, file);
    return statSync(target, { throwIfNoEntry: false })?.isFile() ? readFileSync(target, 'utf8') : undefined;
  };
}

/** Ends a run whose merge conflicts with the user's edits; the message lists every conflict. */
export class ConflictError extends Error {
  constructor(readonly conflicts: FilePlan[]) {
    super(
      `${conflicts.length} file(s) conflict with your edits; your files and .yo-rc.json are unchanged:\n` +
        conflicts.map(({ path: file, reason }) => `  - ${file}: ${reason ?? `conflict markers in ${file}${CONFLICT_SUFFIX}`}`).join('\n') +
        `\nResolve the markers in each ${CONFLICT_SUFFIX} file (keep its first line), then run the same command again: ` +
        'each resolved file replaces yours and the regeneration completes.',
    );
    this.name = 'ConflictError';
  }
}
