// Renders the generator's output for given settings into memory, without touching the destination:
// the same FILES, templates and template data serve a first run, the new output and the base of a regeneration.
import type { Stats } from 'node:fs';
import path from 'node:path';
import { create as createMemFs } from 'mem-fs';
import { create as createEditor, type VinylMemFsEditorFile } from 'mem-fs-editor';
import { derive } from './derive.js';
import type { FileEntry } from './files.js';
import { TEMPLATES_DIR } from './paths.js';
import type { Settings } from './types.js';

/** One output file: its text and the stat of its template (mode), keyed by destination path. */
export interface RenderedFile {
  contents: string;
  stat?: Stats;
}

export type Output = Map<string, RenderedFile>;

/** Template data: every setting, everything derived from them, the settings object and the generator version. */
export function templateData(settings: Settings, generatorVersion: string): Record<string, unknown> {
  return { ...settings, ...derive(settings), settings, generatorVersion };
}

// Rendered under a root no file lives in: the private store never reads the destination, and is never committed.
const RENDER_ROOT = path.resolve('/', '.bluegreen-ecs-render');

/**
 * Every file the settings produce, rendered by mem-fs-editor's copyTpl exactly as Yeoman's renderTemplate
 * does (same EJS options, `this` = context), into a private in-memory store.
 */
export function renderOutput(files: readonly FileEntry[], settings: Settings, generatorVersion: string, context?: unknown): Output {
  const editor = createEditor(createMemFs<VinylMemFsEditorFile>());
  const data = templateData(settings, generatorVersion);
  const output: Output = new Map();
  for (const file of files) {
    if (file.when && !file.when(settings)) continue;
    const destination = file.destination ?? file.source;
    const target = path.join(RENDER_ROOT, destination);
    editor.copyTpl(path.join(TEMPLATES_DIR, file.source), target, data, {
      fromBasePath: TEMPLATES_DIR,
      transformOptions: { context },
    });
    const rendered = editor.store.get(target);
    output.set(destination, { contents: rendered.contents?.toString() ?? '', stat: (rendered.stat as Stats | null) ?? undefined });
  }
  return output;
}
