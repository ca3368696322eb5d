// The Yeoman adapter: `yo bluegreen-ecs` and yeoman-test. It declares the options, hands them to the core's Run
// (core/run/run.ts) and wires its steps to Yeoman's priorities; the core reads and writes the folder itself, so Yeoman's
// in-memory file system and its overwrite prompt are never involved.
import Generator from 'yeoman-generator';
import { COMMAND_FLAGS, usage } from './cli/flags.js';
import { progressLine } from './cli/progress.js';
import { ArgumentError, KNOWN_FLAGS, folderOf, parseCommandLine, type CommandLine } from './cli/parse.js';
import { VERSION } from './core/render/paths.js';
import { FILES, type FileEntry } from './core/render/files.js';
import { Run, ConflictError, SettingsError, UserError } from './core/run/run.js';
import { diskError } from './core/write/apply.js';
import { SETTINGS, yeomanOptionOf } from './core/settings/declaration.js';
import type { Sources } from './core/settings/resolve.js';

type Options = Record<string, unknown>;

/** Option type of repeatable flags: one value or the array of repeated values, unchanged. */
const keepAsGiven = (value: unknown): unknown => value;

export default class BluegreenEcsGenerator extends Generator {
  private session!: Run;
  /** Set when the run failed with a message already shown: the remaining steps do nothing. */
  private failed = false;

  constructor(args: string[], options: Options) {
    super(args, options as never);
    // The core installs (core/run/steps.ts); Yeoman's own install task would only print about package.json.
    this.setFeatures({ customInstallTask: true });
    for (const decl of SETTINGS) {
      this.option(yeomanOptionOf(decl), {
        // A repeated flag arrives as an array, which String() would join: pairs keep what the parser gives.
        type: decl.kind === 'boolean' ? Boolean : decl.kind === 'pairs' ? keepAsGiven : String,
        description: `${decl.description} Allowed: ${decl.rule}.`,
      });
    }
    this.option('yes', { type: Boolean, alias: 'y', description: COMMAND_FLAGS.yes.description });
    this.option('dry-run', { type: Boolean, description: COMMAND_FLAGS['dry-run'].description });
  }

  /** yo's --help prints this (the same text as the bin's, for yo). */
  help(): string {
    return usage(COMMAND, process.argv.slice(2).includes('all'));
  }

  initializing() {
    this._guard(() => {
      const line = this._commandLine();
      if (!line) {
        this.failed = true;
        return;
      }
      if (isTerminal(this.env.adapter)) process.on('SIGINT', interrupted);
      const progress = progressLine(isTerminal(this.env.adapter) && Boolean(process.stdout.isTTY), process.env);
      this.session = new Run({
        destination: this.destinationRoot(),
        flags: line.flags,
        yes: line.yes,
        dryRun: line.dryRun,
        force: line.force,
        skipInstall: line.skipInstall,
        command: COMMAND,
        log: (text) => this.log(text),
        progress: (text) => this.log(progress(text)),
        files: this._outputFiles(),
        // yo takes no folder: from a subfolder of a generated project, the run goes to its root (as yo would).
        findProjectRoot: isTerminal(this.env.adapter),
      });
    });
  }

  async prompting() {
    if (this.failed) return;
    const pending = this.session.pending();
    if (pending.length === 0) return;
    if (isNonInteractiveTerminal(this.env.adapter)) return this._guard(() => this.session.withoutTerminal());
    try {
      const confirmed = await this.session.ask(
        async (question) => (await this.prompt<Record<string, unknown>>([question as never]))[question.name],
      );
      if (!confirmed) {
        // Declined at "Write the project?": the user's answer, not an error (exit 0).
        this.failed = true;
        this.log('Nothing was written.');
      }
    } catch (error) {
      // Ctrl-C at a prompt: one line and 130, as the bin (Yeoman would print "An error occured ... force closed").
      if ((error as Error)?.name !== 'ExitPromptError' || !isTerminal(this.env.adapter)) throw error;
      interrupted();
    }
  }

  writing() {
    if (!this.failed) this._guard(() => this.session.write());
  }

  async install() {
    if (this.failed) return;
    const code = await this.session.install();
    if (code !== 0) process.exitCode = code;
  }

  end() {
    if (!this.failed) this._guard(() => this.session.finish());
  }

  // Helpers start with _: Yeoman runs every other method of the class as a task.
  /** Files the generator produces; a seam for tests that need a file only some settings produce. */
  protected _outputFiles(): readonly FileEntry[] {
    return FILES;
  }

  /**
   * Runs a step; our own errors end the run. Under yo they are printed as they are and the exit code is 1 (Yeoman would
   * put "An error occured while running ..." before them); under yeoman-test they are thrown, for the tests to see.
   */
  private _guard(step: () => void): void {
    try {
      step();
    } catch (thrown) {
      // A file system error from outside the core's steps (Yeoman's own, say) is one line as well.
      const error = diskError(thrown) ?? thrown;
      const ours = error instanceof SettingsError || error instanceof UserError || error instanceof ConflictError;
      const argument = error instanceof ArgumentError;
      if (!(ours || argument) || !isTerminal(this.env.adapter)) throw error;
      this.failed = true;
      console.error(argument ? `${COMMAND}: ${error.message}` : `\n${error.message}`);
      process.exitCode = argument ? 2 : 1;
    }
  }

  /**
   * The command line: under yo, the arguments after the generator's name, parsed as the bin parses its own (yo's own
   * flags left to yo); under yeoman-test, the options the test passes. Undefined when --help or --version answered.
   */
  private _commandLine(): CommandLine | undefined {
    const options = this.options as Options;
    if (!isTerminal(this.env.adapter)) {
      return {
        flags: this._flagValues(),
        positionals: [],
        yes: Boolean(options.yes),
        dryRun: Boolean(options.dryRun ?? options['dry-run']),
        force: Boolean(options.force),
        skipInstall: Boolean(options.skipInstall ?? options['skip-install']),
        version: false,
      };
    }
    const at = process.argv.findIndex((arg, i) => i > 1 && /(^|[/:])bluegreen-ecs(:app)?$/.test(arg));
    const args = process.argv.slice(at + 1);
    const line = parseCommandLine(args, {
      command: COMMAND,
      ignore: YO_OPTIONS.filter((o) => !KNOWN_FLAGS.includes(o)),
    });
    if (line.help) return undefined; // yo prints help() and runs nothing
    if (line.version) {
      console.log(VERSION);
      process.exit(0);
    }
    folderOf(line, args, COMMAND, 0);
    return line;
  }

  /** Values of the setting flags given on the command line, keyed by setting name. */
  private _flagValues(): Sources['flags'] {
    const flags: Sources['flags'] = {};
    const options = this.options as Options;
    for (const decl of SETTINGS) {
      // The option Yeoman registered (a flag Yeoman owns itself, such as --env, under the setting's name); yeoman-test passes setting names too.
      const flag = yeomanOptionOf(decl);
      const value = options[flag] ?? (flag === decl.name ? undefined : options[decl.name]);
      if (value !== undefined) flags[decl.name] = value;
    }
    return flags;
  }
}

const COMMAND = 'yo bluegreen-ecs';

function interrupted(): never {
  console.error(`\n${COMMAND}: stopped by Ctrl-C.`);
  process.exit(130);
}

/** Options of yo and yeoman-environment themselves, and what they hand every generator (kebab-case). */
const YO_OPTIONS = [
  'insight',
  'help',
  'version',
  'force',
  'dry-run',
  'whitespace',
  'bail',
  'skip-yo-resolve',
  'skip-local-cache',
  'local-config-only',
  'experimental',
  'skip-cache',
  'skip-install',
  'force-install',
  'ask-answered',
  'shared-data',
  'forward-error-to-environment',
  'resolved',
  'namespace',
  'env',
  'generators',
  'y',
  'h',
];

const isTerminal = (adapter: unknown) =>
  (((adapter as { actualAdapter?: unknown })?.actualAdapter ?? adapter) as object | undefined)?.constructor?.name ===
  'TerminalAdapter';

/** True when prompts would go to a terminal adapter but there is no terminal on stdin. */
function isNonInteractiveTerminal(adapter: unknown): boolean {
  return isTerminal(adapter) && !process.stdin.isTTY;
}
