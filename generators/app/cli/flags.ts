// Command-line surface derived from the settings declaration: flags, --help text and the README option table.
import { GROUP_TITLES, SETTINGS, cliFlagOf, flagOf, type SettingDeclaration } from '../core/settings/declaration.js';
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
  help: { short: 'h', description: 'Print this help.' },
  version: { description: 'Print the generator version.' },
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

export function usage(): string {
  const lines = [
    'Usage: create-bluegreen-ecs [dir] [flags]     (or, with yo installed: yo bluegreen-ecs [flags])',
    '',
    'Scaffolds an Express service on Amazon ECS with a CodePipeline that deploys it with zero downtime.',
    'Every setting not given as a flag or stored in .yo-rc.json is asked, unless --yes.',
  ];
  for (const [group, title] of Object.entries(GROUP_TITLES)) {
    lines.push('', `${title}:`);
    for (const decl of SETTINGS.filter((d) => d.group === group)) {
      const flag =
        decl.kind === 'boolean'
          ? `--[no-]${flagOf(decl.name)}`
          : decl.kind === 'pairs'
            ? `--${cliFlagOf(decl)} <${decl.entry}> (repeatable)`
            : `--${flagOf(decl.name)} <value>`;
      lines.push(`  ${flag.padEnd(36)} ${decl.description}`);
      lines.push(`  ${''.padEnd(36)} allowed: ${decl.rule}; default: ${describeDefault(decl).replaceAll('`', '')}`);
    }
  }
  lines.push('', 'Command:');
  for (const [flag, { short, description }] of Object.entries(COMMAND_FLAGS)) {
    lines.push(`  ${`--${flag}${short ? `, -${short}` : ''}`.padEnd(36)} ${description}`);
  }
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
