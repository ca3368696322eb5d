// Image size: the image of the generated Dockerfile against a naive single-stage Dockerfile copying the whole repository, same base.
// Run: npm run bench:image-size
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../test/support/generate.js';
import { buildImage, imageSize } from '../test/e2e/lib/image.js';
import { generateProject } from '../test/e2e/lib/project.js';
import { printTable, ratio } from './lib.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const project = await generateProject('bench-api');
const base = project.baseImages[0];
execFileSync('bash', [path.join(HERE, '..', 'test', 'e2e', 'setup.sh'), base], { stdio: 'inherit' });

// The naive build gets the repository as a clone has it: no node_modules or dist, and no .dockerignore.
const clone = path.join(tempDir('bluegreen-bench-naive-'), 'repo');
cpSync(project.dir, clone, {
  recursive: true,
  filter: (src) => !/^(node_modules|dist)(\/|$)/.test(path.relative(project.dir, src)),
});
rmSync(path.join(clone, '.dockerignore'));

await buildImage(project.dir, 'localhost/bluegreen-bench-generated');
await buildImage(clone, 'localhost/bluegreen-bench-naive', [
  '-f',
  path.join(HERE, 'fixtures', 'Dockerfile.naive'),
  '--build-arg',
  `BASE_IMAGE=${base}`,
]);

rmSync(path.dirname(project.dir), { recursive: true, force: true });
rmSync(path.dirname(clone), { recursive: true, force: true });

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const sizes = {
  base: await imageSize(base),
  generated: await imageSize('localhost/bluegreen-bench-generated'),
  naive: await imageSize('localhost/bluegreen-bench-naive'),
};
printTable(
  `Image size, same base (${base}: a local stand-in, ${mb(sizes.base)} MB, built from the host's Node)`,
  ['image', 'total MB', 'added to base MB', 'total vs naive', 'added vs naive'],
  [
    [
      'generated Dockerfile (multi-stage, production deps only)',
      mb(sizes.generated),
      mb(sizes.generated - sizes.base),
      ratio(sizes.generated, sizes.naive),
      ratio(sizes.generated - sizes.base, sizes.naive - sizes.base),
    ],
    ['naive single stage, COPY . . (baseline)', mb(sizes.naive), mb(sizes.naive - sizes.base), '1.00x', '1.00x'],
  ],
);
