// Renders the generator's output for given settings into memory with ejs, without touching the destination:
// the same FILES, templates and template data serve a first run, the new output and the base of a regeneration.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { derive, type Derived } from './derive.js';
import type { FileEntry } from './files.js';
import { TEMPLATES_DIR } from './paths.js';
import type { Settings } from '../settings/declaration.js';

/** One output file's text, and the permission bits of its template (executable scripts stay executable). */
export interface RenderedFile {
  contents: string;
  mode?: number;
}

export type Output = Map<string, RenderedFile>;

// derive() runs once per settings object, however many times a run asks for it (templates, end message, estimate).
const derivedOnce = new WeakMap<Settings, Derived>();

export function derivedOf(settings: Settings): Derived {
  let derived = derivedOnce.get(settings);
  if (!derived) derivedOnce.set(settings, (derived = derive(settings)));
  return derived;
}

/** Template data: every setting, everything derived from them, the settings object and the generator version. */
export function templateData(settings: Settings, generatorVersion: string): Record<string, unknown> {
  return { ...settings, ...derivedOf(settings), settings, generatorVersion };
}

const templates = new Map<string, { text: string; mode: number }>();
const template = (file: string) => {
  let found = templates.get(file);
  if (found === undefined)
    templates.set(file, (found = { text: readFileSync(file, 'utf8'), mode: statSync(file).mode & 0o777 }));
  return found;
};

/** Every file the settings produce, rendered with ejs (the options mem-fs-editor's copyTpl used: filename for partials). */
export function renderOutput(files: readonly FileEntry[], settings: Settings, generatorVersion: string): Output {
  const data = templateData(settings, generatorVersion);
  const output: Output = new Map();
  for (const file of files) {
    if (file.when && !file.when(settings)) continue;
    const source = path.join(TEMPLATES_DIR, file.source);
    // cache: each template (and partial) is compiled once per process, keyed by its file name.
    const { text, mode } = template(source);
    output.set(file.destination ?? file.source, {
      contents: ejs.render(text, data, { filename: source, cache: true }),
      mode,
    });
  }
  return output;
}
