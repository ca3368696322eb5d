// Values that follow from the settings, computed once and handed to every template.
import {
  ALB_IDLE_TIMEOUT,
  AWS_CLI_MIN_VERSION,
  ECS_HEALTH_CHECK_MAX_START_PERIOD,
  NAT_GATEWAY_MONTHLY_USD,
  NAT_GATEWAY_PER_GB_USD,
  PRICES,
  TLS_POLICY,
} from '../settings/aws-limits.js';
import { PER_ENVIRONMENT, type Settings } from '../settings/declaration.js';
import { drainTerms, type DrainTerms } from '../settings/drain.js';
import {
  DEFAULT_ENVIRONMENT,
  environmentList,
  environmentsOf,
  type EnvironmentNames,
} from '../settings/environments.js';
import { SMOKE, estimateDeployment, estimateRun, type Estimate, type RunEstimate } from '../settings/estimate.js';
import { traitsOf, type Traits } from '../settings/strategies.js';
import { secretResource } from '../settings/validators.js';
import dependencyVersions from './dependency-versions/package.json' with { type: 'json' };

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
  /** The health check command of the image and the task definition: Node's own fetch (the slim image has no curl), passing on the target group's 200 only. */
  healthCheckCommand: string[];
  /** The task definition's container health check (containerHealthCheckOf). */
  containerHealthCheck: ContainerHealthCheck;
  /** Base image of the Dockerfile: the ECR Public mirror of the official Node image. */
  baseImage: string;
  /** CodeBuild image with Docker and the Node runtime. */
  codeBuildImage: string;
  /** The lowest AWS CLI v2 that npm run deploy and npm run teardown accept (aws-limits.ts). */
  awsCliMinVersion: string;
  /** Versions of the generated project's dependencies. */
  versions: Record<string, string>;
  /** How long one deployment takes, step by step, with warnings (estimate.ts). */
  estimate: Estimate;
  /** The production edge, decided once for every template and the README. */
  edge: Edge;
  /** What these settings cost a month, item by item (README "What it costs" and its opening). */
  cost: MonthlyCost;
  /** The environments the pipeline promotes one image through, in order, with their AWS names (environments.ts). */
  environments: Environment[];
  /** The default environment's names, also when the list no longer has it (teardown --environment finds its stack). */
  defaultEnvironment: EnvironmentNames;
  /** A whole pipeline run through every environment (estimate.ts). */
  run: RunEstimate;
  /** The smoke test's bound between two environments. */
  smoke: typeof SMOKE;
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

/** An environment: its names, and the service stack parameters its own settings give (environmentSettings). */
export interface Environment extends EnvironmentNames {
  parameters: Record<string, string>;
  /** What it costs a month running all month, with its own desiredCount (costOf). */
  monthlyCost: number;
}

/** The service stack parameters of one environment's settings (staging.desiredCount=1: DesiredCount 1). */
function parametersOf(environment: string, entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entries).flatMap(([key, value]) => {
      const [name, setting] = key.split('.');
      const parameter = PER_ENVIRONMENT.find((d) => d.name === setting)?.perEnvironment;
      return name === environment && parameter ? [[parameter, value.trim()]] : [];
    }),
  );
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

export interface ContainerHealthCheck {
  interval: number;
  timeout: number;
  retries: number;
  startPeriod: number;
}

/**
 * ECS ignores the image's HEALTHCHECK and runs only the task definition's
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/healthcheck.html). It gets the load balancer's interval,
 * timeout and unhealthy threshold, so it never calls a task unhealthy before the load balancer would, and a start period
 * up to the grace period (ECS caps it at 300 s; the service's grace period covers container checks too:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html). ECS's 60 s timeout maximum is never
 * in the way: validateDrainFits keeps 2 x interval + timeout under 105 s with the timeout below the interval.
 */
function containerHealthCheckOf(s: Settings): ContainerHealthCheck {
  return {
    interval: s.healthCheckInterval,
    timeout: s.healthCheckTimeout,
    retries: s.unhealthyThreshold,
    startPeriod: Math.min(s.healthCheckGracePeriod, ECS_HEALTH_CHECK_MAX_START_PERIOD),
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
    healthCheckCommand: [
      'node',
      '-e',
      `fetch('http://127.0.0.1:' + process.env.PORT + '${s.healthCheckPath}').then((res) => process.exit(res.status === 200 ? 0 : 1), () => process.exit(1))`,
    ],
    containerHealthCheck: containerHealthCheckOf(s),
    baseImage: `public.ecr.aws/docker/library/node:${s.nodeVersion}-slim`,
    codeBuildImage: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
    awsCliMinVersion: AWS_CLI_MIN_VERSION,
    versions: { ...dependencyVersions.dependencies, ...dependencyVersions.devDependencies },
    estimate,
    edge,
    cost: costOf(s, edge.privateTasks),
    environments: environmentsOf(environmentList(s.environments), s).map((e) => ({
      ...e,
      parameters: parametersOf(e.name, s.environmentSettings),
      monthlyCost: costOf(
        { ...s, desiredCount: Number(parametersOf(e.name, s.environmentSettings).DesiredCount ?? s.desiredCount) },
        edge.privateTasks,
      ).total,
    })),
    defaultEnvironment: environmentsOf([DEFAULT_ENVIRONMENT], s)[0],
    run: estimateRun(s, estimate, environmentList(s.environments)),
    smoke: SMOKE,
  };
}
