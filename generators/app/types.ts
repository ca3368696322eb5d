import type { Strategy } from './strategies.js';

/** Every setting the generator stores in .yo-rc.json, keyed as in the README's option table. */
export interface Settings {
  appName: string;
  region: string;
  cluster: string;
  existingCluster: boolean;
  service: string;
  containerName: string;
  port: number;
  healthCheckPath: string;
  healthCheckInterval: number;
  healthCheckTimeout: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  healthCheckGracePeriod: number;
  deregistrationDelay: number;
  desiredCount: number;
  minHealthyPercent: number;
  maxPercent: number;
  cpu: number;
  memory: number;
  nodeVersion: string;
  strategy: Strategy;
  source: string;
  repository: string;
  branch: string;
  connectionArn: string;
  manualApproval: boolean;
  ecrRepository: string;
  // Strategy-specific: present only when the strategy uses them (see `applies` in settings.ts).
  bakeTime?: number;
  canaryPercent?: number;
  canaryBakeTime?: number;
  linearStepPercent?: number;
  linearStepBakeTime?: number;
  codeDeployConfig?: string;
  rollbackAlarms: boolean;
  validationHook?: string;
  // The production edge: network, HTTPS, autoscaling, configuration and secrets.
  network: string;
  privateSubnets?: boolean;
  domain: string;
  certificateArn?: string;
  hostedZoneId?: string;
  autoscaling: string;
  fargateVcpuQuota?: number;
  minCount?: number;
  maxCount?: number;
  scalingTarget?: number;
  /** Plain environment variables of the container, by name. */
  environment: Record<string, string>;
  /** Secrets of the container: variable name -> ARN of an SSM parameter or a Secrets Manager secret. */
  secrets: Record<string, string>;
  kmsKeyArn?: string;
}

export type SettingName = keyof Settings;

/** Facts about the destination that defaults may depend on. */
export interface Context {
  /** Name of the destination folder. */
  folderName: string;
  /** `owner/name` parsed from the destination's `git remote get-url origin`, if any. */
  gitRemote: string;
}
