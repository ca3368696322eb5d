// A deployment rehearsal: the ECS scheduler replayed against HAProxy configured like the target groups, under load,
// with SIGTERM placed against the balancer's health checks.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadBalancer, type HealthCheck, type TargetGroup } from './haproxy.js';
import { startLoad } from './load.js';
import { Probe } from './probe.js';
import { generatorModule, type Project } from './project.js';
import type { Exit, Runtime, Task } from './tasks.js';

export type Strategy = 'rolling' | 'blue-green' | 'canary' | 'linear' | 'codedeploy';

/**
 * When each old task gets SIGTERM:
 * - worst: right after a passing health check, while the balancer still routes to it (it has to see the next
 *   unhealthyThreshold checks fail, the longest the app's drain must cover);
 * - random: at a random moment of the check interval, while the balancer still routes to it;
 * - ecs: in ECS's order: deregistered first (HAProxy drain state: no new requests), SIGTERM once the balancer has no
 *   request in flight on it or the deregistration delay ran out.
 */
export type Phase = 'worst' | 'random' | 'ecs';

export interface RehearsalOptions {
  project: Project;
  runtime: Runtime;
  phase: Phase;
  /** Every time of the settings is multiplied by this one factor. */
  timeScale: number;
  /** Environment that tells each task its (scaled) shutdown times. */
  taskEnv: (scaled: ScaledTimes) => Record<string, string>;
  /** First of the loopback ports this rehearsal may use (listeners, then one per task). */
  basePort: number;
  load: { rate: number; connections: number; slowConnections: number };
  /** Path the load requests, and the slow route's requests are answered as (default /: the generated app's root). */
  loadPath?: string;
  /** HAProxy spread-checks: percent of jitter on each check interval. */
  jitterPercent: number;
  /** PEM for HTTPS on the production listener (port 80's stand-in then redirects). */
  tlsPem?: string;
  /** Rolling: the desired count changes to this when the first old task starts stopping (a scale-out mid-rollout). */
  scaleOutTo?: number;
}

export interface ScaledTimes {
  intervalMs: number;
  timeoutMs: number;
  deregistrationMs: number;
  drainMs: number;
  stopTimeoutMs: number;
  /** How long the slow route holds each request: in flight when the drain of a task ends, done before its stop timeout. */
  slowMs: number;
}

export interface StoppedTask {
  name: string;
  exit: Exit;
  /** Milliseconds from SIGTERM to exit. */
  exitMs: number;
  /** SIGKILLed, or exited only after the stop timeout. */
  killed: boolean;
  /** Milliseconds from "the balancer stopped routing to it" to "the app stopped listening"; negative loses requests. */
  gapMs: number;
  /** Requests the task was still serving when it stopped listening. */
  inFlightAtClose: number;
}

export interface RehearsalResult {
  requests: number;
  non2xx: number;
  errors: number;
  failed: number;
  stopped: StoppedTask[];
  /** Seconds from the first new task to the last old task gone, scaled back to real time. */
  rolloutSeconds: number;
  /** The generator's estimate for the same settings, with this machine's measured task start instead of Fargate's. */
  estimate: { best: number; worst: number };
  /** With TLS: what the plain-HTTP listener answered (a permanent redirect to HTTPS). */
  redirect?: { status: number; location: string | null };
  line: string;
}

export function scaleTimes(p: Project, timeScale: number): ScaledTimes {
  const ms = (seconds: number) => Math.round(seconds * 1000 * timeScale);
  const stopTimeoutMs = ms(p.derived.stopTimeout);
  const drainMs = ms(p.derived.drainSeconds);
  return {
    intervalMs: ms(p.settings.healthCheckInterval),
    timeoutMs: ms(p.settings.healthCheckTimeout),
    deregistrationMs: ms(p.settings.deregistrationDelay),
    drainMs,
    stopTimeoutMs,
    slowMs: Math.round((stopTimeoutMs - drainMs) * 0.8),
  };
}

const minutes = (m: number | undefined, timeScale: number) => Math.round((m ?? 0) * 60_000 * timeScale);

/** Production traffic steps of a shifting strategy: [percent to green, then wait ms], as ECS or CodeDeploy moves it. */
export function shiftPlan(s: Project['settings'], timeScale: number): [number, number][] {
  const steps = (first: number, step: number, waitMs: number): [number, number][] => {
    const plan: [number, number][] = [];
    for (let p = first; p < 100 - 1e-9; p += step) plan.push([Math.round(p * 10) / 10, waitMs]);
    return [...plan, [100, 0]];
  };
  switch (s.strategy) {
    case 'canary':
      return [
        [Number(s.canaryPercent), minutes(Number(s.canaryBakeTime), timeScale)],
        [100, 0],
      ];
    case 'linear':
      return steps(
        Number(s.linearStepPercent),
        Number(s.linearStepPercent),
        minutes(Number(s.linearStepBakeTime), timeScale),
      );
    case 'codedeploy': {
      const config = String(s.codeDeployConfig);
      const canary = /Canary(\d+)Percent(\d+)Minutes/.exec(config);
      if (canary)
        return [
          [Number(canary[1]), minutes(Number(canary[2]), timeScale)],
          [100, 0],
        ];
      const linear = /Linear(\d+)PercentEvery(\d+)Minutes?/.exec(config);
      if (linear) return steps(Number(linear[1]), Number(linear[1]), minutes(Number(linear[2]), timeScale));
      return [[100, 0]];
    }
    default:
      return [[100, 0]];
  }
}

/** The tasks of one rehearsal, the load balancer in front of them and the probe listening to both. */
class Fleet {
  private nextPort: number;
  private count = 0;
  readonly stopped: StoppedTask[] = [];
  /** Milliseconds from starting each task to its app listening. */
  readonly startMs: number[] = [];
  private readonly live = new Set<Task>();
  /** Tasks that exited without being stopped (ECS would replace them; here the rehearsal fails with the reason). */
  private readonly crashed: string[] = [];
  private readonly stopping = new Set<Task>();

  constructor(
    readonly lb: LoadBalancer,
    readonly probe: Probe,
    private runtime: Runtime,
    private readonly times: ScaledTimes,
    private env: Record<string, string>,
    private readonly check: HealthCheck,
    private readonly phase: Phase,
    firstTaskPort: number,
  ) {
    this.nextPort = firstTaskPort;
  }

  /** A new task definition (image and environment): the tasks launched from now on run it, as a deployment's do. */
  define(runtime: Runtime, extraEnv: Record<string, string> = {}): void {
    this.runtime = runtime;
    this.env = { ...this.env, ...extraEnv };
  }

  /** The tasks running now (not stopped). */
  get running(): Task[] {
    return [...this.live].filter((t) => !this.stopping.has(t));
  }

  /** Starts a task and registers it; the load balancer sends it nothing until it passes its checks. */
  async launch(group: TargetGroup): Promise<Task> {
    const name = `${group}${++this.count}`;
    const port = this.nextPort++;
    await this.lb.register(group, name, port);
    const started = Date.now();
    const task = await this.runtime.start(name, port, { ...this.env, PROBE_TASK: name });
    this.live.add(task);
    void task.exited.then((exit) => {
      if (!this.stopping.has(task) && this.live.has(task))
        this.crashed.push(`${name} (port ${port}) exited by itself: ${JSON.stringify(exit)}`);
    });
    void this.probe.listening(name, 120_000).then(
      (at) => this.startMs.push(at - started),
      () => undefined,
    );
    return task;
  }

  /** Throws if a task exited without being stopped. */
  assertNoCrash(): void {
    if (this.crashed.length > 0) throw new Error(this.crashed.join('; '));
  }

  /** Waits until every task passed `healthyThreshold` checks (a minute to start, then the checks themselves). */
  async untilHealthy(group: TargetGroup, tasks: Task[]): Promise<void> {
    const deadline =
      Date.now() + 60_000 + (this.check.healthyThreshold + 2) * (this.times.intervalMs + this.times.timeoutMs);
    for (;;) {
      this.assertNoCrash();
      const status = await this.lb.status(group);
      if (tasks.every((t) => status.get(t.name) === 'UP')) return;
      if (Date.now() > deadline) throw new Error(`tasks not healthy in time: ${JSON.stringify([...status])}`);
      await sleep(20);
    }
  }

  /** ECS stop order, with SIGTERM placed by the phase; the balancer takes the task out by its own checks or drain state. */
  async stop(group: TargetGroup, task: Task): Promise<void> {
    const { times } = this;
    const checksMs = (this.check.unhealthyThreshold + 2) * (times.intervalMs + times.timeoutMs) + 10_000;
    let stoppedRoutingAt: number | undefined;
    this.stopping.add(task);
    if (this.phase === 'ecs') {
      await this.lb.drain(group, task.name);
      stoppedRoutingAt = Date.now();
      const until = stoppedRoutingAt + times.deregistrationMs;
      while (Date.now() < until && ((await this.lb.servers(group)).get(task.name)?.sessions ?? 0) > 0) await sleep(20);
    } else if (this.phase === 'worst') {
      await this.probe.nextPassingCheck(task.name, checksMs);
    } else {
      await sleep(Math.random() * times.intervalMs);
    }
    const signalledAt = Date.now();
    await task.signal('SIGTERM');
    // The stop timeout runs from the signal's delivery (podman kill takes a moment to deliver it).
    const termAt = Date.now();
    const late = await Promise.race([task.exited.then(() => false), sleep(times.stopTimeoutMs).then(() => true)]);
    if (late) await task.signal('SIGKILL');
    const exit = await task.exited;
    this.live.delete(task);
    stoppedRoutingAt ??= await this.probe.down(task.name, signalledAt, checksMs);
    const closing = this.probe.closing(task.name);
    const exitMs = exit.at - termAt;
    this.stopped.push({
      name: task.name,
      exit,
      exitMs,
      killed: exit.signal === 'SIGKILL' || exitMs > times.stopTimeoutMs,
      // An app that never closes its server (the negative control) stops listening when it exits.
      gapMs: (closing.at ?? exit.at) - stoppedRoutingAt,
      inFlightAtClose: closing.inFlight ?? 0,
    });
    await this.lb.remove(group, task.name);
  }

  /** Ends whatever still runs after the rehearsal (not counted). */
  async cleanup(): Promise<void> {
    for (const task of this.live) this.stopping.add(task);
    await Promise.all([...this.live].map(async (t) => (await t.signal('SIGKILL'), await t.exited)));
    await this.lb.stop();
  }
}

/** Replays an ECS rolling update: start new tasks as far as maxPercent allows, stop old ones down to minHealthyPercent. */
async function rollingDeployment(fleet: Fleet, old: Task[], project: Project, scaleOutTo?: number): Promise<void> {
  const { rollingBounds } = await generatorModule('core/settings/aws-limits');
  const p = project.settings;
  let desired = p.desiredCount;
  let { minHealthy, maxRunning } = project.bounds;
  const fresh: { task: Task; healthy: boolean }[] = [];
  const stopping = new Set<Promise<void>>();
  const failures: unknown[] = [];
  const pending = [...old];
  // Each round starts or stops at least one task or waits for one; the bound only guards against a broken scheduler.
  for (let round = 0; round < 100_000; round++) {
    if (failures.length > 0) throw failures[0];
    fleet.assertNoCrash();
    const status = await fleet.lb.status('blue');
    for (const f of fresh) f.healthy = status.get(f.task.name) === 'UP';
    if (pending.length === 0 && stopping.size === 0 && fresh.length === desired && fresh.every((f) => f.healthy))
      return;
    const running = pending.length + stopping.size + fresh.length;
    const toStart = Math.min(maxRunning - running, desired - fresh.length);
    for (let i = 0; i < toStart; i++) fresh.push({ task: await fleet.launch('blue'), healthy: false });
    const healthyNew = fresh.filter((f) => f.healthy).length;
    const toStop = Math.min(pending.length, pending.length + healthyNew - minHealthy);
    for (let i = 0; i < toStop; i++) {
      const stop: Promise<void> = fleet
        .stop('blue', pending.shift()!)
        .catch((error) => void failures.push(error))
        .finally(() => stopping.delete(stop));
      stopping.add(stop);
      // Scale-out while the deployment runs: ECS applies the new desired count to the new deployment.
      if (scaleOutTo !== undefined && desired !== scaleOutTo) {
        desired = scaleOutTo;
        ({ minHealthy, maxRunning } = rollingBounds(desired, p.minHealthyPercent, p.maxPercent));
      }
    }
    await sleep(20);
  }
  throw new Error('rolling deployment did not finish');
}

/**
 * ECS blue/green, canary and linear, and CodeDeploy: a full new task set behind the green target group, test traffic
 * through the test listener, production traffic moved by the strategy's weights, the bake time, then blue stopped.
 */
async function shiftingDeployment(fleet: Fleet, old: Task[], project: Project, timeScale: number): Promise<void> {
  const green: Task[] = [];
  for (let i = 0; i < project.settings.desiredCount; i++) green.push(await fleet.launch('green'));
  await fleet.untilHealthy('green', green);
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`http://127.0.0.1:${fleet.lb.testPort}/`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`test listener answered ${res.status}`);
  }
  for (const [percent, waitMs] of shiftPlan(project.settings, timeScale)) {
    await fleet.lb.shiftToGreen(percent);
    await sleep(waitMs);
  }
  await sleep(minutes(Number(project.settings.bakeTime ?? 0), timeScale));
  await Promise.all(old.map((t) => fleet.stop('blue', t)));
}

interface StandOptions {
  /** Prefix of the temporary directory (HAProxy's configuration and socket). */
  label: string;
  project: Project;
  runtime: Runtime;
  phase: Phase;
  timeScale: number;
  taskEnv: (scaled: ScaledTimes) => Record<string, string>;
  basePort: number;
  load: { rate: number; connections: number; slowConnections: number };
  jitterPercent: number;
  tlsPem?: string;
  loadPath?: string;
}

/** What a rehearsal stands up before a deployment: the balancer, the desired count of healthy tasks, the load on them. */
interface Stand {
  times: ScaledTimes;
  fleet: Fleet;
  /** The tasks started first (the version served before the deployment). */
  tasks: Task[];
  load: Awaited<ReturnType<typeof startLoad>>;
  loadStartedAt: number;
  /** Ends the tasks, the balancer and the probe, and removes the temporary directory (not the load: its counts are the result). */
  close: () => Promise<void>;
}

async function standUp(options: StandOptions): Promise<Stand> {
  const { project } = options;
  const times = scaleTimes(project, options.timeScale);
  const dir = mkdtempSync(path.join(os.tmpdir(), `bluegreen-${options.label}-`));
  const check: HealthCheck = {
    path: project.settings.healthCheckPath,
    intervalMs: times.intervalMs,
    timeoutMs: times.timeoutMs,
    healthyThreshold: project.settings.healthyThreshold,
    unhealthyThreshold: project.settings.unhealthyThreshold,
  };
  const probe = await Probe.start();
  let lb: LoadBalancer | undefined;
  let fleet: Fleet | undefined;
  const close = async () => {
    if (fleet) await fleet.cleanup();
    else await lb?.stop();
    probe.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    lb = await LoadBalancer.start(dir, {
      port: options.basePort,
      check,
      jitterPercent: options.jitterPercent,
      logPort: probe.port,
      tlsPem: options.tlsPem,
    });
    const env = {
      ...options.taskEnv(times),
      PROBE_PORT: String(probe.port),
      PROBE_HEALTH_PATH: project.settings.healthCheckPath,
      PROBE_SLOW_MS: String(times.slowMs),
      PROBE_SLOW_PATH: options.loadPath ?? '/',
    };
    fleet = new Fleet(lb, probe, options.runtime, times, env, check, options.phase, options.basePort + 10);
    const tasks: Task[] = [];
    for (let i = 0; i < project.settings.desiredCount; i++) tasks.push(await fleet.launch('blue'));
    await fleet.untilHealthy('blue', tasks);
    const base = `${options.tlsPem ? 'https' : 'http'}://127.0.0.1:${lb.port}`;
    const load = await startLoad({
      url: `${base}${options.loadPath ?? '/'}`,
      rate: options.load.rate,
      connections: options.load.connections,
      // Unscaled, the slow route holds each request 12 s with the defaults: over wrk's default 10 s timeout.
      slow: { url: `${base}/slow`, connections: options.load.slowConnections, timeoutMs: times.slowMs + 10_000 },
    });
    return { times, fleet, tasks, load, loadStartedAt: Date.now(), close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  const { project, runtime, timeScale, phase } = options;
  const strategy = project.settings.strategy as Strategy;
  const { times, fleet, tasks: old, load, loadStartedAt, close } = await standUp({ ...options, label: 'rehearsal' });
  const { lb } = fleet;
  try {
    let redirect: RehearsalResult['redirect'];
    let counts;
    let rolloutMs: number;
    let loadMs: number;
    try {
      if (options.tlsPem) {
        const res = await fetch(`http://127.0.0.1:${lb.redirectPort}/orders?page=2`, { redirect: 'manual' });
        redirect = { status: res.status, location: res.headers.get('location') };
      }
      // Steady state first, so a rehearsal that loses requests before the deployment is noticed too.
      await sleep(2 * times.intervalMs);
      const started = Date.now();
      if (strategy === 'rolling') await rollingDeployment(fleet, old, project, options.scaleOutTo);
      else await shiftingDeployment(fleet, old, project, timeScale);
      rolloutMs = Date.now() - started;
      await sleep(2 * times.intervalMs);
    } finally {
      counts = await load.stop();
      loadMs = Date.now() - loadStartedAt;
    }
    const { estimateSeconds } = await generatorModule('core/settings/estimate');
    const startSeconds = fleet.startMs.map((ms) => ms / 1000 / timeScale);
    const settings = options.scaleOutTo ? { ...project.settings, desiredCount: options.scaleOutTo } : project.settings;
    const estimate = estimateSeconds(settings, project.derived, {
      taskStart: { best: Math.min(...startSeconds), worst: Math.max(...startSeconds) },
      appBoot: 0,
    }) as { best: number; worst: number };
    const failed = counts.non2xx + counts.errors;
    const rolloutSeconds = rolloutMs / 1000 / timeScale;
    const gaps = fleet.stopped.map((s) => s.gapMs);
    const line =
      `rehearsal strategy=${strategy} phase=${phase} runtime=${runtime.name}${options.tlsPem ? ' tls=on' : ''}` +
      `${options.scaleOutTo ? ` scale=${project.settings.desiredCount}->${options.scaleOutTo}` : ''} ` +
      `requests=${counts.requests} rate_rps=${Math.round(counts.requests / (loadMs / 1000))} non2xx=${counts.non2xx} ` +
      `errors=${counts.errors} failed=${failed} stopped=${fleet.stopped.length} ` +
      `gap_min_ms=${Math.round(Math.min(...gaps))} gaps_ms=${gaps.map(Math.round).join(',')} ` +
      `in_flight_at_close=${fleet.stopped.map((s) => s.inFlightAtClose).join(',')} ` +
      `rollout_s=${Math.round(rolloutSeconds)} estimate_s=${Math.round(estimate.best)}-${Math.round(estimate.worst)}`;
    return { ...counts, failed, stopped: fleet.stopped, rolloutSeconds, estimate, redirect, line };
  } finally {
    await close();
  }
}

export interface EnvironmentOptions {
  /** The environment's name (staging, production), for the lines it prints. */
  name: string;
  project: Project;
  /** What its first tasks run (the version it serves before a promotion). */
  runtime: Runtime;
  timeScale: number;
  taskEnv: (scaled: ScaledTimes) => Record<string, string>;
  /** First of the loopback ports this environment may use (listener, then one per task). */
  basePort: number;
  load: { rate: number; connections: number; slowConnections: number };
  jitterPercent: number;
}

export interface EnvironmentResult {
  requests: number;
  non2xx: number;
  errors: number;
  failed: number;
  stopped: StoppedTask[];
  /** Rolling deployments done, and their seconds scaled back to real time. */
  rollouts: number[];
}

/**
 * One stand-in environment for a promotion: its own load balancer (HAProxy), tasks and load, up until stop(). Deploys
 * are ECS rolling updates in ECS's stop order (deregistered, then SIGTERM), as rehearse() replays them.
 */
export class Environment {
  private readonly rollouts: number[] = [];

  private constructor(
    readonly options: EnvironmentOptions,
    private readonly stand: Stand,
  ) {}

  private get fleet(): Fleet {
    return this.stand.fleet;
  }

  /** Starts the balancer and the desired count of tasks, waits until they are healthy, then starts the load. */
  static async start(options: EnvironmentOptions): Promise<Environment> {
    if (options.project.settings.strategy !== 'rolling')
      throw new Error('Environment replays rolling deployments only');
    const stand = await standUp({
      ...options,
      label: options.name,
      runtime: Environment.named(options.name, options.runtime),
      phase: 'ecs',
    });
    return new Environment(options, stand);
  }

  /** A runtime whose containers carry the environment's name: two environments' task names (blue1...) are the same. */
  static named(environment: string, runtime: Runtime): Runtime {
    return {
      name: runtime.name,
      start: async (name, port, env) => ({ ...(await runtime.start(`${environment}-${name}`, port, env)), name }),
    };
  }

  /** The environment's URL (its load balancer's listener). */
  get url(): string {
    return `http://127.0.0.1:${this.fleet.lb.port}`;
  }

  get tasks(): Task[] {
    return this.fleet.running;
  }

  /** A rolling deployment of a new task definition; resolves once every new task is healthy and every old one gone. */
  async deploy(runtime: Runtime, extraEnv: Record<string, string> = {}): Promise<number> {
    const old = this.fleet.running;
    this.fleet.define(Environment.named(this.options.name, runtime), extraEnv);
    const started = Date.now();
    await rollingDeployment(this.fleet, old, this.options.project);
    const seconds = (Date.now() - started) / 1000 / this.options.timeScale;
    this.rollouts.push(seconds);
    return seconds;
  }

  /** The version each of `count` requests to / was answered with (the app's {"version"}). */
  async versions(count = 20): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await fetch(`${this.url}/`);
      seen.push(res.ok ? String(((await res.json()) as { version?: unknown }).version) : `HTTP ${res.status}`);
    }
    return seen;
  }

  /** Stops the load (its counts are the result) and everything the environment started. */
  async stop(): Promise<EnvironmentResult> {
    try {
      const counts = await this.stand.load.stop();
      return {
        ...counts,
        failed: counts.non2xx + counts.errors,
        stopped: this.fleet.stopped,
        rollouts: this.rollouts,
      };
    } finally {
      await this.stand.close();
    }
  }
}
