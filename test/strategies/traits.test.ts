// The strategy table decides what each strategy renders: for every strategy, the parsed service.yml, pipeline.yml,
// the file list and the README's deploy section hold exactly the resources its traits call for, and the traits
// themselves obey AWS's rules (an ECS strategy only under the ECS controller, listener rules only for ECS shifting).
import { describe, expect, it } from 'vitest';
import { FILES } from '../../generators/app/core/render/files.js';
import { renderOutput } from '../../generators/app/core/render/render.js';
import { resolveSettings } from '../../generators/app/core/settings/resolve.js';
import { SETTINGS } from '../../generators/app/core/settings/declaration.js';
import {
  STRATEGY_NAMES,
  STRATEGY_TABLE,
  traitsOf,
  type Strategy,
} from '../../generators/app/core/settings/strategies.js';
import { parseTemplate, type Template } from '../support/cfn/parse.js';

const HOOK = 'arn:aws:lambda:eu-west-1:123456789012:function:check-green';

function renderStrategy(strategy: Strategy) {
  // The hook and the alarms switch on every optional resource, so a resource a trait should rule out cannot hide.
  const settings = resolveSettings(
    { flags: { strategy, validationHook: HOOK, rollbackAlarms: true, region: 'eu-west-1' }, stored: {} },
    { folderName: 'svc', gitRemote: 'acme/svc' },
  );
  const output = renderOutput(FILES, settings, '0.0.0');
  const text = (file: string) => output.get(file)?.contents ?? '';
  return {
    files: [...output.keys()],
    service: parseTemplate(text('infra/service.yml')),
    pipeline: parseTemplate(text('infra/pipeline.yml')),
    readme: text('README.md'),
  };
}

const has = (template: Template, id: string) => id in (template.Resources ?? {});

describe.each(STRATEGY_NAMES)('%s renders what its traits say', (strategy) => {
  const traits = traitsOf(strategy);
  const r = renderStrategy(strategy);
  const service = r.service.Resources!.Service.Properties as Record<string, any>;

  it('deployment controller and ECS deployment strategy', () => {
    expect(service.DeploymentController).toEqual({ Type: traits.controller });
    // ECS's default strategy is ROLLING, so the template names it only when ECS shifts traffic.
    expect(service.DeploymentConfiguration.Strategy).toBe(traits.ecsTrafficShift ? traits.ecsStrategy : undefined);
    expect(service.DeploymentConfiguration.CanaryConfiguration !== undefined).toBe(traits.ecsStrategy === 'CANARY');
    expect(service.DeploymentConfiguration.LinearConfiguration !== undefined).toBe(traits.ecsStrategy === 'LINEAR');
    // The circuit breaker works only under the ECS controller.
    expect(service.DeploymentConfiguration.DeploymentCircuitBreaker !== undefined).toBe(traits.controller === 'ECS');
  });

  it('two target groups exactly when it shifts traffic', () => {
    expect(has(r.service, 'AlternateTargetGroup')).toBe(traits.shiftsTraffic);
  });

  it('a test listener, its parameters and its ingress exactly when it has one', () => {
    expect(has(r.service, 'TestListener')).toBe(traits.testListener);
    expect('TestListenerPort' in r.service.Parameters!).toBe(traits.testListener);
    expect('TestTrafficCidr' in r.service.Parameters!).toBe(traits.testListener);
    const ingress = r.service.Resources!.LoadBalancerSecurityGroup.Properties!.SecurityGroupIngress as Record<
      string,
      unknown
    >[];
    expect(ingress.some((rule) => JSON.stringify(rule.FromPort) === JSON.stringify({ Ref: 'TestListenerPort' }))).toBe(
      traits.testListener,
    );
  });

  it('the README says what a manual change of the listener rules does, and where CodeDeploy changes go, from the same traits', () => {
    expect(r.readme.includes('**The listener rules**')).toBe(traits.ecsListenerRules);
    expect(r.readme.includes('**With CodeDeploy**')).toBe(traits.codeDeploy);
  });

  it('listener rules, the traffic role and the advanced load balancer configuration exactly when ECS moves traffic', () => {
    for (const id of ['ProductionListenerRule', 'TestListenerRule', 'LoadBalancerRole']) {
      expect(has(r.service, id), id).toBe(traits.ecsListenerRules);
    }
    expect(service.LoadBalancers[0].AdvancedConfiguration !== undefined).toBe(traits.ecsListenerRules);
    // The validation hook runs through ECS's own lifecycle hooks only when ECS moves traffic.
    expect(has(r.service, 'HookRole')).toBe(traits.ecsTrafficShift);
  });

  it('CodeDeploy resources, inputs and pipeline action exactly under the CodeDeploy controller', () => {
    for (const id of ['CodeDeployApplication', 'CodeDeployRole', 'DeploymentGroup'])
      expect(has(r.service, id), id).toBe(traits.codeDeploy);
    expect(r.files.includes('appspec.yaml')).toBe(traits.codeDeploy);
    expect(r.files.includes('taskdef.json')).toBe(traits.codeDeploy);
    const actions = (r.pipeline.Resources!.Pipeline.Properties!.Stages as any[]).find((s) => s.Name === 'Deploy')
      .Actions as any[];
    expect(actions.map((a) => a.ActionTypeId.Provider)).toEqual(
      traits.codeDeploy ? ['CloudFormation', 'CodeDeployToECS'] : ['CloudFormation'],
    );
    // Only with CodeDeploy does the build read the service stack back (to keep its first image).
    expect(JSON.stringify(r.pipeline.Resources!.BuildRole).includes('cloudformation:DescribeStacks')).toBe(
      traits.codeDeploy,
    );
  });

  it("the deployment role may create and pass roles under the service stack's path exactly when that stack has roles", () => {
    const roles = ['LoadBalancerRole', 'HookRole', 'CodeDeployRole'].filter((id) => has(r.service, id));
    expect(roles.length > 0).toBe(traits.ecsListenerRules || traits.codeDeploy);
    for (const id of roles)
      expect(r.service.Resources![id].Properties!.Path).toEqual({ 'Fn::Sub': '/${AWS::StackName}/' });
    expect(JSON.stringify(r.pipeline.Resources!.DeploymentRole).includes('iam:CreateRole')).toBe(roles.length > 0);
  });
});

// The spec, written out: what each strategy is (a change to the table must change this too).
const SPEC: Record<
  Strategy,
  [
    controller: string,
    ecsStrategy: string | undefined,
    shiftsTraffic: boolean,
    testListener: boolean,
    ecsListenerRules: boolean,
  ]
> = {
  rolling: ['ECS', 'ROLLING', false, false, false],
  'blue-green': ['ECS', 'BLUE_GREEN', true, true, true],
  canary: ['ECS', 'CANARY', true, true, true],
  linear: ['ECS', 'LINEAR', true, true, true],
  codedeploy: ['CODE_DEPLOY', undefined, true, true, false],
};

describe('the strategy table obeys AWS', () => {
  it.each(STRATEGY_NAMES)('%s has the traits of the spec', (name) => {
    const t = traitsOf(name);
    expect([t.controller, t.ecsStrategy, t.shiftsTraffic, t.testListener, t.ecsListenerRules]).toEqual(SPEC[name]);
  });

  it.each(STRATEGY_NAMES)(
    '%s: an ECS strategy only under the ECS controller; ECS listener rules only when ECS shifts traffic',
    (name) => {
      const t: {
        controller: string;
        ecsStrategy?: string;
        shiftsTraffic: boolean;
        ecsListenerRules: boolean;
        testListener: boolean;
      } = STRATEGY_TABLE[name];
      expect(t.ecsStrategy !== undefined).toBe(t.controller === 'ECS');
      if (t.ecsListenerRules) expect(t.controller === 'ECS' && t.shiftsTraffic).toBe(true);
      // ECS ROLLING never shifts traffic between target groups; the others always do.
      expect(t.shiftsTraffic).toBe(t.ecsStrategy !== 'ROLLING');
    },
  );

  it('every owned setting is a declared strategy setting, applied exactly for its owners', () => {
    for (const name of STRATEGY_NAMES) {
      for (const owned of STRATEGY_TABLE[name].owns) {
        const decl = SETTINGS.find((d) => d.name === owned);
        expect(decl?.applies, owned).toBeDefined();
        for (const other of STRATEGY_NAMES) {
          expect(decl!.applies!({ strategy: other }), `${owned} for ${other}`).toBe(
            (STRATEGY_TABLE[other].owns as readonly string[]).includes(owned),
          );
        }
      }
    }
  });
});
