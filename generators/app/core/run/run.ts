// One run of the generator, for both adapters (the Yeoman generator and the create-bluegreen-ecs bin): the steps of
// steps.ts in order, with what each step found kept for the next. Imports nothing from Yeoman: the adapters feed it
// flags and a prompt function, and print what it says.
import { existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Context } from '../settings/context.js';
import type { SettingName } from '../settings/declaration.js';
import { SettingsError, type Sources } from '../settings/resolve.js';
import { FILES, type FileEntry } from '../render/files.js';
import { conflictsOf, type Plan } from '../write/plan.js';
import { UserError, diskError, operationsOf, recoverInterrupted, takeLock } from '../write/apply.js';
import { ConflictError } from '../write/report.js';
import { projectRootOf } from '../write/state.js';
import {
  askSettings,
  checkGivenSettings,
  chooseWithoutTerminal,
  decide,
  installReason,
  npmInstall,
  pendingSettings,
  readProject,
  report,
  writeDecision,
  type Ask,
  type Decision,
  type Log,
  type Project,
} from './steps.js';

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
  log: Log;
  /** Prints a step of the run as it starts (writing, installing); the adapter marks it on a terminal. Default: log. */
  progress?: Log;
  /** Files the generator produces; a seam for tests that need a file only some settings produce. */
  files?: readonly FileEntry[];
  /**
   * The folder was not named (the bin without a folder, yo): when `destination` is a subfolder of a generated project,
   * the run goes to that project's root (the nearest .yo-rc.json with this generator's settings) and says so.
   */
  findProjectRoot?: boolean;
}

export class Run {
  readonly context: Context;
  private readonly project: Project;
  private sources: Sources;
  private decision?: Decision;
  private release: () => void = () => undefined;

  /**
   * Takes the folder's lock (held until finish() or a failure: one lock for the whole read-plan-write), completes or
   * undoes an interrupted earlier run, reads the folder and checks flags and stored values; throws (SettingsError,
   * UserError) before anything is written. A dry run takes no lock and repairs nothing: it writes nothing at all.
   */
  constructor(readonly options: RunOptions) {
    const root = options.findProjectRoot ? projectRootOf(options.destination) : undefined;
    if (root !== undefined && root !== path.resolve(options.destination)) {
      options.log(`Running in the project at ${root} (its .yo-rc.json), not in its subfolder ${options.destination}.`);
      this.options = options = { ...options, destination: root };
    }
    const existedBefore = existsSync(options.destination);
    // A destination that is a file is refused by readProject; there is no folder to lock.
    if (!options.dryRun && !(existedBefore && !statSync(options.destination).isDirectory()))
      this.guarded(() => this.lock(!existedBefore));
    this.project = this.guarded(() => {
      if (!options.dryRun) {
        const repaired = recoverInterrupted(options.destination);
        if (repaired) options.log(repaired);
      }
      return { ...readProject(options.destination), existedBefore };
    });
    this.context = this.project.context;
    this.sources = { flags: options.flags, stored: this.project.folder.stored, answers: {} };
    this.guarded(() => checkGivenSettings(this.project, this.sources, options.log));
  }

  /** Takes the lock; `created`: the folder does not exist yet (the lock creates it, and a failed run removes it again). */
  private lock(created: boolean): void {
    const { destination, log } = this.options;
    const unlock = takeLock(destination, log);
    let held = true;
    const release = () => {
      // Once only: a second call must not remove the lock of a run that came after.
      if (!held) return;
      held = false;
      process.off('exit', release);
      unlock();
      // A folder this run created for its lock alone goes again, so a refused first run leaves nothing.
      if (created && existsSync(destination) && readdirSync(destination).length === 0) rmdirSync(destination);
    };
    // A run that ends without finish() (Ctrl-C, an error of the adapter) releases it too.
    process.once('exit', release);
    this.release = release;
  }

  /** Runs a step; when it throws, the lock is released before the error goes on (a disk error as one line). */
  private guarded<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.release();
      throw diskError(error) ?? error;
    }
  }

  /** Settings that would be asked: none with --yes, and none that the other settings make irrelevant. */
  pending(): SettingName[] {
    return pendingSettings(this.sources, this.context, Boolean(this.options.yes));
  }

  /** Without a terminal: pending settings take their defaults (said in a line), or a new folder stops (UserError). */
  withoutTerminal(): void {
    chooseWithoutTerminal(this.project, this.sources, this.pending(), this.options.log);
  }

  /**
   * Asks what is pending (a new folder: the essential settings, optionally the rest, a summary and "Write the
   * project?"), validating each answer as flags are. Resolves false when the user declined: write nothing.
   */
  async ask(ask: Ask): Promise<boolean> {
    const { sources, confirmed } = await askSettings(this.sources, this.context, ask, {
      yes: Boolean(this.options.yes),
      log: this.options.log,
      newFolder: Object.keys(this.project.folder.stored).length === 0,
    }).catch((error: unknown) => {
      // Ctrl-C at a prompt, say: the lock goes before the error does.
      this.release();
      throw error;
    });
    this.sources = sources;
    if (!confirmed) this.release();
    return confirmed;
  }

  /** Resolves the settings and decides every file; writes nothing. */
  decide(): Plan {
    const { files = FILES, force = false } = this.options;
    this.decision = this.guarded(() => decide(this.project, this.sources, { files, force, log: this.options.log }));
    return this.decision.plan;
  }

  /** Applies the plan under the folder's lock; a dry run writes nothing. */
  write(): void {
    if (!this.decision) this.decide();
    const changed = operationsOf(this.decision!.plan).length;
    if (changed > 0 && !this.options.dryRun) this.step(`Writing ${changed} file(s) in ${this.options.destination}`);
    this.guarded(() => writeDecision(this.options.destination, this.decision!, Boolean(this.options.dryRun)));
    // Written, record included: another run may read the folder now (npm install needs no lock).
    this.release();
  }

  /** Why npm install should run now, or undefined: package.json changed, or the lockfile or node_modules is missing. */
  installReason(): string | undefined {
    return installReason(this.options.destination, this.decision!.plan, Boolean(this.options.dryRun));
  }

  /** Runs npm install in the project when needed and not skipped; resolves with its exit code (0 when not run). */
  async install(): Promise<number> {
    const reason = this.installReason();
    if (!reason || this.options.skipInstall) return 0;
    this.step(`Installing the dependencies: npm install (${reason})`);
    const code = await npmInstall(this.options.destination);
    this.step(code === 0 ? 'Installed the dependencies' : `npm install failed (exit code ${code})`);
    return code;
  }

  private step(text: string): void {
    (this.options.progress ?? this.options.log)(text);
  }

  /** The report of the run; throws ConflictError (after the report) when the run stopped on conflicts. */
  finish(): string {
    const { dryRun = false, skipInstall = false, command, folderArgument } = this.options;
    this.release();
    const text = report(this.project, this.decision!, { dryRun, skipInstall, command, folderArgument });
    this.options.log(text);
    const conflicts = conflictsOf(this.decision!.plan);
    if (conflicts.length > 0 && !dryRun) throw new ConflictError(conflicts);
    return text;
  }
}

export type { Ask } from './steps.js';
export { ConflictError, SettingsError, UserError };
