// No template is HTML, so no value may come out HTML-escaped: each is escaped for its own format instead
// (JSON.stringify in YAML and JSON, a code span in Markdown). An environment variable's value may hold & < > " ' (a
// branch name may not: the branch rule refuses what GitHub's filters or YAML parsers read differently). ejs's <%= escapes & < > " ' as &amp; &lt; &gt; &#34; &#39;.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { beforeAll, describe, expect, test } from 'vitest';
import { generate, ROOT } from '../support/generate.js';
import { CASES } from '../edge/cases.js';
import { render, type Rendered } from './render.js';

const VALUE = `it's <b>&"q"`;
/** Any HTML character reference: named (&amp;, &quot;, &apos;, ...), decimal (&#39;) or hexadecimal (&#x27;). */
const ENTITY = /&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});/;

/** The generated files that hold an HTML entity, each with its first one. */
function escapedFiles(dir: string): string[] {
  return files(dir).flatMap((file) => {
    const found = ENTITY.exec(readFileSync(path.join(dir, file), 'utf8'));
    return found ? [`${file}: ${found[0]}`] : [];
  });
}

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const at = path.join(dir, name);
    return statSync(at).isDirectory() ? (name === 'node_modules' ? [] : files(at, base)) : [path.relative(base, at)];
  });
}

describe('values are never HTML-escaped', () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render({ 'manual-approval': true, environment: [`GREETING=${VALUE}`], strategy: 'canary' });
  });

  test('no output file holds an HTML entity', () => {
    expect(escapedFiles(r.dir)).toEqual([]);
  });

  test('the pipeline comment names its stages with a plain arrow', () => {
    expect(r.text.pipeline).toContain('# Source -> Build -> Approve -> Deploy:');
  });

  test('the value reaches the task definition intact', () => {
    const taskDefinition = Object.values(r.service.Resources!).find((x) => x.Type === 'AWS::ECS::TaskDefinition')!;
    const container = (
      taskDefinition.Properties as { ContainerDefinitions: { Environment: { Name: string; Value: string }[] }[] }
    ).ContainerDefinitions[0];
    expect(container.Environment).toContainEqual({ Name: 'GREETING', Value: VALUE });
  });
});

describe('no HTML entity in any file of any strategy and option combination', () => {
  test('control: the detector finds what ejs <%= makes of each character it escapes', () => {
    for (const text of ["the stack's", 'a "b"', 'a & b', '<b>', '&#x27;', '&apos;'])
      expect(ENTITY.test(ejs.render('<%= text %>', { text }) + (text.startsWith('&') ? text : '')), text).toBe(true);
    expect(ENTITY.test('cmd && other; a & b; x&y')).toBe(false);
  });

  // Catches the branches no rendered case reaches: a literal in an escaping tag that holds a character ejs escapes.
  test('no <%= tag in templates/ holds a string literal with & < > " or \'', () => {
    const templates = path.join(ROOT, 'templates');
    const literal = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g;
    const found = files(templates).flatMap((file) =>
      [...readFileSync(path.join(templates, file), 'utf8').matchAll(/<%=([\s\S]*?)%>/g)]
        .filter(([, code]) => [...code.matchAll(literal)].some(([text]) => /[&<>"']/.test(text.slice(1, -1))))
        .map(([tag]) => `${file}: ${tag}`),
    );
    expect(found).toEqual([]);
  });

  // The all-pairs sample of strategy x source x network x HTTPS x scaling, each with the characters ejs escapes in the
  // free-text settings, and codedeploy's and the shifting strategies' options.
  test.each(CASES)('$name', async ({ options }) => {
    const { cwd } = await generate({
      ...options,
      environment: [`GREETING=${VALUE}`],
      'rollback-alarms': options.strategy !== 'rolling',
      ...(options.strategy === 'codedeploy'
        ? { 'code-deploy-config': 'CodeDeployDefault.ECSCanary10Percent5Minutes' }
        : {}),
    });
    expect(escapedFiles(cwd)).toEqual([]);
    // The value reached the task definition as written (the stack's, or CodeDeploy's taskdef.json).
    const taskDefinitions = ['infra/service.yml', 'taskdef.json']
      .filter((file) => existsSync(path.join(cwd, file)))
      .map((file) => readFileSync(path.join(cwd, file), 'utf8'));
    expect(taskDefinitions.some((text) => text.includes(JSON.stringify(VALUE)))).toBe(true);
  });
});
