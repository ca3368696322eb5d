// The two adapters over one core: the bin and the Yeoman generator write byte-identical trees, and the core (everything
// the bin loads) imports nothing from Yeoman or a prompt library.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES } from '../../generators/app/core/settings/strategies.js';
import { BIN, ROOT, generate, runBin, tempDir, treeSnapshot } from '../support/generate.js';
import { STAGES, importProblems, readImportGraph, stageOf, type ImportGraph } from '../support/import-graph.js';

describe('create-bluegreen-ecs and yo bluegreen-ecs', () => {
  for (const strategy of STRATEGY_NAMES) {
    it(`write byte-identical trees, .yo-rc.json included: ${strategy}`, async () => {
      const flags = { 'app-name': 'svc', strategy, port: '8080' };
      const byBin = path.join(tempDir(), 'svc');
      const out = runBin([
        byBin,
        '--yes',
        '--skip-install',
        ...Object.entries(flags)
          .flat()
          .map((v, i) => (i % 2 ? v : `--${v}`)),
      ]);
      expect(out.status, out.stderr).toBe(0);
      const byYo = (await generate(flags)).cwd;
      const bin = treeSnapshot(byBin);
      expect(Object.keys(bin).length).toBeGreaterThan(20);
      expect(treeSnapshot(byYo)).toEqual(bin);
      // Permissions too: the template's executable scripts stay executable.
      for (const file of Object.keys(bin))
        expect(statSync(path.join(byYo, file)).mode, file).toBe(statSync(path.join(byBin, file)).mode);
      expect(statSync(path.join(byBin, 'scripts/deploy.sh')).mode & 0o111).not.toBe(0);
    });
  }
});

/** Bare module specifiers a compiled module imports, statically or dynamically. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // Static imports start a line in tsc's output; anchoring them there skips an import statement quoted in a string
  // (render/existing-service.ts prints the wiring lines for the user's app).
  const statement =
    /^import\s*['"]([^'"]+)['"]|^(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/gm;
  return [...text.matchAll(statement)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Every package the module loads, following its relative imports. */
function packagesLoadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        if (spec.endsWith('.js')) visit(path.resolve(path.dirname(file), spec));
      } else if (!spec.startsWith('node:'))
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  };
  visit(entry);
  return packages;
}

describe('the core', () => {
  const app = path.join(ROOT, 'dist', 'generators', 'app');
  const YEOMAN = [
    'yeoman-generator',
    'yeoman-environment',
    'mem-fs',
    'mem-fs-editor',
    'inquirer',
    '@inquirer/prompts',
    '@yeoman/adapter',
  ];

  it('imports only ejs, node-diff3 and jsonc-parser, nothing of Yeoman', () => {
    const core = (readdirSync(app, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.js') && f !== 'index.js',
    );
    expect(core).toContain(path.join('core', 'run', 'run.js'));
    for (const file of core) {
      const loaded = [...packagesLoadedBy(path.join(app, file))];
      expect(
        loaded.filter((p) => YEOMAN.includes(p)),
        file,
      ).toEqual([]);
    }
    expect([...packagesLoadedBy(path.join(app, 'core', 'run', 'run.js'))].sort()).toEqual([
      'ejs',
      'jsonc-parser',
      'node-diff3',
    ]);
  });

  it('the Yeoman adapter is the one module that imports yeoman-generator', () => {
    expect(packagesLoadedBy(path.join(app, 'index.js')).has('yeoman-generator')).toBe(true);
  });

  it('the bin loads the prompt library only when it asks, and never yeoman-environment', () => {
    const bin = readFileSync(BIN, 'utf8');
    expect(bin).not.toMatch(/yeoman/);
    expect(importsOf(BIN).filter((s) => !s.startsWith('node:'))).toEqual(['@inquirer/prompts']);
    expect(bin).toMatch(
      /async function terminalPrompt\(\) \{\n\s+const \{ confirm, input, select \} = await import\('@inquirer\/prompts'\);/,
    );
  });
});

describe('the stages (generators/app)', () => {
  const graph = readImportGraph(path.join(ROOT, 'generators', 'app'));

  it('are read from every source file, with their imports', () => {
    expect(readdirSync(path.join(ROOT, 'generators'))).toEqual(['app']);
    // The reading itself is checked, so that an empty graph cannot pass: every stage has files, the run imports the others.
    for (const [index, { folder }] of STAGES.entries())
      expect(
        [...graph.keys()].some((m) => stageOf(m) === index),
        folder,
      ).toBe(true);
    expect(graph.get('core/run/steps.ts')).toEqual(
      expect.arrayContaining(['core/settings/resolve.ts', 'core/render/render.ts', 'core/write/plan.ts']),
    );
    expect(graph.get('core/render/derive.ts')).toContain('core/render/dependency-versions/package.json');
    expect([...graph.values()].flat().length).toBeGreaterThan(50);
  });

  it('have no import loop, no import from a later stage or an adapter, and no module outside a stage', () => {
    expect(importProblems(graph)).toEqual([]);
  });

  it('control: the checker names a loop, an upward import, an import of an adapter and a module in no stage', () => {
    const broken: ImportGraph = new Map([
      ['core/settings/declaration.ts', ['core/settings/validators.ts']],
      ['core/settings/validators.ts', ['core/settings/strategies.ts']],
      // A type-only import closes a loop as well: the graph does not tell them apart.
      ['core/settings/strategies.ts', ['core/settings/declaration.ts']],
      ['core/render/render.ts', ['core/write/plan.ts', 'core/settings/declaration.ts']],
      ['core/write/plan.ts', []],
      ['core/run/run.ts', ['index.ts']],
      ['index.ts', ['core/run/run.ts']],
      ['helpers.ts', []],
    ]);
    expect(importProblems(broken)).toEqual([
      'core/render/render.ts (render) imports core/write/plan.ts (write): a later stage',
      'core/run/run.ts (run) imports index.ts (Yeoman adapter): a later stage',
      'helpers.ts is in no stage',
      'loop: core/settings/declaration.ts -> core/settings/validators.ts -> core/settings/strategies.ts -> core/settings/declaration.ts',
      'loop: core/run/run.ts -> index.ts -> core/run/run.ts',
    ]);
    // The same graph without the breaches passes: the checker flags the breaches, not the shape.
    broken.set('core/settings/strategies.ts', []);
    broken.set('core/render/render.ts', ['core/settings/declaration.ts']);
    broken.set('core/run/run.ts', []);
    broken.delete('helpers.ts');
    expect(importProblems(broken)).toEqual([]);
  });
});
