// The two adapters over one core: the bin and the Yeoman generator write byte-identical trees, and the core (everything
// the bin loads) imports nothing from Yeoman or a prompt library.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES } from '../../generators/app/core/settings/strategies.js';
import { BIN, ROOT, generate, runBin, tempDir, treeSnapshot } from '../support/generate.js';

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
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
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
    const core = readdirSync(app).filter((f) => f.endsWith('.js') && f !== 'index.js');
    expect(core).toContain('session.js');
    for (const file of core) {
      const loaded = [...packagesLoadedBy(path.join(app, file))];
      expect(
        loaded.filter((p) => YEOMAN.includes(p)),
        file,
      ).toEqual([]);
    }
    expect([...packagesLoadedBy(path.join(app, 'session.js'))].sort()).toEqual(['ejs', 'jsonc-parser', 'node-diff3']);
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
