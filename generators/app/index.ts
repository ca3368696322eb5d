// The generator: wires Yeoman's priorities and delegates to settings, resolve, files and derive.
import Generator from 'yeoman-generator';
import { COMMAND_FLAGS } from './cli.js';
import { FILES, outputPaths, type FileEntry } from './files.js';
import { derive } from './derive.js';
import { describeEstimate } from './estimate.js';
import { declarationOf, resolveSettings, unansweredSettings, SettingsError, type Sources } from './resolve.js';
import { GROUP_TITLES, SETTING_NAMES, SETTINGS, flagOf, type Group } from './settings.js';
import type { Context, SettingName, Settings } from './types.js';
import { TEMPLATES_DIR, VERSION } from './paths.js';
import {
  ConflictError, applyPlan, conflictsOf, diskReader, planRegeneration, previousGeneration, runReport, storedValuesDiffer, type Plan,
} from './regenerate.js';
import { renderOutput } from './render.js';
import { readContext } from './context.js';
import { isNonInteractiveTerminal, knownSettings, questionFor } from './prompts.js';

type Options = Record<string, unknown>;

export default class BluegreenEcsGenerator extends Generator {
  private sources!: Sources;
  private context!: Context;
  private settings!: Settings;
  private plan!: Plan;
  /** Whether this run changed .yo-rc.json. */
  private stored = false;

  constructor(args: string[], options: Options) {
    super(args, options as never);
    for (const decl of SETTINGS) {
      this.option(flagOf(decl.name), {
        type: decl.kind === 'boolean' ? Boolean : String,
        description: `${decl.description} Allowed: ${decl.rule}.`,
      });
    }
    this.option('yes', { type: Boolean, alias: 'y', description: 'Ask nothing: use stored values, then defaults.' });
    this.option('dry-run', { type: Boolean, description: COMMAND_FLAGS['dry-run'].description });
    this.sourceRoot(TEMPLATES_DIR);
  }

  initializing() {
    this.context = readContext(this.destinationRoot());
    this.sources = {
      flags: this._flagValues(),
      stored: this.config.getAll() as Sources['stored'],
    };
    // Flags and stored values are validated before anything is asked or written.
    try {
      resolveSettings({ ...this.sources, answers: {} }, this.context);
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      const fromUser = error.problems.filter((p) => p.origin !== 'default');
      if (fromUser.length > 0) throw new SettingsError(fromUser);
    }
    const unknown = Object.keys(this.sources.stored).filter((key) => key !== 'generatorVersion' && !SETTING_NAMES.includes(key as SettingName));
    if (unknown.length > 0) {
      this.log(`Warning: .yo-rc.json has keys that are not settings and are ignored: ${unknown.join(', ')}`);
    }
  }

  async prompting() {
    const pending = unansweredSettings(this.sources);
    if ((this.options as Options).yes || pending.length === 0) return;
    if (isNonInteractiveTerminal(this.env.adapter)) {
      throw new Error(
        `No terminal to ask ${pending.length} question(s) (${pending.join(', ')}). ` +
          'Run again with --yes to take stored values and defaults, or pass the settings as flags.',
      );
    }
    const answers: Partial<Record<SettingName, unknown>> = {};
    const known = () => knownSettings(this.sources, answers, this.context);
    for (const group of Object.keys(GROUP_TITLES) as Group[]) {
      const names = pending.filter((name) => declarationOf(name).group === group);
      if (names.length === 0) continue;
      this.log(`\n${GROUP_TITLES[group]}`);
      for (const name of names) {
        const decl = declarationOf(name);
        if (decl.applies && !decl.applies(known())) continue;
        const question = questionFor(name, known, this.context);
        const reply = (await this.prompt([question as never])) as Record<string, unknown>;
        answers[name] = reply[name];
      }
    }
    this.sources.answers = answers;
  }

  configuring() {
    this.settings = resolveSettings(this.sources, this.context);
  }

  writing() {
    const previous = previousGeneration(this.sources.stored, this.context);
    this.plan = planRegeneration({
      base: previous && renderOutput(this._outputFiles(), previous.settings, previous.generatorVersion, this),
      theirs: renderOutput(this._outputFiles(), this.settings, VERSION, this),
      read: diskReader(this.destinationRoot()),
    });
    if (this._dryRun()) return;
    applyPlan(this.plan, this.fs, this.destinationRoot());
    // .yo-rc.json changes only with a run that completes, so a conflicting run can simply be run again.
    if (conflictsOf(this.plan).length === 0) this._storeSettings();
  }

  end() {
    if (this._dryRun() || !this.plan.firstRun) {
      this.log(runReport(this.plan, { dryRun: this._dryRun(), stored: this.stored }));
      this.log(describeEstimate(derive(this.settings).estimate));
      const conflicts = conflictsOf(this.plan);
      if (conflicts.length > 0 && !this._dryRun()) throw new ConflictError(conflicts);
      return;
    }
    const s = this.settings;
    this.log(
      [
        '',
        `Generated ${s.appName}: an Express service on ECS (${s.strategy} deployment) with its CodePipeline.`,
        `Files: ${outputPaths(s).join(', ')}.`,
        describeEstimate(derive(s).estimate),
        '',
        'Next steps:',
        ...((this.options as Options).skipInstall || (this.options as Options)['skip-install']
          ? ['  npm install                    create package-lock.json (the buildspec runs npm ci)']
          : []),
        '  npm test                       run the app\'s lint, build and tests',
        '  git init && git add -A && git commit -m "Initial commit" and push it to your repository',
        '  npm run deploy                 deploy the pipeline; its first run creates the service and prints its URL (README "Deploy")',
        '',
        `Change a setting later by running the generator again, for example: yo bluegreen-ecs --port 8080`,
      ].join('\n'),
    );
  }

  // Helpers start with _: Yeoman runs every other method of the class as a task.
  /** Files the generator produces; a seam for tests that need a file only some settings produce. */
  protected _outputFiles(): readonly FileEntry[] {
    return FILES;
  }

  private _dryRun(): boolean {
    const options = this.options as Options;
    return Boolean(options.dryRun ?? options['dry-run']);
  }

  /** Stores the settings and the generator version in .yo-rc.json, unless they are there already. */
  private _storeSettings(): void {
    // Settings that do not apply any more (for example after a strategy change) leave .yo-rc.json.
    const dropped = SETTING_NAMES.filter((name) => !(name in this.settings) && name in this.sources.stored);
    const next = { ...this.settings, generatorVersion: VERSION };
    if (dropped.length === 0 && !storedValuesDiffer(this.sources.stored, next)) return;
    for (const name of dropped) this.config.delete(name);
    this.config.set(next);
    this.stored = true;
  }

  /** Values of the setting flags given on the command line, keyed by setting name. */
  private _flagValues(): Sources['flags'] {
    const flags: Sources['flags'] = {};
    for (const decl of SETTINGS) {
      const flag = flagOf(decl.name);
      const options = this.options as Options;
      const value = options[flag] ?? (flag === decl.name ? undefined : options[decl.name]);
      if (value !== undefined) flags[decl.name] = value;
    }
    return flags;
  }
}
