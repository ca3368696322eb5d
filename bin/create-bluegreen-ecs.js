#!/usr/bin/env node
// create-bluegreen-ecs [dir] [flags]: the bin adapter. It runs the generator's core (dist/generators/app/core/run/run.js)
// directly, without Yeoman: --help loads only the settings table, and the prompt library is loaded only to ask.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const NAME = 'create-bluegreen-ecs';
const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'generators', 'app');
if (!existsSync(path.join(app, 'core', 'run', 'run.js'))) {
  console.error(`${NAME}: ${app} is missing; run "npm run build" first.`);
  process.exit(1);
}
// Ctrl-C: one line and 130, as shells report an interrupted command (writes are synchronous: never cut inside one).
const interrupted = () => {
  console.error(`\n${NAME}: stopped by Ctrl-C.`);
  process.exit(130);
};
process.on('SIGINT', interrupted);

const { ArgumentError, folderOf, parseCommandLine } = await import(path.join(app, 'cli', 'parse.js'));
const args = process.argv.slice(2);
let line;
let folder;
try {
  line = parseCommandLine(args, { command: NAME });
  folder = line.help || line.version ? undefined : folderOf(line, args, NAME);
} catch (error) {
  if (!(error instanceof ArgumentError)) throw error;
  console.error(`${NAME}: ${error.message}`);
  process.exit(2);
}
if (line.help) {
  const { usage } = await import(path.join(app, 'cli', 'flags.js'));
  console.log(usage(NAME, line.help === 'all'));
  process.exit(0);
}
if (line.version) {
  const { VERSION } = await import(path.join(app, 'core', 'render', 'paths.js'));
  console.log(VERSION);
  process.exit(0);
}

const { Run } = await import(path.join(app, 'core', 'run', 'run.js'));
const { startCommand } = await import(path.join(app, 'cli', 'invocation.js'));
const { progressLine } = await import(path.join(app, 'cli', 'progress.js'));
const { diskError } = await import(path.join(app, 'core', 'write', 'apply.js'));
const progress = progressLine(Boolean(process.stdout.isTTY), process.env);
try {
  const run = new Run({
    destination: path.resolve(folder ?? '.'),
    folderArgument: folder,
    flags: line.flags,
    yes: line.yes,
    dryRun: line.dryRun,
    force: line.force,
    skipInstall: line.skipInstall,
    command: startCommand(process.env, process.argv[1], process.cwd()),
    log: (text) => console.log(text),
    progress: (text) => console.log(progress(text)),
    // No folder named: from a subfolder of a generated project, the run goes to its root (README "Changing settings later").
    findProjectRoot: folder === undefined,
  });
  if (run.pending().length > 0) {
    if (!process.stdin.isTTY) run.withoutTerminal();
    else if (!(await run.ask(await terminalPrompt()))) {
      // Declined at "Write the project?": the user's answer, not an error (exit 0).
      console.log('Nothing was written.');
      process.exit(0);
    }
  }
  run.decide();
  run.write();
  const code = await run.install();
  run.finish();
  process.exitCode = code;
} catch (thrown) {
  if (thrown?.name === 'ExitPromptError') interrupted();
  // A file system error from outside the core's steps is one line as well (README "Exit codes").
  const error = diskError(thrown) ?? thrown;
  const ours = ['SettingsError', 'UserError', 'ConflictError'].includes(error?.name);
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
