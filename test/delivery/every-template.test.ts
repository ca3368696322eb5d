// Every CloudFormation template the generator can emit, whatever the strategy and the source, passes the schema,
// reference and least-privilege checks and AWS's cfn-lint without a finding. Strategies and sources are read from the
// strategy table and the settings declaration, so a new one is covered without touching this file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkTemplate } from '../support/cfn/check.js';
import { checkPolicies } from '../support/cfn/iam.js';
import { CFN_LINT_AVAILABLE, cfnLint, cfnLintEach } from '../support/cfn/lint.js';
import { ROOT, tempDir } from '../support/generate.js';
import { render, type Rendered } from './render.js';

const app = (module: string) => import(path.join(ROOT, 'dist', 'generators', 'app', module));
const { STRATEGY_NAMES } = (await app('core/settings/strategies.js')) as { STRATEGY_NAMES: readonly string[] };
const { SOURCES } = (await app('core/settings/declaration.js')) as { SOURCES: readonly { value: string }[] };

// The codecommit half also turns on every optional part: approval, alarms, an existing cluster, a validation hook.
const combinations = STRATEGY_NAMES.flatMap((strategy) =>
  SOURCES.map((source) => ({
    strategy,
    source: source.value,
    ...(source.value === 'codecommit'
      ? {
          'manual-approval': true,
          'rollback-alarms': true,
          'existing-cluster': true,
          repository: 'shop',
          region: 'eu-west-1',
          ...(strategy === 'rolling'
            ? {}
            : { 'validation-hook': 'arn:aws:lambda:eu-west-1:123456789012:function:check' }),
        }
      : {}),
  })),
);

// Rendered first, so that cfn-lint runs once over all the templates (it takes seconds to start) rather than once per case.
const rendered: Rendered[] = [];
let lint = new Map<string, string[]>();
// Written out of the generated folder, which the next generation removes.
const kept = tempDir('every-template-');
const templatesOf = (i: number) => ['service.yml', 'pipeline.yml'].map((f) => path.join(kept, `${i}-${f}`));
beforeAll(async () => {
  for (const [i, options] of combinations.entries()) {
    const r = await render(options);
    rendered.push(r);
    templatesOf(i).forEach((file, at) => writeFileSync(file, [r.text.service, r.text.pipeline][at]));
  }
  if (CFN_LINT_AVAILABLE)
    lint = cfnLintEach(
      rendered.flatMap((r, i) => templatesOf(i).map((file) => ({ file, region: String(r.settings.region) }))),
    );
}, 600_000);

describe.each(combinations.map((options, i) => ({ ...options, i })))(
  'strategy $strategy, source $source',
  ({ i, ...options }) => {
    test('service.yml and pipeline.yml pass the schema, reference and IAM checks, and cfn-lint', async () => {
      const r = rendered[i];
      expect(r.settings.strategy).toBe(options.strategy);
      expect(r.settings.source).toBe(options.source);
      for (const text of [r.text.service, r.text.pipeline]) {
        expect(await checkTemplate(text)).toEqual([]);
        expect(await checkPolicies(text)).toEqual([]);
      }
      if (CFN_LINT_AVAILABLE) for (const file of templatesOf(i)) expect(lint.get(file), file).toEqual([]);
    });
  },
);

describe.skipIf(!CFN_LINT_AVAILABLE)('cfn-lint as the tests run it', () => {
  test('reports what it finds (a redundant DependsOn, W3005) against the file that has it, among clean ones of two regions', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
    const clean = 'Resources:\n  A:\n    Type: AWS::SNS::Topic\n';
    const files = ['clean.yml', 'redundant.yml', 'clean-eu.yml'].map((name) => path.join(dir, name));
    writeFileSync(files[0], clean);
    writeFileSync(
      files[1],
      `${clean}  B:\n    Type: AWS::SNS::Subscription\n    DependsOn: A\n    Properties:\n      TopicArn: !Ref A\n      Protocol: email\n      Endpoint: a@example.com\n`,
    );
    writeFileSync(files[2], clean);
    const found = cfnLintEach([
      { file: files[0], region: 'us-east-1' },
      { file: files[1], region: 'us-east-1' },
      { file: files[2], region: 'eu-west-1' },
    ]);
    expect([...found.keys()]).toEqual(files);
    expect(found.get(files[0])).toEqual([]);
    expect(found.get(files[1])?.map((f) => f.split(':').slice(0, 3).join(':'))).toEqual(['6:W3005:Warning']);
    expect(found.get(files[2])).toEqual([]);
    expect(cfnLint([files[1]], 'us-east-1')).toEqual([`${files[1]}:${found.get(files[1])?.[0]}`]);
  });
});
