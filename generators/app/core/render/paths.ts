// Where the package's own folders are, from the source (generators/app/...) or the compiled code (dist/generators/app/...).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// The package root holds generators/ (dist/ holds the compiled generators/): found by name, so no depth is counted.
const generators = here.lastIndexOf(`${path.sep}generators${path.sep}`);
const holder = here.slice(0, generators);
export const PACKAGE_ROOT = path.basename(holder) === 'dist' ? path.dirname(holder) : holder;
export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');
export const VERSION = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
