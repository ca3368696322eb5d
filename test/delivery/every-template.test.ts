// Every CloudFormation template the generator can emit, whatever the strategy and the source, passes the schema,
// reference and least-privilege checks and AWS's cfn-lint without a finding. Strategies and sources are read from the
// strategy table and the settings declaration, so a new one is covered without touching this file.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkTemplate } from '../support/cfn/check.js';
import { checkPolicies } from '../support/cfn/iam.js';
import { CFN_LINT_AVAILABLE, cfnLint } from '../support/cfn/lint.js';
import { ROOT } from '../support/generate.js';
import { render } from './render.js';

const app = (module: string) => import(path.join(ROOT, 'dist', 'generators', 'app', module));
const { STRATEGY_NAMES } = (await app('strategies.js')) as { STRATEGY_NAMES: readonly string[] };
const { SOURCES } = (await app('settings.js')) as { SOURCES: readonly { value: string }[] };

// The codecommit half also turns on every optional part: approval, alarms, an existing cluster, a validation hook.
const combinations = STRATEGY_NAMES.flatMap((strategy) =>
  SOURCES.map((source) => ({
    strategy,
    source: source.value,
    ...(source.value === 'codecommit'
      ? { 'manual-approval': true, 'rollback-alarms': true, 'existing-cluster': true, repository: 'shop', region: 'eu-west-1',
          ...(strategy === 'rolling' ? {} : { 'validation-hook': 'arn:aws:lambda:eu-west-1:123456789012:function:check' }) }
      : {}),
  })),
);

describe.each(combinations)('strategy $strategy, source $source', (options) => {
  test('service.yml and pipeline.yml pass the schema, reference and IAM checks, and cfn-lint', async () => {
    const r = await render(options);
    expect(r.settings.strategy).toBe(options.strategy);
    for (const text of [r.text.service, r.text.pipeline]) {
      expect(await checkTemplate(text)).toEqual([]);
      expect(await checkPolicies(text)).toEqual([]);
    }
    if (CFN_LINT_AVAILABLE) {
      expect(cfnLint([path.join(r.dir, 'infra/service.yml'), path.join(r.dir, 'infra/pipeline.yml')], String(r.settings.region))).toEqual([]);
    }
  });
});

describe.skipIf(!CFN_LINT_AVAILABLE)('cfn-lint as the tests run it', () => {
  test('reports what it finds (a redundant DependsOn, W3005)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-')), 'template.yml');
    writeFileSync(file, 'Resources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SNS::Subscription\n    DependsOn: A\n    Properties:\n      TopicArn: !Ref A\n      Protocol: email\n      Endpoint: a@example.com\n');
    expect(cfnLint([file], 'us-east-1').map((line) => line.split(':').at(-2))).toEqual(['W3005']);
  });
});
