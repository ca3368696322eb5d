// The one declaration of every setting: flag, prompt, default, validator and storage key.
// Prompts, CLI flags, --help, .yo-rc.json and the README's option table are all derived from SETTINGS.
import {
  APP_NAME_MAX,
  CERTIFICATE_DOMAIN_MAX,
  CFN_MAX_BAKE_MINUTES,
  CODEDEPLOY_CONFIGS,
  DEFAULT_FARGATE_VCPU_QUOTA,
  FARGATE_MAX_STOP_TIMEOUT,
  FARGATE_SIZES,
  IAM_ROLE_POLICY_MAX_CHARS,
  LIMITS,
  NAT_GATEWAY_MONTHLY_USD,
  NAT_GATEWAY_PER_GB_USD,
  NODE_VERSIONS,
  TASK_DEFINITION_MAX_BYTES,
  ENVIRONMENT_NAME_MAX,
  ENVIRONMENTS_MAX,
  STACK_NAME_MAX,
  rangeRule,
  tenthsRule,
} from './aws-limits.js';
import {
  DEFAULT_STRATEGY,
  STRATEGY_CHOICES,
  STRATEGY_TABLE,
  isStrategy,
  ownedByStrategy,
  type Strategy,
} from './strategies.js';
import type { Context } from './context.js';
import * as v from './validators.js';
import { SHUTDOWN_MARGIN, validateDrainFits } from './drain.js';
import { DEFAULT_ENVIRONMENT, environmentList } from './environments.js';

export type Group = 'app' | 'aws' | 'edge' | 'health' | 'deployment' | 'scaling' | 'source' | 'config';

export const GROUP_TITLES: Record<Group, string> = {
  app: 'Application',
  aws: 'AWS target',
  edge: 'Network and HTTPS',
  health: 'Load balancer health check',
  deployment: 'Deployment',
  scaling: 'Autoscaling',
  source: 'Source and pipeline',
  config: 'Configuration and secrets',
};

/** The value of each kind of setting (a choice narrows to the values of its choices). */
interface KindValues {
  text: string;
  integer: number;
  number: number;
  boolean: boolean;
  choice: string;
  // Repeatable KEY=VALUE flags (--env A=1 --env B=2), stored in .yo-rc.json as an object.
  pairs: Record<string, string>;
}

interface Common {
  name: SettingName;
  group: Group;
  /** Question asked interactively. */
  message: string;
  /** One line for --help and the README. */
  description: string;
  /** The allowed values, in words, for the README and --help. */
  rule: string;
  // Each entry's functions are checked against the value of its kind by `Typed` below.
  default: (settings: Partial<Settings>, context: Context) => NonNullable<Settings[SettingName]>;
  validate: (value: never, settings: Partial<Settings>) => v.Validation;
  /** Command-line flag, when it is not the kebab-case name (repeatable flags name one entry: --secret, --env). */
  flag?: string;
  /** Whether the setting applies to the other settings (for example, to the chosen strategy); such a setting is optional. */
  applies?: (settings: Partial<Settings>) => boolean;
  /** A decision only the user can make: asked in a new folder before the summary (the rest only on "customise"). */
  essential?: true;
  /** The values a number setting can take, when they are few: asked as a list. */
  values?: (settings: Partial<Settings>) => readonly number[];
  /** May differ between environments (--environment-setting ENVIRONMENT.SETTING=VALUE): the service stack parameter
   * (infra/service.yml) the pipeline's deploy action of that environment sets to it. */
  perEnvironment?: string;
  /** What a value stored in .yo-rc.json keeps once the other settings changed: entries that no longer apply go (the
   * overrides of an environment the regeneration removes) rather than refusing the run. */
  keepStored?: (value: never, settings: Partial<Settings>) => unknown;
}

export type SettingDeclaration =
  | (Common & { kind: Exclude<keyof KindValues, 'choice' | 'pairs'> })
  | (Common & { kind: 'choice'; choices: readonly { value: string; name: string }[] })
  | (Common & { kind: 'pairs'; /** One entry as --help shows it: KEY=VALUE. */ entry: string });

export const NETWORKS = [
  { value: 'default', name: "default: the account's default VPC and its public subnets, found at deploy time" },
  { value: 'existing', name: 'existing: a VPC and subnets you name at deploy time' },
  { value: 'new', name: 'new: infra/network.yml creates a VPC across two Availability Zones' },
] as const;

export const AUTOSCALING = [
  { value: 'off', name: 'off: the service keeps desiredCount tasks' },
  { value: 'requests', name: 'requests: target tracking on requests per task (ALBRequestCountPerTarget)' },
  { value: 'cpu', name: "cpu: target tracking on the service's average CPU" },
] as const;

/** Whether autoscaling is on (off when not chosen yet). */
const scales = (s: Partial<Settings>): boolean => (s.autoscaling ?? 'off') !== 'off';

const choiceOf =
  (choices: readonly { value: string }[]) =>
  (value: string): true | string =>
    choices.some((c) => c.value === value) ? true : `must be one of ${choices.map((c) => c.value).join(', ')}`;

// CodeCommit was closed to new AWS accounts on 25 July 2024 and returned to general availability, new accounts included,
// on 24 November 2025: https://aws.amazon.com/blogs/devops/aws-codecommit-returns-to-general-availability/
export const SOURCES = [
  { value: 'connection', name: 'connection: GitHub, GitHub Enterprise, Bitbucket or GitLab through CodeConnections' },
  {
    value: 'codecommit',
    name: 'codecommit: an AWS CodeCommit repository (open to new AWS accounts again since November 2025)',
  },
] as const;

/** "256: 512-2048; 512: 1024-4096; 1024: 2048-8192": the smallest Fargate sizes, as the memory rule shows them. */
const FARGATE_PAIRS = Object.entries(FARGATE_SIZES)
  .slice(0, 3)
  .map(([cpu, memory]) => `${cpu}: ${memory[0]}-${memory[memory.length - 1]}`)
  .join('; ');

/**
 * Starting points of the health check settings (a value given or stored for one of them wins). `fast` is safe by the
 * rehearsal (npm run test:e2e) and about 3x quicker to deploy; `article` is the seed article's 30 s x 4 with the load
 * balancer's own 5 s timeout and 300 s deregistration delay.
 */
export const HEALTH_CHECK_DEFAULTS = {
  fast: {
    healthCheckInterval: 10,
    healthCheckTimeout: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    healthCheckGracePeriod: 30,
    deregistrationDelay: 20,
  },
  article: {
    healthCheckInterval: 30,
    healthCheckTimeout: 5,
    healthyThreshold: 4,
    unhealthyThreshold: 2,
    healthCheckGracePeriod: 60,
    deregistrationDelay: 300,
  },
} as const;
type HealthDefault = keyof (typeof HEALTH_CHECK_DEFAULTS)['fast'];
const healthDefault: (name: HealthDefault) => (s: Known) => number = (name) => (s) =>
  HEALTH_CHECK_DEFAULTS[s.healthCheckDefaults === 'article' ? 'article' : 'fast'][name];
/** unhealthyThreshold: in range, and the drain it makes fits ECS's stopTimeout maximum. */
const validateUnhealthyThreshold: v.Validator<number> = v.all(v.validateThreshold, (value, s) =>
  validateDrainFits({
    healthCheckInterval: s.healthCheckInterval,
    healthCheckTimeout: s.healthCheckTimeout,
    unhealthyThreshold: value,
  }),
);

/** Turns a folder name into a valid appName. */
export function toAppName(folderName: string): string {
  const cleaned = folderName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, APP_NAME_MAX)
    .replace(/-+$/, '');
  return cleaned || 'service';
}

// The entries' own types (literal names, kinds and choices) make the `Settings` type below. No contextual type here (the
// type checker would loop: the functions read settings, whose type comes from these entries), so parameters are annotated.
const DECLARED = [
  {
    name: 'appName',
    kind: 'text',
    group: 'app',
    essential: true,
    message: 'Application name (used to name the AWS resources)',
    description: 'Name of the application; the prefix of every AWS resource name.',
    rule: `lowercase letters, digits and hyphens; starts with a letter; at most ${APP_NAME_MAX} characters`,
    default: (_s: Known, ctx: Context) => toAppName(ctx.folderName),
    validate: v.validateAppName,
  },
  {
    name: 'port',
    kind: 'integer',
    group: 'app',
    message: 'Port the container listens on',
    description: 'Port the app listens on inside the container (target group and security group use it too).',
    rule: `${rangeRule(LIMITS.port)} (the container runs as a non-root user)`,
    default: () => 3000,
    validate: v.validatePort,
  },
  {
    name: 'nodeVersion',
    kind: 'choice',
    group: 'app',
    message: 'Node.js LTS line',
    description: 'Node.js line for the Docker image and the CodeBuild runtime.',
    rule: `${NODE_VERSIONS.join(' or ')} (LTS lines offered by both the official Node image and CodeBuild)`,
    choices: NODE_VERSIONS.map((value) => ({ value, name: `Node.js ${value}` })),
    default: () => NODE_VERSIONS[0],
    validate: (value: string) =>
      (NODE_VERSIONS as readonly string[]).includes(value) ? true : `must be one of ${NODE_VERSIONS.join(', ')}`,
  },
  {
    name: 'region',
    kind: 'text',
    group: 'aws',
    essential: true,
    message: 'AWS region',
    description: 'AWS region the stacks are deployed to.',
    rule: 'an AWS region code, for example us-east-1 (not a China region: CodePipeline has no CloudFormation deploy action there)',
    default: () => 'us-east-1',
    validate: v.validateRegion,
  },
  {
    name: 'cluster',
    kind: 'text',
    group: 'aws',
    message: 'ECS cluster name',
    description: 'ECS cluster the service runs in (created by the service stack unless existingCluster is true).',
    rule: `${rangeRule(LIMITS.ecsNameLength)}: letters, digits, hyphens and underscores`,
    default: (s: Known) => `${s.appName}-cluster`,
    validate: v.validateEcsName,
  },
  {
    name: 'existingCluster',
    kind: 'boolean',
    group: 'aws',
    message: 'Does the cluster exist already (the service joins it; the stacks neither create nor delete it)?',
    description:
      'true: the service joins the existing cluster named by cluster; false: the service stack creates that cluster and deletes it with the stack.',
    rule: 'true or false',
    default: () => false,
    validate: (value: boolean) => (typeof value === 'boolean' ? true : 'must be true or false'),
  },
  {
    name: 'existingService',
    kind: 'boolean',
    group: 'aws',
    message: 'Add the pipeline to a service that already runs on ECS (named by cluster and service)?',
    description:
      'true: writes only the delivery (delivery/, src/zero-downtime/) into your repository and deploys the live service named by cluster and service; it creates no service, load balancer or cluster.',
    rule: 'true or false',
    default: () => false,
    validate: (value: boolean) => (typeof value === 'boolean' ? true : 'must be true or false'),
  },
  {
    name: 'service',
    kind: 'text',
    group: 'aws',
    message: 'ECS service name',
    description: 'ECS service name.',
    rule: `${rangeRule(LIMITS.ecsNameLength)}: letters, digits, hyphens and underscores`,
    default: (s: Known) => `${s.appName}`,
    validate: v.validateEcsName,
  },
  {
    name: 'containerName',
    kind: 'text',
    group: 'aws',
    message: 'Container name (task definition)',
    description: 'Container name in the task definition (and in taskdef.json and appspec.yaml with codedeploy).',
    rule: `${rangeRule(LIMITS.ecsNameLength)}: letters, digits, hyphens and underscores`,
    default: (s: Known) => `${s.appName}`,
    validate: v.validateContainerName,
  },
  {
    name: 'ecrRepository',
    kind: 'text',
    group: 'aws',
    message: 'ECR repository name',
    description: 'ECR repository the build pushes images to (created by the pipeline stack).',
    rule: `${rangeRule(LIMITS.ecrRepositoryLength)}: lowercase letters, digits, . _ - and / namespaces`,
    // ECR names need 2 characters; a one-letter appName (a folder named "a") gets a suffix.
    default: (s: Known) => (`${s.appName}`.length >= 2 ? `${s.appName}` : `${s.appName}-app`),
    validate: v.validateEcrRepository,
  },
  {
    name: 'cpu',
    kind: 'integer',
    group: 'aws',
    message: 'Task CPU units (256 = 0.25 vCPU)',
    description: 'Fargate task CPU units.',
    rule: Object.keys(FARGATE_SIZES).join(', '),
    values: () => Object.keys(FARGATE_SIZES).map(Number),
    default: () => 256,
    validate: v.validateCpu,
  },
  {
    name: 'memory',
    kind: 'integer',
    group: 'aws',
    message: 'Task memory (MiB)',
    description: 'Fargate task memory in MiB; must pair with cpu.',
    rule: `a Fargate pair with cpu (${FARGATE_PAIRS}; ...)`,
    values: (s: Known) => FARGATE_SIZES[s.cpu ?? 256] ?? [],
    default: (s: Known) => FARGATE_SIZES[s.cpu ?? 256]?.[0] ?? 512,
    validate: v.validateMemory,
  },
  {
    name: 'fargateVcpuQuota',
    kind: 'integer',
    group: 'aws',
    message: "Your account's Fargate On-Demand vCPU quota in this region",
    description:
      'The Fargate On-Demand vCPU quota the tasks must fit at the peak of a deployment: desiredCount, or maxCount with autoscaling (Service Quotas console).',
    rule: `${rangeRule(LIMITS.fargateVcpuQuota)} (AWS default: ${DEFAULT_FARGATE_VCPU_QUOTA})`,
    default: () => DEFAULT_FARGATE_VCPU_QUOTA,
    validate: v.validateVcpuQuota,
  },
  {
    name: 'network',
    kind: 'choice',
    group: 'edge',
    message: 'Network of the load balancer and the tasks',
    description: 'Where the service runs: the default VPC, a VPC you name, or a VPC of its own (infra/network.yml).',
    rule: NETWORKS.map((n) => n.value).join(', '),
    choices: NETWORKS,
    default: () => 'default',
    validate: choiceOf(NETWORKS),
  },
  {
    name: 'privateSubnets',
    kind: 'boolean',
    group: 'edge',
    message: `Run the tasks in private subnets behind one NAT gateway (about ${NAT_GATEWAY_MONTHLY_USD} USD a month more)?`,
    description: `network new: private subnets for the tasks, one NAT gateway (about ${NAT_GATEWAY_MONTHLY_USD} USD a month plus ${NAT_GATEWAY_PER_GB_USD} USD per GB), no public IP on the tasks.`,
    rule: 'true or false',
    default: () => false,
    validate: (value: boolean) => (typeof value === 'boolean' ? true : 'must be true or false'),
    applies: (s: Known) => s.network === 'new',
  },
  {
    name: 'domain',
    kind: 'text',
    group: 'edge',
    essential: true,
    message: 'Domain name of the service, served over HTTPS (empty: HTTP on the load balancer name)',
    description: 'Domain the service answers at over HTTPS; needs hostedZoneId or certificateArn. Empty: HTTP only.',
    rule: `empty or a domain name such as api.example.com (no wildcard, at most ${CERTIFICATE_DOMAIN_MAX} characters)`,
    default: () => '',
    validate: v.validateDomain,
  },
  {
    name: 'certificateArn',
    kind: 'text',
    group: 'edge',
    message:
      'ARN of an existing ACM certificate for the domain (empty: the stack requests one, validated in the hosted zone)',
    description:
      'Existing ACM certificate for the domain, in the same region; you then point the DNS name at the load balancer.',
    rule: 'empty or an ACM certificate ARN in --region',
    default: () => '',
    validate: v.validateCertificateArn,
    applies: (s: Known) => Boolean(s.domain),
  },
  {
    name: 'hostedZoneId',
    kind: 'text',
    group: 'edge',
    message:
      'Route 53 hosted zone id of the domain (the stack validates the certificate and adds the alias record there)',
    description: 'Route 53 public hosted zone of the domain: DNS validation of a new certificate and the alias record.',
    rule: 'a hosted zone id such as Z0123456789ABCDEFGHIJ; may be empty with certificateArn',
    default: () => '',
    validate: v.validateHostedZoneId,
    applies: (s: Known) => Boolean(s.domain),
  },
  {
    name: 'healthCheckDefaults',
    kind: 'choice',
    group: 'health',
    message: 'Health check defaults',
    description:
      "Where the health check settings start from: fast (10 s x 2) or the seed article's (30 s x 4, 300 s deregistration delay); a value given for one of them wins.",
    rule: 'fast or article',
    choices: [
      {
        value: 'fast',
        name: 'fast: interval 10 s, healthy 2, unhealthy 2, timeout 5 s, grace 30 s, deregistration 20 s',
      },
      {
        value: 'article',
        name: 'article: interval 30 s, healthy 4, unhealthy 2, timeout 5 s, grace 60 s, deregistration 300 s',
      },
    ],
    default: () => 'fast',
    validate: (value: string) => (value in HEALTH_CHECK_DEFAULTS ? true : 'must be fast or article'),
  },
  {
    name: 'healthCheckPath',
    kind: 'text',
    group: 'health',
    message: 'Health check path',
    description: 'Path the load balancer checks; the app serves its health report there.',
    rule: `${rangeRule(LIMITS.healthCheckPathLength)}: starts with /, then letters, digits and . _ ~ - /`,
    default: () => '/status',
    validate: v.validateHealthCheckPath,
  },
  {
    name: 'healthCheckInterval',
    kind: 'integer',
    group: 'health',
    message: 'Health check interval (seconds)',
    description: 'Seconds between two health checks of one target.',
    rule: rangeRule(LIMITS.healthCheckInterval),
    default: healthDefault('healthCheckInterval'),
    validate: v.validateHealthCheckInterval,
  },
  {
    name: 'healthCheckTimeout',
    kind: 'integer',
    group: 'health',
    message: 'Health check timeout (seconds)',
    description: 'Seconds without an answer after which a check fails.',
    rule: `${rangeRule(LIMITS.healthCheckTimeout)}, less than the interval`,
    default: (s: Known) => Math.min(healthDefault('healthCheckTimeout')(s), (s.healthCheckInterval ?? 30) - 1),
    validate: v.validateHealthCheckTimeout,
  },
  {
    name: 'healthyThreshold',
    kind: 'integer',
    group: 'health',
    message: 'Healthy threshold (consecutive successful checks)',
    description: 'Consecutive successful checks before a new task receives traffic.',
    rule: rangeRule(LIMITS.healthCheckThreshold),
    default: healthDefault('healthyThreshold'),
    validate: v.validateThreshold,
  },
  {
    name: 'unhealthyThreshold',
    kind: 'integer',
    group: 'health',
    message: 'Unhealthy threshold (consecutive failed checks)',
    description: 'Consecutive failed checks before a task is taken out of service.',
    rule: `${rangeRule(LIMITS.healthCheckThreshold)}; the drain (interval x threshold + timeout + margin) + ${SHUTDOWN_MARGIN} s must fit ECS's ${FARGATE_MAX_STOP_TIMEOUT} s stopTimeout`,
    default: healthDefault('unhealthyThreshold'),
    validate: validateUnhealthyThreshold,
  },
  {
    name: 'healthCheckGracePeriod',
    kind: 'integer',
    group: 'health',
    message: 'Health check grace period (seconds ECS ignores failed checks after a task starts)',
    description: 'Seconds after a task starts during which ECS ignores failed load balancer checks.',
    rule: rangeRule(LIMITS.healthCheckGracePeriod),
    default: healthDefault('healthCheckGracePeriod'),
    validate: v.validateGracePeriod,
  },
  {
    name: 'deregistrationDelay',
    kind: 'integer',
    group: 'health',
    message: 'Deregistration delay (seconds the load balancer drains an old task)',
    description: 'Seconds the load balancer lets requests in flight finish before a deregistered task is stopped.',
    rule: `${rangeRule(LIMITS.deregistrationDelay)} (the load balancer default, 300, slows every deploy)`,
    default: healthDefault('deregistrationDelay'),
    validate: v.validateDeregistrationDelay,
  },
  {
    name: 'strategy',
    kind: 'choice',
    group: 'deployment',
    essential: true,
    message: 'Deployment strategy',
    description: 'How a new version replaces the old one.',
    rule: STRATEGY_CHOICES.map((s) => s.value).join(', '),
    choices: STRATEGY_CHOICES,
    default: () => DEFAULT_STRATEGY,
    validate: v.all(
      (value) => (isStrategy(value) ? true : `must be one of ${STRATEGY_CHOICES.map((s) => s.value).join(', ')}`),
      v.validateCodeDeployNames,
    ),
  },
  {
    name: 'desiredCount',
    kind: 'integer',
    group: 'deployment',
    message: 'Number of tasks',
    description: 'Number of tasks the service keeps running.',
    rule: `${rangeRule(LIMITS.desiredCount)} (ECS tasks per service); its deployment peak (x 2 with two target groups) must fit fargateVcpuQuota`,
    default: () => 3,
    validate: v.validateDesiredCount,
    perEnvironment: 'DesiredCount',
  },
  {
    name: 'minHealthyPercent',
    kind: 'integer',
    group: 'deployment',
    message: 'Minimum healthy percent during a deployment',
    description: 'Lower limit of running tasks during a deployment, in percent of the desired count (rounded up).',
    rule: rangeRule(LIMITS.minHealthyPercent),
    default: () => 100,
    validate: v.validateMinHealthyPercent,
  },
  {
    name: 'maxPercent',
    kind: 'integer',
    group: 'deployment',
    message: 'Maximum percent during a deployment',
    description: 'Upper limit of running tasks during a deployment, in percent of the desired count (rounded down).',
    rule: `${rangeRule(LIMITS.maxPercent)}; with desiredCount and minHealthyPercent it must let a rolling deployment start or stop a task, and its peak fit fargateVcpuQuota`,
    default: () => 200,
    validate: v.validateMaxPercent,
  },
  {
    name: 'bakeTime',
    kind: 'integer',
    group: 'deployment',
    message: 'Bake time (minutes both versions keep running after all traffic moved; rollback is instant meanwhile)',
    description:
      'Minutes the old tasks keep running after production traffic moved (ECS BakeTimeInMinutes; CodeDeploy termination wait).',
    rule: `${rangeRule(LIMITS.ecsBakeTime)} (codedeploy: ${rangeRule(LIMITS.codeDeployTerminationWait)})`,
    default: () => 5,
    validate: v.validateBakeTime,
    applies: ownedByStrategy('bakeTime'),
  },
  {
    name: 'canaryPercent',
    kind: 'number',
    group: 'deployment',
    message: 'Canary percent (share of production traffic the new version gets first)',
    description: 'Percent of production traffic moved to the new tasks first (ECS CanaryPercent).',
    rule: tenthsRule(LIMITS.canaryPercent),
    default: () => 10,
    validate: v.validateCanaryPercent,
    applies: ownedByStrategy('canaryPercent'),
  },
  {
    name: 'canaryBakeTime',
    kind: 'integer',
    group: 'deployment',
    message: 'Canary bake time (minutes before the rest of the traffic moves)',
    description: 'Minutes between the canary shift and moving the rest of the traffic (ECS CanaryBakeTimeInMinutes).',
    rule: `${rangeRule(LIMITS.ecsBakeTime)}; bakeTime + canaryBakeTime at most ${CFN_MAX_BAKE_MINUTES}`,
    default: () => 5,
    validate: v.validateCanaryBakeTime,
    applies: ownedByStrategy('canaryBakeTime'),
  },
  {
    name: 'linearStepPercent',
    kind: 'number',
    group: 'deployment',
    message: 'Linear step percent (share of production traffic moved at each step)',
    description: 'Percent of production traffic moved at each step (ECS StepPercent).',
    rule: tenthsRule(LIMITS.linearStepPercent),
    default: () => 10,
    validate: v.validateLinearStepPercent,
    applies: ownedByStrategy('linearStepPercent'),
  },
  {
    name: 'linearStepBakeTime',
    kind: 'integer',
    group: 'deployment',
    message: 'Linear step bake time (minutes between two steps)',
    description: 'Minutes between two traffic steps (ECS StepBakeTimeInMinutes).',
    rule: `${rangeRule(LIMITS.ecsBakeTime)}; bakeTime + linearStepBakeTime x steps at most ${CFN_MAX_BAKE_MINUTES}`,
    default: () => 1,
    validate: v.validateLinearStepBakeTime,
    applies: ownedByStrategy('linearStepBakeTime'),
  },
  {
    name: 'codeDeployConfig',
    kind: 'choice',
    group: 'deployment',
    message: 'CodeDeploy traffic shifting',
    description: 'CodeDeploy deployment configuration: how traffic moves to the replacement task set.',
    rule: CODEDEPLOY_CONFIGS.map((c) => c.value).join(', '),
    choices: CODEDEPLOY_CONFIGS.map((c) => ({ value: c.value, name: `${c.value}: ${c.name}` })),
    default: () => CODEDEPLOY_CONFIGS[0].value,
    validate: v.validateCodeDeployConfig,
    applies: ownedByStrategy('codeDeployConfig'),
  },
  {
    name: 'rollbackAlarms',
    kind: 'boolean',
    group: 'deployment',
    message: 'Create CloudWatch alarms (5xx rate of the tasks, unhealthy targets) that roll a deployment back?',
    description:
      "Creates CloudWatch alarms on the tasks' 5xx rate and unhealthy targets; a deployment that sets one off is rolled back.",
    rule: 'true or false',
    // On: the circuit breaker only sees tasks that fail to start or to pass health checks, not a version that answers 5xx.
    default: () => true,
    validate: (value: boolean) => (typeof value === 'boolean' ? true : 'must be true or false'),
  },
  {
    name: 'validationHook',
    kind: 'text',
    group: 'deployment',
    message:
      'Lambda function that validates the new version on the test listener before production traffic moves (empty: none)',
    description:
      'ARN of your Lambda function run as a lifecycle hook after test traffic reaches the new tasks; empty: no hook.',
    rule: `empty or a Lambda function ARN (function name: ${rangeRule(LIMITS.lambdaFunctionNameLength)}), optionally :$LATEST, :VERSION or :ALIAS`,
    default: () => '',
    validate: v.validateLambdaArn,
    applies: ownedByStrategy('validationHook'),
  },
  {
    name: 'autoscaling',
    kind: 'choice',
    group: 'scaling',
    message: 'Autoscaling',
    description:
      'Application Auto Scaling target tracking on requests per task or on CPU; off keeps desiredCount tasks.',
    rule: AUTOSCALING.map((a) => a.value).join(', '),
    choices: AUTOSCALING,
    default: () => 'off',
    validate: choiceOf(AUTOSCALING),
  },
  {
    name: 'minCount',
    kind: 'integer',
    group: 'scaling',
    message: 'Fewest tasks autoscaling keeps',
    description: 'Lower bound of the task count under autoscaling.',
    rule: `${rangeRule(LIMITS.desiredCount)}, at most desiredCount`,
    default: (s: Known) => s.desiredCount ?? 3,
    validate: v.validateMinCount,
    applies: scales,
  },
  {
    name: 'maxCount',
    kind: 'integer',
    group: 'scaling',
    message: 'Most tasks autoscaling may run',
    description: 'Upper bound of the task count under autoscaling; a deployment may have to replace this many tasks.',
    rule: `${rangeRule(LIMITS.desiredCount)}, at least desiredCount; its deployment peak (x maxPercent, or x 2 with two target groups) must fit fargateVcpuQuota`,
    default: (s: Known) => 2 * (s.desiredCount ?? 3),
    validate: v.validateMaxCount,
    applies: scales,
  },
  {
    name: 'scalingTarget',
    kind: 'integer',
    group: 'scaling',
    message: 'Scaling target (requests per task per minute, or average CPU percent)',
    description: 'Value target tracking keeps the metric at: requests per task per minute, or CPU percent.',
    rule: `requests: ${rangeRule(LIMITS.requestScalingTarget)}; cpu: ${rangeRule(LIMITS.cpuScalingTarget)}`,
    default: (s: Known) => (s.autoscaling === 'cpu' ? 60 : 1000),
    validate: v.validateScalingTarget,
    applies: scales,
  },
  {
    name: 'source',
    kind: 'choice',
    group: 'source',
    message: 'Where the source code lives',
    description:
      'Source provider of the pipeline: GitHub, Bitbucket or GitLab through a connection, or CodeCommit (open to new AWS accounts again since 24 November 2025).',
    rule: SOURCES.map((s) => s.value).join(' or '),
    choices: SOURCES,
    default: () => 'connection',
    validate: (value: string) => (SOURCES.some((s) => s.value === value) ? true : 'must be connection or codecommit'),
  },
  {
    name: 'repository',
    kind: 'text',
    group: 'source',
    essential: true,
    message: 'Repository (owner/name for a connection, the name for CodeCommit; empty to decide at deploy time)',
    description: 'Source repository; empty makes it a required template parameter.',
    rule: `owner/name (${rangeRule(LIMITS.repositoryIdLength)}) for a connection, a CodeCommit name (${rangeRule(LIMITS.codeCommitRepositoryLength)}) otherwise; may be empty`,
    default: (s: Known, ctx: Context) => (s.source === 'codecommit' ? '' : ctx.gitRemote),
    validate: v.validateRepository,
  },
  {
    name: 'branch',
    kind: 'text',
    group: 'source',
    message: 'Branch that triggers a deployment',
    description: 'Branch the pipeline builds and deploys.',
    rule: `a git branch name of ${rangeRule(LIMITS.branchNameLength)}: ASCII letters, digits and . _ - / (no pattern character of GitHub Actions' branch filter)`,
    default: () => 'main',
    validate: v.validateBranch,
  },
  {
    name: 'connectionArn',
    kind: 'text',
    group: 'source',
    message: 'ARN of an existing CodeConnections connection (empty: the pipeline stack creates one)',
    description: 'Existing connection to use; empty creates one.',
    rule: 'empty or a connection ARN',
    default: () => '',
    validate: v.validateConnectionArn,
    applies: (s: Known) => s.source !== 'codecommit',
  },
  {
    name: 'manualApproval',
    kind: 'boolean',
    group: 'source',
    message: 'Add a manual approval stage before deploying?',
    description: 'Adds a manual approval stage between build and deploy.',
    rule: 'true or false',
    default: () => false,
    validate: (value: boolean) => (typeof value === 'boolean' ? true : 'must be true or false'),
  },
  {
    name: 'environment',
    kind: 'pairs',
    group: 'config',
    flag: 'env',
    entry: 'KEY=VALUE',
    message: 'Environment variables, KEY=VALUE separated by commas (plain text in the task definition; empty: none)',
    description:
      'Plain environment variables of the container; repeat the flag for each (--env LOG_LEVEL=info; yo: --environment).',
    rule: `KEY=VALUE; KEY a letter or _ then letters, digits, _; not AWS_*, ECS_* or a variable the app sets; with the secrets at most ${TASK_DEFINITION_MAX_BYTES / 1024} KiB in the task definition`,
    default: () => ({}),
    validate: v.validateEnv,
  },
  {
    name: 'secrets',
    kind: 'pairs',
    group: 'config',
    flag: 'secret',
    entry: 'KEY=ARN',
    message: 'Secrets, KEY=ARN separated by commas (SSM parameters or Secrets Manager secrets; empty: none)',
    description:
      'Secrets ECS injects as environment variables; repeat the flag for each (--secret DB_PASSWORD=arn:...).',
    rule: `KEY=ARN of an SSM parameter or a Secrets Manager secret in --region; as many as the task definition (${TASK_DEFINITION_MAX_BYTES / 1024} KiB) and the execution role's policy (${IAM_ROLE_POLICY_MAX_CHARS} characters) hold`,
    default: () => ({}),
    validate: v.validateSecrets,
  },
  {
    name: 'kmsKeyArn',
    kind: 'text',
    group: 'config',
    message: 'KMS key the secrets are encrypted with, if a customer managed key (empty: AWS managed keys)',
    description:
      'Customer managed KMS key of the secrets; the execution role may decrypt with it. Empty: AWS managed keys.',
    rule: 'empty or a KMS key ARN in --region',
    default: () => '',
    validate: v.validateKmsKeyArn,
    applies: (s: Known) => Object.keys(s.secrets ?? {}).length > 0,
  },
  {
    name: 'environments',
    kind: 'text',
    group: 'source',
    message: 'Environments the pipeline promotes each image through, in order, separated by commas',
    description:
      'Ordered environments (--environments staging,production): one image built once, deployed to each in turn, smoke-tested before the next.',
    rule: `1-${ENVIRONMENTS_MAX} names of lowercase letters, digits and hyphens (at most ${ENVIRONMENT_NAME_MAX} characters); each stack <appName>-<environment> within ${STACK_NAME_MAX} characters; ${DEFAULT_ENVIRONMENT} keeps the names of a one-environment repository (<appName>-service)`,
    default: () => DEFAULT_ENVIRONMENT,
    validate: v.validateEnvironments,
  },
  {
    name: 'environmentSettings',
    kind: 'pairs',
    group: 'source',
    flag: 'environment-setting',
    entry: 'ENVIRONMENT.SETTING=VALUE',
    message:
      'Settings of one environment, ENVIRONMENT.SETTING=VALUE separated by commas (staging.desiredCount=1; empty: none)',
    description:
      'A setting that differs in one environment; repeat the flag for each (--environment-setting staging.desiredCount=1).',
    rule: 'ENVIRONMENT one of environments; SETTING one that may differ (desiredCount, autoscaling off); VALUE valid for that setting',
    default: () => ({}),
    validate: (value: Record<string, string>, s: Known) => validateEnvironmentSettings(value, s),
    keepStored: (value: Record<string, string>, s: Known) => {
      const list = environmentList(s.environments);
      return Object.fromEntries(Object.entries(value).filter(([key]) => list.includes(key.split('.')[0])));
    },
  },
] as const;

type Declared = (typeof DECLARED)[number];
type ValueOf<D extends Declared> = D extends { kind: 'choice'; choices: readonly { value: infer V }[] }
  ? V
  : KindValues[D['kind']];

/** Every setting the generator stores in .yo-rc.json, keyed as in the README's option table; one that `applies` only
 * to some other settings (strategy-specific, HTTPS, autoscaling, ...) is optional. */
type Always = { -readonly [D in Declared as D extends { applies: unknown } ? never : D['name']]: ValueOf<D> };
type Sometimes = { -readonly [D in Declared as D extends { applies: unknown } ? D['name'] : never]?: ValueOf<D> };
export interface Settings extends Always, Sometimes {}

export type SettingName = keyof Settings;

/** The settings known so far, as a default, a validator or `applies` sees them. */
type Known = Partial<Settings>;

// Checked here, once the entries have their type, rather than in the initializer.
export const SETTINGS: readonly SettingDeclaration[] = DECLARED;

/** A declaration whose default gives, and whose validator takes, a value of its kind (a choice's validator checks the choice). */
type Typed<D> = D extends { name: infer K extends SettingName; kind: infer Kind extends keyof KindValues }
  ? {
      name: K;
      default: (settings: Known, context: Context) => KindValues[Kind];
      // The settings as declared must fit what the validators read (v.KnownSettings, stated below this module).
      validate: (value: KindValues[Kind], settings: Known) => v.Validation;
    }
  : never;
DECLARED satisfies readonly Typed<Declared>[];
// Each setting a strategy owns is a declared one (strategies.ts, below this module, names them as strings).
STRATEGY_TABLE satisfies Record<Strategy, { owns: readonly SettingName[] }>;

/** kebab-case CLI flag of a setting: healthCheckPath -> health-check-path. */
export function flagOf(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The command-line flag of a setting. */
export function cliFlagOf(decl: SettingDeclaration): string {
  return decl.flag ?? flagOf(decl.name);
}

/** Options Yeoman gives every generator itself; a setting's flag of the same name is registered under its kebab-case name. */
const YEOMAN_OWN_OPTIONS = ['env', 'resolved', 'namespace', 'help', 'skip-install', 'force'];

/** The option name the Yeoman generator registers for a setting (yo users type --environment for --env). */
export function yeomanOptionOf(decl: SettingDeclaration): string {
  const flag = cliFlagOf(decl);
  return YEOMAN_OWN_OPTIONS.includes(flag) ? flagOf(decl.name) : flag;
}

export const SETTING_NAMES: readonly SettingName[] = SETTINGS.map((s) => s.name);

/** The settings that may differ between environments (trait perEnvironment). */
export const PER_ENVIRONMENT: readonly SettingDeclaration[] = SETTINGS.filter((d) => d.perEnvironment !== undefined);

/** environmentSettings: each entry names an environment and a per-environment setting, and its value passes that
 * setting's own validator, with the other settings as they are. */
function validateEnvironmentSettings(value: Record<string, string>, s: Known): v.Validation {
  const list = environmentList(s.environments);
  for (const [key, raw] of Object.entries(value)) {
    const [environment, name, ...rest] = key.split('.');
    if (!name || rest.length > 0) return `${key} must be ENVIRONMENT.SETTING (staging.desiredCount)`;
    if (!list.includes(environment))
      return `${key}: ${environment} is not one of the environments (${list.join(', ')})`;
    const decl = PER_ENVIRONMENT.find((d) => d.name === name);
    if (!decl)
      return `${key}: ${name} cannot differ between environments; these can: ${PER_ENVIRONMENT.map((d) => d.name).join(', ')}`;
    // The service stack takes DesiredCount only without autoscaling (which owns the count then).
    if (name === 'desiredCount' && scales(s)) return `${key}: desiredCount is autoscaling's with autoscaling on`;
    if (decl.kind !== 'integer' || !/^\s*\d+\s*$/.test(raw)) return `${key}: ${raw} must be a whole number`;
    const result = (decl.validate as (value: number, settings: Known) => v.Validation)(Number.parseInt(raw, 10), s);
    if (result !== true) return `${key}: ${result}`;
  }
  return true;
}
