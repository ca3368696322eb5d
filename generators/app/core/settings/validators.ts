// Pure validators: (value, settings) => true | message. No Yeoman, no I/O.
// Every limit and AWS fact they check lives in aws-limits.ts, with where AWS documents it.
import {
  APP_NAME_MAX,
  AWS_REGIONS,
  CERTIFICATE_DOMAIN_MAX,
  CFN_MAX_BAKE_MINUTES,
  CODEDEPLOY_CONFIGS,
  CODEDEPLOY_NAME_MAX,
  FARGATE_SIZES,
  IAM_ROLE_POLICY_MAX_CHARS,
  LAMBDA_QUALIFIER,
  LIMITS,
  ENVIRONMENT_NAME_MAX,
  ENVIRONMENTS_MAX,
  STACK_NAME_MAX,
  TARGET_GROUP_NAME_MAX,
  TASK_DEFINITION_MAX_BYTES,
  linearBakeSteps,
  rollingBounds,
  type Range,
} from './aws-limits.js';
import { environmentList, environmentsOf } from './environments.js';
import { traitsOf } from './strategies.js';

export type Validation = true | string;

/** Cuts a long value for a one-line message. */
export const cut = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/**
 * The other settings a validator reads, as far as they are known. Stated here, not imported: the declaration (above
 * this module) derives Settings from entries that hold these validators; it checks that its Settings fit this view.
 */
export interface KnownSettings {
  region?: string;
  strategy?: string;
  source?: string;
  service?: string;
  domain?: string;
  certificateArn?: string;
  healthCheckInterval?: number;
  healthCheckTimeout?: number;
  desiredCount?: number;
  minHealthyPercent?: number;
  maxPercent?: number;
  minCount?: number;
  bakeTime?: number;
  linearStepPercent?: number;
  cpu?: number;
  autoscaling?: string;
  fargateVcpuQuota?: number;
  environment?: Record<string, string>;
  appName?: string;
  cluster?: string;
  existingCluster?: boolean;
  environments?: string;
}
export type Validator<T> = (value: T, settings: KnownSettings) => Validation;

/** Whole numbers within an AWS range; the message names the range. */
export function integerBetween({ min, max, unit }: Range): Validator<number> {
  const suffix = unit ? ` ${unit}` : '';
  return (value) =>
    Number.isInteger(value) && value >= min && value <= max
      ? true
      : `must be a whole number from ${min} to ${max}${suffix}`;
}

/** "1-255": a range without its unit, for messages that name what is counted. */
function span({ min, max }: Range): string {
  return `${min}-${max}`;
}

function lengthWithin({ min, max }: Range, message: string): Validator<string> {
  return (v) => (v.length >= min && v.length <= max ? true : message);
}

export function pattern(re: RegExp, description: string): Validator<string> {
  return (value) => (re.test(value) ? true : description);
}

/** Runs validators in order and returns the first failure. */
export function all<T>(...validators: Validator<T>[]): Validator<T> {
  return (value, settings) => {
    for (const validate of validators) {
      const result = validate(value, settings);
      if (result !== true) return result;
    }
    return true;
  };
}

export const validateAppName: Validator<string> = all(
  pattern(
    /^[a-z][a-z0-9-]*$/,
    'must start with a lowercase letter and contain only lowercase letters, digits and hyphens',
  ),
  pattern(/^(?!.*--)(?!.*-$)/, 'must not end with a hyphen or contain two hyphens in a row'),
  (v) =>
    v.length <= APP_NAME_MAX
      ? true
      : `must be at most ${APP_NAME_MAX} characters (the target group name "<appName>-green" must fit the load balancer's ${TARGET_GROUP_NAME_MAX}-character limit)`,
);

export const validateRegion: Validator<string> = (v) => {
  if (!(AWS_REGIONS as readonly string[]).includes(v))
    return 'must be an AWS region code such as us-east-1 or eu-west-1';
  // https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CloudFormation.html
  if (partitionOf(v) === 'aws-cn')
    return "is a China region, where CodePipeline's CloudFormation deploy action (which deploys the service stack) is not offered";
  return true;
};

/** The AWS partition of a region: the first field of every ARN in it. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** An ARN must be in the partition and region the stacks are deployed to (ECS and CodePipeline refuse others). */
function inTargetRegion(arn: string, settings: KnownSettings): Validation {
  if (settings.region === undefined) return true;
  const [, partition, , region] = arn.split(':');
  const expected = partitionOf(settings.region);
  if (partition !== expected || region !== settings.region) {
    return `is in ${partition}/${region}, but the stacks are deployed to region ${settings.region} (partition ${expected}); use an ARN of ${expected}:…:${settings.region}`;
  }
  return true;
}

/** ECS cluster, service and container names: letters, digits, hyphens and underscores. */
export const validateEcsName: Validator<string> = pattern(
  new RegExp(`^[A-Za-z0-9_-]{${LIMITS.ecsNameLength.min},${LIMITS.ecsNameLength.max}}$`),
  `must be ${span(LIMITS.ecsNameLength)} characters: letters, digits, hyphens and underscores`,
);

/** ECS container names follow the same rule as cluster and service names. */
export const validateContainerName = validateEcsName;

/** ECR repository names: lowercase, optional namespaces separated by "/". */
export const validateEcrRepository: Validator<string> = all(
  lengthWithin(LIMITS.ecrRepositoryLength, `must be ${span(LIMITS.ecrRepositoryLength)} characters`),
  pattern(
    /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    'must be lowercase letters, digits and . _ - separators, with optional "/" namespaces',
  ),
);

export const validatePort: Validator<number> = integerBetween(LIMITS.port);

/** ALB health check path; we allow the subset that is safe in a URL, YAML and an Express route. */
export const validateHealthCheckPath: Validator<string> = all(
  pattern(/^\//, 'must start with "/"'),
  lengthWithin(
    LIMITS.healthCheckPathLength,
    `must be at most ${LIMITS.healthCheckPathLength.max} characters (load balancer limit)`,
  ),
  pattern(/^\/[A-Za-z0-9._~/-]*$/, 'may contain only letters, digits and . _ ~ - / (no query string, no spaces)'),
  pattern(/^(?!.*\/\/)(?!.*\/\.\.?(\/|$))/, 'must not contain "//", "/." or "/.." segments'),
);

export const validateHealthCheckInterval = integerBetween(LIMITS.healthCheckInterval);

export const validateHealthCheckTimeout: Validator<number> = all(integerBetween(LIMITS.healthCheckTimeout), (v, s) =>
  s.healthCheckInterval === undefined || v < s.healthCheckInterval
    ? true
    : `must be less than the health check interval (${s.healthCheckInterval} s)`,
);

export const validateThreshold = integerBetween(LIMITS.healthCheckThreshold);

/** Anything beyond a day is a mistake, but ECS's real limit is the one enforced. */
export const validateGracePeriod = integerBetween(LIMITS.healthCheckGracePeriod);

export const validateDeregistrationDelay = integerBetween(LIMITS.deregistrationDelay);

/**
 * The tasks of a deployment must fit the account's Fargate On-Demand vCPU quota, or ECS cannot start the new ones
 * (https://docs.aws.amazon.com/general/latest/gr/ecs-service.html#service-quotas-fargate). Unknown quota or cpu: no check.
 */
function fitsVcpuQuota(deploying: number, what: string, change: string, s: KnownSettings): Validation {
  const { fargateVcpuQuota: quota, cpu } = s;
  if (quota === undefined || cpu === undefined) return true;
  // The quota is per account and region: the other environments keep their desiredCount running meanwhile.
  const others = environmentList(s.environments).length - 1;
  const tasks = deploying + others * (s.desiredCount ?? 0);
  const vcpus = (tasks * cpu) / 1024;
  const counted =
    others > 0 ? `, with ${others === 1 ? "the other environment's" : `the ${others} other environments'`} tasks` : '';
  return vcpus <= quota
    ? true
    : `needs ${vcpus} vCPUs ${what} (${tasks} tasks of ${cpu / 1024} vCPU${counted}), over the Fargate On-Demand vCPU quota of ${quota}; ` +
        `${change}, or raise the quota (Service Quotas console) and pass --fargate-vcpu-quota`;
}

/** desiredCount: ECS's range; the tasks (two full sets while traffic moves between target groups) fit the vCPU quota. */
export const validateDesiredCount: Validator<number> = all(integerBetween(LIMITS.desiredCount), (v, s) =>
  traitsOf(s.strategy).replacesInWaves
    ? fitsVcpuQuota(v, 'to run', 'lower desiredCount or cpu', s)
    : fitsVcpuQuota(2 * v, 'at the peak of a deployment (two full sets)', 'lower desiredCount or cpu', s),
);

export const validateMinHealthyPercent = integerBetween(LIMITS.minHealthyPercent);

export const validateMaxPercent: Validator<number> = all(
  integerBetween(LIMITS.maxPercent),
  (v, s) => {
    const { desiredCount: desired, minHealthyPercent: min } = s;
    if (desired === undefined || min === undefined || !traitsOf(s.strategy).replacesInWaves) return true;
    const { maxRunning, minHealthy } = rollingBounds(desired, min, v);
    if (maxRunning > desired || minHealthy < desired) return true;
    return (
      `with desiredCount ${desired}, minHealthyPercent ${min} and maxPercent ${v} a rolling deployment can neither ` +
      `start a new task (at most ${maxRunning} may run) nor stop an old one (at least ${minHealthy} must stay healthy); ` +
      `raise maxPercent or lower minHealthyPercent`
    );
  },
  (v, s) =>
    // A rolling deployment's peak is desiredCount x maxPercent (the others' peak is checked with desiredCount).
    s.desiredCount === undefined || !traitsOf(s.strategy).replacesInWaves
      ? true
      : fitsVcpuQuota(
          peakTasks(s.desiredCount, { ...s, maxPercent: v }),
          `at the peak of a deployment of desiredCount ${s.desiredCount}`,
          'lower maxPercent, desiredCount or cpu',
          s,
        ),
);

/** Multiples of 0.1 within a range, as ECS takes CanaryPercent and StepPercent. */
export function tenthsBetween({ min, max }: Range): Validator<number> {
  return (value) =>
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    // Exactly a tenth as a decimal reads it (10.000000001 is not 10.0; 0.3 is 0.3 although 0.3 x 10 is not 3 in floats).
    Math.round(value * 10) / 10 === value
      ? true
      : `must be a multiple of 0.1 from ${min.toFixed(1)} to ${max.toFixed(1)} percent`;
}

const validateEcsBakeTime = integerBetween(LIMITS.ecsBakeTime);
const validateCodeDeployTerminationWait = integerBetween({
  ...LIMITS.codeDeployTerminationWait,
  unit: 'minutes (CodeDeploy termination wait)',
});

/** ECS bakes with BakeTimeInMinutes; CodeDeploy with the termination wait of the original task set (the longer one
 * while no strategy is known: a value checked on its own). */
export const validateBakeTime: Validator<number> = (v, s) =>
  (s.strategy === undefined || traitsOf(s.strategy).codeDeploy
    ? validateCodeDeployTerminationWait
    : validateEcsBakeTime)(v, s);

export const validateCanaryPercent = tenthsBetween(LIMITS.canaryPercent);

export const validateLinearStepPercent = tenthsBetween(LIMITS.linearStepPercent);

function withinCloudFormationLimit(totalMinutes: number, formula: string): Validation {
  return totalMinutes <= CFN_MAX_BAKE_MINUTES
    ? true
    : `makes ${formula} = ${totalMinutes} minutes; CloudFormation rejects ECS deployments over ${CFN_MAX_BAKE_MINUTES} minutes (${CFN_MAX_BAKE_MINUTES / 60} hours)`;
}

export const validateCanaryBakeTime: Validator<number> = all(validateEcsBakeTime, (v, s) =>
  withinCloudFormationLimit((s.bakeTime ?? 0) + v, `bakeTime ${s.bakeTime ?? 0} + canaryBakeTime ${v}`),
);

export const validateLinearStepBakeTime: Validator<number> = all(validateEcsBakeTime, (v, s) => {
  const steps = s.linearStepPercent === undefined ? 0 : linearBakeSteps(s.linearStepPercent);
  return withinCloudFormationLimit(
    (s.bakeTime ?? 0) + v * steps,
    `bakeTime ${s.bakeTime ?? 0} + linearStepBakeTime ${v} x ${steps} steps`,
  );
});

export const validateCodeDeployConfig: Validator<string> = (v) =>
  CODEDEPLOY_CONFIGS.some((c) => c.value === v)
    ? true
    : `must be one of ${CODEDEPLOY_CONFIGS.map((c) => c.value).join(', ')}`;

const LAMBDA_ARN = new RegExp(
  `^arn:aws(-[a-z]+)*:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{${LIMITS.lambdaFunctionNameLength.min},${LIMITS.lambdaFunctionNameLength.max}}(:(?<qualifier>[^:]*))?$`,
);

/** Empty, or the ARN of a Lambda function (optionally with a version or alias), as ECS lifecycle hooks and appspec hooks take. */
export const validateLambdaArn: Validator<string> = (v, s) => {
  if (v === '') return true;
  const match = LAMBDA_ARN.exec(v);
  if (!match) return 'must be empty or a Lambda function ARN: arn:aws:lambda:REGION:ACCOUNT:function:NAME';
  const qualifier = match.groups?.qualifier;
  if (qualifier !== undefined && !LAMBDA_QUALIFIER.test(qualifier))
    return `has the qualifier ${JSON.stringify(qualifier)}: a qualifier is $LATEST, a version number or an alias name (1-128 letters, digits, - and _), as Lambda's FunctionName pattern allows`;
  return inTargetRegion(v, s);
};

/** With CodeDeploy the service names the CodeDeploy application and deployment group, which are shorter than ECS names. */
export const validateCodeDeployNames: Validator<string> = (v, s) => {
  const max = CODEDEPLOY_NAME_MAX;
  if (traitsOf(v).codeDeploy && s.service !== undefined && s.service.length > max) {
    return `needs a service name of at most ${max} characters (it names the CodeDeploy application and deployment group); service "${s.service}" has ${s.service.length}`;
  }
  return true;
};

export const validateCpu: Validator<number> = (v) =>
  FARGATE_SIZES[v] ? true : `must be a Fargate CPU size: ${Object.keys(FARGATE_SIZES).join(', ')}`;

export const validateMemory: Validator<number> = (v, s) => {
  if (s.cpu === undefined || !FARGATE_SIZES[s.cpu])
    return Number.isInteger(v) && v > 0 ? true : 'must be a whole number of MiB';
  const allowed = FARGATE_SIZES[s.cpu];
  if (allowed.includes(v)) return true;
  return `is not a valid Fargate size with cpu ${s.cpu}: allowed memory is ${describeList(allowed)} MiB`;
};

function describeList(values: readonly number[]): string {
  return values.length <= 4
    ? values.join(', ')
    : `${values[0]} to ${values[values.length - 1]} in steps of ${values[1] - values[0]}`;
}

/**
 * A branch name every consumer reads unchanged: git (check-ref-format --branch), YAML 1.1 and 1.2 parsers (CloudFormation
 * parameters, the workflow), GitHub Actions' branch filter, where * ? + [ ] and a leading ! are pattern characters
 * (https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#filter-pattern-cheat-sheet),
 * and CodePipeline's exact BranchName and EventBridge referenceName. The intersection: ASCII letters, digits and . _ - /
 * (no control or non-ASCII character: YAML 1.1 reads U+0085 as a line break, cfn-lint cannot parse U+0080), in git's form.
 */
export const validateBranch: Validator<string> = (v) => {
  const { min, max } = LIMITS.branchNameLength;
  if (v.length < min || v.length > max) return `must be ${span(LIMITS.branchNameLength)} characters`;
  if (!/^[A-Za-z0-9._/-]+$/.test(v))
    return "may contain only ASCII letters, digits and . _ - / (other characters are patterns in GitHub Actions' branch filter, or read differently by YAML parsers)";
  const git =
    v.startsWith('-') ||
    v.startsWith('/') ||
    v.endsWith('/') ||
    v.endsWith('.') ||
    v.includes('..') ||
    v.includes('//') ||
    v === 'HEAD' ||
    v.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  return git
    ? 'must be a valid git branch name (not HEAD; no leading "-" or "/", no "..", "//", trailing "/" or ".", and no part that starts with "." or ends in ".lock")'
    : true;
};

const CODECOMMIT_NAME = new RegExp(
  `^[\\w.-]{${LIMITS.codeCommitRepositoryLength.min},${LIMITS.codeCommitRepositoryLength.max}}$`,
);

/**
 * A path segment of a repository: letters, digits, . _ - as GitHub, GitLab and Bitbucket name repositories (GitHub: "can
 * only contain ASCII letters, digits, and the characters ., -, and _", https://github.com/github/docs/issues/44518; GitLab:
 * "Path can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'",
 * https://gitlab.com/gitlab-org/gitlab/-/issues/220640), never "." or ".." (a path step, not a name) nor ending in .git.
 */
function repositorySegmentProblem(segment: string, owner: boolean): string | undefined {
  const shown = cut(segment, 40);
  if (segment === '') return 'an empty part (a "/" too many)';
  if (segment === '.' || segment === '..') return `"${segment}" is a path step, not a name`;
  if (!/^[A-Za-z0-9_.-]+$/.test(segment)) return `"${shown}" may contain only ASCII letters, digits and . _ -`;
  if (segment.toLowerCase().endsWith('.git')) return `"${shown}" must not end in ".git"`;
  // Owners (GitHub users and organizations, Bitbucket workspaces, GitLab groups) start with a letter, digit or _.
  if (owner && !/^[A-Za-z0-9_]/.test(segment)) return `the owner "${shown}" must start with a letter, digit or _`;
  return undefined;
}

/** owner/name for a connection (GitHub, GitLab, Bitbucket); a CodeCommit repository name otherwise. */
export const validateRepository: Validator<string> = (v, s) => {
  if (v === '') return true;
  if (s.source === 'codecommit') {
    return CODECOMMIT_NAME.test(v) && !v.endsWith('.git') && v !== '.' && v !== '..'
      ? true
      : `must be a CodeCommit repository name: ${span(LIMITS.codeCommitRepositoryLength)} letters, digits, ".", "_" or "-", not ending in ".git", not "." or ".."`;
  }
  const ownerName = 'must be "owner/name" (GitHub, GitHub Enterprise, Bitbucket, or a GitLab group path)';
  if (v.length > LIMITS.repositoryIdLength.max)
    return `${ownerName} of at most ${LIMITS.repositoryIdLength.max} characters`;
  const segments = v.split('/');
  if (segments.length < 2) return ownerName;
  const problem = segments.map((segment, i) => repositorySegmentProblem(segment, i === 0)).find(Boolean);
  return problem ? `${ownerName}: ${problem}` : true;
};

export const validateConnectionArn: Validator<string> = (v, s) => {
  if (v === '') return true;
  if (
    !/^arn:aws(-[a-z]+)*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/.test(v)
  ) {
    return 'must be empty or a connection ARN: arn:aws:codeconnections:REGION:ACCOUNT:connection/UUID (codestar-connections also accepted)';
  }
  return inTargetRegion(v, s);
};

// ---- Production edge: HTTPS, network, autoscaling, configuration and secrets ----

/** An ARN of this service, in the stacks' region and partition (--region), or the stack cannot use it. */
function sameRegionAndPartition(arn: string, service: string, s: KnownSettings): Validation {
  const arnService = arn.split(':')[2];
  return arnService === service ? inTargetRegion(arn, s) : `must be an ARN of ${service}, not ${arnService}`;
}

/**
 * A name an ACM certificate can cover and an alias record can carry: at most 253 characters, labels of 1-63 letters,
 * digits and hyphens, at least two labels, no wildcard (the service answers at this one name); ACM also refuses a first
 * domain name over 64 characters (https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html).
 */
export const validateDomain: Validator<string> = (v) => {
  if (v === '') return true;
  const name = v.toLowerCase();
  if (name.length > CERTIFICATE_DOMAIN_MAX)
    return `must be at most ${CERTIFICATE_DOMAIN_MAX} characters (ACM limit for the domain name of a certificate)`;
  if (name.startsWith('*.'))
    return 'must not be a wildcard: the service answers at one name (request a wildcard certificate yourself and pass --certificate-arn with the exact name)';
  const labels = name.split('.');
  if (
    labels.length < 2 ||
    !labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l)) ||
    /^\d+$/.test(labels[labels.length - 1])
  ) {
    return 'must be a fully qualified domain name such as api.example.com (labels of letters, digits and hyphens, not starting or ending with a hyphen)';
  }
  return true;
};

/** Route 53 hosted zone ids: Z followed by up to 31 upper-case letters and digits (the form the console shows without /hostedzone/). */
export const validateHostedZoneId: Validator<string> = (v, s) => {
  if (v === '') {
    return s.domain && !s.certificateArn
      ? `is required with domain ${s.domain} unless certificateArn is given: the stack creates the certificate and validates it in this zone`
      : true;
  }
  return /^Z[A-Z0-9]{1,31}$/.test(v)
    ? true
    : 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (without "/hostedzone/")';
};

/** An ACM certificate ARN in the stacks' region and partition (a load balancer can only use a certificate of its own region). */
export const validateCertificateArn: Validator<string> = (v, s) => {
  if (v === '') return true;
  if (!/^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/.test(v)) {
    return 'must be an ACM certificate ARN: arn:aws:acm:REGION:ACCOUNT:certificate/UUID';
  }
  return sameRegionAndPartition(v, 'acm', s);
};

/** Tasks running at the peak of a deployment of `count` tasks: rolling up to maxPercent, the others two full sets. */
export function peakTasks(count: number, s: KnownSettings): number {
  return traitsOf(s.strategy).replacesInWaves ? Math.floor((count * (s.maxPercent ?? 200)) / 100) : 2 * count;
}

export const validateMinCount: Validator<number> = all(integerBetween(LIMITS.desiredCount), (v, s) =>
  s.desiredCount === undefined || v <= s.desiredCount
    ? true
    : `must not exceed desiredCount (${s.desiredCount}), which must lie between minCount and maxCount`,
);

export const validateVcpuQuota = integerBetween(LIMITS.fargateVcpuQuota);

export const validateMaxCount: Validator<number> = all(integerBetween(LIMITS.desiredCount), (v, s) => {
  if (s.desiredCount !== undefined && v < s.desiredCount) return `must be at least desiredCount (${s.desiredCount})`;
  if (s.minCount !== undefined && v < s.minCount) return `must be at least minCount (${s.minCount})`;
  // A rolling deployment that can move at desiredCount can move at any larger count (maxPercent's room only grows):
  // the headroom maxPercent needs at maxCount is capacity, the vCPUs of its peak.
  return fitsVcpuQuota(peakTasks(v, s), 'at the peak of a deployment', 'lower maxCount', s);
});

/** Target tracking targets: average CPU in percent, or requests per task per minute (ALBRequestCountPerTarget). */
export const validateScalingTarget: Validator<number> = (v, s) =>
  s.autoscaling === 'cpu'
    ? integerBetween(LIMITS.cpuScalingTarget)(v, s)
    : integerBetween(LIMITS.requestScalingTarget)(v, s);

/** Names the app's own configuration sets from settings; an --env or --secret of the same name would fight it. */
export const RESERVED_VARIABLES = [
  'PORT',
  'DRAIN_SECONDS',
  'STOP_TIMEOUT_SECONDS',
  'KEEP_ALIVE_TIMEOUT_MS',
  'HEADERS_TIMEOUT_MS',
  'CHECK_TIMEOUT_MS',
  'APP_VERSION',
  'NODE_ENV',
];

/**
 * A variable name every shell and Node can read: a letter or underscore, then letters, digits and underscores (ECS itself
 * only requires a non-blank name); AWS_ and ECS_ are left to the variables ECS and Fargate set in every task
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html).
 */
export function variableNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(name))
    return `name ${JSON.stringify(name)} must be a letter or "_" followed by letters, digits and "_" (at most 255)`;
  if (/^(AWS|ECS)_/i.test(name))
    return `name ${name} starts with AWS_ or ECS_, which ECS and Fargate set in every task`;
  if (RESERVED_VARIABLES.includes(name))
    return `name ${name} is set by the generator from its own settings (${RESERVED_VARIABLES.join(', ')})`;
  return undefined;
}

/**
 * Bytes the generator's own part of a task definition may take (family, image, roles, ports, log configuration, PORT): with
 * every name at its longest it is about 2 KiB, which test/generator/bad-inputs.test.ts measures on the rendered taskdef.json.
 */
export const TASK_DEFINITION_OWN_BYTES = 3072;

/** UTF-8 bytes of the JSON entries ECS stores for variables or secrets: {"name":"K","value":"V"}, comma-separated. */
export function entriesBytes(entries: Record<string, string>, key: 'value' | 'valueFrom'): number {
  const encoder = new TextEncoder();
  return Object.entries(entries).reduce(
    (sum, [name, value]) => sum + encoder.encode(JSON.stringify({ name, [key]: value })).length + 1,
    0,
  );
}

/** The task definition's size with these variables and secrets against ECS's limit (TASK_DEFINITION_MAX_BYTES). */
function fitsTaskDefinition(environment: Record<string, string>, secrets: Record<string, string>): Validation {
  const variables = entriesBytes(environment, 'value');
  const secretBytes = entriesBytes(secrets, 'valueFrom');
  const total = TASK_DEFINITION_OWN_BYTES + variables + secretBytes;
  if (total <= TASK_DEFINITION_MAX_BYTES) return true;
  const parts = [`the variables take ${variables}`, ...(secretBytes > 0 ? [`the secrets ${secretBytes}`] : [])];
  return (
    `makes the task definition up to ${total} bytes (${parts.join(', ')}, the rest up to ${TASK_DEFINITION_OWN_BYTES}), ` +
    `over ECS's limit of ${TASK_DEFINITION_MAX_BYTES} bytes (64 KiB) for a task definition; ` +
    'keep large or many values out of the task definition (a file in the image, or an SSM parameter read with --secret)'
  );
}

/**
 * Text every template carries unchanged: no NUL, no lone surrogate (neither survives UTF-8 or a process's environment),
 * no control character U+007F-U+009F nor U+2028/U+2029 (YAML forbids them unescaped; YAML 1.1 reads U+0085, U+2028 and
 * U+2029 as line breaks: https://yaml.org/spec/1.2.2/#51-character-set and https://yaml.org/spec/1.1/, 5.4).
 */
export function unsafeTextProblem(text: string): string | undefined {
  const at = text.search(
    /[\0\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
  );
  if (at < 0) return undefined;
  const code = text.charCodeAt(at);
  const what = code >= 0xd800 && code <= 0xdfff ? 'a lone surrogate' : 'a control character';
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return `contains ${what} (U+${hex}) at position ${at + 1}, which the generated files cannot carry unchanged`;
}

/** --env: names as above; values are plain text baked into the task definition (never a secret: use --secret). */
export const validateEnv: Validator<Record<string, string>> = (v) => {
  for (const [name, value] of Object.entries(v)) {
    const problem = variableNameProblem(name);
    if (problem) return problem;
    if (typeof value !== 'string') return `value of ${name} must be text`;
  }
  return fitsTaskDefinition(v, {});
};

const SSM_PARAMETER_ARN = /^arn:aws(-[a-z]+)*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]{1,2048}$/;
/** A complete Secrets Manager ARN (6-character suffix), optionally with ECS's :json-key:version-stage:version-id. */
const SECRET_ARN =
  /^(arn:aws(-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6})(:[^:]*:[^:]*:[^:]*)?$/;

/** The resource an execution role must be granted to read a secret's ValueFrom (the secret itself, without ECS's json-key suffix). */
export function secretResource(valueFrom: string): string {
  return SECRET_ARN.exec(valueFrom)?.[1] ?? valueFrom;
}

/** --secret: SSM parameters or Secrets Manager secrets, by complete ARN, in the stacks' region and partition. */
export const validateSecrets: Validator<Record<string, string>> = (v, s) => {
  for (const [name, arn] of Object.entries(v)) {
    const problem = variableNameProblem(name);
    if (problem) return problem;
    if (s.environment && name in s.environment)
      return `name ${name} is also given with --env; a variable is either plain or secret`;
    if (typeof arn !== 'string' || !(SSM_PARAMETER_ARN.test(arn) || SECRET_ARN.test(arn))) {
      return `${name}: ${JSON.stringify(arn)} must be the ARN of an SSM parameter (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME) or of a Secrets Manager secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf, optionally :json-key:version-stage:version-id)`;
    }
    const place = sameRegionAndPartition(arn, arn.split(':')[2], s);
    if (place !== true) return `${name}: ARN ${place}`;
  }
  const size = fitsTaskDefinition(s.environment ?? {}, v);
  return size === true ? fitsExecutionRolePolicy(v) : size;
};

/**
 * Characters the execution role's own statements may take in its policy (ECR pull, logs, a KMS key), as IAM counts them
 * (compact JSON, intrinsics resolved): about 1 KiB with every name at its longest, measured in bad-inputs.test.ts.
 */
export const EXECUTION_POLICY_OWN_CHARS = 2048;

/** The execution role's policy lists every secret's resource (templates/infra/_partials/secrets.yml): within IAM's limit. */
export function executionPolicyChars(secrets: Record<string, string>): number {
  const resources = [...new Set(Object.values(secrets).map(secretResource))];
  // Each ARN quoted with a comma, and per service a statement {"Effect":"Allow","Action":"...","Resource":[...]}.
  const statements = new Set(resources.map((arn) => arn.split(':')[2])).size;
  return EXECUTION_POLICY_OWN_CHARS + resources.reduce((sum, arn) => sum + arn.length + 3, 0) + statements * 80;
}

function fitsExecutionRolePolicy(v: Record<string, string>): Validation {
  const chars = executionPolicyChars(v);
  return chars <= IAM_ROLE_POLICY_MAX_CHARS
    ? true
    : `makes the execution role's policy up to ${chars} characters (it grants each of the ${Object.keys(v).length} secrets by ARN), ` +
        `over IAM's limit of ${IAM_ROLE_POLICY_MAX_CHARS} characters for a role's inline policies; ` +
        'keep fewer secrets (one Secrets Manager secret holds many values as JSON keys: NAME=arn:...:secret:NAME-AbCdEf:key::)';
}

/** The customer managed KMS key the secrets are encrypted with (AWS managed keys need no grant); empty: none. */
export const validateKmsKeyArn: Validator<string> = (v, s) => {
  if (v === '') return true;
  if (!/^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/([0-9a-f-]{36}|mrk-[0-9a-f]{32})$/.test(v)) {
    return 'must be empty or a KMS key ARN: arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (an alias cannot be granted in IAM)';
  }
  return sameRegionAndPartition(v, 'kms', s);
};

/**
 * environments: the ordered list the pipeline promotes one image through. Each name lowercase letters, digits and
 * hyphens; every name derived from it (environments.ts) within its AWS limit for these settings.
 */
export const validateEnvironments: Validator<string> = (v, s) => {
  const list = environmentList(v);
  if (list.length === 0) return 'must name at least one environment (for example production, or staging,production)';
  // Stored as given: names separated by single commas, nothing else.
  if (list.join(',') !== v)
    return 'must be names separated by commas, without spaces or empty entries (staging,production)';
  if (list.length > ENVIRONMENTS_MAX)
    return `names ${list.length} environments; a pipeline has at most ${ENVIRONMENTS_MAX} deploy stages (CodePipeline's 50 stages)`;
  const repeated = list.find((name, i) => list.indexOf(name) !== i);
  if (repeated) return `names ${repeated} twice; each environment once`;
  for (const name of list) {
    if (!/^[a-z][a-z0-9-]*$/.test(name) || /--|-$/.test(name))
      return `has "${cut(name, 40)}": an environment name starts with a lowercase letter, has only lowercase letters, digits and single hyphens, and does not end with one`;
    if (name.length > ENVIRONMENT_NAME_MAX)
      return `has "${cut(name, 40)}", longer than ${ENVIRONMENT_NAME_MAX} characters (its pipeline stage and namespace names)`;
  }
  // One domain, certificate and alias record cannot serve two load balancers.
  if (list.length > 1 && s.domain)
    return `gives ${list.length} environments one domain (${cut(s.domain, 40)}), which only one load balancer can answer; leave --domain empty with several environments`;
  if (s.appName === undefined || s.service === undefined || s.cluster === undefined) return true;
  const serviceMax = traitsOf(s.strategy).codeDeploy ? CODEDEPLOY_NAME_MAX : LIMITS.ecsNameLength.max;
  const names = environmentsOf(list, {
    appName: s.appName,
    service: s.service,
    cluster: s.cluster,
    existingCluster: s.existingCluster === true,
  });
  for (const e of names) {
    if (e.stack.length > STACK_NAME_MAX)
      return `makes the stack name ${cut(e.stack, 40)} of ${e.stack.length} characters, over CloudFormation's ${STACK_NAME_MAX}; shorten ${e.name} or appName`;
    if (e.service.length > serviceMax)
      return `makes the service name ${cut(e.service, 40)} of ${e.service.length} characters, over ${serviceMax}; shorten ${e.name} or service`;
    if (e.cluster.length > LIMITS.ecsNameLength.max)
      return `makes the cluster name ${cut(e.cluster, 40)} of ${e.cluster.length} characters, over ${LIMITS.ecsNameLength.max}; shorten ${e.name} or cluster`;
  }
  // The settings before this one were checked without it: the vCPU quota again, counting every environment (one
  // deploying, the others running), all in this account and region.
  if (list.length > 1 && s.desiredCount !== undefined) {
    const quota = validateDesiredCount(s.desiredCount, { ...s, environments: v });
    if (quota !== true) return `with desiredCount ${s.desiredCount} in each of ${list.length} environments, ${quota}`;
  }
  return true;
};
