// The deployment-time estimate against cases computed by hand (arithmetic in the comments), and its warnings.
import { describe, expect, it } from 'vitest';
import { OLD_HEALTH_DEFAULTS } from './expected.js';
import { derive } from '../../generators/app/core/render/derive.js';
import { drainTerms, validateDrainFits } from '../../generators/app/core/settings/drain.js';
import {
  describeEstimate,
  estimateDeployment,
  estimateSeconds,
  formatDuration,
} from '../../generators/app/core/settings/estimate.js';
import { resolveSettings, SettingsError } from '../../generators/app/core/settings/resolve.js';

/** Settings as a run with these flags and --yes would resolve them. */
const settingsWith = (flags: Record<string, unknown> = {}) =>
  resolveSettings({ flags, stored: {} }, { folderName: 'svc', gitRemote: '' });
const estimateWith = (flags: Record<string, unknown> = {}) => derive(settingsWith(flags)).estimate;
const totals = (flags: Record<string, unknown> = {}) => {
  const e = estimateWith(flags);
  return { best: e.best, worst: e.worst, waves: e.waves, perWave: e.perWave, dominant: e.dominant.label };
};
const warned = (flags: Record<string, unknown> = {}) =>
  estimateWith(flags).warnings.map((w) => `${w.kind}:${w.setting}`);

// Defaults (fast): interval 10, timeout 5, healthy 2, unhealthy 2, grace 30, deregistration 20, 3 tasks, 100/200 %.
// derive(): drain = 10 x 2 + 5 + margin (ceil(10 % of 20) + 1 = 3) = 28 s, stopTimeout = 28 + 15 = 43 s.
// Fargate start 30 s (best) / 90 s (worst).
describe('rolling', () => {
  it('defaults: one wave; best 30 + 1x10 + 0 + 28 = 68 s, worst 90 + max(2x10, grace 30) + 20 + 43 = 183 s', () => {
    expect(totals()).toEqual({ best: 68, worst: 183, waves: 1, perWave: 3, dominant: 'start new tasks' });
    expect(warned()).toEqual([]);
  });

  it("the article's settings (--health-check-defaults article): drain 60 + 5 + 7 = 72 s, worst 90 + 120 + 300 + 87 = 597 s", () => {
    expect(totals({ healthCheckDefaults: 'article' })).toEqual({
      best: 30 + 90 + 0 + 72,
      worst: 597,
      waves: 1,
      perWave: 3,
      dominant: 'deregistration delay of the old tasks',
    });
    expect(warned({ healthCheckDefaults: 'article' })).toEqual(['slow:deregistrationDelay']);
  });

  it("the default worst case is at most a third of the article's (183 s against 597 s)", () => {
    expect(totals().worst * 3).toBeLessThanOrEqual(totals({ healthCheckDefaults: 'article' }).worst);
  });

  it('4 tasks at 50/100 %: may run 4, must keep 2, so 2 waves of 2; best 2 x 68, worst 2 x 183', () => {
    const flags = { desiredCount: 4, minHealthyPercent: 50, maxPercent: 100 };
    expect(totals(flags)).toMatchObject({ best: 136, worst: 366, waves: 2, perWave: 2 });
    // One wave needs floor(4 x max / 100) - 2 >= 4: max = 150.
    expect(estimateWith(flags).warnings).toEqual([
      expect.objectContaining({
        kind: 'slow',
        setting: 'maxPercent',
        message: expect.stringContaining('maxPercent 150'),
      }),
    ]);
  });

  it('3 tasks at 100/150 %: may run floor(4.5) = 4, must keep 3, so 3 waves of 1; 3 x 68 and 3 x 183', () => {
    expect(totals({ maxPercent: 150 })).toMatchObject({ best: 204, worst: 549, waves: 3, perWave: 1 });
    expect(estimateWith({ maxPercent: 150 }).warnings[0].message).toContain('maxPercent 200');
  });

  it('warns that minHealthyPercent 0 with one task allows downtime', () => {
    expect(warned({ desiredCount: 1, minHealthyPercent: 0, maxPercent: 100 })).toContain('unsafe:minHealthyPercent');
  });

  it('a grace period longer than the checks bounds the worst case: 300 s instead of 2 x 10 s', () => {
    const step = estimateWith({ healthCheckGracePeriod: 300 }).steps[1];
    expect(step).toMatchObject({ best: 10, worst: 300 });
    expect(totals({ healthCheckGracePeriod: 300 }).worst).toBe(90 + 300 + 20 + 43);
  });
});

describe('ECS blue/green, canary and linear, CodeDeploy (default bake 5 min = 300 s)', () => {
  it('blue-green: best 30 + 10 + 0 + 300 + 0 + 28 = 368 s, worst 90 + 30 + 0 + 300 + 20 + 43 = 483 s', () => {
    expect(totals({ strategy: 'blue-green' })).toEqual({
      best: 368,
      worst: 483,
      waves: 1,
      perWave: 3,
      dominant: 'bake (old tasks kept for an instant rollback)',
    });
  });

  it('canary 10 % with 5 min canary bake: 368 + 300 = 668 s, 483 + 300 = 783 s', () => {
    expect(totals({ strategy: 'canary' })).toMatchObject({ best: 668, worst: 783 });
  });

  it('linear 10 % every minute: 9 waits (no wait after 100 %) x 60 s: 368 + 540 = 908 s, 1023 s', () => {
    expect(totals({ strategy: 'linear' })).toMatchObject({
      best: 908,
      worst: 1023,
      dominant: 'move production traffic',
    });
  });

  it('linear steps follow CloudFormation: 11 % -> 9 waits, 20 % -> 4, 33.3 % -> 3, 3 % -> 33', () => {
    const waits = (percent: number) =>
      estimateWith({ strategy: 'linear', linearStepPercent: percent, linearStepBakeTime: 1, bakeTime: 0 }).steps[2]
        .best / 60;
    expect([11, 20, 33.3, 3].map(waits)).toEqual([9, 4, 3, 33]);
  });

  it('codedeploy linear every 3 minutes without a bake: 27 min shift; 30 + 10 + 1620 + 0 + 0 + 28 = 1688 s', () => {
    const flags = {
      strategy: 'codedeploy',
      codeDeployConfig: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
      bakeTime: 0,
    };
    expect(totals(flags)).toMatchObject({ best: 1688, worst: 90 + 30 + 1620 + 0 + 20 + 43 });
    expect(warned(flags)).toEqual(['unsafe:bakeTime']);
  });

  it('no 60-minute warning: the pipeline deploys through CloudFormation, whose action waits up to 3 days (CodePipeline quotas)', () => {
    // 9 waits x 10 min = 90 min of traffic steps alone, which the ECS deploy action (60 min at most) could not wait for.
    expect(warned({ strategy: 'linear', linearStepBakeTime: 10 })).toEqual([]);
  });
});

describe('warnings about health checks', () => {
  it('grace 0 with checks every 5 s, unhealthy after 2: marked dead (1 x 5 s) before the app boots', () => {
    const flags = { healthCheckGracePeriod: 0, healthCheckInterval: 5, healthCheckTimeout: 2 };
    expect(warned(flags)).toContain('unsafe:healthCheckGracePeriod');
    expect(warned({ ...flags, healthCheckGracePeriod: 10 })).not.toContain('unsafe:healthCheckGracePeriod');
  });

  it('a grace period of more than 10 minutes delays every rollback', () => {
    expect(warned({ healthCheckGracePeriod: 601 })).toContain('slow:healthCheckGracePeriod');
    expect(warned({ healthCheckGracePeriod: 600 })).not.toContain('slow:healthCheckGracePeriod');
  });

  it('deregistration delay 0 cuts requests in flight', () => {
    expect(warned({ deregistrationDelay: 0 })).toEqual(['unsafe:deregistrationDelay']);
  });
});

describe('interfaces for the end message and the rehearsal', () => {
  it('estimateSeconds takes measured platform timings instead of the Fargate figures', () => {
    const settings = settingsWith({ healthCheckInterval: 5, healthCheckTimeout: 2, deregistrationDelay: 5 });
    // Given drain 10, stop 25; start 1 s; best 1 + 1x5 + 0 + 10 = 16; worst 1 + max(2x5, grace 30) + 5 + 25 = 61.
    expect(
      estimateSeconds(
        settings,
        { drainSeconds: 10, stopTimeout: 25 },
        { taskStart: { best: 1, worst: 1 }, appBoot: 1 },
      ),
    ).toEqual({
      best: 16,
      worst: 61,
      dominant: 'pass the load balancer health checks',
    });
    expect(estimateDeployment(settings, { drainSeconds: 10, stopTimeout: 25 }).best).toBe(30 + 5 + 10);
  });

  it('formats durations and names the dominant step and every warning in the end message', () => {
    expect([0, 59, 95, 3600, 3725].map(formatDuration)).toEqual(['0 s', '59 s', '1 min 35 s', '1 h', '1 h 2 min 5 s']);
    const text = describeEstimate(estimateWith({ deregistrationDelay: 300 }));
    expect(text).toContain('1 min 8 s to 7 min 43 s');
    expect(text).toContain('"deregistration delay of the old tasks" (up to 5 min)');
    expect(text).toContain('Warning (slow, deregistrationDelay)');
  });
});

describe("the drain: long enough for the worst phase, within ECS's 120 s stopTimeout", () => {
  it('defaults: 10 x 2 failed checks + 5 s for a check under way + margin ceil(2) + 1 = 28 s; stopTimeout 28 + 15 = 43 s', () => {
    expect(drainTerms(settingsWith())).toEqual({
      checks: 20,
      inFlightCheck: 5,
      margin: 3,
      drainSeconds: 28,
      stopTimeout: 43,
    });
    expect(derive(settingsWith())).toMatchObject({ drainSeconds: 28, stopTimeout: 43 });
  });

  it('covers the failed checks arriving 10 % late each, plus a check under way that still passes', () => {
    for (const [interval, unhealthy, timeout] of [
      [5, 2, 2],
      [10, 2, 5],
      [30, 2, 5],
      [30, 3, 29],
      [60, 2, 10],
    ]) {
      const t = drainTerms({
        healthCheckInterval: interval,
        unhealthyThreshold: unhealthy,
        healthCheckTimeout: timeout,
      });
      // Worst phase: a check started just before SIGTERM passes at `timeout`; the next `unhealthy` come 1.1 x interval apart.
      expect(t.drainSeconds).toBeGreaterThanOrEqual(timeout + unhealthy * interval * 1.1 + 1);
    }
  });

  it('refuses settings whose drain cannot fit, naming them, rather than cutting the drain short', () => {
    // 30 x 3 + 5 + (9 + 1) = 105 s; + 15 = 120 s: fits exactly.
    expect(validateDrainFits({ healthCheckInterval: 30, unhealthyThreshold: 3, healthCheckTimeout: 5 })).toBe(true);
    const message = validateDrainFits({ healthCheckInterval: 30, unhealthyThreshold: 4, healthCheckTimeout: 5 });
    expect(message).toContain(
      'healthCheckInterval 30 x unhealthyThreshold 4 + healthCheckTimeout 5 + margin 13 = 138 s',
    );
    expect(message).toContain("stopTimeout of 153 s, above ECS's Fargate maximum of 120 s");
    expect(() => settingsWith({ healthCheckInterval: 30, unhealthyThreshold: 4 })).toThrow(SettingsError);
    expect(() => settingsWith({ healthCheckInterval: 30, unhealthyThreshold: 4 })).toThrow(
      /unhealthyThreshold = 4 \(from --unhealthy-threshold\): .*lower healthCheckInterval/,
    );
  });
});

describe('health check defaults', () => {
  it("fast by default; --health-check-defaults article gives the seed article's values; a given value wins", () => {
    const pick = (s: ReturnType<typeof settingsWith>) => [
      s.healthCheckInterval,
      s.healthCheckTimeout,
      s.healthyThreshold,
      s.unhealthyThreshold,
      s.healthCheckGracePeriod,
      s.deregistrationDelay,
    ];
    expect(pick(settingsWith())).toEqual([10, 5, 2, 2, 30, 20]);
    expect(pick(settingsWith({ healthCheckDefaults: 'article' }))).toEqual([30, 5, 4, 2, 60, 300]);
    expect(pick(settingsWith({ healthCheckDefaults: 'article', healthyThreshold: 3 }))).toEqual([30, 5, 3, 2, 60, 300]);
  });

  it('a folder generated with the old defaults keeps its stored values on regeneration', () => {
    const old = OLD_HEALTH_DEFAULTS;
    const s = resolveSettings({ flags: {}, stored: old }, { folderName: 'svc', gitRemote: '' });
    expect(s).toMatchObject(old);
  });
});

describe('the first deploy as a whole', () => {
  it('adds the stacks and the build to one start of the tasks; the network stack and NAT only when created', () => {
    const plain = estimateWith().firstDeploy.steps.map((s) => s.label);
    expect(plain).toEqual([
      'create the pipeline stack',
      'source and build (lint, tests, image)',
      'create the service stack: load balancer, cluster',
      'first tasks: start new tasks',
      'first tasks: pass the load balancer health checks',
    ]);
    const own = estimateWith({ network: 'new', privateSubnets: true }).firstDeploy.steps.map((s) => s.label);
    expect(own.slice(0, 2)).toEqual(['create the network stack', 'create its NAT gateway']);
  });

  it('counts the tasks once even when the deployment replaces them in waves (creation starts them all at once)', () => {
    // 3 tasks, minHealthy 100 %, max 134 %: 4 may run, 3 must stay healthy, so one task per wave, 3 waves.
    const e = estimateWith({ maxPercent: 134 });
    expect(e.waves).toBe(3);
    const start = e.firstDeploy.steps.find((s) => s.label === 'first tasks: start new tasks')!;
    expect([start.best, start.worst]).toEqual([30, 90]);
  });

  it('with CodeDeploy adds the whole deployment CodeDeploy runs after the service is created', () => {
    const e = estimateWith({ strategy: 'codedeploy' });
    const last = e.firstDeploy.steps.at(-1)!;
    expect(last.label).toBe('CodeDeploy deploys the first image once more');
    expect([last.best, last.worst]).toEqual([e.best, e.worst]);
    expect(e.firstDeploy.range).toBe(`${formatDuration(e.firstDeploy.best)} to ${formatDuration(e.firstDeploy.worst)}`);
  });
});
