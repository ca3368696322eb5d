// Reads the generated README's deploy steps: the parameter tables and the `aws cloudformation deploy` commands.
import type { Template } from '../support/cfn/parse.js';

/** The text of the README from a heading to the next level-3 heading. */
export function section(readme: string, title: string): string {
  const start = readme.indexOf(title);
  if (start < 0) throw new Error(`no section ${title}`);
  const end = readme.indexOf('\n### ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Rows of a parameter table: parameter -> default as written. */
export function parameterTable(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]));
}

/** The parameters each `aws cloudformation deploy` of a template file passes (backslash-continued lines joined). */
export function deployOverrides(readme: string, file: string): string[][] {
  return readme
    .replaceAll('\\\n', ' ')
    .split('\n')
    .filter((line) => line.includes('aws cloudformation deploy') && line.includes(`--template-file ${file}`))
    .map((line) => [...(line.split('--parameter-overrides')[1] ?? '').matchAll(/(\w+)=/g)].map((m) => m[1]));
}

/** How the README must show a parameter's default. */
function shownDefault(parameter: Record<string, unknown>): string {
  if (!('Default' in parameter)) return '(required)';
  return parameter.Default === '' ? '(empty)' : `\`${String(parameter.Default)}\``;
}

/** Differences between a README table and a template's parameters (names and defaults); empty when they match. */
export function tableMismatches(rows: Map<string, string>, template: Template): string[] {
  const parameters = template.Parameters ?? {};
  const problems: string[] = [];
  for (const name of rows.keys()) if (!(name in parameters)) problems.push(`${name}: in the README, not in the template`);
  for (const [name, p] of Object.entries(parameters)) {
    if (!rows.has(name)) problems.push(`${name}: in the template, not in the README`);
    else if (rows.get(name) !== shownDefault(p)) problems.push(`${name}: README shows ${rows.get(name)}, template default is ${shownDefault(p)}`);
  }
  return problems;
}

/** Parameters without a default, which the first deploy must pass. */
export function requiredParameters(template: Template): string[] {
  return Object.entries(template.Parameters ?? {}).filter(([, p]) => !('Default' in p)).map(([name]) => name);
}
