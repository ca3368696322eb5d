// The deployment-time estimate against cases computed by hand (arithmetic in the comments), and its warnings.
import { describe, expect, it } from 'vitest';
import { derive } from '../../generators/app/derive.js';
import { describeEstimate, estimateDeployment, estimateSeconds, formatDuration } from '../../generators/app/estimate.js';
import { resolveSettings } from '../../generators/app/resolve.js';

/** Settings as a run with these flags and --yes would resolve them. */
const settingsWith = (flags: Record<string, unknown> = {}) =>
  resolveSettings({ flags, stored: {} }, { folderName: 'svc', gitRemote: '' });
const estimateWith = (flags: Record<string, unknown> = {}) => derive(settingsWith(flags)).estimate;
const totals = (flags: Record<string, unknown> = {}) => {
  const e = estimateWith(flags);
  return { best: e.best, worst: e.worst, waves: e.waves, perWave: e.perWave, dominant: e.dominant.label };
};
const warned = (flags: Record<string, unknown> = {}) => estimateWith(flags).warnings.map((w) => `${w.kind}:${w.setting}`);

// Defaults: interval 30, healthy 4, unhealthy 2, grace 60, deregistration 30, 3 tasks, 100/200 %.
// derive(): drain = 30 x 2 = 60 s, stopTimeout = 60 + 15 = 75 s. Fargate start 30 s (best) / 90 s (worst).
describe('rolling', () => {
  it('defaults: one wave; best 30 + 3x30 + 0 + 60 = 180 s, worst 90 + 4x30 + 30 + 75 = 315 s', () => {
    expect(totals()).toEqual({ best: 180, worst: 315, waves: 1, perWave: 3, dominant: 'pass the load balancer health checks' });
    expect(warned()).toEqual([]);
  });

  it("the article's settings (deregistration delay left at the load balancer's 300 s): worst 90 + 120 + 300 + 75 = 585 s", () => {
    expect(totals({ deregistrationDelay: 300 })).toEqual({
      best: 180, worst: 585, waves: 1, perWave: 3, dominant: 'deregistration delay of the old tasks',
    });
    expect(warned({ deregistrationDelay: 300 })).toEqual(['slow:deregistrationDelay']);
  });

  it('4 tasks at 50/100 %: may run 4, must keep 2, so 2 waves of 2; best 2 x 180, worst 2 x 315', () => {
    const flags = { desiredCount: 4, minHealthyPercent: 50, maxPercent: 100 };
    expect(totals(flags)).toMatchObject({ best: 360, worst: 630, waves: 2, perWave: 2 });
    // One wave needs floor(4 x max / 100) - 2 >= 4: max = 150.
    expect(estimateWith(flags).warnings).toEqual([expect.objectContaining({ kind: 'slow', setting: 'maxPercent', message: expect.stringContaining('maxPercent 150') })]);
  });

  it('3 tasks at 100/150 %: may run floor(4.5) = 4, must keep 3, so 3 waves of 1; 3 x 180 and 3 x 315', () => {
    expect(totals({ maxPercent: 150 })).toMatchObject({ best: 540, worst: 945, waves: 3, perWave: 1 });
    expect(estimateWith({ maxPercent: 150 }).warnings[0].message).toContain('maxPercent 200');
  });

  it('warns that minHealthyPercent 0 with one task allows downtime', () => {
    expect(warned({ desiredCount: 1, minHealthyPercent: 0, maxPercent: 100 })).toContain('unsafe:minHealthyPercent');
  });

  it('a grace period longer than the checks bounds the worst case: 300 s instead of 4 x 30 s', () => {
    const step = estimateWith({ healthCheckGracePeriod: 300 }).steps[1];
    expect(step).toMatchObject({ best: 90, worst: 300 });
    expect(totals({ healthCheckGracePeriod: 300 }).worst).toBe(90 + 300 + 30 + 75);
  });
});

describe('ECS blue/green, canary and linear, CodeDeploy (default bake 5 min = 300 s)', () => {
  it('blue-green: best 30 + 90 + 0 + 300 + 0 + 60 = 480 s, worst 90 + 120 + 0 + 300 + 30 + 75 = 615 s', () => {
    expect(totals({ strategy: 'blue-green' })).toEqual({
      best: 480, worst: 615, waves: 1, perWave: 3, dominant: 'bake (old tasks kept for an instant rollback)',
    });
  });

  it('canary 10 % with 5 min canary bake: 480 + 300 = 780 s, 615 + 300 = 915 s', () => {
    expect(totals({ strategy: 'canary' })).toMatchObject({ best: 780, worst: 915 });
  });

  it('linear 10 % every minute: 9 waits (no wait after 100 %) x 60 s: 480 + 540 = 1020 s, 1155 s', () => {
    expect(totals({ strategy: 'linear' })).toMatchObject({ best: 1020, worst: 1155, dominant: 'move production traffic' });
  });

  it('linear steps follow CloudFormation: 11 % -> 9 waits, 20 % -> 4, 33.3 % -> 3, 3 % -> 33', () => {
    const waits = (percent: number) => estimateWith({ strategy: 'linear', linearStepPercent: percent, linearStepBakeTime: 1, bakeTime: 0 }).steps[2].best / 60;
    expect([11, 20, 33.3, 3].map(waits)).toEqual([9, 4, 3, 33]);
  });

  it('codedeploy linear every 3 minutes without a bake: 27 min shift; 30 + 90 + 1620 + 0 + 0 + 60 = 1800 s', () => {
    const flags = { strategy: 'codedeploy', codeDeployConfig: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes', bakeTime: 0 };
    expect(totals(flags)).toMatchObject({ best: 1800, worst: 1935 });
    expect(warned(flags)).toEqual(['unsafe:bakeTime']);
  });

  it("no 60-minute warning: the pipeline deploys through CloudFormation, whose action waits up to 3 days (CodePipeline quotas)", () => {
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
    // drain = 5 x 2 = 10, stop 25; start 1 s; best 1 + 3x5 + 0 + 10 = 26; worst 1 + max(20, 60) + 5 + 25 = 91.
    expect(estimateSeconds(settings, { drainSeconds: 10, stopTimeout: 25 }, { taskStart: { best: 1, worst: 1 }, appBoot: 1 })).toEqual({
      best: 26, worst: 91, dominant: 'pass the load balancer health checks',
    });
    expect(estimateDeployment(settings, { drainSeconds: 10, stopTimeout: 25 }).best).toBe(30 + 15 + 10);
  });

  it('formats durations and names the dominant step and every warning in the end message', () => {
    expect([0, 59, 95, 3600, 3725].map(formatDuration)).toEqual(['0 s', '59 s', '1 min 35 s', '1 h', '1 h 2 min 5 s']);
    const text = describeEstimate(estimateWith({ deregistrationDelay: 300 }));
    expect(text).toContain('3 min to 9 min 45 s');
    expect(text).toContain('"deregistration delay of the old tasks" (up to 5 min)');
    expect(text).toContain('Warning (slow, deregistrationDelay)');
  });
});
