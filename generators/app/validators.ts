// Pure validators: (value, settings) => true | message. No Yeoman, no I/O.
// Each limit is the real AWS one; the comment next to it says where it comes from.
import type { Settings } from './types.js';

export type Validation = true | string;
export type Validator<T> = (value: T, settings: Partial<Settings>) => Validation;

/** Longest name derived from appName is the target group `<appName>-green` (ALB: 32 characters). */
export const APP_NAME_MAX = 26;

/** Regions where ECS, Fargate, CodePipeline and CodeBuild are offered (commercial, GovCloud, China). */
export const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
  'us-gov-east-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1',
] as const;

/** Fargate task sizes: CPU units -> allowed memory (MiB). */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** Node.js LTS lines offered both as official image (ECR Public mirror) and as a CodeBuild runtime. */
export const NODE_VERSIONS = ['24', '22'] as const;

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

export function integerBetween(min: number, max: number, unit = ''): Validator<number> {
  const suffix = unit ? ` ${unit}` : '';
  return (value) =>
    Number.isInteger(value) && value >= min && value <= max
      ? true
      : `must be a whole number from ${min} to ${max}${suffix}`;
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
  pattern(/^[a-z][a-z0-9-]*$/, 'must start with a lowercase letter and contain only lowercase letters, digits and hyphens'),
  pattern(/^(?!.*--)(?!.*-$)/, 'must not end with a hyphen or contain two hyphens in a row'),
  (v) => (v.length <= APP_NAME_MAX ? true : `must be at most ${APP_NAME_MAX} characters (the target group name "<appName>-green" must fit the load balancer's 32-character limit)`),
);

export const validateRegion: Validator<string> = (v) =>
  (AWS_REGIONS as readonly string[]).includes(v) ? true : 'must be an AWS region code such as us-east-1 or eu-west-1';

/** ECS cluster and service names: 1-255 letters, digits, hyphens and underscores. */
export const validateEcsName: Validator<string> = pattern(
  /^[A-Za-z0-9_-]{1,255}$/,
  'must be 1-255 characters: letters, digits, hyphens and underscores',
);

/** ECS container names: 1-255 letters, digits, hyphens and underscores. */
export const validateContainerName = validateEcsName;

/** ECR repository names: 2-256 characters, lowercase, optional namespaces separated by "/". */
export const validateEcrRepository: Validator<string> = all(
  (v) => (v.length >= 2 && v.length <= 256 ? true : 'must be 2-256 characters'),
  pattern(
    /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    'must be lowercase letters, digits and . _ - separators, with optional "/" namespaces',
  ),
);

export const validatePort: Validator<number> = integerBetween(1024, 65535);

/** ALB health check path: up to 1024 characters; we allow the subset that is safe in a URL, YAML and an Express route. */
export const validateHealthCheckPath: Validator<string> = all(
  pattern(/^\//, 'must start with "/"'),
  (v) => (v.length <= 1024 ? true : 'must be at most 1024 characters (load balancer limit)'),
  pattern(/^\/[A-Za-z0-9._~\/-]*$/, 'may contain only letters, digits and . _ ~ - / (no query string, no spaces)'),
  pattern(/^(?!.*\/\/)(?!.*\/\.\.?(\/|$))/, 'must not contain "//", "/." or "/.." segments'),
);

export const validateHealthCheckInterval = integerBetween(5, 300, 'seconds');

export const validateHealthCheckTimeout: Validator<number> = all(integerBetween(2, 120, 'seconds'), (v, s) =>
  s.healthCheckInterval === undefined || v < s.healthCheckInterval
    ? true
    : `must be less than the health check interval (${s.healthCheckInterval} s)`,
);

export const validateThreshold = integerBetween(2, 10);

/** ECS accepts a grace period up to 2,147,483,647 s; anything beyond a day is a mistake, but it is the real limit. */
export const validateGracePeriod = integerBetween(0, 2147483647, 'seconds');

export const validateDeregistrationDelay = integerBetween(0, 3600, 'seconds');

/** ECS: at most 5,000 tasks per service. */
export const validateDesiredCount = integerBetween(1, 5000);

export const validateMinHealthyPercent = integerBetween(0, 100, 'percent');

/** How many tasks ECS may run and must keep during a rolling deployment (ECS rounds max down and min up). */
export function rollingBounds(desired: number, minHealthyPercent: number, maxPercent: number) {
  return {
    maxRunning: Math.floor((desired * maxPercent) / 100),
    minHealthy: Math.ceil((desired * minHealthyPercent) / 100),
  };
}

export const validateMaxPercent: Validator<number> = all(integerBetween(100, 400, 'percent'), (v, s) => {
  const { desiredCount: desired, minHealthyPercent: min, strategy } = s;
  if (desired === undefined || min === undefined || (strategy !== undefined && strategy !== 'rolling')) return true;
  const { maxRunning, minHealthy } = rollingBounds(desired, min, v);
  if (maxRunning > desired || minHealthy < desired) return true;
  return (
    `with desiredCount ${desired}, minHealthyPercent ${min} and maxPercent ${v} a rolling deployment can neither ` +
    `start a new task (at most ${maxRunning} may run) nor stop an old one (at least ${minHealthy} must stay healthy); ` +
    `raise maxPercent or lower minHealthyPercent`
  );
});

/** Multiples of 0.1 from min to max, as ECS takes CanaryPercent and StepPercent. */
export function tenthsBetween(min: number, max: number): Validator<number> {
  return (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && Number.isInteger(Math.round(value * 1e6) / 1e5)
      ? true
      : `must be a multiple of 0.1 from ${min.toFixed(1)} to ${max.toFixed(1)} percent`;
}

/** ECS DeploymentConfiguration.BakeTimeInMinutes and the canary/linear bake times: 0-1440 minutes (24 hours). */
export const ECS_BAKE_MAX_MINUTES = 1440;
/** CodeDeploy ECS TerminationWaitTimeInMinutes (the original task set's bake): at most 2880 minutes (2 days). */
export const CODEDEPLOY_TERMINATION_WAIT_MAX_MINUTES = 2880;
/** CloudFormation rejects an ECS canary or linear deployment whose bake times add up to more than 33 hours. */
export const CFN_MAX_BAKE_MINUTES = 33 * 60;

export const validateBakeTime: Validator<number> = (v, s) =>
  s.strategy === 'codedeploy'
    ? integerBetween(0, CODEDEPLOY_TERMINATION_WAIT_MAX_MINUTES, 'minutes (CodeDeploy termination wait)')(v, s)
    : integerBetween(0, ECS_BAKE_MAX_MINUTES, 'minutes')(v, s);

/** ECS CanaryConfiguration.CanaryPercent: multiples of 0.1 from 0.1 to 100.0. */
export const validateCanaryPercent = tenthsBetween(0.1, 100);

/** ECS LinearConfiguration.StepPercent: multiples of 0.1 from 3.0 to 100.0. */
export const validateLinearStepPercent = tenthsBetween(3, 100);

/** Traffic steps after which ECS waits the step bake time: CloudFormation's own count (no wait after the step that reaches 100 %). */
export function linearBakeSteps(stepPercent: number): number {
  const tenths = Math.round(stepPercent * 10);
  return 1000 % tenths === 0 ? 1000 / tenths - 1 : Math.floor(1000 / tenths);
}

function withinCloudFormationLimit(totalMinutes: number, formula: string): Validation {
  return totalMinutes <= CFN_MAX_BAKE_MINUTES
    ? true
    : `makes ${formula} = ${totalMinutes} minutes; CloudFormation rejects ECS deployments over ${CFN_MAX_BAKE_MINUTES} minutes (33 hours)`;
}

export const validateCanaryBakeTime: Validator<number> = all(integerBetween(0, ECS_BAKE_MAX_MINUTES, 'minutes'), (v, s) =>
  withinCloudFormationLimit((s.bakeTime ?? 0) + v, `bakeTime ${s.bakeTime ?? 0} + canaryBakeTime ${v}`),
);

export const validateLinearStepBakeTime: Validator<number> = all(integerBetween(0, ECS_BAKE_MAX_MINUTES, 'minutes'), (v, s) => {
  const steps = s.linearStepPercent === undefined ? 0 : linearBakeSteps(s.linearStepPercent);
  return withinCloudFormationLimit((s.bakeTime ?? 0) + v * steps, `bakeTime ${s.bakeTime ?? 0} + linearStepBakeTime ${v} x ${steps} steps`);
});

/** CodeDeploy's predefined ECS deployment configurations and the minutes each one spends shifting traffic. */
export const CODEDEPLOY_CONFIGS = [
  { value: 'CodeDeployDefault.ECSAllAtOnce', name: 'all at once', shiftMinutes: 0 },
  { value: 'CodeDeployDefault.ECSCanary10Percent5Minutes', name: 'canary: 10 %, the rest 5 minutes later', shiftMinutes: 5 },
  { value: 'CodeDeployDefault.ECSCanary10Percent15Minutes', name: 'canary: 10 %, the rest 15 minutes later', shiftMinutes: 15 },
  { value: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes', name: 'linear: 10 % more every minute (9 minutes)', shiftMinutes: 9 },
  { value: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes', name: 'linear: 10 % more every 3 minutes (27 minutes)', shiftMinutes: 27 },
] as const;

export const validateCodeDeployConfig: Validator<string> = (v) =>
  CODEDEPLOY_CONFIGS.some((c) => c.value === v) ? true : `must be one of ${CODEDEPLOY_CONFIGS.map((c) => c.value).join(', ')}`;

/** Empty, or the ARN of a Lambda function (optionally with a version or alias), as ECS lifecycle hooks and appspec hooks take. */
export const validateLambdaArn: Validator<string> = (v) =>
  v === '' || /^arn:aws(-[a-z]+)*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$/.test(v)
    ? true
    : 'must be empty or a Lambda function ARN: arn:aws:lambda:REGION:ACCOUNT:function:NAME';

export const validateCpu: Validator<number> = (v) =>
  FARGATE_SIZES[v] ? true : `must be a Fargate CPU size: ${Object.keys(FARGATE_SIZES).join(', ')}`;

export const validateMemory: Validator<number> = (v, s) => {
  if (s.cpu === undefined || !FARGATE_SIZES[s.cpu]) return Number.isInteger(v) && v > 0 ? true : 'must be a whole number of MiB';
  const allowed = FARGATE_SIZES[s.cpu];
  if (allowed.includes(v)) return true;
  return `is not a valid Fargate size with cpu ${s.cpu}: allowed memory is ${describeList(allowed)} MiB`;
};

function describeList(values: readonly number[]): string {
  return values.length <= 4 ? values.join(', ') : `${values[0]} to ${values[values.length - 1]} in steps of ${values[1] - values[0]}`;
}

/** git check-ref-format rules for a branch name. */
export const validateBranch: Validator<string> = (v) => {
  const bad =
    v.length === 0 ||
    v.length > 255 ||
    /[\x00-\x20~^:?*[\\\x7f]/.test(v) ||
    v.startsWith('-') ||
    v.startsWith('/') ||
    v.endsWith('/') ||
    v.endsWith('.') ||
    v.endsWith('.lock') ||
    v.includes('..') ||
    v.includes('//') ||
    v.includes('@{') ||
    v === '@' ||
    v.split('/').some((part) => part.startsWith('.'));
  return bad ? 'must be a valid git branch name (no spaces, ~ ^ : ? * [ \\, "..", "@{", or a leading "-" or ".")' : true;
};

/** owner/name for a connection (GitHub, GitLab, Bitbucket); a CodeCommit repository name otherwise. */
export const validateRepository: Validator<string> = (v, s) => {
  if (v === '') return true;
  if (s.source === 'codecommit') {
    return /^[\w.-]{1,100}$/.test(v) && !v.endsWith('.git')
      ? true
      : 'must be a CodeCommit repository name: 1-100 letters, digits, ".", "_" or "-", not ending in ".git"';
  }
  return /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/.test(v) && v.length <= 255
    ? true
    : 'must be "owner/name" (GitHub, GitHub Enterprise, Bitbucket, or a GitLab group path)';
};

export const validateConnectionArn: Validator<string> = (v) =>
  v === '' ||
  /^arn:aws(-[a-z]+)*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/.test(v)
    ? true
    : 'must be empty or a connection ARN: arn:aws:codeconnections:REGION:ACCOUNT:connection/UUID (codestar-connections also accepted)';
