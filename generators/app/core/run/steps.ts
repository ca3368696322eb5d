// The steps of one run, in order, each a function of what it is given: read the folder, check the given settings, ask
// what is missing, decide (resolve, render, plan), write, install, report. Run (run.ts) calls them for the adapters.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { NAT_GATEWAY_PER_GB_USD } from '../settings/aws-limits.js';
import { readContext, type Context } from '../settings/context.js';
import {
  GROUP_TITLES,
  SETTINGS,
  SETTING_NAMES,
  cliFlagOf,
  type Group,
  type SettingName,
  type Settings,
} from '../settings/declaration.js';
import { describeEstimate } from '../settings/estimate.js';
import { confirmation, questionFor, type Question } from '../settings/prompts.js';
import {
  check,
  cut,
  declarationOf,
  resolveSettings,
  SettingsError,
  unansweredSettings,
  withoutEffect,
  type Sources,
} from '../settings/resolve.js';
import { existingServiceMessage } from '../render/existing-service.js';
import type { FileEntry } from '../render/files.js';
import { VERSION } from '../render/paths.js';
import { derivedOf, renderOutput } from '../render/render.js';
import { UserError, applyOperations, containedTarget, operationsOf } from '../write/apply.js';
import { liveChangeLines } from '../write/live-changes.js';
import { conflictsOf, overwrite, planRegeneration, settingsDigest, type Plan } from '../write/plan.js';
import { runReport } from '../write/report.js';
import { RECORD_FILE, parseJsonFile, readFolder, recordFileText, yoRcText, type FolderState } from '../write/state.js';

/** Prints a line for the user. */
export type Log = (text: string) => void;

/** Asks one question; the adapter decides how (Yeoman's adapter, @inquirer/prompts, a test's answers). */
export type Ask = (question: Question) => Promise<unknown>;

/** What the run found in the destination before it decides anything. */
export interface Project {
  /** Absolute path of the project folder. */
  destination: string;
  /** Whether the folder was there before the run (else "Next steps" starts with `cd`). */
  existedBefore: boolean;
  folder: FolderState;
  context: Context;
}

/** Step 1, read the folder: .yo-rc.json and its record of the last generation, and the facts defaults depend on. */
export function readProject(destination: string): Project {
  const existedBefore = existsSync(destination);
  return { destination, existedBefore, folder: readFolder(destination), context: readContext(destination) };
}

/**
 * Step 2, resolve what is given: a bad flag or stored value throws SettingsError before anything is asked or written
 * (a default that only fails with them is asked or reported later); flags without effect and unknown keys are warned of.
 */
export function checkGivenSettings(project: Project, sources: Sources, log: Log): void {
  try {
    resolveSettings(sources, project.context);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    const fromUser = error.problems.filter((p) => p.origin !== 'default');
    if (fromUser.length > 0) throw new SettingsError(fromUser);
  }
  warnAboutFlagsWithoutEffect(project.context, sources, log);
  const unknown = Object.keys(project.folder.stored).filter((key) => !SETTING_NAMES.includes(key as SettingName));
  if (unknown.length > 0)
    log(
      `Warning: .yo-rc.json has keys that are not settings and are ignored: ${unknown.map((k) => cut(k, 40)).join(', ')}`,
    );
}

/**
 * A flag or stored value for a setting the other settings do not use was validated on its own (resolveSettings); it is
 * named in a warning and left out of .yo-rc.json, which then says exactly what the files were generated from.
 */
function warnAboutFlagsWithoutEffect(context: Context, sources: Sources, log: Log): void {
  const known = resolveSettings(sources, context, { lenient: true });
  // Say which of the settings it depends on turn it off (strategy, source, network, domain, autoscaling, secrets).
  const edge = [
    `network ${known.network}`,
    `domain ${known.domain || '(none)'}`,
    `autoscaling ${known.autoscaling}`,
    `${Object.keys(known.secrets ?? {}).length} secret(s)`,
  ];
  const where = `with strategy ${known.strategy} and source ${known.source} (${edge.join(', ')})`;
  for (const { setting, origin, value } of withoutEffect(sources, context)) {
    log(
      origin === 'flag'
        ? `Warning: --${cliFlagOf(declarationOf(setting))} has no effect ${where}; it is not stored.`
        : `Warning: ${setting} = ${cut(JSON.stringify(value) ?? String(value))} in .yo-rc.json has no effect ${where}; it is removed from .yo-rc.json.`,
    );
  }
}

/** Settings that would be asked: none with --yes, and none that the other settings make irrelevant. */
export function pendingSettings(sources: Sources, context: Context, yes: boolean): SettingName[] {
  if (yes) return [];
  const known = resolveSettings(sources, context, { lenient: true });
  return unansweredSettings(sources).filter((name) => {
    const decl = declarationOf(name);
    return !decl.applies || decl.applies(known);
  });
}

/**
 * Step 3 without a terminal: in a folder with stored settings each pending setting (one a flag made relevant, such as
 * a new strategy's bake time) takes its default, and the run says which; a new folder has its questions to answer, so
 * the run stops and names --yes and the flags of those questions.
 */
export function chooseWithoutTerminal(project: Project, sources: Sources, pending: SettingName[], log: Log): void {
  if (pending.length === 0) return;
  if (Object.keys(project.folder.stored).length === 0) {
    const flags = SETTINGS.filter((d) => d.essential).map((d) => `--${cliFlagOf(d)}`);
    throw new UserError(
      `No terminal to ask the questions of a new folder; nothing was written. Run again with --yes to take the defaults, ` +
        `with the settings you choose as flags (${flags.join(', ')}; --help all lists every one).`,
    );
  }
  const known = resolveSettings(sources, project.context, { lenient: true });
  const chosen = pending.map(
    (name) => `${name} = ${JSON.stringify(known[name])} (--${cliFlagOf(declarationOf(name))})`,
  );
  log(
    `No terminal to ask, so ${pending.length === 1 ? 'this setting takes its default' : 'these settings take their defaults'}: ${chosen.join(', ')}.`,
  );
}

/**
 * Step 3, ask. A new folder: the essential settings (declaration.ts), then "Customise the other settings?" leading to
 * the rest by group, then a summary and "Write the project?"; a folder with stored settings: only what is new, by
 * group. Each setting is asked only if it applies once the answers before it are in; a group's title is printed only
 * above a question. Returns the sources with the answers, and whether the user confirmed (declined: write nothing).
 */
export async function askSettings(
  sources: Sources,
  context: Context,
  ask: Ask,
  { yes, log, newFolder }: { yes: boolean; log: Log; newFolder: boolean },
): Promise<{ sources: Sources; confirmed: boolean }> {
  const pending = yes ? [] : unansweredSettings(sources);
  const answered: Sources = { ...sources, answers: { ...sources.answers } };
  const answers = answered.answers!;
  const known = () => resolveSettings(answered, context, { lenient: true });
  const applies = (name: SettingName) => declarationOf(name).applies?.(known()) ?? true;
  const byGroup = async (names: SettingName[]) => {
    let shown: Group | undefined;
    for (const group of Object.keys(GROUP_TITLES) as Group[]) {
      for (const name of names.filter((n) => declarationOf(n).group === group)) {
        if (!applies(name)) continue;
        if (shown !== group) log(`\n${GROUP_TITLES[(shown = group)]}`);
        answers[name] = await ask(questionFor(name, known, context));
      }
    }
  };
  if (!newFolder || pending.length === 0) {
    await byGroup(pending);
    return { sources: answered, confirmed: true };
  }
  const essential = pending.filter((name) => declarationOf(name).essential);
  for (const name of essential) if (applies(name)) answers[name] = await ask(questionFor(name, known, context));
  // A setting whose default the answers make invalid (a domain's hosted zone, say) cannot be left to its default.
  for (const name of pending.filter((n) => !essential.includes(n) && applies(n))) {
    if ('error' in check(name, declarationOf(name).default(known(), context), known())) {
      answers[name] = await ask(questionFor(name, known, context));
      essential.push(name);
    }
  }
  const rest = pending.filter((name) => !essential.includes(name) && applies(name));
  if (rest.length > 0) {
    const message = `Customise the other ${rest.length} settings, by group (otherwise they take their defaults)?`;
    if (await ask(confirmation('customise', message, false)))
      await byGroup(pending.filter((n) => !essential.includes(n)));
  }
  log(summaryOf(answered, context));
  return { sources: answered, confirmed: Boolean(await ask(confirmation('write', 'Write the project?', true))) };
}

/** Before a new project is written: the settings that differ from the defaults, what it creates, cost and time. */
export function summaryOf(sources: Sources, context: Context): string {
  const settings = resolveSettings(sources, context);
  const defaults = resolveSettings({ flags: {}, stored: {} }, context, { lenient: true });
  const differ = SETTINGS.filter(
    (d) => d.name in settings && JSON.stringify(settings[d.name]) !== JSON.stringify(defaults[d.name]),
  ).map((d) => `    ${d.name}: ${JSON.stringify(settings[d.name])}`);
  const s = settings;
  const https = derivedOf(s).edge.https ? `HTTPS at ${s.domain}` : 'HTTP';
  return [
    '',
    'Summary',
    ...(differ.length > 0
      ? ['  Settings that differ from the defaults:', ...differ]
      : ['  Every setting takes its default.']),
    `  Writes: an Express app (Node.js ${s.nodeVersion}) with its tests, Dockerfile, buildspec.yml, infra/pipeline.yml,`,
    `    infra/service.yml${s.network === 'new' ? ', infra/network.yml' : ''}, deploy and teardown scripts, README.md.`,
    `  npm run deploy creates, in ${s.region}: a CodePipeline from ${s.repository || 'the repository you name then'} (${s.branch}),`,
    `    the ECR repository ${s.ecrRepository}, ${s.existingCluster ? 'in the existing cluster' : 'the cluster'} ${s.cluster}, the Fargate service ${s.service}`,
    `    (${s.desiredCount} task(s) of ${s.cpu} CPU units and ${s.memory} MiB) behind a load balancer (${https}), deployed ${s.strategy}.`,
    ...costAndTime(s).map((line) => `  ${line}`),
  ].join('\n');
}

/** The monthly cost of the settings (derive's, at aws-limits' prices) and the deployment time estimate. */
function costAndTime(settings: Settings): string[] {
  const derived = derivedOf(settings);
  const { cost } = derived;
  const parts = [
    `${cost.tasks} task(s) ${cost.tasksMonth.toFixed(2)}`,
    `load balancer ${cost.albMonth.toFixed(2)}`,
    `${cost.publicAddresses} public IPv4 address(es) ${cost.ipv4Month.toFixed(2)}`,
    ...(cost.natMonth > 0 ? [`NAT gateway ${cost.natMonth.toFixed(2)} plus ${NAT_GATEWAY_PER_GB_USD} USD per GB`] : []),
  ];
  const { run, environments } = derived;
  // With several environments a change reaches the last one only after the whole run (estimateRun).
  const whole =
    environments.length > 1
      ? [
          `Estimated pipeline run (${run.steps.map((x) => x.label).join('; ')}): ${run.range}` +
            `${run.approvalBefore ? `, plus the wait for the approval before ${run.approvalBefore} (not counted)` : ''}.`,
        ]
      : [];
  return [
    describeEstimate(derived.estimate),
    ...whole,
    environments.length > 1
      ? `Cost: about ${environments.reduce((sum, e) => sum + e.monthlyCost, 0).toFixed(2)} USD a month for the ${environments.length} environments running all month in us-east-1 (${environments.map((e) => `${e.name} ${e.monthlyCost.toFixed(2)}`).join(', ')}; README.md "What it costs" itemises each).`
      : `Cost: about ${cost.total.toFixed(2)} USD a month running all month in us-east-1 (${parts.join(', ')}; README.md "What it costs").`,
  ];
}

/** What a run will do: the settings, the plan of every file, the new .yo-rc.json and record file (undefined: unchanged). */
export interface Decision {
  settings: Settings;
  plan: Plan;
  newYoRc?: string;
  newRecord?: string;
}

/** Step 4, decide: resolves the settings, renders the last generation and this one, and plans every file; writes nothing. */
export function decide(
  project: Project,
  sources: Sources,
  { files, force, log }: { files: readonly FileEntry[]; force: boolean; log: Log },
): Decision {
  const { destination, folder, context } = project;
  const settings = resolveSettings(sources, context);
  const { record } = folder;
  const previous = record
    ? previousGeneration(record.settings, record.version, context)
    : previousGeneration(folder.stored, folder.generatorVersion, context);
  // Changes CloudFormation cannot apply safely to a live service are named before anything is written.
  liveChangeLines(previous?.settings, settings).forEach((line) => log(line));
  const read = diskReader(destination);
  const base = previous && renderOutput(files, previous.settings, previous.version);
  const theirs = renderOutput(files, settings, VERSION);
  // Nothing is read or written through a symlink that leads out of the project, whatever the plan.
  if (existsSync(destination)) {
    const realRoot = realpathSync(destination);
    for (const file of new Set([...theirs.keys(), ...(base?.keys() ?? [])])) containedTarget(realRoot, file);
  }
  const plan = planRegeneration({
    base,
    theirs,
    read,
    recorded: folder.recorded,
    settingsDigest: settingsDigest(settings),
    force,
  });
  checkPackageJson(plan, read, force, () => theirs.get('package.json')?.contents);
  // Unknown keys of the user's stay; settings that no longer apply (after a strategy change, say) leave.
  const kept = Object.fromEntries(
    Object.entries(folder.stored).filter(([key]) => !SETTING_NAMES.includes(key as SettingName)),
  );
  const next = yoRcText(folder.yoRc, { ...kept, ...settings }, VERSION, {
    version: VERSION,
    settings: { ...settings },
  });
  const current = readFileOrUndefined(path.join(destination, '.yo-rc.json'));
  const nextRecord = recordFileText(plan.digests, folder.recorded);
  const currentRecord = readFileOrUndefined(path.join(destination, RECORD_FILE));
  return {
    settings,
    plan,
    newYoRc: next === current ? undefined : next,
    newRecord: nextRecord === currentRecord ? undefined : nextRecord,
  };
}

/** A package.json that is not JSON is named, with its line; --force replaces it with the generated one. */
function checkPackageJson(
  plan: Plan,
  read: (file: string) => string | undefined,
  force: boolean,
  generated: () => string | undefined,
): void {
  const file = plan.files.find((f) => f.path === 'package.json');
  const text = read('package.json');
  if (!file || text === undefined) return;
  try {
    parseJsonFile('package.json', text, 'Fix it, or run again with --force to replace it with the generated one.');
  } catch (error) {
    if (!force) throw error;
    Object.assign(file, overwrite('package.json', text, generated(), read));
  }
}

/**
 * The settings of the last generation, resolved as this version resolves them: a setting added since takes its
 * default, a value this version refuses takes its default too (it only serves as the base of the merge).
 */
function previousGeneration(
  stored: Record<string, unknown>,
  version: string | undefined,
  context: Context,
): { settings: Settings; version: string } | undefined {
  if (version === undefined) return undefined;
  const kept = { ...stored };
  try {
    return { settings: resolveSettings({ flags: {}, stored: kept }, context), version };
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    for (const problem of error.problems) delete kept[problem.setting];
    return { settings: resolveSettings({ flags: {}, stored: kept }, context), version };
  }
}

/** Step 5, write: applies the plan (the run holds the folder's lock); a dry run writes nothing. */
export function writeDecision(destination: string, { plan, newYoRc, newRecord }: Decision, dryRun: boolean): void {
  if (dryRun) return;
  const conflicted = conflictsOf(plan).length > 0;
  // The record file goes with .yo-rc.json: only with a run that completes, after the files, in the same journal.
  const operations = [
    ...operationsOf(plan),
    ...(conflicted || newRecord === undefined ? [] : [{ path: RECORD_FILE, contents: newRecord }]),
  ];
  if (operations.length === 0 && (conflicted || newYoRc === undefined)) return;
  // .yo-rc.json changes only with a run that completes, so a conflicting run can simply be run again.
  applyOperations(destination, operations, conflicted ? undefined : newYoRc);
}

/** Why npm install should run now, or undefined: package.json changed, or the lockfile or node_modules is missing. */
export function installReason(destination: string, plan: Plan, dryRun: boolean): string | undefined {
  if (dryRun || conflictsOf(plan).length > 0) return undefined;
  const changed = plan.files.some(
    (f) => f.path === 'package.json' && f.action !== 'unchanged' && f.action !== 'keep-removed',
  );
  if (changed) return 'package.json changed';
  const at = (file: string) => existsSync(path.join(destination, file));
  if (!at('package.json')) return undefined;
  if (!at('package-lock.json')) return 'package-lock.json is missing (the buildspec runs npm ci)';
  if (!at('node_modules')) return 'node_modules is missing';
  return undefined;
}

/** Step 6, install: runs npm install in the project (its output goes to the user's terminal); resolves with its exit code. */
export function npmInstall(destination: string): Promise<number> {
  const child = spawn('npm', ['install', '--no-audit', '--no-fund'], { cwd: destination, stdio: 'inherit' });
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

/** How the run was started, as the report needs it. */
export interface ReportOptions {
  dryRun: boolean;
  skipInstall: boolean;
  /** The command as the user ran it, without the folder, for "Next steps". */
  command: string;
  /** The folder as the user named it, for `cd` in "Next steps" when the run creates it. */
  folderArgument?: string;
}

/** Step 7, report: the text the run ends with (first-run message or per-file report, with the estimate). */
export function report(project: Project, { settings, plan, newYoRc }: Decision, options: ReportOptions): string {
  const { record } = project.folder;
  const before = record?.version ?? project.folder.generatorVersion;
  // --existing-service creates no service or load balancer: the cost is the user's already.
  const estimateLines = costAndTime(settings);
  const estimate = (settings.existingService ? estimateLines.slice(0, 1) : estimateLines).join('\n');
  const conflicts = conflictsOf(plan);
  const wroteFiles = plan.files.some((f) => f.action !== 'unchanged');
  const firstRun = plan.firstRun && conflicts.length === 0 && !options.dryRun;
  const lines = firstRun
    ? [
        settings.existingService
          ? existingServiceMessage(
              settings,
              plan.files.filter((f) => f.action !== 'unchanged').map((f) => f.path),
              readFileOrUndefined(path.join(project.destination, 'Dockerfile')),
            )
          : firstRunMessage(project, settings, plan, options),
        estimate,
      ]
    : [
        runReport(plan, {
          dryRun: options.dryRun,
          stored: newYoRc !== undefined,
          upgradedFrom: before !== undefined && before !== VERSION && wroteFiles ? before : undefined,
          version: VERSION,
        }),
        estimate,
      ];
  const skippedInstall = options.skipInstall ? installReason(project.destination, plan, options.dryRun) : undefined;
  if (!firstRun && skippedInstall && conflicts.length === 0 && !options.dryRun) {
    lines.push(`Run npm install in the project: ${skippedInstall}.`);
  }
  return lines.join('\n');
}

function firstRunMessage(project: Project, s: Settings, plan: Plan, o: ReportOptions): string {
  const cd = !project.existedBefore && o.folderArgument ? [`  cd ${o.folderArgument}`] : [];
  const written = plan.files.filter((f) => f.action !== 'unchanged').map((f) => f.path);
  return [
    '',
    `Generated ${s.appName}: an Express service on ECS (${s.strategy} deployment) with its CodePipeline.`,
    `Files: ${written.join(', ')}.`,
    ...plan.files.flatMap((f) =>
      f.copy ? [`Replaced ${f.path}, a file of yours, because of --force; yours is kept as ${f.copy.path}.`] : [],
    ),
    '',
    'Next steps:',
    ...cd,
    ...(o.skipInstall ? ['  npm install                    create package-lock.json (the buildspec runs npm ci)'] : []),
    '  npm test                       build the app and run its tests',
    '  npm run lint                   lint the app (ESLint)',
    '  git init && git add -A && git commit -m "Initial commit" and push it to your repository',
    '  npm run deploy                 deploy the pipeline; its first run creates the service and prints its URL (README "Deploy")',
    '',
    `Change a setting later by running the generator again in the project folder, for example: ${o.command}${o.command.startsWith('yo') ? '' : ' .'} --port 8080`,
  ].join('\n');
}

function readFileOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Reads project files as text from disk; a missing path (or a folder) reads as undefined. A file that is there but
 * cannot be read is refused (UserError) before anything is written: taken for absent, it would be replaced or called
 * "removed by you". Its mode is checked as well as the read itself, since a run as root reads a file of mode 000 or
 * 0200 all the same (root passes every permission check of open()); the owner's read bit is what the user set.
 */
function diskReader(root: string): (relativePath: string) => string | undefined {
  const asRoot = process.getuid?.() === 0;
  return (file) => {
    const full = path.join(root, file);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (!stat || stat.isDirectory()) return undefined;
    const mine = asRoot || stat.uid === process.getuid?.();
    const refuse = () => {
      const mode = (stat.mode & 0o777).toString(8).padStart(3, '0');
      return new UserError(
        `${file} cannot be read (mode ${mode}); nothing was written. Make it readable (chmod u+r ${file}) or move it away, and run again.`,
      );
    };
    if (mine && (stat.mode & 0o400) === 0) throw refuse();
    try {
      return readFileSync(full, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES' || (error as NodeJS.ErrnoException).code === 'EPERM')
        throw refuse();
      return undefined;
    }
  };
}
