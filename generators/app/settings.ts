// The one declaration of every setting: flag, prompt, default, validator and storage key.
// Prompts, CLI flags, --help, .yo-rc.json and the README's option table are all derived from SETTINGS.
import { APP_NAME_MAX, CFN_MAX_BAKE_MINUTES, CODEDEPLOY_CONFIGS, FARGATE_SIZES, LIMITS, NODE_VERSIONS, rangeRule, tenthsRule } from './aws-limits.js';
import { DEFAULT_STRATEGY, STRATEGY_CHOICES, isStrategy, ownedByStrategy } from './strategies.js';
import type { Context, SettingName, Settings } from './types.js';
import * as v from './validators.js';

export type Group = 'app' | 'aws' | 'health' | 'deployment' | 'source';

export const GROUP_TITLES: Record<Group, string> = {
  app: 'Application',
  aws: 'AWS target',
  health: 'Load balancer health check',
  deployment: 'Deployment',
  source: 'Source and pipeline',
};

interface Common<K extends SettingName> {
  name: K;
  group: Group;
  /** Question asked interactively. */
  message: string;
  /** One line for --help and the README. */
  description: string;
  /** The allowed values, in words, for the README and --help. */
  rule: string;
  default: (settings: Partial<Settings>, context: Context) => NonNullable<Settings[K]>;
  validate: v.Validator<NonNullable<Settings[K]>>;
  /** Whether the setting applies to the other settings (for example, to the chosen strategy). */
  applies?: (settings: Partial<Settings>) => boolean;
}

type KeysOfType<T> = { [K in SettingName]-?: NonNullable<Settings[K]> extends T ? K : never }[SettingName];

export type SettingDeclaration =
  | (Common<KeysOfType<string>> & { kind: 'text' })
  | (Common<KeysOfType<number>> & { kind: 'integer' })
  | (Common<KeysOfType<number>> & { kind: 'number' })
  | (Common<KeysOfType<boolean>> & { kind: 'boolean' })
  | (Common<KeysOfType<string>> & { kind: 'choice'; choices: readonly { value: string; name: string }[] });

export const SOURCES = [
  { value: 'connection', name: 'connection: GitHub, GitHub Enterprise, Bitbucket or GitLab through CodeConnections' },
  { value: 'codecommit', name: 'codecommit: an AWS CodeCommit repository' },
] as const;

/** "256: 512-2048; 512: 1024-4096; 1024: 2048-8192": the smallest Fargate sizes, as the memory rule shows them. */
const FARGATE_PAIRS = Object.entries(FARGATE_SIZES)
  .slice(0, 3)
  .map(([cpu, memory]) => `${cpu}: ${memory[0]}-${memory[memory.length - 1]}`)
  .join('; ');

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

export const SETTINGS: readonly SettingDeclaration[] = [
  {
    name: 'appName', kind: 'text', group: 'app',
    message: 'Application name (used to name the AWS resources)',
    description: 'Name of the application; the prefix of every AWS resource name.',
    rule: `lowercase letters, digits and hyphens; starts with a letter; at most ${APP_NAME_MAX} characters`,
    default: (_s, ctx) => toAppName(ctx.folderName),
    validate: v.validateAppName,
  },
  {
    name: 'port', kind: 'integer', group: 'app',
    message: 'Port the container listens on',
    description: 'Port the app listens on inside the container (target group and security group use it too).',
    rule: `${rangeRule(LIMITS.port)} (the container runs as a non-root user)`,
    default: () => 3000,
    validate: v.validatePort,
  },
  {
    name: 'nodeVersion', kind: 'choice', group: 'app',
    message: 'Node.js LTS line',
    description: 'Node.js line for the Docker image and the CodeBuild runtime.',
    rule: `${NODE_VERSIONS.join(' or ')} (LTS lines offered by both the official Node image and CodeBuild)`,
    choices: NODE_VERSIONS.map((value) => ({ value, name: `Node.js ${value}` })),
    default: () => NODE_VERSIONS[0],
    validate: (value) => ((NODE_VERSIONS as readonly string[]).includes(value) ? true : `must be one of ${NODE_VERSIONS.join(', ')}`),
  },
  {
    name: 'region', kind: 'text', group: 'aws',
    message: 'AWS region',
    description: 'AWS region the stacks are deployed to.',
    rule: 'an AWS region code, for example us-east-1 (not a China region: CodePipeline has no CloudFormation deploy action there)',
    default: () => 'us-east-1',
    validate: v.validateRegion,
  },
  {
    name: 'cluster', kind: 'text', group: 'aws',
    message: 'ECS cluster name',
    description: 'ECS cluster the service runs in (created by the service stack unless existingCluster is true).',
    rule: `${rangeRule(LIMITS.ecsNameLength)}: letters, digits, hyphens and underscores`,
    default: (s) => `${s.appName}-cluster`,
    validate: v.validateEcsName,
  },
  {
    name: 'existingCluster', kind: 'boolean', group: 'aws',
    message: 'Does the cluster exist already (the service joins it; the stacks neither create nor delete it)?',
    description: 'true: the service joins the existing cluster named by cluster; false: the service stack creates that cluster and deletes it with the stack.',
    rule: 'true or false',
    default: () => false,
    validate: (value) => (typeof value === 'boolean' ? true : 'must be true or false'),
  },
  {
    name: 'service', kind: 'text', group: 'aws',
    message: 'ECS service name',
    description: 'ECS service name.',
    rule: `${rangeRule(LIMITS.ecsNameLength)}: letters, digits, hyphens and underscores`,
    default: (s) => `${s.appName}`,
    validate: v.validateEcsName,
  },
  {
    name: 'containerName', kind: 'text', group: 'aws',
    message: 'Container name (task definition)',
    description: 'Container name in the task definition (and in taskdef.json and appspec.yaml with codedeploy).',
    rule: `${rangeRule(LIMITS.ecsNameLength)}: letters, digits, hyphens and underscores`,
    default: (s) => `${s.appName}`,
    validate: v.validateContainerName,
  },
  {
    name: 'ecrRepository', kind: 'text', group: 'aws',
    message: 'ECR repository name',
    description: 'ECR repository the build pushes images to (created by the pipeline stack).',
    rule: `${rangeRule(LIMITS.ecrRepositoryLength)}: lowercase letters, digits, . _ - and / namespaces`,
    // ECR names need 2 characters; a one-letter appName (a folder named "a") gets a suffix.
    default: (s) => (`${s.appName}`.length >= 2 ? `${s.appName}` : `${s.appName}-app`),
    validate: v.validateEcrRepository,
  },
  {
    name: 'cpu', kind: 'integer', group: 'aws',
    message: 'Task CPU units (256 = 0.25 vCPU)',
    description: 'Fargate task CPU units.',
    rule: Object.keys(FARGATE_SIZES).join(', '),
    default: () => 256,
    validate: v.validateCpu,
  },
  {
    name: 'memory', kind: 'integer', group: 'aws',
    message: 'Task memory (MiB)',
    description: 'Fargate task memory in MiB; must pair with cpu.',
    rule: `a Fargate pair with cpu (${FARGATE_PAIRS}; ...)`,
    default: (s) => FARGATE_SIZES[s.cpu ?? 256]?.[0] ?? 512,
    validate: v.validateMemory,
  },
  {
    name: 'healthCheckPath', kind: 'text', group: 'health',
    message: 'Health check path',
    description: 'Path the load balancer checks; the app serves its health report there.',
    rule: `${rangeRule(LIMITS.healthCheckPathLength)}: starts with /, then letters, digits and . _ ~ - /`,
    default: () => '/status',
    validate: v.validateHealthCheckPath,
  },
  {
    name: 'healthCheckInterval', kind: 'integer', group: 'health',
    message: 'Health check interval (seconds)',
    description: 'Seconds between two health checks of one target.',
    rule: rangeRule(LIMITS.healthCheckInterval),
    default: () => 30,
    validate: v.validateHealthCheckInterval,
  },
  {
    name: 'healthCheckTimeout', kind: 'integer', group: 'health',
    message: 'Health check timeout (seconds)',
    description: 'Seconds without an answer after which a check fails.',
    rule: `${rangeRule(LIMITS.healthCheckTimeout)}, less than the interval`,
    default: (s) => Math.min(5, (s.healthCheckInterval ?? 30) - 1),
    validate: v.validateHealthCheckTimeout,
  },
  {
    name: 'healthyThreshold', kind: 'integer', group: 'health',
    message: 'Healthy threshold (consecutive successful checks)',
    description: 'Consecutive successful checks before a new task receives traffic.',
    rule: rangeRule(LIMITS.healthCheckThreshold),
    default: () => 4,
    validate: v.validateThreshold,
  },
  {
    name: 'unhealthyThreshold', kind: 'integer', group: 'health',
    message: 'Unhealthy threshold (consecutive failed checks)',
    description: 'Consecutive failed checks before a task is taken out of service.',
    rule: rangeRule(LIMITS.healthCheckThreshold),
    default: () => 2,
    validate: v.validateThreshold,
  },
  {
    name: 'healthCheckGracePeriod', kind: 'integer', group: 'health',
    message: 'Health check grace period (seconds ECS ignores failed checks after a task starts)',
    description: 'Seconds after a task starts during which ECS ignores failed load balancer checks.',
    rule: rangeRule(LIMITS.healthCheckGracePeriod),
    default: () => 60,
    validate: v.validateGracePeriod,
  },
  {
    name: 'deregistrationDelay', kind: 'integer', group: 'health',
    message: 'Deregistration delay (seconds the load balancer drains an old task)',
    description: 'Seconds the load balancer lets requests in flight finish before a deregistered task is stopped.',
    rule: `${rangeRule(LIMITS.deregistrationDelay)} (the load balancer default, 300, slows every deploy)`,
    default: () => 30,
    validate: v.validateDeregistrationDelay,
  },
  {
    name: 'strategy', kind: 'choice', group: 'deployment',
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
    name: 'desiredCount', kind: 'integer', group: 'deployment',
    message: 'Number of tasks',
    description: 'Number of tasks the service keeps running.',
    rule: `${rangeRule(LIMITS.desiredCount)} (ECS tasks per service)`,
    default: () => 3,
    validate: v.validateDesiredCount,
  },
  {
    name: 'minHealthyPercent', kind: 'integer', group: 'deployment',
    message: 'Minimum healthy percent during a deployment',
    description: 'Lower limit of running tasks during a deployment, in percent of the desired count (rounded up).',
    rule: rangeRule(LIMITS.minHealthyPercent),
    default: () => 100,
    validate: v.validateMinHealthyPercent,
  },
  {
    name: 'maxPercent', kind: 'integer', group: 'deployment',
    message: 'Maximum percent during a deployment',
    description: 'Upper limit of running tasks during a deployment, in percent of the desired count (rounded down).',
    rule: `${rangeRule(LIMITS.maxPercent)}; with desiredCount and minHealthyPercent it must let a rolling deployment start or stop a task`,
    default: () => 200,
    validate: v.validateMaxPercent,
  },
  {
    name: 'bakeTime', kind: 'integer', group: 'deployment',
    message: 'Bake time (minutes both versions keep running after all traffic moved; rollback is instant meanwhile)',
    description: 'Minutes the old tasks keep running after production traffic moved (ECS BakeTimeInMinutes; CodeDeploy termination wait).',
    rule: `${rangeRule(LIMITS.ecsBakeTime)} (codedeploy: ${rangeRule(LIMITS.codeDeployTerminationWait)})`,
    default: () => 5,
    validate: v.validateBakeTime,
    applies: ownedByStrategy('bakeTime'),
  },
  {
    name: 'canaryPercent', kind: 'number', group: 'deployment',
    message: 'Canary percent (share of production traffic the new version gets first)',
    description: 'Percent of production traffic moved to the new tasks first (ECS CanaryPercent).',
    rule: tenthsRule(LIMITS.canaryPercent),
    default: () => 10,
    validate: v.validateCanaryPercent,
    applies: ownedByStrategy('canaryPercent'),
  },
  {
    name: 'canaryBakeTime', kind: 'integer', group: 'deployment',
    message: 'Canary bake time (minutes before the rest of the traffic moves)',
    description: 'Minutes between the canary shift and moving the rest of the traffic (ECS CanaryBakeTimeInMinutes).',
    rule: `${rangeRule(LIMITS.ecsBakeTime)}; bakeTime + canaryBakeTime at most ${CFN_MAX_BAKE_MINUTES}`,
    default: () => 5,
    validate: v.validateCanaryBakeTime,
    applies: ownedByStrategy('canaryBakeTime'),
  },
  {
    name: 'linearStepPercent', kind: 'number', group: 'deployment',
    message: 'Linear step percent (share of production traffic moved at each step)',
    description: 'Percent of production traffic moved at each step (ECS StepPercent).',
    rule: tenthsRule(LIMITS.linearStepPercent),
    default: () => 10,
    validate: v.validateLinearStepPercent,
    applies: ownedByStrategy('linearStepPercent'),
  },
  {
    name: 'linearStepBakeTime', kind: 'integer', group: 'deployment',
    message: 'Linear step bake time (minutes between two steps)',
    description: 'Minutes between two traffic steps (ECS StepBakeTimeInMinutes).',
    rule: `${rangeRule(LIMITS.ecsBakeTime)}; bakeTime + linearStepBakeTime x steps at most ${CFN_MAX_BAKE_MINUTES}`,
    default: () => 1,
    validate: v.validateLinearStepBakeTime,
    applies: ownedByStrategy('linearStepBakeTime'),
  },
  {
    name: 'codeDeployConfig', kind: 'choice', group: 'deployment',
    message: 'CodeDeploy traffic shifting',
    description: 'CodeDeploy deployment configuration: how traffic moves to the replacement task set.',
    rule: CODEDEPLOY_CONFIGS.map((c) => c.value).join(', '),
    choices: CODEDEPLOY_CONFIGS.map((c) => ({ value: c.value, name: `${c.value}: ${c.name}` })),
    default: () => CODEDEPLOY_CONFIGS[0].value,
    validate: v.validateCodeDeployConfig,
    applies: ownedByStrategy('codeDeployConfig'),
  },
  {
    name: 'rollbackAlarms', kind: 'boolean', group: 'deployment',
    message: 'Create CloudWatch alarms (target 5xx, unhealthy targets) that roll a deployment back?',
    description: 'Creates CloudWatch alarms on target 5xx responses and unhealthy targets; a deployment that sets one off is rolled back.',
    rule: 'true or false',
    default: () => false,
    validate: (value) => (typeof value === 'boolean' ? true : 'must be true or false'),
  },
  {
    name: 'validationHook', kind: 'text', group: 'deployment',
    message: 'Lambda function that validates the new version on the test listener before production traffic moves (empty: none)',
    description: 'ARN of your Lambda function run as a lifecycle hook after test traffic reaches the new tasks; empty: no hook.',
    rule: `empty or a Lambda function ARN (function name: ${rangeRule(LIMITS.lambdaFunctionNameLength)})`,
    default: () => '',
    validate: v.validateLambdaArn,
    applies: ownedByStrategy('validationHook'),
  },
  {
    name: 'source', kind: 'choice', group: 'source',
    message: 'Where the source code lives',
    description: 'Source provider of the pipeline.',
    rule: SOURCES.map((s) => s.value).join(' or '),
    choices: SOURCES,
    default: () => 'connection',
    validate: (value) => (SOURCES.some((s) => s.value === value) ? true : 'must be connection or codecommit'),
  },
  {
    name: 'repository', kind: 'text', group: 'source',
    message: 'Repository (owner/name for a connection, the name for CodeCommit; empty to decide at deploy time)',
    description: "Source repository; empty makes it a required template parameter.",
    rule: `owner/name (${rangeRule(LIMITS.repositoryIdLength)}) for a connection, a CodeCommit name (${rangeRule(LIMITS.codeCommitRepositoryLength)}) otherwise; may be empty`,
    default: (s, ctx) => (s.source === 'codecommit' ? '' : ctx.gitRemote),
    validate: v.validateRepository,
  },
  {
    name: 'branch', kind: 'text', group: 'source',
    message: 'Branch that triggers a deployment',
    description: 'Branch the pipeline builds and deploys.',
    rule: `a valid git branch name of ${rangeRule(LIMITS.branchNameLength)}`,
    default: () => 'main',
    validate: v.validateBranch,
  },
  {
    name: 'connectionArn', kind: 'text', group: 'source',
    message: 'ARN of an existing CodeConnections connection (empty: the pipeline stack creates one)',
    description: 'Existing connection to use; empty creates one.',
    rule: 'empty or a connection ARN',
    default: () => '',
    validate: v.validateConnectionArn,
    applies: (s) => s.source !== 'codecommit',
  },
  {
    name: 'manualApproval', kind: 'boolean', group: 'source',
    message: 'Add a manual approval stage before deploying?',
    description: 'Adds a manual approval stage between build and deploy.',
    rule: 'true or false',
    default: () => false,
    validate: (value) => (typeof value === 'boolean' ? true : 'must be true or false'),
  },
];

/** kebab-case CLI flag of a setting: healthCheckPath -> health-check-path. */
export function flagOf(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export const SETTING_NAMES: readonly SettingName[] = SETTINGS.map((s) => s.name);
