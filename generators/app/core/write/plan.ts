// The pure plan of a run: compares the output for the settings the files were made for (base), the output for the new
// settings (theirs), the files on disk (ours) and the digests recorded when they were written, then decides per file,
// without asking and without touching the disk, what to write, merge, remove or report.
import { createHash } from 'node:crypto';
import { hasConflictMarkers, mergeThreeWay, withLineEndingsOf } from './merge.js';
import type { Output } from '../render/render.js';

/** Digests of each path as the generator wrote it, newest first (state.ts's record). */
type Recorded = Record<string, readonly string[]>;

/** Suffix of the copy that --force keeps of a file of the user's that it replaces (then .orig.1, .orig.2, ...). */
export const ORIG_SUFFIX = '.orig';

/** Suffix of the side file that holds a conflicting merge, beside the user's untouched file. */
export const CONFLICT_SUFFIX = '.conflict';

export type Action =
  /** No file on disk that the generator knows of: the new output is written. */
  | 'create'
  /** The file is as the generator last wrote it: the new output replaces it. */
  | 'update'
  /** The user edited the file and the three-way merge is clean: the merge is written. */
  | 'merge'
  /** The user resolved an earlier conflict in the side file: it replaces the file, the side file goes. */
  | 'resolve'
  /** The new settings no longer produce the file and the user never edited it: it is deleted. */
  | 'remove'
  /** The user's edits clash with the new output, or a file of the user's is in the way: the merge goes to the side file. */
  | 'conflict'
  /** A file of the user's in the way, replaced because of --force. */
  | 'overwrite'
  /** The new settings no longer produce the file but the user edited it: it is kept, with a warning. */
  | 'keep'
  /** The user deleted the file and the new settings would change it: it is not recreated, with a warning. */
  | 'keep-removed'
  | 'unchanged';

export interface FilePlan {
  /** Destination path, relative to the project root, with forward slashes. */
  path: string;
  action: Action;
  /** What to write: to the file itself, or for a conflict to its side file. */
  contents?: string;
  /** Permission bits of a file that does not exist yet (its template's). */
  mode?: number;
  /** For a conflict: false when a side file is already there (it may hold the user's work). */
  writeConflictFile?: boolean;
  /** For a conflict or a create: why, when it is not the usual case. */
  reason?: string;
  /** For an overwrite: where the user's file is kept, and its text (--force never replaces a file without a copy). */
  copy?: { path: string; contents: string };
}

export interface Plan {
  /** No earlier generation recorded in this folder. */
  firstRun: boolean;
  files: FilePlan[];
  /** Side files left from an earlier run for files that no longer conflict. */
  staleConflictFiles: string[];
  /** Digest of every output file as the generator writes it for these settings (the record of this generation). */
  digests: Record<string, string>;
}

export interface PlanInput {
  /** Output for the settings the files on disk were generated for; undefined when nothing was generated before. */
  base?: Output;
  /** Output for the new settings. */
  theirs: Output;
  /** Text of a file in the project, or undefined when there is none. */
  read: (relativePath: string) => string | undefined;
  /**
   * Digests of each file as the generator wrote it, this generation and earlier ones (any of them counts as generated:
   * a file restored from git is not an edit); undefined for a folder made before digests were recorded.
   */
  recorded?: Recorded;
  /** Digest of the new settings, written into conflict side files so that a resolution is taken only for the same settings. */
  settingsDigest: string;
  /** Replace files of the user's that are in the way instead of reporting a conflict. */
  force?: boolean;
}

export const digest = (text: string) => createHash('sha256').update(text).digest('hex');
const shortDigest = (text: string) => digest(text).slice(0, 12);

/** Decides, file by file, what a run does; reads the project through `read` and writes nothing. */
export function planRegeneration(input: PlanInput): Plan {
  const { base, theirs, read } = input;
  const firstRun = !base;
  const files: FilePlan[] = [];
  const staleConflictFiles: string[] = [];
  const digests: Record<string, string> = {};
  for (const file of new Set([...theirs.keys(), ...(base?.keys() ?? [])])) {
    const ours = read(file);
    const rendered = theirs.get(file)?.contents;
    const plan = planFile(file, ours, rendered, input);
    if (plan) files.push(plan);
    // The generator's own output (in the file's line endings), never the user's edits: an edit stays an edit next time.
    if (rendered !== undefined)
      digests[file] = digest(ours === undefined ? rendered : withLineEndingsOf(ours, rendered));
    if (plan?.action !== 'conflict' && plan?.action !== 'resolve' && read(file + CONFLICT_SUFFIX) !== undefined) {
      staleConflictFiles.push(file + CONFLICT_SUFFIX);
    }
  }
  return { firstRun, files, staleConflictFiles, digests };
}

function planFile(
  file: string,
  ours: string | undefined,
  rendered: string | undefined,
  input: PlanInput,
): FilePlan | undefined {
  const { recorded, force } = input;
  const renderedBase = input.base?.get(file)?.contents;
  // Compared and written with the line endings the file has on disk, so a CRLF checkout is not one big edit.
  const base = ours === undefined || renderedBase === undefined ? renderedBase : withLineEndingsOf(ours, renderedBase);
  const theirs = ours === undefined || rendered === undefined ? rendered : withLineEndingsOf(ours, rendered);
  const known = recorded ? file in recorded : renderedBase !== undefined;
  // As the generator last wrote it: by its recorded digest, or for an older folder by the output of its settings.
  const untouched =
    ours !== undefined &&
    known &&
    (recorded ? (recorded[file] ?? []).includes(digest(ours)) || ours === base : ours === base);
  if (theirs === undefined) {
    if (ours === undefined || !known) return undefined;
    return { path: file, action: untouched ? 'remove' : 'keep' };
  }
  if (ours === undefined) {
    // Never written (a first run that stopped, a file a newer version adds): created.
    // Recorded and gone: the user deleted it; it stays deleted (and is named each run), unless --force brings it back.
    if (recorded && file in recorded) {
      return force
        ? {
            path: file,
            action: 'create',
            contents: theirs,
            mode: input.theirs.get(file)?.mode,
            reason: 'removed by you; back because of --force',
          }
        : { path: file, action: 'keep-removed' };
    }
    const mode = input.theirs.get(file)?.mode;
    return {
      path: file,
      action: 'create',
      contents: theirs,
      mode,
      reason: input.base && !recorded && base !== undefined ? 'missing' : undefined,
    };
  }
  if (ours === theirs) return { path: file, action: 'unchanged' };
  if (untouched) return { path: file, action: 'update', contents: theirs };
  if (!known) {
    // A file the generator did not write is in the way.
    if (force) return overwrite(file, ours, theirs, input.read);
    return conflict(file, ours, mergeThreeWay(ours, '', theirs).text, input, 'a file of yours is in the way');
  }
  if (base === theirs) return { path: file, action: 'unchanged' };
  const merged = mergeThreeWay(ours, base ?? '', theirs);
  if (merged.clean) return { path: file, action: 'merge', contents: merged.text };
  return conflict(file, ours, merged.text, input);
}

/** --force replacing a file of the user's: the file gets the output, and the user's text a copy beside it. */
export function overwrite(
  file: string,
  ours: string,
  theirs: string | undefined,
  read: (relativePath: string) => string | undefined,
): FilePlan {
  let copy = file + ORIG_SUFFIX;
  for (let n = 1; read(copy) !== undefined; n++) copy = `${file}${ORIG_SUFFIX}.${n}`;
  return { path: file, action: 'overwrite', contents: theirs, copy: { path: copy, contents: ours } };
}

function conflict(file: string, ours: string, merged: string, input: PlanInput, why?: string): FilePlan {
  const side = input.read(file + CONFLICT_SUFFIX);
  const contents = sideHeader(ours, input.settingsDigest) + merged;
  if (side === undefined) return { path: file, action: 'conflict', contents, writeConflictFile: true, reason: why };
  const sideFile = file + CONFLICT_SUFFIX;
  const header = SIDE_HEADER.exec(side);
  const reason = !header
    ? `${sideFile} does not start with its bluegreen-ecs line: delete it and run again for a fresh merge`
    : header[1] !== shortDigest(ours)
      ? `${file} changed after ${sideFile} was written: delete ${sideFile} and run again for a fresh merge`
      : header[2] !== input.settingsDigest
        ? `${sideFile} was made for other settings than this run's: delete it and run again for a fresh merge`
        : hasConflictMarkers(side)
          ? `${sideFile} still has conflict markers`
          : undefined;
  if (!reason) return { path: file, action: 'resolve', contents: side.slice(header![0].length) };
  return { path: file, action: 'conflict', contents, writeConflictFile: false, reason };
}

// The side file's first line records digests of the user's file and of the settings it was merged for: a resolution
// is taken only while that file is as it was and for the same settings.
const SIDE_HEADER = /^bluegreen-ecs conflict, yours sha256:([0-9a-f]{12}), settings sha256:([0-9a-f]{12})\b.*\r?\n/;
const sideHeader = (ours: string, settingsDigest: string) =>
  `bluegreen-ecs conflict, yours sha256:${shortDigest(ours)}, settings sha256:${settingsDigest} (keep this line)\n`;

/** Digest of a settings object, as recorded in side files. */
export const settingsDigest = (settings: object) => shortDigest(JSON.stringify(settings));

export const conflictsOf = (plan: Plan) => plan.files.filter((file) => file.action === 'conflict');
