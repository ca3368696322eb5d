// The one declaration of every setting: flag, prompt, default, validator and storage key.
// Prompts, CLI flags, --help, .yo-rc.json and the README's option table are all derived from SETTINGS.
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
  default: (settings: Partial<Settings>, context: Context) => Settings[K];
  validate: v.Validator<Settings[K]>;
  /** Whether the setting applies to the other settings (for example, to the chosen strategy). */
  applies?: (settings: Partial<Settings>) => boolean;
}

type KeysOfType<T> = { [K in SettingName]: Settings[K] extends T ? K : never }[SettingName];

export type SettingDeclaration =
  | (Common<KeysOfType<string>> & { kind: 'text' })
  | (Common<KeysOfType<number>> & { kind: 'integer' })
  | (Common<KeysOfType<boolean>> & { kind: 'boolean' })
  | (Common<KeysOfType<string>> & { kind: 'choice'; choices: readonly { value: string; name: string }[] });

export const STRATEGIES = [
  { value: 'rolling', name: 'rolling: ECS rolling update, new tasks start before old ones stop (min/max percent)' },
] as const;

export const SOURCES = [
  { value: 'connection', name: 'connection: GitHub, GitHub Enterprise, Bitbucket or GitLab through CodeConnections' },
  { value: 'codecommit', name: 'codecommit: an AWS CodeCommit repository' },
] as const;

/** Turns a folder name into a valid appName. */
export function toAppName(folderName: string): string {
  const cleaned = folderName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, v.APP_NAME_MAX)
    .replace(/-+$/, '');
  return cleaned || 'service';
}

export const SETTINGS: readonly SettingDeclaration[] = [
  {
    name: 'appName', kind: 'text', group: 'app',
    message: 'Application name (used to name the AWS resources)',
    description: 'Name of the application; the prefix of every AWS resource name.',
    rule: `lowercase letters, digits and hyphens; starts with a letter; at most ${v.APP_NAME_MAX} characters`,
    default: (_s, ctx) => toAppName(ctx.folderName),
    validate: v.validateAppName,
  },
  {
    name: 'port', kind: 'integer', group: 'app',
    message: 'Port the container listens on',
    description: 'Port the app listens on inside the container (target group and security group use it too).',
    rule: '1024-65535 (the container runs as a non-root user)',
    default: () => 3000,
    validate: v.validatePort,
  },
  {
    name: 'nodeVersion', kind: 'choice', group: 'app',
    message: 'Node.js LTS line',
    description: 'Node.js line for the Docker image and the CodeBuild runtime.',
    rule: `${v.NODE_VERSIONS.join(' or ')} (LTS lines offered by both the official Node image and CodeBuild)`,
    choices: v.NODE_VERSIONS.map((value) => ({ value, name: `Node.js ${value}` })),
    default: () => v.NODE_VERSIONS[0],
    validate: (value) => ((v.NODE_VERSIONS as readonly string[]).includes(value) ? true : `must be one of ${v.NODE_VERSIONS.join(', ')}`),
  },
  {
    name: 'region', kind: 'text', group: 'aws',
    message: 'AWS region',
    description: 'AWS region the stacks are deployed to.',
    rule: 'an AWS region code, for example us-east-1',
    default: () => 'us-east-1',
    validate: v.validateRegion,
  },
  {
    name: 'cluster', kind: 'text', group: 'aws',
    message: 'ECS cluster name',
    description: 'ECS cluster the service runs in (created by the service stack unless told to use an existing one).',
    rule: '1-255 letters, digits, hyphens and underscores',
    default: (s) => `${s.appName}-cluster`,
    validate: v.validateEcsName,
  },
  {
    name: 'service', kind: 'text', group: 'aws',
    message: 'ECS service name',
    description: 'ECS service name.',
    rule: '1-255 letters, digits, hyphens and underscores',
    default: (s) => `${s.appName}`,
    validate: v.validateEcsName,
  },
  {
    name: 'containerName', kind: 'text', group: 'aws',
    message: 'Container name (task definition and imagedefinitions.json)',
    description: 'Container name, identical in the task definition and imagedefinitions.json.',
    rule: '1-255 letters, digits, hyphens and underscores',
    default: (s) => `${s.appName}`,
    validate: v.validateContainerName,
  },
  {
    name: 'ecrRepository', kind: 'text', group: 'aws',
    message: 'ECR repository name',
    description: 'ECR repository the build pushes images to (created by the pipeline stack).',
    rule: '2-256 lowercase letters, digits, . _ - and / namespaces',
    default: (s) => `${s.appName}`,
    validate: v.validateEcrRepository,
  },
  {
    name: 'cpu', kind: 'integer', group: 'aws',
    message: 'Task CPU units (256 = 0.25 vCPU)',
    description: 'Fargate task CPU units.',
    rule: Object.keys(v.FARGATE_SIZES).join(', '),
    default: () => 256,
    validate: v.validateCpu,
  },
  {
    name: 'memory', kind: 'integer', group: 'aws',
    message: 'Task memory (MiB)',
    description: 'Fargate task memory in MiB; must pair with cpu.',
    rule: 'a Fargate pair with cpu (256: 512-2048; 512: 1024-4096; 1024: 2048-8192; ...)',
    default: (s) => v.FARGATE_SIZES[s.cpu ?? 256]?.[0] ?? 512,
    validate: v.validateMemory,
  },
  {
    name: 'healthCheckPath', kind: 'text', group: 'health',
    message: 'Health check path',
    description: 'Path the load balancer checks; the app serves its health report there.',
    rule: 'starts with /, at most 1024 characters of letters, digits and . _ ~ - /',
    default: () => '/status',
    validate: v.validateHealthCheckPath,
  },
  {
    name: 'healthCheckInterval', kind: 'integer', group: 'health',
    message: 'Health check interval (seconds)',
    description: 'Seconds between two health checks of one target.',
    rule: '5-300 seconds',
    default: () => 30,
    validate: v.validateHealthCheckInterval,
  },
  {
    name: 'healthCheckTimeout', kind: 'integer', group: 'health',
    message: 'Health check timeout (seconds)',
    description: 'Seconds without an answer after which a check fails.',
    rule: '2-120 seconds, less than the interval',
    default: (s) => Math.min(5, (s.healthCheckInterval ?? 30) - 1),
    validate: v.validateHealthCheckTimeout,
  },
  {
    name: 'healthyThreshold', kind: 'integer', group: 'health',
    message: 'Healthy threshold (consecutive successful checks)',
    description: 'Consecutive successful checks before a new task receives traffic.',
    rule: '2-10',
    default: () => 4,
    validate: v.validateThreshold,
  },
  {
    name: 'unhealthyThreshold', kind: 'integer', group: 'health',
    message: 'Unhealthy threshold (consecutive failed checks)',
    description: 'Consecutive failed checks before a task is taken out of service.',
    rule: '2-10',
    default: () => 2,
    validate: v.validateThreshold,
  },
  {
    name: 'healthCheckGracePeriod', kind: 'integer', group: 'health',
    message: 'Health check grace period (seconds ECS ignores failed checks after a task starts)',
    description: 'Seconds after a task starts during which ECS ignores failed load balancer checks.',
    rule: '0-2147483647 seconds',
    default: () => 60,
    validate: v.validateGracePeriod,
  },
  {
    name: 'deregistrationDelay', kind: 'integer', group: 'health',
    message: 'Deregistration delay (seconds the load balancer drains an old task)',
    description: 'Seconds the load balancer lets requests in flight finish before a deregistered task is stopped.',
    rule: '0-3600 seconds (the load balancer default, 300, slows every deploy)',
    default: () => 30,
    validate: v.validateDeregistrationDelay,
  },
  {
    name: 'strategy', kind: 'choice', group: 'deployment',
    message: 'Deployment strategy',
    description: 'How a new version replaces the old one.',
    rule: STRATEGIES.map((s) => s.value).join(', '),
    choices: STRATEGIES,
    default: () => 'rolling',
    validate: (value) =>
      STRATEGIES.some((s) => s.value === value) ? true : `must be one of ${STRATEGIES.map((s) => s.value).join(', ')}`,
  },
  {
    name: 'desiredCount', kind: 'integer', group: 'deployment',
    message: 'Number of tasks',
    description: 'Number of tasks the service keeps running.',
    rule: '1-5000 (ECS tasks per service)',
    default: () => 3,
    validate: v.validateDesiredCount,
  },
  {
    name: 'minHealthyPercent', kind: 'integer', group: 'deployment',
    message: 'Minimum healthy percent during a deployment',
    description: 'Lower limit of running tasks during a deployment, in percent of the desired count (rounded up).',
    rule: '0-100',
    default: () => 100,
    validate: v.validateMinHealthyPercent,
  },
  {
    name: 'maxPercent', kind: 'integer', group: 'deployment',
    message: 'Maximum percent during a deployment',
    description: 'Upper limit of running tasks during a deployment, in percent of the desired count (rounded down).',
    rule: '100-400; with desiredCount and minHealthyPercent it must let a rolling deployment start or stop a task',
    default: () => 200,
    validate: v.validateMaxPercent,
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
    rule: 'owner/name for a connection, a CodeCommit name otherwise; may be empty',
    default: (s, ctx) => (s.source === 'codecommit' ? '' : ctx.gitRemote),
    validate: v.validateRepository,
  },
  {
    name: 'branch', kind: 'text', group: 'source',
    message: 'Branch that triggers a deployment',
    description: 'Branch the pipeline builds and deploys.',
    rule: 'a valid git branch name',
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
