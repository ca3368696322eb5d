// Every AWS limit is written once (aws-limits.ts): for each one, the validators of the settings it bounds accept min
// and max and reject min-1 and max+1 (through the same check() flags, .yo-rc.json and prompts go through), and the
// rule text shown in --help and the README shows the same bounds.
import { describe, expect, it } from 'vitest';
import {
  APP_NAME_MAX,
  CFN_MAX_BAKE_MINUTES,
  LIMITS,
  type Range,
} from '../../generators/app/core/settings/aws-limits.js';
import { check } from '../../generators/app/core/settings/resolve.js';
import { SETTINGS } from '../../generators/app/core/settings/declaration.js';
import type { SettingName, Settings } from '../../generators/app/core/settings/declaration.js';

type LimitName = keyof typeof LIMITS;

interface Use {
  setting: SettingName;
  /** How a value at a bound is written: integers, multiples of 0.1, or a text of that many characters. */
  kind: 'integer' | 'tenths' | 'length';
  /** The text of a given length (length limits). */
  text?: (length: number) => string;
  /** Other settings the validator reads. */
  known?: Partial<Settings>;
  /** Below the minimum is allowed for another reason (an empty value means "none"). */
  belowMinAllowed?: boolean;
}

const ARN = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
const ROLLING: Partial<Settings> = {
  strategy: 'rolling',
  desiredCount: 3,
  minHealthyPercent: 50,
  healthCheckInterval: 300,
};

/** The settings each limit bounds. */
const USES: Record<LimitName, Use[]> = {
  port: [{ setting: 'port', kind: 'integer' }],
  healthCheckInterval: [{ setting: 'healthCheckInterval', kind: 'integer' }],
  healthCheckTimeout: [{ setting: 'healthCheckTimeout', kind: 'integer', known: ROLLING }],
  healthCheckThreshold: [
    { setting: 'healthyThreshold', kind: 'integer' },
    { setting: 'unhealthyThreshold', kind: 'integer' },
  ],
  healthCheckGracePeriod: [{ setting: 'healthCheckGracePeriod', kind: 'integer' }],
  deregistrationDelay: [{ setting: 'deregistrationDelay', kind: 'integer' }],
  desiredCount: [
    { setting: 'desiredCount', kind: 'integer' },
    { setting: 'minCount', kind: 'integer', known: { autoscaling: 'cpu', desiredCount: 5000 } },
    {
      setting: 'maxCount',
      kind: 'integer',
      known: {
        autoscaling: 'cpu',
        desiredCount: 1,
        minCount: 1,
        fargateVcpuQuota: 1_000_000,
        cpu: 256,
        maxPercent: 200,
      },
    },
  ],
  minHealthyPercent: [{ setting: 'minHealthyPercent', kind: 'integer' }],
  maxPercent: [{ setting: 'maxPercent', kind: 'integer', known: ROLLING }],
  ecsBakeTime: [
    { setting: 'bakeTime', kind: 'integer', known: { strategy: 'blue-green' } },
    { setting: 'canaryBakeTime', kind: 'integer', known: { strategy: 'canary', bakeTime: 0 } },
    {
      setting: 'linearStepBakeTime',
      kind: 'integer',
      known: { strategy: 'linear', bakeTime: 0, linearStepPercent: 100 },
    },
  ],
  codeDeployTerminationWait: [{ setting: 'bakeTime', kind: 'integer', known: { strategy: 'codedeploy' } }],
  canaryPercent: [{ setting: 'canaryPercent', kind: 'tenths' }],
  linearStepPercent: [{ setting: 'linearStepPercent', kind: 'tenths' }],
  ecsNameLength: (['cluster', 'service', 'containerName'] as const).map((setting) => ({
    setting,
    kind: 'length',
    text: (n: number) => 'a'.repeat(n),
  })),
  ecrRepositoryLength: [{ setting: 'ecrRepository', kind: 'length', text: (n) => 'a'.repeat(n) }],
  healthCheckPathLength: [{ setting: 'healthCheckPath', kind: 'length', text: (n) => '/'.padEnd(n, 'a').slice(0, n) }],
  codeCommitRepositoryLength: [
    {
      setting: 'repository',
      kind: 'length',
      text: (n) => 'a'.repeat(n),
      known: { source: 'codecommit' },
      belowMinAllowed: true,
    },
  ],
  repositoryIdLength: [
    {
      setting: 'repository',
      kind: 'length',
      text: (n) => `a/${'b'.repeat(Math.max(0, n - 2))}`.slice(0, n),
      known: { source: 'connection' },
    },
  ],
  lambdaFunctionNameLength: [
    { setting: 'validationHook', kind: 'length', text: (n) => ARN('f'.repeat(n)), known: { strategy: 'blue-green' } },
  ],
  branchNameLength: [{ setting: 'branch', kind: 'length', text: (n) => 'b'.repeat(n) }],
  fargateVcpuQuota: [{ setting: 'fargateVcpuQuota', kind: 'integer', known: { autoscaling: 'cpu' } }],
  cpuScalingTarget: [{ setting: 'scalingTarget', kind: 'integer', known: { autoscaling: 'cpu' } }],
  requestScalingTarget: [{ setting: 'scalingTarget', kind: 'integer', known: { autoscaling: 'requests' } }],
};

const ok = (setting: SettingName, value: unknown, known: Partial<Settings> = {}) => {
  const result = check(setting, value, known);
  return 'error' in result ? result.error : true;
};

/** The value at `n` (a bound, or one step past it) as the use writes it. */
const at = (use: Use, n: number) => (use.kind === 'length' ? use.text!(n) : n);
const step = (use: Use) => (use.kind === 'tenths' ? 0.1 : 1);
/** "5-300": how the rule text shows the range. */
const shown = (use: Use, { min, max }: Range) =>
  use.kind === 'tenths' ? `${min.toFixed(1)}-${max.toFixed(1)}` : `${min}-${max}`;
const round = (n: number) => Math.round(n * 10) / 10;

describe('every limit is covered', () => {
  it('each limit of aws-limits.ts names the settings it bounds (a new limit needs a line here)', () => {
    expect(Object.keys(USES).sort()).toEqual(Object.keys(LIMITS).sort());
  });
});

const CASES = (Object.entries(USES) as [LimitName, Use[]][]).flatMap(([limit, uses]) =>
  uses.map((use) => ({ limit, range: LIMITS[limit], use, name: `${limit} -> ${use.setting}` })),
);

describe.each(CASES)('$name', ({ range, use }) => {
  const decl = SETTINGS.find((d) => d.name === use.setting)!;

  it('the validator accepts min and max and rejects one step beyond', () => {
    expect(ok(use.setting, at(use, range.min), use.known)).toBe(true);
    expect(ok(use.setting, at(use, range.max), use.known)).toBe(true);
    expect(ok(use.setting, at(use, round(range.max + step(use))), use.known)).not.toBe(true);
    const belowMin = round(range.min - step(use));
    if (!use.belowMinAllowed) expect(ok(use.setting, at(use, belowMin), use.known)).not.toBe(true);
  });

  it('the rule text shows the same bounds', () => {
    expect(decl.rule).toContain(shown(use, range));
  });

  if (use.kind !== 'length') {
    it('the message of a rejected value names the bounds', () => {
      const fmt = (n: number) => (use.kind === 'tenths' ? n.toFixed(1) : String(n));
      expect(ok(use.setting, round(range.max + step(use)), use.known)).toContain(
        `from ${fmt(range.min)} to ${fmt(range.max)}`,
      );
    });
  }
});

describe('limits that are not a range of one setting', () => {
  it(`appName: at most ${APP_NAME_MAX} characters, in the validator and the rule`, () => {
    expect(ok('appName', 'a'.repeat(APP_NAME_MAX))).toBe(true);
    expect(ok('appName', 'a'.repeat(APP_NAME_MAX + 1))).toMatch(new RegExp(`at most ${APP_NAME_MAX}`));
    expect(SETTINGS.find((d) => d.name === 'appName')!.rule).toContain(`at most ${APP_NAME_MAX} characters`);
  });

  it(`canary and linear bake times: CloudFormation's ${CFN_MAX_BAKE_MINUTES} minutes, in the validators and the rules`, () => {
    const max = LIMITS.ecsBakeTime.max;
    expect(ok('canaryBakeTime', CFN_MAX_BAKE_MINUTES - max, { bakeTime: max })).toBe(true);
    expect(ok('canaryBakeTime', CFN_MAX_BAKE_MINUTES - max + 1, { bakeTime: max })).toMatch(
      new RegExp(`over ${CFN_MAX_BAKE_MINUTES} minutes`),
    );
    for (const name of ['canaryBakeTime', 'linearStepBakeTime']) {
      expect(SETTINGS.find((d) => d.name === name)!.rule).toContain(`at most ${CFN_MAX_BAKE_MINUTES}`);
    }
  });
});
