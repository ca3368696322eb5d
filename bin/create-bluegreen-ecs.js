#!/usr/bin/env node
// create-bluegreen-ecs [dir] [flags]: runs the generator in dir without a global yo.
// Flags are parsed here, from the settings declaration, and handed to the generator as strings
// (yeoman-environment's own parsing would turn numeric options into booleans).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const generatorPath = path.join(root, 'dist', 'generators', 'app', 'index.js');
if (!existsSync(generatorPath)) {
  console.error(`create-bluegreen-ecs: ${generatorPath} is missing; run "npm run build" first.`);
  process.exit(1);
}
const { SETTINGS, flagOf } = await import(path.join(root, 'dist', 'generators', 'app', 'settings.js'));
const { COMMAND_FLAGS, usage } = await import(path.join(root, 'dist', 'generators', 'app', 'cli.js'));

const options = Object.fromEntries([
  ...SETTINGS.map((decl) => [flagOf(decl.name), { type: decl.kind === 'boolean' ? 'boolean' : 'string' }]),
  ...SETTINGS.filter((decl) => decl.kind === 'boolean').map((decl) => [`no-${flagOf(decl.name)}`, { type: 'boolean' }]),
  ...Object.entries(COMMAND_FLAGS).map(([flag, { short }]) => [flag, short ? { type: 'boolean', short } : { type: 'boolean' }]),
]);

let parsed;
try {
  parsed = parseArgs({ args: process.argv.slice(2), options, allowPositionals: true, strict: true });
} catch (error) {
  console.error(`create-bluegreen-ecs: ${error.message}\nRun create-bluegreen-ecs --help for the flags.`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(usage());
  process.exit(0);
}
if (values.version) {
  const { VERSION } = await import(path.join(root, 'dist', 'generators', 'app', 'paths.js'));
  console.log(VERSION);
  process.exit(0);
}
if (positionals.length > 1) {
  console.error(`create-bluegreen-ecs: expected at most one folder, got ${positionals.join(' ')}`);
  process.exit(2);
}

const destination = path.resolve(positionals[0] ?? '.');
const existedBefore = existsSync(destination);
const generatorOptions = {};
for (const [flag, value] of Object.entries(values)) {
  if (flag.startsWith('no-') && value) generatorOptions[flag.slice(3)] = false;
  else generatorOptions[flag] = value;
}

const { createEnv } = await import('yeoman-environment');
const env = createEnv({ cwd: destination, skipInstall: Boolean(values['skip-install']) });
env.register(generatorPath, { namespace: 'bluegreen-ecs:app', packagePath: root });
// A rejected run or a dry run leaves nothing behind, not even the folder this command created.
const removeCreatedEmptyFolder = () => {
  if (!existedBefore && existsSync(destination) && readdirSync(destination).length === 0) {
    rmSync(destination, { recursive: true });
  }
};
try {
  await env.run(['bluegreen-ecs:app'], { ...generatorOptions, skipInstall: Boolean(values['skip-install']) });
  if (values['dry-run']) removeCreatedEmptyFolder();
} catch (error) {
  removeCreatedEmptyFolder();
  console.error(`\ncreate-bluegreen-ecs: ${error.message}`);
  process.exit(1);
}
