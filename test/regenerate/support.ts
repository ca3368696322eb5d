// Helpers for regeneration tests: real folders on disk, generated, edited and generated again.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import helpers from 'yeoman-test';
import { GENERATOR, tempDir } from '../support/generate.js';

export const KEY = 'generator-bluegreen-ecs';
export const RECORD_KEY = 'generator-bluegreen-ecs:generated';
/** The record of generated files (digests of this and earlier generations): state, like .yo-rc.json, not output. */
export const RECORD_FILE = '.bluegreen-ecs.generated';
/** Files the run keeps about itself, which differ between folders that have different histories. */
export const isStateFile = (file: string) => file === '.yo-rc.json' || file === RECORD_FILE;

export interface FileState {
  contents: string;
  mtimeMs: number;
}

/** Every file below dir (relative path -> contents and mtime), .git excluded. */
export function snapshot(dir: string): Map<string, FileState> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith(`.git${path.sep}`))
    .sort();
  return new Map(
    files.map((file) => [file, { contents: read(dir, file), mtimeMs: statSync(path.join(dir, file)).mtimeMs }]),
  );
}

export const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

export const readYoRc = (dir: string) => JSON.parse(read(dir, '.yo-rc.json'))[KEY];

/** A fresh folder generated with --yes and these setting flags (kebab-case). */
export async function generatedFolder(flags: Record<string, string> = {}): Promise<string> {
  const dir = tempDir('bluegreen-regen-');
  await rerun(dir, { yes: true, ...flags });
  return dir;
}

/** Runs the compiled generator (or a subclass) in an existing folder, as a re-run there would. */
export function rerun(
  dir: string,
  options: Record<string, unknown> = {},
  generator: string | (new (...args: never[]) => unknown) = GENERATOR,
) {
  // A generator class needs the compiled generator's path: .yo-rc.json is keyed by the name of its package.
  return helpers
    .run(generator as string, { resolved: GENERATOR, namespace: 'bluegreen-ecs:app' })
    .cd(dir)
    .withOptions({ skipInstall: true, ...options });
}

/** Output files that contain `value`, with the 0-based index of each line holding it. */
export function filesContaining(dir: string, value: string): { file: string; lines: number[] }[] {
  return [...snapshot(dir)]
    .filter(([file]) => !isStateFile(file))
    .map(([file, { contents }]) => ({
      file,
      lines: contents.split('\n').flatMap((line, index) => (line.includes(value) ? [index] : [])),
    }))
    .filter(({ lines }) => lines.length > 0);
}
