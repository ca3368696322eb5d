// What a folder says about earlier runs: .yo-rc.json (the settings, under the generator's key, as Yeoman stores them,
// and the record of the last generation beside them: its settings and generator version), and the record file
// RECORD_FILE: the digests of every file as the generator wrote it, the last HISTORY_DEPTH generations of each path,
// one `<sha256> <path>` a line. The record file is apart from .yo-rc.json so that a git merge of two branches that
// both regenerated does not break it: the generated .gitattributes merges it by union (both branches' lines are kept),
// and any digest recorded for a path counts as "generated" (a file restored from git is not taken for an edit).
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseTree, type ParseError } from 'jsonc-parser';
import { UserError, containedTarget } from './apply.js';
import { hasConflictMarkers } from './merge.js';
import { cut } from '../settings/resolve.js';

/** Key of the settings in .yo-rc.json: the package name, as Yeoman's `this.config` uses it. */
export const STORE_KEY = 'generator-bluegreen-ecs';
/** Key of the record of the last generation, beside the settings so that Yeoman's view of them is unchanged. */
export const RECORD_KEY = 'generator-bluegreen-ecs:generated';

/** The record of generated files: one line per path and digest, merged by union in git (the generated .gitattributes). */
export const RECORD_FILE = '.bluegreen-ecs.generated';
/** How many generations of each path the record file keeps (newest first). */
export const HISTORY_DEPTH = 8;

export interface GenerationRecord {
  /** Generator version that wrote the files. */
  version: string;
  /** The settings the files were written for (the stored ones may since have been edited by hand). */
  settings: Record<string, unknown>;
  /** Read from an older .yo-rc.json only (now in RECORD_FILE): sha256 of each output file as written, by path. */
  files?: Record<string, string>;
}

/** Digests of each path as the generator wrote it, newest first: every one counts as "generated". */
export type Recorded = Record<string, readonly string[]>;

export interface FolderState {
  /** The whole .yo-rc.json, other generators' keys included; {} when there is none. */
  yoRc: Record<string, unknown>;
  /** Values stored under the generator's key, generatorVersion aside. */
  stored: Record<string, unknown>;
  /** Version recorded by a generation before digests were kept. */
  generatorVersion?: string;
  record?: GenerationRecord;
  /** The digests of generated files: from RECORD_FILE, or from an older .yo-rc.json's record; undefined without either. */
  recorded?: Recorded;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const kindOf = (value: unknown) => (Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`);

/** The 1-based line of the first syntax error in `text` (JSON.parse does not say where on every Node version). */
export function jsonErrorLine(text: string): number | undefined {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  return errors.length > 0 ? text.slice(0, errors[0].offset).split('\n').length : undefined;
}

/** Parses a JSON file of the user's, or throws a UserError naming the file, the line and what to do. */
export function parseJsonFile(file: string, text: string, advice: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const line = jsonErrorLine(text);
    throw new UserError(
      `${file} is not valid JSON${line ? ` (line ${line})` : ''}: ${cut((error as Error).message)}. ${advice}`,
    );
  }
}

/**
 * The project a run started in a subfolder belongs to: the nearest folder at or above `start` with a .yo-rc.json, as
 * yo finds it, when that .yo-rc.json holds this generator's settings; undefined otherwise (the run stays in `start`).
 */
export function projectRootOf(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const file = path.join(dir, '.yo-rc.json');
    if (existsSync(file)) {
      try {
        const yoRc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        return isObject(yoRc) && isObject(yoRc[STORE_KEY]) ? dir : undefined;
      } catch {
        // Not ours to read here: the run in that folder names what is wrong with it.
        return dir === path.resolve(start) ? dir : undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Reads the state of a destination folder; throws a UserError when it is a file or .yo-rc.json cannot be used. */
export function readFolder(root: string): FolderState {
  const stat = statSync(root, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory())
    throw new UserError(
      `The destination ${root} is a file, not a folder; nothing was written. Name a new or existing folder.`,
    );
  // Read exactly as the real run writes: never through a symlink that leads out of the folder (a dry run neither).
  const realRoot = stat ? realpathSync(root) : root;
  const file = stat ? containedTarget(realRoot, '.yo-rc.json') : path.join(root, '.yo-rc.json');
  const recorded = stat ? readRecordFile(containedTarget(realRoot, RECORD_FILE)) : undefined;
  if (!existsSync(file)) return { yoRc: {}, stored: {}, recorded };
  const text = readFileSync(file, 'utf8');
  if (hasConflictMarkers(text)) {
    const line = text.split('\n').findIndex((l) => hasConflictMarkers(l)) + 1;
    throw new UserError(
      `.yo-rc.json has git conflict markers (line ${line}): a merge left it unresolved; nothing was written. ` +
        'Resolve them (keep one value for each setting), then run again: the files you edited are kept, since the ' +
        `record of generated files (${RECORD_FILE}) is merged by git on its own.`,
    );
  }
  const yoRc = parseJsonFile(
    '.yo-rc.json',
    text,
    `Fix it, or delete it and run again to be asked every setting again: ${RECORD_FILE} still tells the files you edited, ` +
      'which are merged or left untouched with a .conflict side file, and --force keeps a copy (<file>.orig) of any file it replaces.',
  );
  if (!isObject(yoRc))
    throw new UserError(
      `.yo-rc.json holds ${kindOf(yoRc)} where an object belongs; nothing was written. Fix it or delete it.`,
    );
  const ours = yoRc[STORE_KEY] ?? {};
  if (!isObject(ours)) {
    throw new UserError(
      `.yo-rc.json: "${STORE_KEY}" holds ${kindOf(ours)} where an object of settings belongs; nothing was written. Fix it or delete the key.`,
    );
  }
  const { generatorVersion, ...stored } = ours;
  const record = isRecord(yoRc[RECORD_KEY]) ? yoRc[RECORD_KEY] : undefined;
  const older = record?.files && isObject(record.files) ? record.files : undefined;
  return {
    yoRc,
    stored,
    generatorVersion: typeof generatorVersion === 'string' ? generatorVersion : undefined,
    record,
    // An older folder kept the digests in .yo-rc.json: they are read once, and the next write moves them out.
    recorded:
      recorded ??
      (older &&
        Object.fromEntries(
          Object.entries(older)
            .filter(([, digest]) => typeof digest === 'string')
            .map(([file, digest]) => [file, [digest]]),
        )),
  };
}

function isRecord(value: unknown): value is GenerationRecord {
  return isObject(value) && typeof value.version === 'string' && isObject(value.settings);
}

const RECORD_LINE = /^([0-9a-f]{64}) (.+)$/;

/** The record file's digests by path, in the order of its lines (newest first); undefined when there is none. */
function readRecordFile(file: string): Recorded | undefined {
  if (!existsSync(file)) return undefined;
  const recorded: Record<string, string[]> = {};
  // Lines that are not records (comments, or a git conflict's markers if union was not set up) are skipped: every
  // digest line stays, which is all the union of two branches needs.
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = RECORD_LINE.exec(line);
    if (!match) continue;
    const list = (recorded[match[2]] ??= []);
    if (!list.includes(match[1])) list.push(match[1]);
  }
  return recorded;
}

/**
 * The record file after a generation: for each path this generation produces, its new digest first, then the ones
 * recorded before (up to HISTORY_DEPTH); paths it no longer produces leave. Sorted by path, so two branches' files
 * differ only in the lines of the paths they changed.
 */
export function recordFileText(digests: Record<string, string>, before: Recorded | undefined): string {
  const lines = Object.keys(digests)
    .sort()
    .flatMap((file) =>
      [...new Set([digests[file], ...(before?.[file] ?? [])])].slice(0, HISTORY_DEPTH).map((d) => `${d} ${file}`),
    );
  return [
    `# generator-bluegreen-ecs: each file as the generator wrote it (sha256, newest first). Commit it; do not edit it.`,
    ...lines,
    '',
  ].join('\n');
}

/** The new .yo-rc.json text, formatted as Yeoman writes it; other generators' keys are kept. */
export function yoRcText(
  yoRc: Record<string, unknown>,
  settings: object,
  version: string,
  record: GenerationRecord,
): string {
  const next = { ...yoRc, [STORE_KEY]: { ...settings, generatorVersion: version }, [RECORD_KEY]: record };
  return `${JSON.stringify(next, null, 2)}\n`;
}
