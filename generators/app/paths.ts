// Where the package's own folders are, from the source (generators/app) or the compiled code (dist/generators/app).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const compiled = here.split(path.sep).includes('dist');

export const PACKAGE_ROOT = path.resolve(here, compiled ? '../../..' : '../..');
export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');
export const VERSION = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
