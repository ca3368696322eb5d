// Every strategy, with defaults and with custom settings: the delivery checks (AWS schemas, references, least-privilege
// IAM), the structure that makes each strategy what it claims, cross-file agreement, and a snapshot per strategy.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkTemplate } from '../support/cfn/check.js';
import { checkPolicies } from '../support/cfn/iam.js';
import { parseTemplate, parseYaml, type Template } from '../support/cfn/parse.js';
import { only, render, type Rendered } from '../delivery/render.js';

const HOOK = 'arn:aws:lambda:eu-west-1:123456789012:function:check-green';
const CUSTOM = {
  'rollback-alarms': false,
  'validation-hook': HOOK,
  'bake-time': '15',
  'canary-percent': '2.5',
  'canary-bake-time': '20',
  'linear-step-percent': '25',
  'linear-step-bake-time': '4',
  'code-deploy-config': 'CodeDeployDefault.ECSCanary10Percent15Minutes',
  'desired-count': '2',
  port: '8080',
  'container-name': 'web',
  service: 'orders-svc',
  region: 'eu-west-1',
};
const STRATEGIES = ['rolling', 'blue-green', 'canary', 'linear', 'codedeploy'] as const;
const CASES = STRATEGIES.flatMap((strategy) => [
  // The folder name is random: a fixed app name keeps the snapshots stable.
  { strategy, name: `${strategy}, defaults`, options: { strategy, 'app-name': 'shop' } },
  { strategy, name: `${strategy}, custom`, options: { ...CUSTOM, strategy, 'app-name': 'shop' } },
]);

const props = (template: Template, id: string) => {
  const resource = template.Resources?.[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return resource.Properties as Record<string, any>;
};
/** CloudFormation's PascalCase keys as ECS JSON spells them (ContainerPort -> containerPort), at every depth. */
const camelCase = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(camelCase)
    : value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), camelCase(v)]))
      : value;
const deployActions = (r: Rendered) =>
  (only(r.pipeline, 'AWS::CodePipeline::Pipeline').Properties.Stages as any[]).find((stage) => stage.Name === 'Deploy')
    .Actions as any[];

describe.each(CASES)('$name', ({ strategy, options }) => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render(options);
  });
  const custom = 'validation-hook' in options;

  test('service.yml and pipeline.yml pass the schema, reference and IAM checks', async () => {
    for (const text of [r.text.service, r.text.pipeline]) {
      expect([...(await checkTemplate(text)), ...(await checkPolicies(text))]).toEqual([]);
    }
  });

  test('a failed deployment rolls back on its own, and on an alarm unless told not to', () => {
    const service = props(r.service, 'Service');
    const alarms = ['TargetErrorsAlarm', 'UnhealthyTargetsAlarm'];
    // Alarms are on by default; the custom case turns them off.
    const alarmed = !custom;
    if (strategy === 'codedeploy') {
      const group = only(r.service, 'AWS::CodeDeploy::DeploymentGroup').Properties;
      expect(group.AutoRollbackConfiguration).toEqual({
        Enabled: true,
        Events: alarmed ? ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] : ['DEPLOYMENT_FAILURE'],
      });
      expect(group.AlarmConfiguration?.Alarms).toEqual(alarmed ? alarms.map((a) => ({ Name: { Ref: a } })) : undefined);
    } else {
      expect(service.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
      expect(service.DeploymentConfiguration.Alarms).toEqual(
        alarmed ? { AlarmNames: alarms.map((a) => ({ Ref: a })), Enable: true, Rollback: true } : undefined,
      );
    }
    expect(alarms.every((a) => a in (r.service.Resources ?? {}))).toBe(alarmed);
    expect(alarms.some((a) => a in (r.service.Resources ?? {}))).toBe(alarmed);
  });

  test('the deployment strategy and its timings are the settings', () => {
    const service = props(r.service, 'Service');
    const config = service.DeploymentConfiguration;
    expect(service.DeploymentController).toEqual({ Type: strategy === 'codedeploy' ? 'CODE_DEPLOY' : 'ECS' });
    const bake = custom ? 15 : 5;
    switch (strategy) {
      case 'rolling':
        expect(config.Strategy).toBeUndefined();
        expect(r.service.Resources).not.toHaveProperty('AlternateTargetGroup');
        return;
      case 'codedeploy': {
        const group = only(r.service, 'AWS::CodeDeploy::DeploymentGroup').Properties;
        expect(group.DeploymentConfigName).toBe(
          custom ? 'CodeDeployDefault.ECSCanary10Percent15Minutes' : 'CodeDeployDefault.ECSAllAtOnce',
        );
        expect(group.BlueGreenDeploymentConfiguration.TerminateBlueInstancesOnDeploymentSuccess).toEqual({
          Action: 'TERMINATE',
          TerminationWaitTimeInMinutes: bake,
        });
        expect(group.DeploymentStyle).toEqual({
          DeploymentType: 'BLUE_GREEN',
          DeploymentOption: 'WITH_TRAFFIC_CONTROL',
        });
        expect(only(r.service, 'AWS::CodeDeploy::Application').Properties.ComputePlatform).toBe('ECS');
        return;
      }
      default:
        expect(config.Strategy).toBe({ 'blue-green': 'BLUE_GREEN', canary: 'CANARY', linear: 'LINEAR' }[strategy]);
        expect(config.BakeTimeInMinutes).toBe(bake);
        expect(config.CanaryConfiguration).toEqual(
          strategy === 'canary'
            ? { CanaryPercent: custom ? 2.5 : 10, CanaryBakeTimeInMinutes: custom ? 20 : 5 }
            : undefined,
        );
        expect(config.LinearConfiguration).toEqual(
          strategy === 'linear' ? { StepPercent: custom ? 25 : 10, StepBakeTimeInMinutes: custom ? 4 : 1 } : undefined,
        );
    }
  });

  test('blue/green strategies run two target groups, a production and a test listener', () => {
    if (strategy === 'rolling') return;
    const resources = r.service.Resources ?? {};
    expect(props(r.service, 'AlternateTargetGroup')).toEqual(props(r.service, 'TargetGroup'));
    expect(props(r.service, 'TestListener').Port).toEqual({ Ref: 'TestListenerPort' });
    if (strategy === 'codedeploy') {
      const pair = only(r.service, 'AWS::CodeDeploy::DeploymentGroup').Properties.LoadBalancerInfo
        .TargetGroupPairInfoList;
      expect(pair).toEqual([
        {
          TargetGroups: [
            { Name: { 'Fn::GetAtt': ['TargetGroup', 'TargetGroupName'] } },
            { Name: { 'Fn::GetAtt': ['AlternateTargetGroup', 'TargetGroupName'] } },
          ],
          ProdTrafficRoute: { ListenerArns: [{ Ref: 'Listener' }] },
          TestTrafficRoute: { ListenerArns: [{ Ref: 'TestListener' }] },
        },
      ]);
      expect(props(r.service, 'Service').LoadBalancers[0].AdvancedConfiguration).toBeUndefined();
      return;
    }
    expect(props(r.service, 'Service').LoadBalancers[0].AdvancedConfiguration).toEqual({
      AlternateTargetGroupArn: { Ref: 'AlternateTargetGroup' },
      ProductionListenerRule: { Ref: 'ProductionListenerRule' },
      TestListenerRule: { Ref: 'TestListenerRule' },
      RoleArn: { 'Fn::GetAtt': ['LoadBalancerRole', 'Arn'] },
    });
    for (const [rule, listener] of [
      ['ProductionListenerRule', 'Listener'],
      ['TestListenerRule', 'TestListener'],
    ]) {
      expect(props(r.service, rule).ListenerArn).toEqual({ Ref: listener });
      expect(props(r.service, rule).Actions[0].ForwardConfig.TargetGroups).toEqual([
        { TargetGroupArn: { Ref: 'TargetGroup' }, Weight: 100 },
        { TargetGroupArn: { Ref: 'AlternateTargetGroup' }, Weight: 0 },
      ]);
    }
    expect(props(r.service, 'LoadBalancerRole').AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: 'ecs.amazonaws.com',
    });
    expect('HookRole' in resources).toBe(custom);
  });

  test('the validation hook is off by default and runs after test traffic when given', () => {
    if (strategy === 'rolling') return;
    if (strategy === 'codedeploy') {
      const appspec = parseYaml(readFileSync(path.join(r.dir, 'appspec.yaml'), 'utf8')) as Record<string, any>;
      expect(appspec.Hooks).toEqual(custom ? [{ AfterAllowTestTraffic: HOOK }] : undefined);
      return;
    }
    expect(props(r.service, 'Service').DeploymentConfiguration.LifecycleHooks).toEqual(
      custom
        ? [
            {
              HookTargetArn: HOOK,
              RoleArn: { 'Fn::GetAtt': ['HookRole', 'Arn'] },
              LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
            },
          ]
        : undefined,
    );
  });

  test('the pipeline deploys the service stack, then (codedeploy) shifts traffic, and the build hands them the files they read', () => {
    const actions = deployActions(r);
    expect(actions[0].ActionTypeId.Provider).toBe('CloudFormation');
    expect(actions[0].Configuration).toMatchObject({
      TemplatePath: 'BuildOutput::infra/service.yml',
      TemplateConfiguration: 'BuildOutput::service-config.json',
    });
    if (strategy === 'codedeploy') {
      expect(actions.map((a) => a.ActionTypeId.Provider)).toEqual(['CloudFormation', 'CodeDeployToECS']);
      expect(actions[1].Configuration).toMatchObject({
        ApplicationName: { Ref: 'ServiceName' },
        DeploymentGroupName: { Ref: 'ServiceName' },
        TaskDefinitionTemplatePath: 'taskdef.json',
        AppSpecTemplatePath: 'appspec.yaml',
        Image1ArtifactName: 'BuildOutput',
        Image1ContainerName: 'IMAGE1_NAME',
      });
      // The names the pipeline gives CodeDeploy are the ones the service stack creates.
      expect(props(r.service, 'CodeDeployApplication').ApplicationName).toEqual({ Ref: 'ServiceName' });
      expect(props(r.service, 'DeploymentGroup').DeploymentGroupName).toEqual({ Ref: 'ServiceName' });
      expect(r.buildspec.artifacts.files).toEqual([
        'service-config.json',
        'infra/service.yml',
        'imageDetail.json',
        'taskdef.json',
        'appspec.yaml',
      ]);
    } else {
      expect(actions).toHaveLength(1);
      expect(r.buildspec.artifacts.files).toEqual(['service-config.json', 'infra/service.yml']);
    }
    expect(existsSync(path.join(r.dir, 'appspec.yaml'))).toBe(strategy === 'codedeploy');
    expect(existsSync(path.join(r.dir, 'taskdef.json'))).toBe(strategy === 'codedeploy');
  });

  test('codedeploy: taskdef.json is the task the ECS strategies run; the stack keeps a bootstrap with its container and port', async () => {
    if (strategy !== 'codedeploy') return;
    const taskdef = JSON.parse(readFileSync(path.join(r.dir, 'taskdef.json'), 'utf8'));
    // The same settings with an ECS strategy, rendered in memory: the stack's task definition is then the real one.
    const { renderOutput } = await import('../../generators/app/core/render/render.js');
    const { resolveSettings } = await import('../../generators/app/core/settings/resolve.js');
    const { FILES } = await import('../../generators/app/core/render/files.js');
    const rolling = resolveSettings(
      { flags: {}, stored: { ...r.settings, strategy: 'rolling' } },
      { folderName: 'shop', gitRemote: '' },
    );
    const ecs = props(
      parseTemplate(renderOutput(FILES, rolling, '0').get('infra/service.yml')!.contents),
      'TaskDefinition',
    );
    const [container] = ecs.ContainerDefinitions;
    expect(taskdef).toMatchObject({
      family: r.settings.service,
      cpu: ecs.Cpu,
      memory: ecs.Memory,
      networkMode: ecs.NetworkMode,
      requiresCompatibilities: ecs.RequiresCompatibilities,
      executionRoleArn: '<EXECUTION_ROLE_ARN>',
      taskRoleArn: '<TASK_ROLE_ARN>',
    });
    // The same container, property for property (ECS JSON spells CloudFormation's keys in camelCase).
    const { Image: _image, LogConfiguration: logs, ...rest } = container;
    const { image, logConfiguration, ...taskdefRest } = taskdef.containerDefinitions[0];
    expect(taskdef.containerDefinitions).toHaveLength(1);
    expect(taskdefRest).toEqual(camelCase(rest));
    expect(image).toBe('<IMAGE1_NAME>');
    expect(logConfiguration).toEqual({
      logDriver: logs.LogDriver,
      options: {
        'awslogs-group': `/ecs/${String(r.settings.service)}`,
        'awslogs-region': r.settings.region,
        'awslogs-stream-prefix': logs.Options['awslogs-stream-prefix'],
      },
    });
    // The stack's bootstrap runs the same container name and port (the service's LoadBalancers name them).
    const [bootstrap] = props(r.service, 'TaskDefinition').ContainerDefinitions;
    expect([bootstrap.Name, bootstrap.PortMappings]).toEqual([container.Name, container.PortMappings]);
    expect(props(r.service, 'Service').LoadBalancers[0]).toMatchObject({
      ContainerName: container.Name,
      ContainerPort: container.PortMappings[0].ContainerPort,
    });
    const appspec = parseYaml(readFileSync(path.join(r.dir, 'appspec.yaml'), 'utf8')) as Record<string, any>;
    expect(appspec.Resources[0].TargetService.Properties.LoadBalancerInfo).toEqual({
      ContainerName: container.Name,
      ContainerPort: container.PortMappings[0].ContainerPort,
    });
    // The build fills in the roles the pipeline stack creates and passes it.
    const variables = only(r.pipeline, 'AWS::CodeBuild::Project').Properties.Environment.EnvironmentVariables;
    expect(variables).toEqual(
      expect.arrayContaining([
        { Name: 'STACK_PARAMETER_TaskRoleArn', Value: { 'Fn::GetAtt': ['TaskRole', 'Arn'] } },
        { Name: 'STACK_PARAMETER_ExecutionRoleArn', Value: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] } },
      ]),
    );
  });

  test('the README shows the estimate of these settings with its arithmetic', () => {
    const estimate = r.derived.estimate as {
      best: number;
      worst: number;
      steps: { label: string; best: number; worst: number }[];
    };
    expect(r.text.readme).toContain(`**${estimate.best} s to ${estimate.worst} s**`);
    for (const step of estimate.steps) expect(r.text.readme).toContain(`| ${step.label} |`);
    expect(r.text.readme).toContain(`| **total** | | | | **${estimate.best}** | **${estimate.worst}** |`);
  });

  test('snapshot of the files the strategy shapes', () => {
    const files = ['infra/service.yml', 'infra/pipeline.yml', 'buildspec.yml', 'appspec.yaml', 'taskdef.json'];
    const readme = r.text.readme.slice(r.text.readme.indexOf('## Deployment time'));
    const texts = Object.fromEntries(
      files.filter((f) => existsSync(path.join(r.dir, f))).map((f) => [f, readFileSync(path.join(r.dir, f), 'utf8')]),
    );
    expect({
      ...texts,
      'README.md#deployment-time': readme.slice(0, readme.indexOf('\n## ', 3) >>> 0),
    }).toMatchSnapshot();
  });
});

describe("the generator's README", () => {
  test('"Choosing a strategy" shows the estimate of each strategy with the defaults', async () => {
    const { readFileSync: read } = await import('node:fs');
    const { ROOT } = await import('../support/generate.js');
    const { derive } = await import('../../generators/app/core/render/derive.js');
    const { formatDuration } = await import('../../generators/app/core/settings/estimate.js');
    const { resolveSettings } = await import('../../generators/app/core/settings/resolve.js');
    const readme = read(path.join(ROOT, 'README.md'), 'utf8');
    for (const strategy of STRATEGIES) {
      const { estimate } = derive(
        resolveSettings({ flags: { strategy }, stored: {} }, { folderName: 'svc', gitRemote: '' }),
      );
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${strategy}\``));
      expect(row, strategy).toMatch(
        new RegExp(`\\| ${formatDuration(estimate.best)} to ${formatDuration(estimate.worst)} \\|$`),
      );
    }
  });
});
