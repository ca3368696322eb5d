// The Yeoman adapter: `yo bluegreen-ecs` and yeoman-test. It declares the options, hands them to the core's Run
// (core/run/run.ts) and wires its steps to Yeoman's priorities; the core reads and writes the folder itself, so Yeoman's
// in-memory file system and its overwrite prompt are never involved.
import Generator from 'yeoman-generator';
import { COMMAND_FLAGS } from './cli/flags.js';
import { FILES, type FileEntry } from './core/render/files.js';
import { Run, ConflictError, SettingsError, UserError } from './core/run/run.js';
import { SETTINGS, flagOf, yeomanOptionOf } from './core/settings/declaration.js';
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

  initializing() {
    const options = this.options as Options;
    this._guard(() => {
      const unknown = this._unknownOptions();
      if (unknown.length > 0) {
        throw new UserError(
          `Unknown option ${unknown.map((o) => `--${o}`).join(', ')}: yo passes it on, and bluegreen-ecs does not know it; nothing was written. ` +
            'Run yo bluegreen-ecs --help for the flags.',
        );
      }
      this.session = new Run({
        destination: this.destinationRoot(),
        flags: this._flagValues(),
        yes: Boolean(options.yes),
        dryRun: Boolean(options.dryRun ?? options['dry-run']),
        force: Boolean(options.force),
        skipInstall: Boolean(options.skipInstall ?? options['skip-install']),
        command: 'yo bluegreen-ecs',
        log: (text) => this.log(text),
        files: this._outputFiles(),
      });
    });
  }

  async prompting() {
    if (this.failed) return;
    const pending = this.session.pending();
    if (pending.length === 0) return;
    if (isNonInteractiveTerminal(this.env.adapter)) {
      return this._guard(() => {
        throw new UserError(
          `No terminal to ask ${pending.length} question(s) (${pending.join(', ')}). ` +
            'Run again with --yes to take stored values and defaults, or pass the settings as flags.',
        );
      });
    }
    await this.session.ask(
      async (question) => (await this.prompt<Record<string, unknown>>([question as never]))[question.name],
    );
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
    } catch (error) {
      const ours = error instanceof SettingsError || error instanceof UserError || error instanceof ConflictError;
      if (!ours || !isTerminal(this.env.adapter)) throw error;
      this.failed = true;
      console.error(`\n${error.message}`);
      process.exitCode = 1;
    }
  }

  /** Options given to yo that neither this generator nor yo and its environment declare (only under yo: tests pass their own). */
  private _unknownOptions(): string[] {
    if (!isTerminal(this.env.adapter)) return [];
    const declared = (this as unknown as { _options: Record<string, { alias?: string }> })._options;
    const known = new Set([
      ...Object.keys(declared),
      ...Object.values(declared).flatMap((o) => o.alias ?? []),
      ...YO_OPTIONS,
    ]);
    // yo hands each option over as given and camelCased: both name the same flag. Only what the user typed counts:
    // yo and the environment hand generators internal options of their own too.
    const typed = new Set(
      process.argv.filter((arg) => arg.startsWith('--')).map((arg) => arg.slice(2).split('=')[0].replace(/^no-/, '')),
    );
    return [
      ...new Set(
        Object.keys(this.options as Options)
          .filter((key) => !key.startsWith('_'))
          .map(flagOf),
      ),
    ].filter((key) => !known.has(key) && typed.has(key));
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
