// What npm publishes: bin/, dist/ and templates/ only (plus the files npm always adds).
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { FILES } from '../../generators/app/core/render/files.js';
import { ROOT } from '../support/generate.js';

it('publishes only bin/, dist/ and templates/, with every template the generator reads', () => {
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }),
  ) as [{ files: { path: string }[] }];
  const paths = pack.files.map((f) => f.path);
  const stray = paths.filter(
    (p) => !/^(bin|dist|templates)\//.test(p) && !['package.json', 'README.md', 'LICENSE'].includes(p),
  );
  expect(stray).toEqual([]);
  expect(paths).toContain('bin/create-bluegreen-ecs.js');
  expect(paths).toContain('dist/generators/app/index.js');
  expect(paths).toContain('dist/generators/app/core/render/dependency-versions/package.json');
  for (const file of FILES) expect(paths).toContain(`templates/${file.source}`);
  expect(paths.filter((p) => p.endsWith('.ts') && !p.startsWith('templates/'))).toEqual([]);
});
