// A deployment rehearsal: the ECS scheduler replayed against HAProxy configured like the target group, under load.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadBalancer, type HealthCheck, type TargetGroup } from './haproxy.js';
import { startLoad } from './load.js';
import type { Project } from './project.js';
import type { Exit, Runtime, Task } from './tasks.js';

export type Strategy = 'rolling' | 'blue-green';

export interface RehearsalOptions {
  project: Pick<Project, 'settings' | 'derived' | 'bounds' | 'estimateSeconds'>;
  runtime: Runtime;
  strategy: Strategy;
  /** Every time of the settings is multiplied by this one factor. */
  timeScale: number;
  /** Environment that tells each task its (scaled) shutdown times. */
  taskEnv: (scaled: ScaledTimes) => Record<string, string>;
  /** Path the load requests (not the health path: a draining app answers 503 there on purpose). */
  loadPath: string;
  /** First of the loopback ports this rehearsal may use (load balancer, then one per task). */
  basePort: number;
  load?: { rate: number; connections: number; maxSeconds: number };
}

export interface ScaledTimes {
  intervalMs: number;
  timeoutMs: number;
  deregistrationMs: number;
  drainMs: number;
  stopTimeoutMs: number;
  bakeMs: number;
}

export interface StoppedTask {
  name: string;
  exit: Exit;
  /** Milliseconds from SIGTERM to exit. */
  exitMs: number;
  /** SIGKILLed, or exited only after the stop timeout. */
  killed: boolean;
}

export interface RehearsalResult {
  strategy: Strategy;
  runtime: string;
  requests: number;
  non2xx: number;
  errors: number;
  failed: number;
  /** Seconds from the first new task to the last old task gone, scaled back to real time. */
  rolloutSeconds: number;
  estimateSeconds: number;
  stopped: StoppedTask[];
  line: string;
}

export function scaleTimes(p: RehearsalOptions['project'], timeScale: number): ScaledTimes {
  const ms = (seconds: number) => Math.round(seconds * 1000 * timeScale);
  return {
    intervalMs: ms(p.settings.healthCheckInterval),
    timeoutMs: ms(p.settings.healthCheckTimeout),
    deregistrationMs: ms(p.settings.deregistrationDelay),
    drainMs: ms(p.derived.drainSeconds),
    stopTimeoutMs: ms(p.derived.stopTimeout),
    bakeMs: ms(Number(p.settings.bakeTime ?? 0) * 60),
  };
}

export function rehearsalLine(r: Omit<RehearsalResult, 'line' | 'stopped'>): string {
  return (
    `rehearsal strategy=${r.strategy} runtime=${r.runtime} requests=${r.requests} non2xx=${r.non2xx} ` +
    `errors=${r.errors} failed=${r.failed} rollout_s=${Math.round(r.rolloutSeconds)} estimate_s=${Math.round(r.estimateSeconds)}`
  );
}

/** The tasks of one rehearsal and the load balancer in front of them. */
class Fleet {
  private nextPort: number;
  private count = 0;
  readonly stopped: StoppedTask[] = [];
  private readonly live = new Set<Task>();

  constructor(
    readonly lb: LoadBalancer,
    private readonly runtime: Runtime,
    private readonly times: ScaledTimes,
    private readonly env: Record<string, string>,
    private readonly check: HealthCheck,
    firstTaskPort: number,
  ) {
    this.nextPort = firstTaskPort;
  }

  /** Starts a task and registers it; the load balancer sends it nothing until it passes its checks. */
  async launch(group: TargetGroup): Promise<Task> {
    const name = `${group}${++this.count}`;
    const port = this.nextPort++;
    await this.lb.register(group, name, port);
    const task = await this.runtime.start(name, port, this.env);
    this.live.add(task);
    return task;
  }

  /** Waits until every task passed `healthyThreshold` checks (a minute to start, then the checks themselves). */
  async untilHealthy(group: TargetGroup, tasks: Task[]): Promise<void> {
    const deadline = Date.now() + 60_000 + (this.check.healthyThreshold + 2) * (this.times.intervalMs + this.times.timeoutMs);
    for (;;) {
      const status = await this.lb.status(group);
      if (tasks.every((t) => status.get(t.name) === 'UP')) return;
      if (Date.now() > deadline) throw new Error(`tasks not healthy in time: ${JSON.stringify([...status])}`);
      await sleep(50);
    }
  }

  private async untilDown(group: TargetGroup, name: string): Promise<void> {
    const deadline = Date.now() + 10_000 + (this.check.unhealthyThreshold + 1) * (this.times.intervalMs + this.times.timeoutMs);
    while ((await this.lb.status(group)).get(name)?.startsWith('UP')) {
      if (Date.now() > deadline) throw new Error(`${name} still up after it exited`);
      await sleep(50);
    }
  }

  /**
   * ECS stop order: deregister, wait the deregistration delay, SIGTERM, wait the stop timeout, SIGKILL.
   * The balancer keeps routing to the deregistered task until its health checks fail: the worst case, which users
   * report of ALBs (kubernetes-sigs/aws-load-balancer-controller#1064) and which the app's drain is sized for.
   * A balancer that stops at once (what the ALB documentation promises) would hide an app that exits at once.
   */
  async stop(group: TargetGroup, task: Task): Promise<void> {
    await sleep(this.times.deregistrationMs);
    // The stop timeout runs from the signal's delivery (podman kill takes a moment to deliver it).
    await task.signal('SIGTERM');
    const termAt = Date.now();
    const late = await Promise.race([task.exited.then(() => false), sleep(this.times.stopTimeoutMs).then(() => true)]);
    if (late) await task.signal('SIGKILL');
    const exit = await task.exited;
    const exitMs = exit.at - termAt;
    this.stopped.push({ name: task.name, exit, exitMs, killed: exit.signal === 'SIGKILL' || exitMs > this.times.stopTimeoutMs });
    this.live.delete(task);
    // The balancer drops the target only once its own checks find it down.
    await this.untilDown(group, task.name);
    await this.lb.remove(group, task.name);
  }

  /** Ends whatever still runs after the rehearsal (not counted). */
  async cleanup(): Promise<void> {
    await Promise.all([...this.live].map(async (t) => (await t.signal('SIGKILL'), await t.exited)));
    await this.lb.stop();
  }
}

/** Replays an ECS rolling update: start new tasks as far as maxPercent allows, stop old ones down to minHealthyPercent. */
async function rollingDeployment(fleet: Fleet, old: Task[], project: RehearsalOptions['project']): Promise<void> {
  const { settings: p, bounds: { minHealthy, maxRunning } } = project;
  const fresh: { task: Task; healthy: boolean }[] = [];
  const stopping = new Set<Promise<void>>();
  const failures: unknown[] = [];
  const pending = [...old];
  // Each round starts or stops at least one task or waits for one; the bound only guards against a broken scheduler.
  for (let round = 0; round < 100_000; round++) {
    if (failures.length > 0) throw failures[0];
    const status = await fleet.lb.status('blue');
    for (const f of fresh) f.healthy = status.get(f.task.name) === 'UP';
    if (pending.length === 0 && stopping.size === 0 && fresh.length === p.desiredCount && fresh.every((f) => f.healthy)) return;
    const running = pending.length + stopping.size + fresh.length;
    const toStart = Math.min(maxRunning - running, p.desiredCount - fresh.length);
    for (let i = 0; i < toStart; i++) fresh.push({ task: await fleet.launch('blue'), healthy: false });
    const healthyNew = fresh.filter((f) => f.healthy).length;
    const toStop = Math.min(pending.length, pending.length + healthyNew - minHealthy);
    for (let i = 0; i < toStop; i++) {
      const stop: Promise<void> = fleet
        .stop('blue', pending.shift()!)
        .catch((error) => void failures.push(error))
        .finally(() => stopping.delete(stop));
      stopping.add(stop);
    }
    await sleep(50);
  }
  throw new Error('rolling deployment did not finish');
}

/** ECS-native blue/green: a full new task set behind the green target group, all traffic switched at once, bake, then stop blue. */
async function blueGreenDeployment(fleet: Fleet, old: Task[], p: Project['settings'], times: ScaledTimes): Promise<void> {
  const green: Task[] = [];
  for (let i = 0; i < p.desiredCount; i++) green.push(await fleet.launch('green'));
  await fleet.untilHealthy('green', green);
  await fleet.lb.switchTo('green');
  await sleep(times.bakeMs);
  await Promise.all(old.map((t) => fleet.stop('blue', t)));
}

export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  const { project, runtime, strategy, timeScale } = options;
  const times = scaleTimes(project, timeScale);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bluegreen-rehearsal-'));
  const check: HealthCheck = {
    path: project.settings.healthCheckPath,
    intervalMs: times.intervalMs,
    timeoutMs: times.timeoutMs,
    healthyThreshold: project.settings.healthyThreshold,
    unhealthyThreshold: project.settings.unhealthyThreshold,
  };
  const lb = await LoadBalancer.start(dir, options.basePort, check);
  const fleet = new Fleet(lb, runtime, times, options.taskEnv(times), check, options.basePort + 1);
  try {
    const old: Task[] = [];
    for (let i = 0; i < project.settings.desiredCount; i++) old.push(await fleet.launch('blue'));
    await fleet.untilHealthy('blue', old);

    const loadOptions = options.load ?? { rate: 300, connections: 16, maxSeconds: 240 };
    const load = await startLoad({ url: `http://127.0.0.1:${lb.port}${options.loadPath}`, ...loadOptions });
    let result;
    let rolloutMs: number;
    try {
      // Steady state first, so a rehearsal that loses requests before the deployment is noticed too.
      await sleep(2 * times.intervalMs);
      const started = Date.now();
      if (strategy === 'rolling') await rollingDeployment(fleet, old, project);
      else await blueGreenDeployment(fleet, old, project.settings, times);
      rolloutMs = Date.now() - started;
      await sleep(2 * times.intervalMs);
    } finally {
      result = await load.stop();
    }
    const counts = {
      strategy,
      runtime: runtime.name,
      requests: result.requests,
      non2xx: result.non2xx,
      errors: result.errors,
      failed: result.non2xx + result.errors,
      rolloutSeconds: rolloutMs / 1000 / timeScale,
      estimateSeconds: project.estimateSeconds,
    };
    return { ...counts, stopped: fleet.stopped, line: rehearsalLine(counts) };
  } finally {
    await fleet.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}
