// The settings each strategy owns: asked, resolved and stored only for that strategy (the spec both tests check).
export const STRATEGY_KEYS = [
  'bakeTime',
  'canaryPercent',
  'canaryBakeTime',
  'linearStepPercent',
  'linearStepBakeTime',
  'codeDeployConfig',
  'validationHook',
];

export const KEYS_BY_STRATEGY: [string, string[]][] = [
  ['rolling', []],
  ['blue-green', ['bakeTime', 'validationHook']],
  ['canary', ['bakeTime', 'canaryPercent', 'canaryBakeTime', 'validationHook']],
  ['linear', ['bakeTime', 'linearStepPercent', 'linearStepBakeTime', 'validationHook']],
  ['codedeploy', ['bakeTime', 'codeDeployConfig', 'validationHook']],
];

/** The health check values the previous version stored by default (the article's 30 s x 4, deregistration 30 s). */
export const OLD_HEALTH_DEFAULTS = {
  healthCheckInterval: 30,
  healthCheckTimeout: 5,
  healthyThreshold: 4,
  unhealthyThreshold: 2,
  healthCheckGracePeriod: 60,
  deregistrationDelay: 30,
};
