// One run of the generator, for both adapters (the Yeoman generator and the create-bluegreen-ecs bin): read the folder,
// resolve and validate the settings, ask what is missing (through the adapter's prompt), plan, apply, install, report.
// Imports nothing from Yeoman: the adapters feed it flags and a prompt function, and print what it says.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { applyOperations, cleanTemporaryFiles, containedTarget, operationsOf, takeLock, UserError } from './apply.js';
import { readContext } from './context.js';
import { describeEstimate } from './estimate.js';
import { NAT_GATEWAY_MONTHLY_USD, NAT_GATEWAY_PER_GB_USD } from './aws-limits.js';
import { FILES, type FileEntry } from './files.js';
import { VERSION } from './paths.js';
import { CONFLICT_SUFFIX, conflictsOf, planRegeneration, settingsDigest, type Plan } from './plan.js';
import { questionFor, type Question } from './prompts.js';
import { derivedOf, renderOutput } from './render.js';
import { ConflictError, runReport } from './report.js';
import {
  cut,
  declarationOf,
  resolveSettings,
  SettingsError,
  unansweredSettings,
  withoutEffect,
  type Sources,
} from './resolve.js';
import { GROUP_TITLES, SETTING_NAMES, cliFlagOf, type Group } from './settings.js';
import { parseJsonFile, readFolder, yoRcText, type FolderState } from './state.js';
import type { Context, SettingName, Settings } from './types.js';

export interface RunOptions {
  /** Absolute path of the project folder (created when the run writes). */
  destination: string;
  /** Setting values given as flags, keyed by setting name, raw (strings from a command line). */
  flags: Sources['flags'];
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
  skipInstall?: boolean;
  /** The command as the user ran it, without the folder, for "Next steps" (`create-bluegreen-ecs` or `yo bluegreen-ecs`). */
  command: string;
  /** The folder as the user named it, for `cd` in "Next steps" when the run creates it. */
  folderArgument?: string;
  /** Prints a line for the user. */
  log: (text: string) => void;
  /** Files the generator produces; a seam for tests that need a file only some settings produce. */
  files?: readonly FileEntry[];
}

/** Asks one question; the adapter decides how (Yeoman's adapter, @inquirer/prompts, a test's answers). */
export type Ask = (question: Question) => Promise<unknown>;

export class Run {
  readonly context: Context;
  private readonly folder: FolderState;
  private readonly sources: Sources;
  private readonly existedBefore: boolean;
  private settings?: Settings;
  private plan?: Plan;
  private newYoRc?: string;

  /** Reads the folder and checks flags and stored values; throws (SettingsError, UserError) before anything is written. */
  constructor(readonly options: RunOptions) {
    this.existedBefore = existsSync(options.destination);
    this.folder = readFolder(options.destination);
    this.context = readContext(options.destination);
    this.sources = { flags: options.flags, stored: this.folder.stored, answers: {} };
    try {
      resolveSettings(this.sources, this.context);
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      const fromUser = error.problems.filter((p) => p.origin !== 'default');
      if (fromUser.length > 0) throw new SettingsError(fromUser);
    }
    this.warnAboutFlagsWithoutEffect();
    const unknown = Object.keys(this.folder.stored).filter((key) => !SETTING_NAMES.includes(key as SettingName));
    if (unknown.length > 0)
      options.log(
        `Warning: .yo-rc.json has keys that are not settings and are ignored: ${unknown.map((k) => cut(k, 40)).join(', ')}`,
      );
  }

  /** Settings that would be asked: none with --yes, and none that the other settings make irrelevant. */
  pending(): SettingName[] {
    if (this.options.yes) return [];
    const known = resolveSettings(this.sources, this.context, { lenient: true });
    return unansweredSettings(this.sources).filter((name) => {
      const decl = declarationOf(name);
      return !decl.applies || decl.applies(known);
    });
  }

  /**
   * A flag or stored value for a setting the other settings do not use was validated on its own (resolveSettings); it is
   * named in a warning and left out of .yo-rc.json, which then says exactly what the files were generated from.
   */
  private warnAboutFlagsWithoutEffect(): void {
    const known = resolveSettings(this.sources, this.context, { lenient: true });
    // Say which of the settings it depends on turn it off (strategy, source, network, domain, autoscaling, secrets).
    const edge = [
      `network ${known.network}`,
      `domain ${known.domain || '(none)'}`,
      `autoscaling ${known.autoscaling}`,
      `${Object.keys(known.secrets ?? {}).length} secret(s)`,
    ];
    const context = `with strategy ${known.strategy} and source ${known.source} (${edge.join(', ')})`;
    for (const { setting, origin, value } of withoutEffect(this.sources, this.context)) {
      this.options.log(
        origin === 'flag'
          ? `Warning: --${cliFlagOf(declarationOf(setting))} has no effect ${context}; it is not stored.`
          : `Warning: ${setting} = ${cut(JSON.stringify(value) ?? String(value))} in .yo-rc.json has no effect ${context}; it is removed from .yo-rc.json.`,
      );
    }
  }

  /** Asks every pending setting that applies, group by group, validating each answer as flags are. */
  async ask(ask: Ask): Promise<void> {
    // Every unanswered setting, each asked only if it applies once the answers before it are in (a chosen strategy's own).
    const pending = this.options.yes ? [] : unansweredSettings(this.sources);
    const answers = this.sources.answers ?? {};
    const known = () => resolveSettings(this.sources, this.context, { lenient: true });
    for (const group of Object.keys(GROUP_TITLES) as Group[]) {
      const names = pending.filter((name) => declarationOf(name).group === group);
      if (names.length === 0) continue;
      this.options.log(`\n${GROUP_TITLES[group]}`);
      for (const name of names) {
        const decl = declarationOf(name);
        if (decl.applies && !decl.applies(known())) continue;
        answers[name] = await ask(questionFor(name, known, this.context));
      }
    }
    this.sources.answers = answers;
  }

  /** Resolves the settings and decides every file; writes nothing. */
  decide(): Plan {
    const settings = (this.settings = resolveSettings(this.sources, this.context));
    const files = this.options.files ?? FILES;
    const { record } = this.folder;
    const previous = record
      ? this.previousGeneration(record.settings, record.version)
      : this.previousGeneration(this.folder.stored, this.folder.generatorVersion);
    const read = diskReader(this.options.destination);
    const base = previous && renderOutput(files, previous.settings, previous.version);
    const theirs = renderOutput(files, settings, VERSION);
    // Nothing is read or written through a symlink that leads out of the project, whatever the plan.
    if (existsSync(this.options.destination)) {
      const realRoot = realpathSync(this.options.destination);
      for (const file of new Set([...theirs.keys(), ...(base?.keys() ?? [])])) containedTarget(realRoot, file);
    }
    const plan = planRegeneration({
      base,
      theirs,
      read,
      recorded: record?.files,
      settingsDigest: settingsDigest(settings),
      force: this.options.force,
    });
    this.checkPackageJson(plan, read);
    // Unknown keys of the user's stay; settings that no longer apply (after a strategy change, say) leave.
    const kept = Object.fromEntries(
      Object.entries(this.folder.stored).filter(([key]) => !SETTING_NAMES.includes(key as SettingName)),
    );
    const next = yoRcText(this.folder.yoRc, { ...kept, ...settings }, VERSION, {
      version: VERSION,
      settings: { ...settings },
      files: plan.digests,
    });
    const current = readFileOrUndefined(path.join(this.options.destination, '.yo-rc.json'));
    this.newYoRc = next === current ? undefined : next;
    return (this.plan = plan);
  }

  /** A package.json that is not JSON is named, with its line; --force replaces it with the generated one. */
  private checkPackageJson(plan: Plan, read: (file: string) => string | undefined): void {
    const file = plan.files.find((f) => f.path === 'package.json');
    const text = read('package.json');
    if (!file || text === undefined) return;
    try {
      parseJsonFile('package.json', text, 'Fix it, or run again with --force to replace it with the generated one.');
    } catch (error) {
      if (!this.options.force) throw error;
      Object.assign(file, {
        action: 'overwrite',
        contents: renderOutput(this.options.files ?? FILES, this.settings!, VERSION).get('package.json')?.contents,
      });
    }
  }

  /**
   * The settings of the last generation, resolved as this version resolves them: a setting added since takes its
   * default, a value this version refuses takes its default too (it only serves as the base of the merge).
   */
  private previousGeneration(
    stored: Record<string, unknown>,
    version: string | undefined,
  ): { settings: Settings; version: string } | undefined {
    if (version === undefined) return undefined;
    const kept = { ...stored };
    try {
      return { settings: resolveSettings({ flags: {}, stored: kept }, this.context), version };
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      for (const problem of error.problems) delete kept[problem.setting];
      return { settings: resolveSettings({ flags: {}, stored: kept }, this.context), version };
    }
  }

  /** Applies the plan under the folder's lock; a dry run writes nothing. */
  write(): void {
    const plan = this.plan ?? this.decide();
    if (this.options.dryRun) return;
    const operations = operationsOf(plan);
    const conflicted = conflictsOf(plan).length > 0;
    if (operations.length === 0 && (conflicted || this.newYoRc === undefined)) return;
    const release = takeLock(this.options.destination);
    try {
      cleanTemporaryFiles(
        this.options.destination,
        plan.files.flatMap((f) => [f.path, f.path + CONFLICT_SUFFIX]),
      );
      // .yo-rc.json changes only with a run that completes, so a conflicting run can simply be run again.
      applyOperations(this.options.destination, operations, conflicted ? undefined : this.newYoRc);
    } finally {
      release();
    }
  }

  /** Why npm install should run now, or undefined: package.json changed, or the lockfile or node_modules is missing. */
  installReason(): string | undefined {
    const plan = this.plan!;
    if (this.options.dryRun || conflictsOf(plan).length > 0) return undefined;
    const changed = plan.files.some(
      (f) => f.path === 'package.json' && f.action !== 'unchanged' && f.action !== 'keep-removed',
    );
    if (changed) return 'package.json changed';
    const at = (file: string) => existsSync(path.join(this.options.destination, file));
    if (!at('package.json')) return undefined;
    if (!at('package-lock.json')) return 'package-lock.json is missing (the buildspec runs npm ci)';
    if (!at('node_modules')) return 'node_modules is missing';
    return undefined;
  }

  /** Runs npm install in the project when needed and not skipped; resolves with its exit code (0 when not run). */
  async install(): Promise<number> {
    const reason = this.installReason();
    if (!reason || this.options.skipInstall) return 0;
    this.options.log(`\nnpm install (${reason})...`);
    const child = spawn('npm', ['install', '--no-audit', '--no-fund'], {
      cwd: this.options.destination,
      stdio: 'inherit',
    });
    // Ctrl-C or any exit of ours ends the install too (a terminal signals both; a kill of ours alone would orphan it).
    const stop = () => child.kill('SIGINT');
    process.once('exit', stop);
    return new Promise((resolve) =>
      child.on('close', (code, signal) => {
        process.off('exit', stop);
        resolve(signal ? 130 : (code ?? 1));
      }),
    );
  }

  /** The report of the run; throws ConflictError (after the report) when the run stopped on conflicts. */
  finish(): string {
    const plan = this.plan!;
    const settings = this.settings!;
    const { record } = this.folder;
    const before = record?.version ?? this.folder.generatorVersion;
    const derived = derivedOf(settings);
    const estimate = [
      describeEstimate(derived.estimate),
      // The one recurring cost a setting adds on its own (README "Network").
      ...(derived.edge.privateTasks
        ? [
            `Cost: the NAT gateway of the private subnets costs about ${NAT_GATEWAY_MONTHLY_USD} USD a month plus ${NAT_GATEWAY_PER_GB_USD} USD per GB (README.md "Network").`,
          ]
        : []),
    ].join('\n');
    const conflicts = conflictsOf(plan);
    const wroteFiles = plan.files.some((f) => f.action !== 'unchanged');
    const firstRun = plan.firstRun && conflicts.length === 0 && !this.options.dryRun;
    const lines = firstRun
      ? [this.firstRunMessage(plan), estimate]
      : [
          runReport(plan, {
            dryRun: Boolean(this.options.dryRun),
            stored: this.newYoRc !== undefined,
            upgradedFrom: before !== undefined && before !== VERSION && wroteFiles ? before : undefined,
            version: VERSION,
          }),
          estimate,
        ];
    const skippedInstall = this.options.skipInstall ? this.installReason() : undefined;
    if (!firstRun && skippedInstall && conflicts.length === 0 && !this.options.dryRun) {
      lines.push(`Run npm install in the project: ${skippedInstall}.`);
    }
    this.options.log(lines.join('\n'));
    if (conflicts.length > 0 && !this.options.dryRun) throw new ConflictError(conflicts);
    return lines.join('\n');
  }

  private firstRunMessage(plan: Plan): string {
    const s = this.settings!;
    const o = this.options;
    const cd = !this.existedBefore && o.folderArgument ? [`  cd ${o.folderArgument}`] : [];
    const written = plan.files.filter((f) => f.action !== 'unchanged').map((f) => f.path);
    return [
      '',
      `Generated ${s.appName}: an Express service on ECS (${s.strategy} deployment) with its CodePipeline.`,
      `Files: ${written.join(', ')}.`,
      '',
      'Next steps:',
      ...cd,
      ...(o.skipInstall
        ? ['  npm install                    create package-lock.json (the buildspec runs npm ci)']
        : []),
      '  npm test                       build the app and run its tests',
      '  npm run lint                   lint the app (ESLint)',
      '  git init && git add -A && git commit -m "Initial commit" and push it to your repository',
      '  npm run deploy                 deploy the pipeline; its first run creates the service and prints its URL (README "Deploy")',
      '',
      `Change a setting later by running the generator again in the project folder, for example: ${o.command}${o.command.startsWith('yo') ? '' : ' .'} --port 8080`,
    ].join('\n');
  }
}

function readFileOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads project files as text from disk; a missing path (or a folder) reads as undefined. */
export function diskReader(root: string): (relativePath: string) => string | undefined {
  return (file) => readFileOrUndefined(path.join(root, file));
}

export { ConflictError, SettingsError, UserError };
