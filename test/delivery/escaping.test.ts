// No template is HTML, so no value may come out HTML-escaped: each is escaped for its own format instead
// (JSON.stringify in YAML and JSON, a code span in Markdown). A branch name may hold & < > " ' (git allows them).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseYaml } from '../support/cfn/parse.js';
import { render, type Rendered } from './render.js';

const BRANCH = `release/a&b<c>"d'e`;
const ENTITY = /&(amp|lt|gt|quot|#34|#39|apos);/;

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const at = path.join(dir, name);
    return statSync(at).isDirectory() ? (name === 'node_modules' ? [] : files(at, base)) : [path.relative(base, at)];
  });
}

describe('values are never HTML-escaped', () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render({ 'manual-approval': true, branch: BRANCH, strategy: 'canary' });
  });

  test('no output file holds an HTML entity', () => {
    const escaped = files(r.dir).filter((file) => ENTITY.test(readFileSync(path.join(r.dir, file), 'utf8')));
    expect(escaped).toEqual([]);
  });

  test('the pipeline comment names its stages with a plain arrow', () => {
    expect(r.text.pipeline).toContain('# Source -> Build -> Approve -> Deploy:');
  });

  test('the branch reaches YAML intact and the README as a code span', () => {
    expect(r.pipeline.Parameters!.BranchName.Default).toBe(BRANCH);
    const ci = parseYaml(readFileSync(path.join(r.dir, '.github/workflows/ci.yml'), 'utf8')) as {
      on: { push: { branches: string[] } };
    };
    expect(ci.on.push.branches).toEqual([BRANCH]);
    expect(r.text.readme).toContain(`| \`branch\` | \`${BRANCH}\` |`);
  });
});
