// Command-line surface derived from the settings declaration: flags, --help text and the README option table.
import { GROUP_TITLES, SETTINGS, cliFlagOf, type SettingDeclaration } from '../core/settings/declaration.js';
import type { Context } from '../core/settings/context.js';

/** Flags of the command itself, beside one flag per setting. */
export const COMMAND_FLAGS: Record<string, { short?: string; description: string }> = {
  yes: { short: 'y', description: 'Ask nothing: take stored values from .yo-rc.json, then defaults.' },
  'skip-install': { description: 'Do not run npm install in the generated repository.' },
  force: {
    description:
      'Replace files of yours that are in the way (or broken, or deleted) with the generated ones, instead of a conflict.',
  },
  'dry-run': {
    description: 'Print which files a run would create, update, merge, remove or find in conflict; write nothing.',
  },
  help: { short: 'h', description: 'Print this help; --help all: every setting too.' },
  version: { short: 'v', description: 'Print the generator version.' },
};

const EXAMPLE_CONTEXT: Context = { folderName: 'my-service', gitRemote: '' };

/** A default as text: strings as they are, numbers and booleans as written. */
const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The default as the README and --help show it: computed ones are described by their formula. */
export function describeDefault(decl: SettingDeclaration): string {
  switch (decl.name) {
    case 'appName':
      return 'destination folder name, made valid';
    case 'cluster':
      return '`<appName>-cluster`';
    case 'service':
    case 'containerName':
      return '`<appName>`';
    case 'ecrRepository':
      return '`<appName>` (`<appName>-app` for a one-letter name)';
    case 'repository':
      return "destination's `git remote origin`, else empty";
    case 'connectionArn':
      return 'empty: the pipeline stack creates a connection';
    case 'minCount':
      return '`desiredCount`';
    case 'maxCount':
      return '`2 x desiredCount`';
    case 'scalingTarget':
      return '`1000` requests, `60` % CPU';
    default: {
      if (decl.kind === 'pairs') return 'none';
      const value = shown(decl.default({}, EXAMPLE_CONTEXT));
      // Health check settings start elsewhere with --health-check-defaults article.
      const article = shown(decl.default({ healthCheckDefaults: 'article' }, EXAMPLE_CONTEXT));
      return value === '' ? 'empty' : `\`${value}\`${article === value ? '' : ` (article: \`${article}\`)`}`;
    }
  }
}

/** Width of --help: 100 columns. */
export const HELP_WIDTH = 100;
const FLAG_COLUMN = 34;

/** `text` cut into lines of at most `width` columns at spaces, each after `indent` spaces (the first after `first`). */
export function wrap(text: string, width: number, indent: number, first = ''): string[] {
  const lines: string[] = [];
  // A first column wider than the indent puts the text on the next line.
  let current = first.length < indent ? first.padEnd(indent) : (lines.push(first), ''.padEnd(indent));
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const fresh = current.length === indent;
    if (!fresh && current.length + 1 + word.length > width) {
      lines.push(current);
      current = ''.padEnd(indent);
    }
    current += (current.length === indent ? '' : ' ') + word;
  }
  lines.push(current);
  return lines;
}

/** The flag of a setting as --help shows it. */
function flagUsage(decl: SettingDeclaration): string {
  if (decl.kind === 'boolean') return `--[no-]${cliFlagOf(decl)}`;
  if (decl.kind === 'pairs') return `--${cliFlagOf(decl)} <${decl.entry}>...`;
  return `--${cliFlagOf(decl)} <value>`;
}

function settingLines(decl: SettingDeclaration): string[] {
  const text = `${decl.description} Allowed: ${decl.rule}. Default: ${describeDefault(decl).replaceAll('`', '')}.`;
  return wrap(text, HELP_WIDTH, FLAG_COLUMN, `  ${flagUsage(decl)}`.padEnd(FLAG_COLUMN - 1));
}

/**
 * --help: examples first, then the settings asked in a new folder and the command's flags; `all` adds every setting,
 * by group. `command` is how the user started the generator (the bin takes a folder, yo runs in the current one).
 */
export function usage(command = 'create-bluegreen-ecs', all = false): string {
  const bin = !command.startsWith('yo');
  const at = (folder: string) => (bin ? `${command} ${folder}` : command);
  const examples: [string, string][] = [
    [at('my-service'), 'asks five questions, shows a summary and asks to confirm'],
    [`${at('my-service')} --yes`, 'asks nothing: every setting takes its default'],
    [`${at('my-service')} --yes --strategy canary --region eu-west-1`, ''],
    [`${at('.')} --port 8080`, 'in a generated folder: change one setting, keep your edits'],
    [`${at('.')} --dry-run --strategy blue-green`, 'show what a change would do; write nothing'],
  ];
  const lines = [
    `Usage: ${bin ? `${command} [folder] [flags]` : `${command} [flags]   (in the project folder)`}`,
    '',
    'Writes a repository for a Node.js service on Amazon ECS, with a CodePipeline that deploys it',
    'with zero downtime.',
    '',
    'Examples:',
    ...examples.flatMap(([cmd, what]) => (what ? [`  ${cmd}`, `      ${what}`] : [`  ${cmd}`])),
    '',
    'Asked in a new folder (the rest on "Customise the other settings?", or as flags):',
    ...SETTINGS.filter((d) => d.essential).flatMap(settingLines),
  ];
  if (all) {
    for (const [group, title] of Object.entries(GROUP_TITLES)) {
      lines.push('', `${title}:`);
      for (const decl of SETTINGS.filter((d) => d.group === group)) lines.push(...settingLines(decl));
    }
  }
  lines.push('', 'Command:');
  for (const [flag, { short, description }] of Object.entries(COMMAND_FLAGS))
    lines.push(
      ...wrap(description, HELP_WIDTH, FLAG_COLUMN, `  --${flag}${short ? `, -${short}` : ''}`.padEnd(FLAG_COLUMN - 1)),
    );
  lines.push(
    '',
    all
      ? 'Exit codes: 0 done (or declined), 1 invalid settings or a conflict, 2 an argument error, 130 Ctrl-C.'
      : `Every setting (${SETTINGS.length}), by group: ${command} --help all`,
  );
  return lines.join('\n');
}

/** Markdown table of every setting, for the generator's README. */
export function optionTable(): string {
  const rows = SETTINGS.map(
    (d) =>
      `| \`${d.name}\` | \`--${cliFlagOf(d)}\` | ${describeDefault(d)} | ${d.rule.replaceAll('|', '\\|')} | ${d.description} |`,
  );
  return ['| setting | flag | default | allowed | what it is |', '|---|---|---|---|---|', ...rows].join('\n');
}
