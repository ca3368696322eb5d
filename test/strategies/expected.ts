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
