// The README's option table is derived from the settings declaration; this fails when it is stale.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { optionTable } from '../../generators/app/cli/flags.js';
import { ROOT } from '../support/generate.js';

it('README option table matches the settings declaration (run npm run docs)', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = /<!-- options:start[^>]*-->\n([\s\S]*?)\n<!-- options:end -->/.exec(readme)?.[1];
  expect(table).toBe(optionTable());
});
