// What npm publishes: bin/, dist/ and templates/ only (plus the files npm always adds), and the Node it asks for.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, it } from 'vitest';
import { FILES } from '../../generators/app/core/render/files.js';
import { ROOT } from '../support/generate.js';

it('publishes only its bin, dist/ and templates/, with every template the generator reads (not the create-bluegreen-ecs workspace)', () => {
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }),
  ) as [{ files: { path: string }[] }];
  const paths = pack.files.map((f) => f.path);
  const stray = paths.filter(
    (p) =>
      !/^(dist|templates)\//.test(p) &&
      !['bin/create-bluegreen-ecs.js', 'package.json', 'README.md', 'LICENSE'].includes(p),
  );
  expect(stray).toEqual([]);
  expect(paths).toContain('bin/create-bluegreen-ecs.js');
  expect(paths).toContain('dist/generators/app/index.js');
  expect(paths).toContain('dist/generators/app/core/render/dependency-versions/package.json');
  for (const file of FILES) expect(paths).toContain(`templates/${file.source}`);
  expect(paths.filter((p) => p.endsWith('.ts') && !p.startsWith('templates/'))).toEqual([]);
});

// npm ci warns EBADENGINE for every locked package whose engines.node rejects the running Node: on the oldest Node of
// each range that ours names, none may (npm checks engines as semver ranges: https://docs.npmjs.com/cli/v11/configuring-npm/package-json#engines).
it('every locked package accepts the oldest Node of each range in engines.node, so npm ci warns no EBADENGINE', () => {
  const semver = createRequire(import.meta.url)('semver') as {
    satisfies(version: string, range: string): boolean;
    minVersion(range: string): { version: string } | null;
  };
  const root = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const workspace = JSON.parse(
    readFileSync(path.join(ROOT, 'bin', 'create-bluegreen-ecs', 'package.json'), 'utf8'),
  ) as { engines: { node: string } };
  expect(workspace.engines).toEqual(root.engines);
  const oldest = root.engines.node.split('||').map((range) => semver.minVersion(range)!.version);
  expect(oldest).toEqual(['20.19.0', '22.13.0', '24.0.0']);
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } }>;
  };
  const rejecting = Object.entries(lock.packages).flatMap(([where, entry]) =>
    oldest
      .filter((node) => entry.engines?.node && !semver.satisfies(node, entry.engines.node))
      .map((node) => `${where} (${entry.engines!.node}) rejects Node ${node}`),
  );
  expect(rejecting).toEqual([]);
});
