// Strategy settings: AWS's ranges at their edges, CloudFormation's 33-hour rule, and which strategy asks and stores what.
import { describe, expect, it } from 'vitest';
import { check, resolveSettings, SettingsError } from '../../generators/app/core/settings/resolve.js';
import type { SettingName, Settings } from '../../generators/app/core/settings/declaration.js';
import { KEYS_BY_STRATEGY, STRATEGY_KEYS } from './expected.js';

const ok = (name: SettingName, value: unknown, known: Partial<Settings>) => {
  const result = check(name, value, known);
  return 'error' in result ? result.error : true;
};
const accepts = (name: SettingName, known: Partial<Settings>, ...values: unknown[]) =>
  values.forEach((value) => expect(ok(name, value, known), `${name} = ${String(value)}`).toBe(true));
const rejects = (name: SettingName, known: Partial<Settings>, ...values: unknown[]) =>
  values.forEach((value) => expect(ok(name, value, known), `${name} = ${String(value)}`).toEqual(expect.any(String)));

describe('ranges (ECS DeploymentConfiguration, CodeDeploy, Lambda)', () => {
  it('bakeTime: ECS 0-1440 minutes, CodeDeploy termination wait 0-2880', () => {
    accepts('bakeTime', { strategy: 'blue-green' }, 0, 1440, '1440');
    rejects('bakeTime', { strategy: 'blue-green' }, -1, 1441, 2.5, 'x');
    accepts('bakeTime', { strategy: 'codedeploy' }, 0, 2880);
    rejects('bakeTime', { strategy: 'codedeploy' }, 2881);
  });

  it('canaryPercent: multiples of 0.1 from 0.1 to 100.0', () => {
    accepts('canaryPercent', { strategy: 'canary' }, 0.1, '0.1', 5, 10.5, 99.9, 100, '100.0');
    rejects('canaryPercent', { strategy: 'canary' }, 0, 0.05, 10.15, 100.1, '', 'ten');
  });

  it('linearStepPercent: multiples of 0.1 from 3.0 to 100.0', () => {
    accepts('linearStepPercent', { strategy: 'linear' }, 3, 3.1, 33.3, 100);
    rejects('linearStepPercent', { strategy: 'linear' }, 2.9, 100.1, 12.34);
  });

  it('canary: bakeTime + canaryBakeTime at most 33 hours (1980 minutes), each at most 1440', () => {
    accepts('canaryBakeTime', { strategy: 'canary', bakeTime: 540 }, 0, 1440);
    rejects('canaryBakeTime', { strategy: 'canary', bakeTime: 541 }, 1440);
    rejects('canaryBakeTime', { strategy: 'canary', bakeTime: 0 }, 1441, -1);
  });

  it('linear: bakeTime + linearStepBakeTime x steps at most 1980 minutes (10 % -> 9 steps)', () => {
    accepts('linearStepBakeTime', { strategy: 'linear', bakeTime: 0, linearStepPercent: 10 }, 220);
    rejects('linearStepBakeTime', { strategy: 'linear', bakeTime: 0, linearStepPercent: 10 }, 221);
    accepts('linearStepBakeTime', { strategy: 'linear', bakeTime: 0, linearStepPercent: 100 }, 1440);
  });

  it('codeDeployConfig: one of the predefined ECS configurations', () => {
    accepts(
      'codeDeployConfig',
      { strategy: 'codedeploy' },
      'CodeDeployDefault.ECSAllAtOnce',
      'CodeDeployDefault.ECSCanary10Percent15Minutes',
    );
    rejects(
      'codeDeployConfig',
      { strategy: 'codedeploy' },
      'CodeDeployDefault.AllAtOnce',
      'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    );
  });

  it('validationHook: empty or a Lambda function ARN', () => {
    accepts(
      'validationHook',
      { strategy: 'blue-green' },
      '',
      'arn:aws:lambda:eu-west-1:123456789012:function:check-green',
      'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:check:live',
    );
    rejects(
      'validationHook',
      { strategy: 'blue-green' },
      'check-green',
      'arn:aws:lambda:eu-west-1:1234:function:x',
      'arn:aws:iam::123456789012:role/x',
    );
  });

  it('the rolling progress rule of maxPercent does not apply to the other strategies', () => {
    const known = { desiredCount: 3, minHealthyPercent: 100 };
    rejects('maxPercent', { ...known, strategy: 'rolling' }, 100);
    accepts('maxPercent', { ...known, strategy: 'blue-green' }, 100);
  });
});

describe('applies: each strategy resolves (and so asks and stores) only its own settings', () => {
  const keysFor = (strategy: string) => {
    const settings = resolveSettings({ flags: { strategy }, stored: {} }, { folderName: 'svc', gitRemote: '' });
    return STRATEGY_KEYS.filter((key) => key in settings);
  };

  it.each(KEYS_BY_STRATEGY)('%s -> %j', (strategy, keys) => {
    expect(keysFor(strategy)).toEqual(keys);
  });

  it('rollbackAlarms applies to every strategy and is on by default', () => {
    const settings = resolveSettings({ flags: {}, stored: {} }, { folderName: 'svc', gitRemote: '' });
    expect(settings.rollbackAlarms).toBe(true);
  });

  it('rejects a bad strategy setting given as a flag, naming the setting and its origin', () => {
    const run = () =>
      resolveSettings(
        { flags: { strategy: 'canary', canaryPercent: '0.05' }, stored: {} },
        { folderName: 'svc', gitRemote: '' },
      );
    expect(run).toThrow(SettingsError);
    expect(run).toThrow(
      /canaryPercent = "0.05" \(from --canary-percent\): must be a multiple of 0.1 from 0.1 to 100.0/,
    );
  });
});
