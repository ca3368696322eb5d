// What a folder says about earlier runs: .yo-rc.json (the settings, under the generator's key, as Yeoman stores them)
// and the record of the last generation beside them (its settings, generator version and a digest per file).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseTree, type ParseError } from 'jsonc-parser';
import { UserError } from './apply.js';
import { cut } from '../settings/resolve.js';

/** Key of the settings in .yo-rc.json: the package name, as Yeoman's `this.config` uses it. */
export const STORE_KEY = 'generator-bluegreen-ecs';
/** Key of the record of the last generation, beside the settings so that Yeoman's view of them is unchanged. */
export const RECORD_KEY = 'generator-bluegreen-ecs:generated';

export interface GenerationRecord {
  /** Generator version that wrote the files. */
  version: string;
  /** The settings the files were written for (the stored ones may since have been edited by hand). */
  settings: Record<string, unknown>;
  /** sha256 of each output file as written (or as merged), by path. */
  files: Record<string, string>;
}

export interface FolderState {
  /** The whole .yo-rc.json, other generators' keys included; {} when there is none. */
  yoRc: Record<string, unknown>;
  /** Values stored under the generator's key, generatorVersion aside. */
  stored: Record<string, unknown>;
  /** Version recorded by a generation before digests were kept. */
  generatorVersion?: string;
  record?: GenerationRecord;
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

/** Reads the state of a destination folder; throws a UserError when it is a file or .yo-rc.json cannot be used. */
export function readFolder(root: string): FolderState {
  const stat = statSync(root, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory())
    throw new UserError(
      `The destination ${root} is a file, not a folder; nothing was written. Name a new or existing folder.`,
    );
  const file = path.join(root, '.yo-rc.json');
  if (!existsSync(file)) return { yoRc: {}, stored: {} };
  const yoRc = parseJsonFile(
    '.yo-rc.json',
    readFileSync(file, 'utf8'),
    'Fix it (or delete it to be asked every setting again).',
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
  const record = yoRc[RECORD_KEY];
  return {
    yoRc,
    stored,
    generatorVersion: typeof generatorVersion === 'string' ? generatorVersion : undefined,
    record: isRecord(record) ? record : undefined,
  };
}

function isRecord(value: unknown): value is GenerationRecord {
  return isObject(value) && typeof value.version === 'string' && isObject(value.settings) && isObject(value.files);
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
