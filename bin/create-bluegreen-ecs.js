#!/usr/bin/env node
// create-bluegreen-ecs [dir] [flags]: the bin adapter. It runs the generator's core (dist/generators/app/core/run/run.js)
// directly, without Yeoman: --help loads only the settings table, and the prompt library is loaded only to ask.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const NAME = 'create-bluegreen-ecs';
const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'generators', 'app');
if (!existsSync(path.join(app, 'core', 'run', 'run.js'))) {
  console.error(`${NAME}: ${app} is missing; run "npm run build" first.`);
  process.exit(1);
}
// Ctrl-C: 130, as shells report an interrupted command (writes are synchronous: a run is never cut inside one).
process.on('SIGINT', () => process.exit(130));

const { SETTINGS, cliFlagOf } = await import(path.join(app, 'core', 'settings', 'declaration.js'));
const { COMMAND_FLAGS, usage } = await import(path.join(app, 'cli', 'flags.js'));

const options = Object.fromEntries([
  ...SETTINGS.map((decl) => [
    cliFlagOf(decl),
    decl.kind === 'boolean'
      ? { type: 'boolean' }
      : decl.kind === 'pairs'
        ? { type: 'string', multiple: true }
        : { type: 'string' },
  ]),
  ...SETTINGS.filter((decl) => decl.kind === 'boolean').map((decl) => [`no-${cliFlagOf(decl)}`, { type: 'boolean' }]),
  ...Object.entries(COMMAND_FLAGS).map(([flag, { short }]) => [
    flag,
    short ? { type: 'boolean', short } : { type: 'boolean' },
  ]),
]);

// `--manual-approval true` and `--manual-approval=false`, as --help's "true or false" suggests, mean --[no-]manual-approval.
const booleanFlags = new Set(SETTINGS.filter((decl) => decl.kind === 'boolean').map((decl) => `--${cliFlagOf(decl)}`));
const raw = process.argv.slice(2);
const args = [];
for (let i = 0; i < raw.length; i++) {
  const eq = raw[i].indexOf('=');
  const flag = eq === -1 ? raw[i] : raw[i].slice(0, eq);
  if (!booleanFlags.has(flag)) {
    args.push(raw[i]);
    continue;
  }
  const value = eq !== -1 ? raw[i].slice(eq + 1) : /^(true|false)$/.test(raw[i + 1] ?? '') ? raw[++i] : 'true';
  args.push(value === 'true' ? flag : value === 'false' ? `--no-${flag.slice(2)}` : raw[i]);
}

let parsed;
try {
  parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
} catch (error) {
  console.error(`${NAME}: ${error.message}\nRun ${NAME} --help for the flags.`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(usage());
  process.exit(0);
}
if (values.version) {
  const { VERSION } = await import(path.join(app, 'core', 'render', 'paths.js'));
  console.log(VERSION);
  process.exit(0);
}
if (positionals.length > 1) {
  console.error(`${NAME}: expected at most one folder, got ${positionals.join(' ')}`);
  process.exit(2);
}

const flags = {};
for (const decl of SETTINGS) {
  const flag = cliFlagOf(decl);
  if (values[`no-${flag}`]) flags[decl.name] = false;
  else if (values[flag] !== undefined) flags[decl.name] = values[flag];
}

const { Run } = await import(path.join(app, 'core', 'run', 'run.js'));
const { startCommand } = await import(path.join(app, 'cli', 'invocation.js'));
try {
  const run = new Run({
    destination: path.resolve(positionals[0] ?? '.'),
    folderArgument: positionals[0],
    flags,
    yes: values.yes,
    dryRun: values['dry-run'],
    force: values.force,
    skipInstall: values['skip-install'],
    command: startCommand(process.env, process.argv[1], process.cwd()),
    log: (text) => console.log(text),
  });
  const pending = run.pending();
  if (pending.length > 0) {
    if (!process.stdin.isTTY) {
      throw Object.assign(
        new Error(
          `No terminal to ask ${pending.length} question(s) (${pending.join(', ')}). Run again with --yes to take stored values and defaults, or pass the settings as flags.`,
        ),
        { ours: true },
      );
    }
    await run.ask(await terminalPrompt());
  }
  run.decide();
  run.write();
  const code = await run.install();
  run.finish();
  process.exitCode = code;
} catch (error) {
  if (error?.name === 'ExitPromptError') process.exit(130);
  const ours = error?.ours || ['SettingsError', 'UserError', 'ConflictError'].includes(error?.name);
  console.error(`\n${NAME}: ${ours ? error.message : (error?.stack ?? error)}`);
  process.exit(1);
}

/** Asks with @inquirer/prompts, loaded only now: a run with --yes never loads it. */
async function terminalPrompt() {
  const { confirm, input, select } = await import('@inquirer/prompts');
  return async (question) => {
    const fallback = question.default();
    if (question.type === 'confirm') return confirm({ message: question.message, default: fallback });
    if (question.type === 'select')
      return select({ message: question.message, choices: question.choices, default: fallback });
    return input({ message: question.message, default: fallback, validate: question.validate });
  };
}
