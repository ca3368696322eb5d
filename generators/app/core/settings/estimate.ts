// How long one deployment takes with these settings (best and worst case, step by step), and which settings make it
// needlessly slow or unsafe. Pure: the end message, the generated README and the rehearsal all read it.
import { CODEDEPLOY_CONFIGS, LIMITS, linearBakeSteps, rollingBounds } from './aws-limits.js';
import { traitsOf, type Strategy } from './strategies.js';
import type { SettingName, Settings } from './declaration.js';

/** What the estimate needs beyond the settings: the app's shutdown timing, from derive(). */
export interface ShutdownTiming {
  drainSeconds: number;
  stopTimeout: number;
}

/** Facts about the platform that are not settings; the rehearsal passes its own measured ones. */
export interface PlatformTiming {
  /** Seconds from ECS placing a task to the app listening: Fargate network interface, image pull, Node start. */
  taskStart: { best: number; worst: number };
  /** Seconds from the container starting to the app answering its health check. */
  appBoot: number;
}

/** Typical Fargate figures for a small Node image (not guaranteed: a cold image pull can take longer). */
export const FARGATE_TIMING: PlatformTiming = { taskStart: { best: 30, worst: 90 }, appBoot: 10 };

/** Typical seconds of what the first `npm run deploy` does before its first tasks start, for stacks of this size. AWS
 * publishes no creation times: these are figures, not guarantees, like FARGATE_TIMING. */
export const FIRST_DEPLOY_TIMING = {
  /** infra/network.yml: VPC, subnets, route tables, internet gateway. */
  networkStack: { best: 60, worst: 180 },
  /** Its NAT gateway and address, with private subnets: created and available in minutes. */
  natGateway: { best: 60, worst: 240 },
  /** infra/pipeline.yml: IAM roles, ECR repository, S3 bucket, CodeBuild project, pipeline. */
  pipelineStack: { best: 60, worst: 180 },
  /** The pipeline's source and build: CodeBuild provisioning, npm ci, lint, tests, docker build and push. */
  build: { best: 150, worst: 480 },
  /** infra/service.yml up to the service: load balancer (its provisioning is the longest), target groups, cluster. */
  serviceStack: { best: 120, worst: 300 },
} as const;

export interface Step {
  /** What happens, in words. */
  label: string;
  /** The arithmetic behind best and worst, for one occurrence of the step. */
  formula: { best: string; worst: string };
  /** How many times the step happens (rolling waves; 1 otherwise). */
  times: number;
  /** Seconds for all occurrences. */
  best: number;
  worst: number;
}

export interface Warning {
  kind: 'slow' | 'unsafe';
  /** The setting to change. */
  setting: SettingName;
  message: string;
}

export interface Estimate {
  strategy: Strategy;
  /** Tasks the deployment replaces: desiredCount, or maxCount under autoscaling (the most it may have to replace). */
  tasks: number;
  /** Rolling: waves of tasks replaced one after another; other strategies start every new task at once. */
  waves: number;
  /** Tasks replaced per wave. */
  perWave: number;
  /** Rolling: tasks ECS may run (desiredCount x maxPercent, rounded down) and must keep healthy (x minHealthyPercent, rounded up). */
  maxRunning: number;
  minHealthy: number;
  steps: Step[];
  best: number;
  worst: number;
  /** The step with the largest worst-case share. */
  dominant: Step;
  warnings: Warning[];
  /** The first `npm run deploy` as a whole: stacks, build, the first tasks started and healthy (no old ones to stop). */
  firstDeploy: { steps: Step[]; best: number; worst: number; /** "9 min 30 s to 24 min 3 s" */ range: string };
}

function step(label: string, times: number, best: [number, string], worst: [number, string]): Step {
  return { label, times, best: best[0] * times, worst: worst[0] * times, formula: { best: best[1], worst: worst[1] } };
}

const same = (seconds: number, text: string): [number, string] => [seconds, text];

/** Minutes spent moving production traffic, after the new tasks are healthy and before the bake time. */
function trafficShift(s: Settings): { seconds: number; text: string } {
  const traits = traitsOf(s.strategy);
  if (traits.codeDeploy) {
    const config = CODEDEPLOY_CONFIGS.find((c) => c.value === s.codeDeployConfig) ?? CODEDEPLOY_CONFIGS[0];
    return { seconds: config.shiftMinutes * 60, text: `${config.value}: ${config.shiftMinutes} min` };
  }
  switch (traits.ecsStrategy) {
    case 'CANARY': {
      const minutes = s.canaryBakeTime ?? 0;
      return {
        seconds: minutes * 60,
        text: `${s.canaryPercent} % first, the rest after canaryBakeTime ${minutes} min`,
      };
    }
    case 'LINEAR': {
      const steps = linearBakeSteps(s.linearStepPercent ?? 100);
      const minutes = s.linearStepBakeTime ?? 0;
      return {
        seconds: steps * minutes * 60,
        text: `${s.linearStepPercent} % per step: ${steps} waits x linearStepBakeTime ${minutes} min`,
      };
    }
    default:
      return { seconds: 0, text: 'all at once' };
  }
}

/** Estimates one deployment of the service, from the pipeline's deploy action starting to the old tasks being gone. */
export function estimateDeployment(
  s: Settings,
  shutdown: ShutdownTiming,
  platform: PlatformTiming = FARGATE_TIMING,
): Estimate {
  const rolling = traitsOf(s.strategy).replacesInWaves;
  const { maxRunning, minHealthy } = rollingBounds(s.desiredCount, s.minHealthyPercent, s.maxPercent);
  const perWave = rolling ? Math.min(s.desiredCount, Math.max(1, maxRunning - minHealthy)) : s.desiredCount;
  const waves = Math.ceil(s.desiredCount / perWave);
  const times = rolling ? waves : 1;
  const I = s.healthCheckInterval;
  const H = s.healthyThreshold;
  const healthyWorst = Math.max(H * I, s.healthCheckGracePeriod);

  const steps: Step[] = [
    step(
      rolling ? 'start new tasks' : 'start the new set of tasks',
      times,
      same(platform.taskStart.best, `${platform.taskStart.best} s (Fargate, warm)`),
      same(platform.taskStart.worst, `${platform.taskStart.worst} s (Fargate, cold image pull)`),
    ),
    step(
      'pass the load balancer health checks',
      times,
      [(H - 1) * I, `(healthyThreshold ${H} - 1) x interval ${I} s`],
      [
        healthyWorst,
        healthyWorst === H * I
          ? `healthyThreshold ${H} x interval ${I} s`
          : `healthCheckGracePeriod ${s.healthCheckGracePeriod} s (longer than ${H} x ${I} s)`,
      ],
    ),
  ];
  if (!rolling) {
    const shift = trafficShift(s);
    steps.push(step('move production traffic', 1, same(shift.seconds, shift.text), same(shift.seconds, shift.text)));
    const bake = (s.bakeTime ?? 0) * 60;
    const bakeText = `bakeTime ${s.bakeTime ?? 0} min`;
    steps.push(step('bake (old tasks kept for an instant rollback)', 1, same(bake, bakeText), same(bake, bakeText)));
  }
  steps.push(
    step(
      'deregistration delay of the old tasks',
      times,
      [0, 'no request in flight: the load balancer finishes at once'],
      [s.deregistrationDelay, `deregistrationDelay ${s.deregistrationDelay} s`],
    ),
    step(
      'stop the old tasks',
      times,
      [shutdown.drainSeconds, `the app's drain ${shutdown.drainSeconds} s after SIGTERM`],
      [shutdown.stopTimeout, `stopTimeout ${shutdown.stopTimeout} s, then SIGKILL`],
    ),
  );

  const best = steps.reduce((sum, x) => sum + x.best, 0);
  const worst = steps.reduce((sum, x) => sum + x.worst, 0);
  const dominant = steps.reduce((top, x) => (x.worst > top.worst ? x : top));
  const firstDeploy = firstDeployOf(s, steps, { best, worst });
  return {
    strategy: s.strategy,
    tasks: s.desiredCount,
    waves: times,
    perWave,
    maxRunning,
    minHealthy,
    steps,
    best,
    worst,
    dominant,
    warnings: warnings(s, shutdown, platform, { waves: times }),
    firstDeploy,
  };
}

/** The first deploy: the stacks and the build (FIRST_DEPLOY_TIMING), then the service's creation starts every task at
 * once and waits until they are healthy: one occurrence of the deployment's first two steps. CodeDeploy then deploys
 * the same image once more (README "Where changes go"): a whole deployment. */
function firstDeployOf(s: Settings, deployment: Step[], whole: { best: number; worst: number }) {
  const t = FIRST_DEPLOY_TIMING;
  const fixed = (label: string, range: { best: number; worst: number }) =>
    step(label, 1, same(range.best, 'typical'), same(range.worst, 'typical'));
  const once = (x: Step) => ({ ...x, times: 1, best: x.best / x.times, worst: x.worst / x.times });
  const steps: Step[] = [
    ...(s.network === 'new' ? [fixed('create the network stack', t.networkStack)] : []),
    ...(s.network === 'new' && s.privateSubnets ? [fixed('create its NAT gateway', t.natGateway)] : []),
    fixed('create the pipeline stack', t.pipelineStack),
    fixed('source and build (lint, tests, image)', t.build),
    fixed('create the service stack: load balancer, cluster', t.serviceStack),
    ...deployment.slice(0, 2).map((x) => once({ ...x, label: `first tasks: ${x.label}` })),
    ...(traitsOf(s.strategy).codeDeploy
      ? [
          step(
            'CodeDeploy deploys the first image once more',
            1,
            same(whole.best, 'the deployment estimate'),
            same(whole.worst, 'the deployment estimate'),
          ),
        ]
      : []),
  ];
  const best = steps.reduce((sum, x) => sum + x.best, 0);
  const worst = steps.reduce((sum, x) => sum + x.worst, 0);
  return { steps, best, worst, range: `${formatDuration(best)} to ${formatDuration(worst)}` };
}

/** Best and worst seconds only, for the rehearsal and benchmarks. */
export function estimateSeconds(s: Settings, shutdown: ShutdownTiming, platform: PlatformTiming = FARGATE_TIMING) {
  const { best, worst, dominant } = estimateDeployment(s, shutdown, platform);
  return { best, worst, dominant: dominant.label };
}

function warnings(
  s: Settings,
  shutdown: ShutdownTiming,
  platform: PlatformTiming,
  { waves }: { waves: number },
): Warning[] {
  const out: Warning[] = [];
  const traits = traitsOf(s.strategy);
  const I = s.healthCheckInterval;
  const U = s.unhealthyThreshold;
  if (s.deregistrationDelay > 2 * shutdown.drainSeconds) {
    out.push({
      kind: 'slow',
      setting: 'deregistrationDelay',
      message:
        `deregistrationDelay ${s.deregistrationDelay} s is far above the app's drain of ${shutdown.drainSeconds} s: ` +
        `each old task may wait ${s.deregistrationDelay} s for nothing; ${shutdown.drainSeconds} s is enough`,
    });
  }
  if (s.deregistrationDelay === 0) {
    out.push({
      kind: 'unsafe',
      setting: 'deregistrationDelay',
      message: 'deregistrationDelay 0 s: the load balancer cuts requests still in flight when a task is deregistered',
    });
  }
  if (traits.replacesInWaves) {
    const { minHealthy } = rollingBounds(s.desiredCount, s.minHealthyPercent, s.maxPercent);
    if (minHealthy === 0) {
      out.push({
        kind: 'unsafe',
        setting: 'minHealthyPercent',
        message: `minHealthyPercent ${s.minHealthyPercent} with ${s.desiredCount} task(s) lets ECS stop every running task before a new one is healthy: downtime`,
      });
    }
    const oneWave = Math.ceil((100 * (s.desiredCount + minHealthy)) / s.desiredCount);
    if (waves > 1 && oneWave <= LIMITS.maxPercent.max) {
      out.push({
        kind: 'slow',
        setting: 'maxPercent',
        message: `the rolling deployment runs in ${waves} waves, one after another; maxPercent ${oneWave} would replace every task in one wave`,
      });
    }
  } else if ((s.bakeTime ?? 0) === 0) {
    out.push({
      kind: 'unsafe',
      setting: 'bakeTime',
      message: 'bakeTime 0: the old tasks stop as soon as traffic has moved, so there is no instant rollback',
    });
  }
  const firstUnhealthy = s.healthCheckGracePeriod + (U - 1) * I;
  if (firstUnhealthy < platform.appBoot) {
    out.push({
      kind: 'unsafe',
      setting: 'healthCheckGracePeriod',
      message:
        `a new task can be marked unhealthy ${firstUnhealthy} s after it starts (grace ${s.healthCheckGracePeriod} s + ` +
        `(unhealthyThreshold ${U} - 1) x interval ${I} s), before the app can boot (~${platform.appBoot} s): raise healthCheckGracePeriod`,
    });
  }
  if (s.healthCheckGracePeriod > 10 * 60) {
    out.push({
      kind: 'slow',
      setting: 'healthCheckGracePeriod',
      message: `healthCheckGracePeriod ${s.healthCheckGracePeriod} s: a task that never becomes healthy is replaced, and a failed deployment rolled back, only after that long`,
    });
  }
  return out;
}

/** 95 -> "1 min 35 s"; 7200 -> "2 h". */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', sec || seconds === 0 ? `${sec} s` : ''];
  return parts.filter(Boolean).join(' ');
}

/** Lines for the end of a run: the range, the dominant step and every warning. */
export function describeEstimate(e: Estimate): string {
  const lines = [
    `Estimated deployment time (${e.strategy}, ${e.tasks} task(s)${e.waves > 1 ? ` in ${e.waves} waves of ${e.perWave}` : ''}): ` +
      `${formatDuration(e.best)} to ${formatDuration(e.worst)}; the longest step is "${e.dominant.label}" ` +
      `(up to ${formatDuration(e.dominant.worst)}). README.md "Deployment time" shows the arithmetic.`,
    ...e.warnings.map((w) => `  Warning (${w.kind}, ${w.setting}): ${w.message}.`),
  ];
  return lines.join('\n');
}

/** The smoke test's bound between two environments (scripts/smoke.mjs reads SMOKE_ATTEMPTS and SMOKE_INTERVAL_SECONDS;
 * infra/pipeline.yml sets them from here): at most attempts x interval of retries. */
export const SMOKE = { attempts: 10, intervalSeconds: 6 } as const;

/** Typical CodeBuild provisioning of a small Linux build and Node's start, before the smoke test's first request. */
export const SMOKE_TIMING = { best: 20, worst: 90 } as const;

/** A whole pipeline run through the environments: one build, each deployment, each smoke test; the approval's wait
 * (up to 7 days) is named, not counted. */
export interface RunEstimate {
  steps: Step[];
  best: number;
  worst: number;
  range: string;
  /** The environment the approval waits before, when manualApproval is on. */
  approvalBefore?: string;
}

export function estimateRun(s: Settings, deployment: Estimate, environments: readonly string[]): RunEstimate {
  const typical = (label: string, range: { best: number; worst: number }, times = 1) =>
    step(label, times, same(range.best, 'typical'), same(range.worst, 'typical'));
  const smokes = environments.length - 1;
  const steps: Step[] = [
    typical('source and build (lint, tests, image), once', FIRST_DEPLOY_TIMING.build),
    step(
      `deploy to ${environments.join(', then ')}`,
      environments.length,
      same(deployment.best, 'the deployment estimate'),
      same(deployment.worst, 'the deployment estimate'),
    ),
    ...(smokes > 0
      ? [
          step(
            `smoke test of ${environments.slice(0, -1).join(', ')}`,
            smokes,
            same(SMOKE_TIMING.best, 'CodeBuild start, first answer'),
            [
              SMOKE_TIMING.worst + SMOKE.attempts * SMOKE.intervalSeconds,
              `CodeBuild start ${SMOKE_TIMING.worst} + ${SMOKE.attempts} attempts x ${SMOKE.intervalSeconds} s`,
            ],
          ),
        ]
      : []),
  ];
  const best = steps.reduce((sum, x) => sum + x.best, 0);
  const worst = steps.reduce((sum, x) => sum + x.worst, 0);
  return {
    steps,
    best,
    worst,
    range: `${formatDuration(best)} to ${formatDuration(worst)}`,
    ...(s.manualApproval ? { approvalBefore: environments[environments.length - 1] } : {}),
  };
}
