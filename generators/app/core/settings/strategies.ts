// The one declaration of every deployment strategy and its traits. Settings, validators, the estimate and the
// templates (as `traits`) ask these traits, never the strategy's name, so "is this blue/green?" is answered here once.
// ECS deployment strategies and controllers: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-types.html

export interface StrategyTraits {
  /** ECS DeploymentController.Type: ECS deploys it itself, or CodeDeploy does. */
  controller: 'ECS' | 'CODE_DEPLOY';
  /** ECS DeploymentConfiguration.Strategy; none when CodeDeploy controls the deployment. */
  ecsStrategy?: 'ROLLING' | 'BLUE_GREEN' | 'CANARY' | 'LINEAR';
  /** New tasks start in a second target group and production traffic moves to it (else tasks are replaced in waves). */
  shiftsTraffic: boolean;
  /** A test listener reaches the new tasks before production traffic does. */
  testListener: boolean;
  /** ECS moves traffic by changing the weights of listener rules (ECS-native blue/green, canary, linear). */
  ecsListenerRules: boolean;
  /** Strategy-specific settings this strategy asks, resolves and stores (the others never are); the declaration, above
   * this module, checks that each is a setting. */
  owns: readonly string[];
  /** Text of the choice in the prompt. */
  choice: string;
}

export const STRATEGY_TABLE = {
  rolling: {
    controller: 'ECS',
    ecsStrategy: 'ROLLING',
    shiftsTraffic: false,
    testListener: false,
    ecsListenerRules: false,
    owns: [],
    choice: 'rolling: ECS rolling update, new tasks start before old ones stop (min/max percent)',
  },
  'blue-green': {
    controller: 'ECS',
    ecsStrategy: 'BLUE_GREEN',
    shiftsTraffic: true,
    testListener: true,
    ecsListenerRules: true,
    owns: ['bakeTime', 'validationHook'],
    choice:
      'blue-green: ECS blue/green, a full new set of tasks, all traffic moved at once, instant rollback while baking',
  },
  canary: {
    controller: 'ECS',
    ecsStrategy: 'CANARY',
    shiftsTraffic: true,
    testListener: true,
    ecsListenerRules: true,
    owns: ['bakeTime', 'canaryPercent', 'canaryBakeTime', 'validationHook'],
    choice: 'canary: ECS canary, a percentage of traffic first, the rest after a bake time',
  },
  linear: {
    controller: 'ECS',
    ecsStrategy: 'LINEAR',
    shiftsTraffic: true,
    testListener: true,
    ecsListenerRules: true,
    owns: ['bakeTime', 'linearStepPercent', 'linearStepBakeTime', 'validationHook'],
    choice: 'linear: ECS linear, traffic moved in equal steps with a bake time between them',
  },
  codedeploy: {
    controller: 'CODE_DEPLOY',
    shiftsTraffic: true,
    testListener: true,
    ecsListenerRules: false,
    owns: ['bakeTime', 'codeDeployConfig', 'validationHook'],
    choice: 'codedeploy: CodeDeploy blue/green (all at once, canary or linear), for teams already on CodeDeploy',
  },
} as const;
// Checked here rather than in the initializer, so that the owned settings keep their literal names (declaration.ts checks them).
STRATEGY_TABLE satisfies Record<string, StrategyTraits>;

export type Strategy = keyof typeof STRATEGY_TABLE;

/** Every strategy name, in the order the prompt offers them. */
export const STRATEGY_NAMES = Object.keys(STRATEGY_TABLE) as Strategy[];

/** The strategy assumed before one is chosen (the setting's default). */
export const DEFAULT_STRATEGY: Strategy = 'rolling';

/** The traits with the families derived from them, as templates read them (`traits.ecsTrafficShift`, ...). */
export interface Traits extends StrategyTraits {
  name: Strategy;
  /** ECS itself moves traffic between two target groups (blue-green, canary, linear). */
  ecsTrafficShift: boolean;
  /** CodeDeploy controls the deployment (application, deployment group, appspec.yaml, taskdef.json). */
  codeDeploy: boolean;
  /** Old tasks are replaced in waves bounded by minHealthyPercent and maxPercent (rolling). */
  replacesInWaves: boolean;
}

function derive(name: Strategy): Traits {
  const t: StrategyTraits = STRATEGY_TABLE[name];
  return {
    ...t,
    name,
    ecsTrafficShift: t.controller === 'ECS' && t.shiftsTraffic,
    codeDeploy: t.controller === 'CODE_DEPLOY',
    replacesInWaves: !t.shiftsTraffic,
  };
}

const TRAITS = Object.fromEntries(STRATEGY_NAMES.map((name) => [name, derive(name)])) as Record<Strategy, Traits>;

export function isStrategy(value: unknown): value is Strategy {
  return typeof value === 'string' && Object.hasOwn(STRATEGY_TABLE, value);
}

/** Traits of a strategy; the default strategy's when none (or no valid one) is chosen yet. */
export function traitsOf(strategy: unknown): Traits {
  return TRAITS[isStrategy(strategy) ? strategy : DEFAULT_STRATEGY];
}

/** Choices for the prompt, from the table. */
export const STRATEGY_CHOICES = STRATEGY_NAMES.map((value) => ({ value, name: STRATEGY_TABLE[value].choice }));

/** `applies` of a strategy-specific setting: whether the chosen strategy owns it. */
export const ownedByStrategy =
  // A string: the settings declaration calls this, and the setting names are derived from that declaration.
  (setting: string) =>
    (s: { strategy?: unknown }): boolean =>
      traitsOf(s.strategy).owns.includes(setting);
