// The settings the deploy flow adds or tightens, through the same check() and resolveSettings() that flags,
// .yo-rc.json and prompt answers go through: a refused value names the setting, the value and what is allowed.
import { describe, expect, it } from 'vitest';
import { check, resolveSettings, SettingsError } from '../../generators/app/core/settings/resolve.js';
import type { SettingName, Settings } from '../../generators/app/core/settings/declaration.js';

const ok = (name: SettingName, value: unknown, known: Partial<Settings>) => {
  const result = check(name, value, known);
  return 'error' in result ? result.error : true;
};
const CONTEXT = { folderName: 'svc', gitRemote: '' };
const UUID = '0a1b2c3d-1234-5678-9abc-0123456789ab';

describe('region', () => {
  it("refuses the China regions, where CodePipeline's CloudFormation action does not exist", () => {
    expect(ok('region', 'cn-north-1', {})).toMatch(/China region.*CloudFormation deploy action/);
    expect(ok('region', 'cn-northwest-1', {})).toMatch(/China region/);
    expect(ok('region', 'us-gov-west-1', {})).toBe(true);
  });
});

describe('existingCluster', () => {
  it('is a boolean, false by default (the service stack creates the cluster)', () => {
    expect(resolveSettings({ flags: {}, stored: {} }, CONTEXT).existingCluster).toBe(false);
    expect(resolveSettings({ flags: { existingCluster: true }, stored: {} }, CONTEXT).existingCluster).toBe(true);
    expect(ok('existingCluster', 'maybe', {})).toMatch(/true or false/);
  });
});

describe('ARNs must be in the region and partition the stacks are deployed to', () => {
  it.each([
    [
      'connectionArn',
      `arn:aws:codeconnections:eu-west-1:123456789012:connection/${UUID}`,
      `arn:aws:codeconnections:us-east-1:123456789012:connection/${UUID}`,
    ],
    [
      'validationHook',
      'arn:aws:lambda:eu-west-1:123456789012:function:check',
      'arn:aws:lambda:us-east-1:123456789012:function:check',
    ],
  ] as const)('%s', (name, inRegion, elsewhere) => {
    const known = { region: 'eu-west-1', strategy: 'blue-green' as const, source: 'connection' as const };
    expect(ok(name, inRegion, known)).toBe(true);
    expect(ok(name, elsewhere, known)).toMatch(
      /is in aws\/us-east-1, but the stacks are deployed to region eu-west-1 \(partition aws\)/,
    );
    expect(ok(name, inRegion.replace('arn:aws:', 'arn:aws-us-gov:'), known)).toMatch(
      /is in aws-us-gov\/eu-west-1.*partition aws/,
    );
    const gov = { ...known, region: 'us-gov-west-1' };
    expect(ok(name, inRegion.replace('arn:aws:', 'arn:aws-us-gov:').replace('eu-west-1', 'us-gov-west-1'), gov)).toBe(
      true,
    );
    expect(ok(name, inRegion.replace('eu-west-1', 'us-gov-west-1'), gov)).toMatch(/partition aws-us-gov/);
  });

  it('a mismatch given as a flag stops the run, naming the setting and the value', () => {
    const hook = 'arn:aws:lambda:us-east-1:123456789012:function:check';
    const run = () =>
      resolveSettings(
        { flags: { region: 'eu-west-1', strategy: 'canary', validationHook: hook }, stored: {} },
        CONTEXT,
      );
    expect(run).toThrow(SettingsError);
    expect(run).toThrow(
      /validationHook = "arn:aws:lambda:us-east-1:123456789012:function:check" \(from --validation-hook\): is in aws\/us-east-1/,
    );
  });
});

describe('codedeploy names the CodeDeploy application and deployment group after the service (at most 100 characters)', () => {
  const service = (length: number) => `s${'x'.repeat(length - 1)}`;

  it('accepts 100 characters, refuses 101, and only for codedeploy', () => {
    expect(ok('strategy', 'codedeploy', { service: service(100) })).toBe(true);
    expect(ok('strategy', 'codedeploy', { service: service(101) })).toMatch(
      /service name of at most 100 characters.*has 101/,
    );
    expect(ok('strategy', 'rolling', { service: service(255) })).toBe(true);
  });

  it('a long service name with --strategy codedeploy stops the run before anything is written', () => {
    const run = () =>
      resolveSettings({ flags: { service: service(120), strategy: 'codedeploy' }, stored: {} }, CONTEXT);
    expect(run).toThrow(/strategy = "codedeploy" \(from --strategy\): needs a service name of at most 100 characters/);
  });
});
