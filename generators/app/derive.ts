// Values that follow from the settings, computed once and handed to every template.
import type { Settings } from './types.js';
import { ALB_IDLE_TIMEOUT, FARGATE_MAX_STOP_TIMEOUT } from './aws-limits.js';
import { estimateDeployment, type Estimate } from './estimate.js';
import { traitsOf, type Traits } from './strategies.js';
import { NAT_GATEWAY_MONTHLY_USD, NAT_GATEWAY_PER_GB_USD, PRICES, TLS_POLICY } from './aws-limits.js';
import { secretResource } from './validators.js';
import dependencyVersions from './dependency-versions/package.json' with { type: 'json' };

/** Seconds kept between the end of the drain and the stop timeout, for requests in flight to finish and the app to exit. */
export const SHUTDOWN_MARGIN = 15;
/**
 * Share of each health check interval a check may come late: the ALB documents the interval as "the approximate amount
 * of time between health checks of an individual target" (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroup.html),
 * and each load balancer node checks on its own clock. The rehearsal runs HAProxy with this much jitter (spread-checks).
 */
export const CHECK_JITTER = 0.1;
/** Seconds for the failing checks' own duration (answered at once while draining) and the app's timer. */
export const CHECK_SLACK = 1;

/** The drain's terms, each in whole seconds, so the README and the error messages can show the arithmetic. */
export interface DrainTerms {
  /** interval x unhealthy threshold: the failed checks after the signal. */
  checks: number;
  /** A check already in flight when the signal arrives may still pass, up to the timeout later. */
  inFlightCheck: number;
  /** Jitter (CHECK_JITTER of each interval, rounded up) plus CHECK_SLACK. */
  margin: number;
  drainSeconds: number;
  stopTimeout: number;
}

/** What the drain depends on (a plain type: settings.ts validates with it, so it must not depend on Settings). */
export interface HealthCheckTimes {
  healthCheckInterval: number;
  healthCheckTimeout: number;
  unhealthyThreshold: number;
}

/**
 * The drain is long enough for the load balancer to see the task fail in the worst phase: SIGTERM right after a check
 * started (which may still pass, up to the timeout later), then unhealthyThreshold checks, each an interval later, each
 * up to CHECK_JITTER late. stopTimeout adds SHUTDOWN_MARGIN for requests in flight when the drain ends.
 */
export function drainTerms(s: HealthCheckTimes): DrainTerms {
  const checks = s.healthCheckInterval * s.unhealthyThreshold;
  const inFlightCheck = s.healthCheckTimeout;
  const margin = Math.ceil(checks * CHECK_JITTER) + CHECK_SLACK;
  const drainSeconds = checks + inFlightCheck + margin;
  return { checks, inFlightCheck, margin, drainSeconds, stopTimeout: drainSeconds + SHUTDOWN_MARGIN };
}

/** Cross-field rule: the drain and the shutdown margin must fit ECS's stopTimeout maximum (no silent cap: a shorter drain loses requests). */
export function validateDrainFits(s: Partial<HealthCheckTimes>): true | string {
  if (s.healthCheckInterval === undefined || s.healthCheckTimeout === undefined || s.unhealthyThreshold === undefined)
    return true;
  const t = drainTerms(s as HealthCheckTimes);
  if (t.stopTimeout <= FARGATE_MAX_STOP_TIMEOUT) return true;
  return (
    `the drain these health check settings need (healthCheckInterval ${s.healthCheckInterval} x unhealthyThreshold ${s.unhealthyThreshold} ` +
    `+ healthCheckTimeout ${s.healthCheckTimeout} + margin ${t.margin} = ${t.drainSeconds} s) plus ${SHUTDOWN_MARGIN} s to finish requests ` +
    `is a stopTimeout of ${t.stopTimeout} s, above ECS's Fargate maximum of ${FARGATE_MAX_STOP_TIMEOUT} s: ` +
    'lower healthCheckInterval, unhealthyThreshold or healthCheckTimeout (a shorter drain would lose requests)'
  );
}

export interface Derived {
  /** What the chosen strategy is made of (strategies.ts): templates ask these, never the strategy's name. */
  traits: Traits;
  /** Seconds the app keeps serving after SIGTERM while /status answers 503. */
  drainSeconds: number;
  /** Task definition stopTimeout: drain + SHUTDOWN_MARGIN, within Fargate's limit (validateDrainFits). */
  stopTimeout: number;
  /** How the drain was computed. */
  drain: DrainTerms;
  /** Milliseconds for server.keepAliveTimeout: above the ALB idle timeout. */
  keepAliveTimeoutMs: number;
  /** Milliseconds for server.headersTimeout: above keepAliveTimeout. */
  headersTimeoutMs: number;
  /** Milliseconds a dependency check may take before it counts as failed: below the ALB health check timeout. */
  checkTimeoutMs: number;
  /** Base image of the Dockerfile: the ECR Public mirror of the official Node image. */
  baseImage: string;
  /** CodeBuild image with Docker and the Node runtime. */
  codeBuildImage: string;
  /** Versions of the generated project's dependencies. */
  versions: Record<string, string>;
  /** How long one deployment takes, step by step, with warnings (estimate.ts). */
  estimate: Estimate;
  /** The production edge, decided once for every template and the README. */
  edge: Edge;
  /** What these settings cost a month, item by item (README "What it costs" and its opening). */
  cost: MonthlyCost;
}

/** USD a month of running these settings all month at the PRICES of aws-limits.ts, each item once (unrounded: the
 * README rounds what it shows). */
export interface MonthlyCost {
  prices: typeof PRICES;
  /** One task (cpu and memory) for a month. */
  taskMonth: number;
  tasks: number;
  tasksMonth: number;
  albMonth: number;
  /** Public IPv4 addresses: one per task in public subnets, one per Availability Zone of the load balancer (two). */
  publicAddresses: number;
  ipv4Month: number;
  /** The NAT gateway and its address (0 without private subnets). */
  natMonth: number;
  total: number;
}

function costOf(s: Settings, privateTasks: boolean): MonthlyCost {
  const p = PRICES;
  const taskMonth = ((s.cpu / 1024) * p.vcpuHour + (s.memory / 1024) * p.gbHour) * p.monthHours;
  const tasksMonth = s.desiredCount * taskMonth;
  const albMonth = (p.albHour + p.lcuHour) * p.monthHours;
  const publicAddresses = (privateTasks ? 0 : s.desiredCount) + 2;
  const ipv4Month = publicAddresses * p.ipv4Hour * p.monthHours;
  const natMonth = privateTasks ? NAT_GATEWAY_MONTHLY_USD : 0;
  const total = tasksMonth + albMonth + ipv4Month + natMonth;
  return {
    prices: p,
    taskMonth,
    tasks: s.desiredCount,
    tasksMonth,
    albMonth,
    publicAddresses,
    ipv4Month,
    natMonth,
    total,
  };
}

export interface Edge {
  /** HTTPS on 443 with port 80 redirecting, at `domain`. */
  https: boolean;
  /** The stack requests an ACM certificate validated in the hosted zone (no certificateArn given). */
  createCertificate: boolean;
  /** The stack adds an alias record for the domain in the hosted zone. */
  aliasRecord: boolean;
  tlsPolicy: string;
  /** Port of the production listener: 443 with HTTPS, 80 otherwise. */
  listenerPort: number;
  /** Tasks in private subnets behind a NAT gateway (network new with privateSubnets). */
  privateTasks: boolean;
  /** Whether the tasks get a public IP (they need a route to ECR and CloudWatch Logs). */
  assignPublicIp: 'ENABLED' | 'DISABLED';
  /** Monthly cost of the NAT gateway, when there is one. */
  natMonthlyUsd: number;
  natPerGbUsd: number;
  /** Application Auto Scaling manages the task count. */
  scaling: boolean;
  /** Target tracking on requests per task across both target groups (strategies that move traffic between two). */
  requestsAcrossTargetGroups: boolean;
  /** Names of the secrets the app refuses to start without. */
  secretNames: string[];
  /** IAM resources the execution role reads the secrets from, by service. */
  secretResources: { ssm: string[]; secretsmanager: string[] };
}

function edgeOf(s: Settings): Edge {
  const https = s.domain !== '';
  const privateTasks = s.network === 'new' && s.privateSubnets === true;
  const scaling = s.autoscaling !== 'off';
  const valueFroms = Object.values(s.secrets);
  return {
    https,
    createCertificate: https && !s.certificateArn,
    aliasRecord: https && Boolean(s.hostedZoneId),
    tlsPolicy: TLS_POLICY,
    listenerPort: https ? 443 : 80,
    privateTasks,
    assignPublicIp: privateTasks ? 'DISABLED' : 'ENABLED',
    natMonthlyUsd: NAT_GATEWAY_MONTHLY_USD,
    natPerGbUsd: NAT_GATEWAY_PER_GB_USD,
    scaling,
    requestsAcrossTargetGroups: scaling && s.autoscaling === 'requests' && traitsOf(s.strategy).shiftsTraffic,
    secretNames: Object.keys(s.secrets),
    secretResources: {
      ssm: [...new Set(valueFroms.filter((a) => a.split(':')[2] === 'ssm'))],
      secretsmanager: [...new Set(valueFroms.filter((a) => a.split(':')[2] === 'secretsmanager').map(secretResource))],
    },
  };
}

/** Values every template reads; the settings were validated, so the drain fits the stop timeout (validateDrainFits). */
export function derive(s: Settings): Derived {
  const drain = drainTerms(s);
  const { drainSeconds, stopTimeout } = drain;
  const keepAliveTimeoutMs = (ALB_IDLE_TIMEOUT + 5) * 1000;
  // Under autoscaling a deployment may have to replace up to maxCount tasks: the estimate counts that many.
  const counted = s.autoscaling !== 'off' && s.maxCount !== undefined ? { ...s, desiredCount: s.maxCount } : s;
  const estimate = estimateDeployment(counted, { drainSeconds, stopTimeout });
  const edge = edgeOf(s);
  return {
    traits: traitsOf(s.strategy),
    drainSeconds,
    stopTimeout,
    drain,
    keepAliveTimeoutMs,
    headersTimeoutMs: keepAliveTimeoutMs + 1000,
    checkTimeoutMs: Math.max(500, s.healthCheckTimeout * 1000 - 1000),
    baseImage: `public.ecr.aws/docker/library/node:${s.nodeVersion}-slim`,
    codeBuildImage: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
    versions: { ...dependencyVersions.dependencies, ...dependencyVersions.devDependencies },
    estimate,
    edge,
    cost: costOf(s, edge.privateTasks),
  };
}
