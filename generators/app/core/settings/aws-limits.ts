// AWS facts in one place: every limit a validator enforces, a rule text shows or a derived value is capped by, with
// where AWS documents it. Validators (validators.ts) and rule texts (declaration.ts) read these numbers; none is written twice.

/** An inclusive range; `unit` is shown after it in rule texts and messages. */
export interface Range {
  readonly min: number;
  readonly max: number;
  readonly unit?: string;
}

export const LIMITS = {
  // Not an AWS limit: the container runs as a non-root user, who may not bind ports below 1024; 65535 is TCP's last port.
  port: { min: 1024, max: 65535 },
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html (HealthCheckIntervalSeconds: 5-300)
  healthCheckInterval: { min: 5, max: 300, unit: 'seconds' },
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html (HealthCheckTimeoutSeconds: 2-120)
  healthCheckTimeout: { min: 2, max: 120, unit: 'seconds' },
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html (Healthy/UnhealthyThresholdCount: 2-10)
  healthCheckThreshold: { min: 2, max: 10 },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html (healthCheckGracePeriodSeconds: up to 2,147,483,647)
  healthCheckGracePeriod: { min: 0, max: 2147483647, unit: 'seconds' },
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay (0-3600)
  deregistrationDelay: { min: 0, max: 3600, unit: 'seconds' },
  // https://docs.aws.amazon.com/general/latest/gr/ecs-service.html (Tasks per service: 5,000)
  desiredCount: { min: 1, max: 5000 },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html (minimumHealthyPercent: 0-100)
  minHealthyPercent: { min: 0, max: 100, unit: 'percent' },
  // Lower bound: ECS, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html; AWS documents no upper one, 400 is ours.
  maxPercent: { min: 100, max: 400, unit: 'percent' },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html and API_LinearConfiguration.html (bake times: 0-1440 minutes)
  ecsBakeTime: { min: 0, max: 1440, unit: 'minutes' },
  // https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BlueInstanceTerminationOption.html (at most 2880 minutes)
  codeDeployTerminationWait: { min: 0, max: 2880, unit: 'minutes' },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html (multiples of 0.1 from 0.1 to 100.0)
  canaryPercent: { min: 0.1, max: 100, unit: 'percent' },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinearConfiguration.html (multiples of 0.1 from 3.0 to 100.0)
  linearStepPercent: { min: 3, max: 100, unit: 'percent' },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html and API_CreateService.html (up to 255 letters, digits, - and _)
  ecsNameLength: { min: 1, max: 255, unit: 'characters' },
  // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html (repositoryName: 2-256)
  ecrRepositoryLength: { min: 2, max: 256, unit: 'characters' },
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html (HealthCheckPath: up to 1024 characters)
  healthCheckPathLength: { min: 1, max: 1024, unit: 'characters' },
  // https://docs.aws.amazon.com/codecommit/latest/userguide/limits.html (repository names: up to 100 characters)
  codeCommitRepositoryLength: { min: 1, max: 100, unit: 'characters' },
  // https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (FunctionName: 1-64 characters)
  lambdaFunctionNameLength: { min: 1, max: 64, unit: 'characters' },
  // Not an AWS limit we found documented: git stores a branch as a file, and file names stop at 255 bytes on common file systems.
  branchNameLength: { min: 1, max: 255, unit: 'characters' },
  // Not an AWS limit we found documented for CodeConnections' FullRepositoryId: our cap against runaway input.
  repositoryIdLength: { min: 3, max: 255, unit: 'characters' },
  // Not an AWS limit (Service Quotas takes any increase AWS grants): our cap against a typo; AWS's default is below.
  fargateVcpuQuota: { min: 1, max: 1_000_000, unit: 'vCPUs' },
  // Average CPU utilization cannot pass 100 % (ECSServiceAverageCPUUtilization,
  // https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html).
  cpuScalingTarget: { min: 1, max: 100, unit: 'percent' },
  // Not an AWS limit (TargetValue takes any positive number): our cap against a typo, in requests per task per minute.
  requestScalingTarget: { min: 1, max: 1_000_000, unit: 'requests per task per minute' },
} as const satisfies Record<string, Range>;

/** The largest task definition ECS registers, counted as the UTF-8 bytes of its JSON (not adjustable): ECS service
 * quotas, "Task definition size", 64 KiB, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
 * (32 KiB before September 2022, when the SDKs' changelog says "This release supports new task definition sizes"). */
export const TASK_DEFINITION_MAX_BYTES = 64 * 1024;

/** IAM's limit for all inline policies of a role together, in characters without whitespace (not adjustable):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ("Role policy size ... 10,240 characters") */
export const IAM_ROLE_POLICY_MAX_CHARS = 10_240;

/** A Lambda ARN's qualifier: $LATEST, a version or an alias name, as the FunctionName pattern of
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html has it, `(:(\$LATEST|[a-zA-Z0-9-_]+))?`; an alias name
 * has at most 128 characters (https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html, Name). */
export const LAMBDA_QUALIFIER = /^(\$LATEST|[A-Za-z0-9_-]{1,128})$/;

/** CodeDeploy application and deployment group names (the service's name with codedeploy): at most 100 characters,
 * https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateApplication.html */
export const CODEDEPLOY_NAME_MAX = 100;

/** https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html (Name: at most 32 characters) */
export const TARGET_GROUP_NAME_MAX = 32;

/** The longest name derived from appName is the target group `<appName>-green`, so appName may use what is left. */
export const APP_NAME_MAX = TARGET_GROUP_NAME_MAX - '-green'.length;

/** CloudFormation rejects an ECS canary or linear deployment whose bake times add up to more than 33 hours:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html */
export const CFN_MAX_BAKE_MINUTES = 33 * 60;

/** Fargate's upper limit for a container's stopTimeout:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html (stopTimeout: max 120 seconds on Fargate) */
export const FARGATE_MAX_STOP_TIMEOUT = 120;

/** ECS container health checks' startPeriod: 0-300 s (their interval 5-300 s, timeout 2-60 s and retries 1-10 hold every
 * value the load balancer's settings can take here): https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html */
export const ECS_HEALTH_CHECK_MAX_START_PERIOD = 300;

/** Application Load Balancer idle timeout (its default), which the app's keep-alive must outlast:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout */
export const ALB_IDLE_TIMEOUT = 60;

/** https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html (the first domain name of a
 * certificate: at most 64 characters) */
export const CERTIFICATE_DOMAIN_MAX = 64;

/** AWS's default "Fargate On-Demand vCPU resource count" quota per region (new accounts may start lower):
 * https://docs.aws.amazon.com/general/latest/gr/ecs-service.html#service-quotas-fargate */
export const DEFAULT_FARGATE_VCPU_QUOTA = 6;

/** ELB's recommended TLS policy (TLS 1.3 and 1.2, hybrid post-quantum key exchange); without one, CloudFormation gives a
 * listener ELBSecurityPolicy-2016-08: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';

/** The lowest AWS CLI v2 with every command and option scripts/deploy.sh and scripts/teardown.sh use: `aws codeconnections`
 * came with 2.15.34 (https://github.com/aws/aws-cli/blob/v2/CHANGELOG.rst, 2.15.34, 2024-03-29: "api-change:codeconnections");
 * the rest is older (`--no-cli-pager` 2.0.43, list-action-executions' errorDetails 2.15.19). */
export const AWS_CLI_MIN_VERSION = '2.15.34';

/** us-east-1 on-demand prices in USD (Linux/x86), the one source of every price the generator shows:
 * https://aws.amazon.com/fargate/pricing/ (vCPU and GB hours), https://aws.amazon.com/elasticloadbalancing/pricing/
 * (load balancer and LCU hours), https://aws.amazon.com/vpc/pricing/ (public IPv4 address hour, NAT gateway hour and
 * GB processed). A month is 730 hours. */
export const PRICES = {
  vcpuHour: 0.04048,
  gbHour: 0.004445,
  albHour: 0.0225,
  lcuHour: 0.008,
  ipv4Hour: 0.005,
  natHour: 0.045,
  natPerGb: 0.045,
  monthHours: 730,
} as const;

/** Rounded to cents. */
export const usd = (amount: number) => Math.round(amount * 100) / 100;

/** One NAT gateway and its public IPv4 address for a month, before the data it processes (NAT_GATEWAY_PER_GB_USD). */
export const NAT_GATEWAY_MONTHLY_USD = usd((PRICES.natHour + PRICES.ipv4Hour) * PRICES.monthHours);
export const NAT_GATEWAY_PER_GB_USD = PRICES.natPerGb;

/** Regions where ECS, Fargate, CodePipeline and CodeBuild are offered (commercial, GovCloud, China), kept by hand:
 * https://docs.aws.amazon.com/general/latest/gr/ecs-service.html */
export const AWS_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
] as const;

/** Fargate task sizes, CPU units -> allowed memory (MiB):
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: steps(1024, 4096, 1024),
  1024: steps(2048, 8192, 1024),
  2048: steps(4096, 16384, 1024),
  4096: steps(8192, 30720, 1024),
  8192: steps(16384, 61440, 4096),
  16384: steps(32768, 122880, 8192),
};

/** Node.js LTS lines offered both as official image (ECR Public mirror) and as a CodeBuild runtime:
 * https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html */
export const NODE_VERSIONS = ['24', '22'] as const;

/** CodeDeploy's predefined ECS deployment configurations and the minutes each one spends shifting traffic:
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configuration-ecs */
export const CODEDEPLOY_CONFIGS = [
  { value: 'CodeDeployDefault.ECSAllAtOnce', name: 'all at once', shiftMinutes: 0 },
  {
    value: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    name: 'canary: 10 %, the rest 5 minutes later',
    shiftMinutes: 5,
  },
  {
    value: 'CodeDeployDefault.ECSCanary10Percent15Minutes',
    name: 'canary: 10 %, the rest 15 minutes later',
    shiftMinutes: 15,
  },
  {
    value: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
    name: 'linear: 10 % more every minute (9 minutes)',
    shiftMinutes: 9,
  },
  {
    value: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
    name: 'linear: 10 % more every 3 minutes (27 minutes)',
    shiftMinutes: 27,
  },
] as const;

/** How many tasks ECS may run and must keep during a rolling deployment: it rounds max down and min up
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html). */
export function rollingBounds(desired: number, minHealthyPercent: number, maxPercent: number) {
  return {
    maxRunning: Math.floor((desired * maxPercent) / 100),
    minHealthy: Math.ceil((desired * minHealthyPercent) / 100),
  };
}

/** Traffic steps after which ECS waits the step bake time, counted as CloudFormation does (no wait after the step that
 * reaches 100 %): https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html */
export function linearBakeSteps(stepPercent: number): number {
  const tenths = Math.round(stepPercent * 10);
  return 1000 % tenths === 0 ? 1000 / tenths - 1 : Math.floor(1000 / tenths);
}

/** "5-300 seconds": a range as rule texts show it. */
export function rangeRule(range: Range): string {
  return `${range.min}-${range.max}${range.unit ? ` ${range.unit}` : ''}`;
}

/** "0.1-100.0 in steps of 0.1": a range of tenths (ECS traffic percents) as rule texts show it. */
export function tenthsRule(range: Range): string {
  return `${range.min.toFixed(1)}-${range.max.toFixed(1)} in steps of 0.1`;
}

function steps(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** A CloudFormation stack name: at most 128 characters, a letter first, then letters, digits and hyphens:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html (StackName). An environment's
 * service stack is `<appName>-<environment>`. */
export const STACK_NAME_MAX = 128;

/** CodePipeline: at most 50 stages in a pipeline, stage and action names and namespaces at most 100 characters of
 * [A-Za-z0-9.@_-]: https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html. The pipeline has Source, Build,
 * an optional Approve and one deploy stage per environment (`Deploy-<environment>`). */
export const PIPELINE_STAGES_MAX = 50;
export const PIPELINE_NAME_MAX = 100;

/** Environments a pipeline can promote through: every stage but Source, Build and Approve deploys one. */
export const ENVIRONMENTS_MAX = PIPELINE_STAGES_MAX - 3;

/** The longest environment name: `Deploy-<environment>` is a stage name and `Service-<environment>` an action namespace
 * (PIPELINE_NAME_MAX); the names it adds to (stack, ECS service, cluster, CodeDeploy application) are checked with the
 * names they extend. */
export const ENVIRONMENT_NAME_MAX = PIPELINE_NAME_MAX - 'Service-'.length;

/** CodeBuild's price for BUILD_GENERAL1_SMALL on Linux, USD a minute (the build and each smoke test):
 * https://aws.amazon.com/codebuild/pricing/ */
export const CODEBUILD_SMALL_MINUTE_USD = 0.005;
