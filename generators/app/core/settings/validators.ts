// Pure validators: (value, settings) => true | message. No Yeoman, no I/O.
// Every limit and AWS fact they check lives in aws-limits.ts, with where AWS documents it.
import {
  APP_NAME_MAX,
  AWS_REGIONS,
  CERTIFICATE_DOMAIN_MAX,
  CFN_MAX_BAKE_MINUTES,
  CODEDEPLOY_CONFIGS,
  CODEDEPLOY_NAME_MAX,
  DEFAULT_FARGATE_VCPU_QUOTA,
  FARGATE_SIZES,
  LIMITS,
  TARGET_GROUP_NAME_MAX,
  linearBakeSteps,
  rollingBounds,
  type Range,
} from './aws-limits.js';
import { traitsOf } from './strategies.js';

export type Validation = true | string;
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

export const validateDesiredCount = integerBetween(LIMITS.desiredCount);

export const validateMinHealthyPercent = integerBetween(LIMITS.minHealthyPercent);

export const validateMaxPercent: Validator<number> = all(integerBetween(LIMITS.maxPercent), (v, s) => {
  const { desiredCount: desired, minHealthyPercent: min } = s;
  if (desired === undefined || min === undefined || !traitsOf(s.strategy).replacesInWaves) return true;
  const { maxRunning, minHealthy } = rollingBounds(desired, min, v);
  if (maxRunning > desired || minHealthy < desired) return true;
  return (
    `with desiredCount ${desired}, minHealthyPercent ${min} and maxPercent ${v} a rolling deployment can neither ` +
    `start a new task (at most ${maxRunning} may run) nor stop an old one (at least ${minHealthy} must stay healthy); ` +
    `raise maxPercent or lower minHealthyPercent`
  );
});

/** Multiples of 0.1 within a range, as ECS takes CanaryPercent and StepPercent. */
export function tenthsBetween({ min, max }: Range): Validator<number> {
  return (value) =>
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    Number.isInteger(Math.round(value * 1e6) / 1e5)
      ? true
      : `must be a multiple of 0.1 from ${min.toFixed(1)} to ${max.toFixed(1)} percent`;
}

const validateEcsBakeTime = integerBetween(LIMITS.ecsBakeTime);
const validateCodeDeployTerminationWait = integerBetween({
  ...LIMITS.codeDeployTerminationWait,
  unit: 'minutes (CodeDeploy termination wait)',
});

/** ECS bakes with BakeTimeInMinutes; CodeDeploy with the termination wait of the original task set. */
export const validateBakeTime: Validator<number> = (v, s) =>
  (traitsOf(s.strategy).codeDeploy ? validateCodeDeployTerminationWait : validateEcsBakeTime)(v, s);

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
  `^arn:aws(-[a-z]+)*:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{${LIMITS.lambdaFunctionNameLength.min},${LIMITS.lambdaFunctionNameLength.max}}(:[A-Za-z0-9$_-]{1,128})?$`,
);

/** Empty, or the ARN of a Lambda function (optionally with a version or alias), as ECS lifecycle hooks and appspec hooks take. */
export const validateLambdaArn: Validator<string> = (v, s) => {
  if (v === '') return true;
  if (!LAMBDA_ARN.test(v)) return 'must be empty or a Lambda function ARN: arn:aws:lambda:REGION:ACCOUNT:function:NAME';
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

/** git check-ref-format rules for a branch name. */
export const validateBranch: Validator<string> = (v) => {
  const { min, max } = LIMITS.branchNameLength;
  const bad =
    v.length < min ||
    v.length > max ||
    // git refuses control characters in ref names, so the pattern names them on purpose.
    // eslint-disable-next-line no-control-regex
    /[\x00-\x20~^:?*[\\\x7f]/.test(v) ||
    v.startsWith('-') ||
    // A leading "!" is an exclusion in the CI workflow's branch filter (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax, filter patterns).
    v.startsWith('!') ||
    v.startsWith('/') ||
    v.endsWith('/') ||
    v.endsWith('.') ||
    v.endsWith('.lock') ||
    v.includes('..') ||
    v.includes('//') ||
    v.includes('@{') ||
    v === '@' ||
    v.split('/').some((part) => part.startsWith('.'));
  return bad
    ? 'must be a valid git branch name (no spaces, ~ ^ : ? * [ \\, "..", "@{", or a leading "-", "." or "!")'
    : true;
};

const CODECOMMIT_NAME = new RegExp(
  `^[\\w.-]{${LIMITS.codeCommitRepositoryLength.min},${LIMITS.codeCommitRepositoryLength.max}}$`,
);

/** owner/name for a connection (GitHub, GitLab, Bitbucket); a CodeCommit repository name otherwise. */
export const validateRepository: Validator<string> = (v, s) => {
  if (v === '') return true;
  if (s.source === 'codecommit') {
    return CODECOMMIT_NAME.test(v) && !v.endsWith('.git')
      ? true
      : `must be a CodeCommit repository name: ${span(LIMITS.codeCommitRepositoryLength)} letters, digits, ".", "_" or "-", not ending in ".git"`;
  }
  return /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/.test(v) && v.length <= LIMITS.repositoryIdLength.max
    ? true
    : 'must be "owner/name" (GitHub, GitHub Enterprise, Bitbucket, or a GitLab group path)';
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
  const quota = s.fargateVcpuQuota ?? DEFAULT_FARGATE_VCPU_QUOTA;
  const peak = peakTasks(v, s);
  const vcpus = (peak * (s.cpu ?? 256)) / 1024;
  return vcpus <= quota
    ? true
    : `needs ${vcpus} vCPUs at the peak of a deployment (${peak} tasks of ${(s.cpu ?? 256) / 1024} vCPU), over the Fargate On-Demand vCPU quota of ${quota}; ` +
        'lower maxCount, or raise the quota (Service Quotas console) and pass --fargate-vcpu-quota';
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

/** --env: names as above; values are plain text baked into the task definition (never a secret: use --secret). */
export const validateEnv: Validator<Record<string, string>> = (v) => {
  for (const [name, value] of Object.entries(v)) {
    const problem = variableNameProblem(name);
    if (problem) return problem;
    if (typeof value !== 'string') return `value of ${name} must be text`;
  }
  return true;
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
  return true;
};

/** The customer managed KMS key the secrets are encrypted with (AWS managed keys need no grant); empty: none. */
export const validateKmsKeyArn: Validator<string> = (v, s) => {
  if (v === '') return true;
  if (!/^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/([0-9a-f-]{36}|mrk-[0-9a-f]{32})$/.test(v)) {
    return 'must be empty or a KMS key ARN: arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (an alias cannot be granted in IAM)';
  }
  return sameRegionAndPartition(v, 'kms', s);
};
