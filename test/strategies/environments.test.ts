// Environments (issue 19): one image built once and promoted through each environment in order. Templates for two and
// three environments, for every strategy, pass the schema, IAM and cfn-lint checks; each environment has its own stack,
// service, cluster and log group; a smoke test of the environment just deployed stands between two; and two simulated
// pipeline runs show the same image in every environment, the second promoting its new image through the same stages.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { render, type Rendered } from '../delivery/render.js';
import { ACCOUNT, REGION, runBuildspec, resolve } from '../delivery/run-buildspec.js';
import { checkTemplate } from '../support/cfn/check.js';
import { allowedActions, checkPolicies } from '../support/cfn/iam.js';
import { CFN_LINT_AVAILABLE, cfnLintEach } from '../support/cfn/lint.js';
import { generate, tempDir } from '../support/generate.js';
import type { Template } from '../support/cfn/parse.js';

const STRATEGIES = ['rolling', 'blue-green', 'canary', 'linear', 'codedeploy'];
const CASES: Record<string, string | boolean>[] = [
  ...STRATEGIES.map((strategy) => ({ strategy, environments: 'staging,production' })),
  { strategy: 'rolling', environments: 'dev,staging,production', 'manual-approval': true },
  {
    strategy: 'codedeploy',
    environments: 'dev,staging,production',
    'manual-approval': true,
    'rollback-alarms': true,
    source: 'codecommit',
    repository: 'shop',
  },
  { strategy: 'canary', environments: 'qa,prod', 'existing-cluster': true },
];

const stagesOf = (r: Rendered) =>
  (r.pipeline.Resources!.Pipeline.Properties!.Stages as { Name: string; Actions: any[] }[]).map((s) => s);

const rendered: Rendered[] = [];
let lint = new Map<string, string[]>();
const kept = tempDir('environments-');
const filesOf = (i: number) => ['service.yml', 'pipeline.yml'].map((f) => path.join(kept, `${i}-${f}`));
beforeAll(async () => {
  for (const [i, options] of CASES.entries()) {
    const r = await render({ 'app-name': 'shop', ...options });
    rendered.push(r);
    filesOf(i).forEach((file, at) => writeFileSync(file, [r.text.service, r.text.pipeline][at]));
  }
  if (CFN_LINT_AVAILABLE)
    lint = cfnLintEach(
      rendered.flatMap((r, i) => filesOf(i).map((file) => ({ file, region: String(r.settings.region) }))),
    );
}, 600_000);

describe.each(CASES.map((options, i) => ({ ...options, i })))('$strategy, environments $environments', ({ i }) => {
  const names = () => String(CASES[i].environments).split(',');

  test('pipeline.yml and service.yml pass the schema, reference and IAM checks, and cfn-lint', async () => {
    const r = rendered[i];
    for (const text of [r.text.service, r.text.pipeline]) {
      expect(await checkTemplate(text)).toEqual([]);
      expect(await checkPolicies(text)).toEqual([]);
    }
    if (CFN_LINT_AVAILABLE) for (const file of filesOf(i)) expect(lint.get(file), file).toEqual([]);
  });

  test('stages: one build, then each environment in order, a smoke test of each but the last, the approval before the last', () => {
    const r = rendered[i];
    const list = names();
    const stageOf = (name: string) => (name === 'production' ? 'Deploy' : `Deploy-${name}`);
    const expected = ['Source', 'Build'];
    for (const [at, name] of list.entries()) {
      if (at === list.length - 1 && CASES[i]['manual-approval']) expected.push('Approve');
      expected.push(stageOf(name));
    }
    const stages = stagesOf(r);
    expect(stages.map((s) => s.Name)).toEqual(expected);
    // One build in the whole pipeline: the deploy stages only read its output.
    const builds = stages.flatMap((s) => s.Actions).filter((a) => a.ActionTypeId.Category === 'Build');
    expect(builds).toHaveLength(1);
    for (const [at, name] of list.entries()) {
      const actions = stages.find((s) => s.Name === stageOf(name))!.Actions;
      const stack = actions.find((a) => a.Name === 'ServiceStack');
      expect(stack.InputArtifacts).toEqual([{ Name: 'BuildOutput' }]);
      expect(stack.Configuration.TemplateConfiguration).toBe('BuildOutput::service-config.json');
      const smoke = actions.find((a) => a.Name === 'Smoke');
      if (at === list.length - 1) {
        expect(smoke).toBeUndefined();
        continue;
      }
      // The smoke test runs after everything else of its stage, against the URL of this environment's stack.
      expect(smoke.ActionTypeId).toEqual({ Category: 'Test', Owner: 'AWS', Provider: 'CodeBuild', Version: '1' });
      expect(smoke.RunOrder).toBe(Math.max(...actions.filter((a) => a !== smoke).map((a) => a.RunOrder)) + 1);
      expect(JSON.parse(smoke.Configuration.EnvironmentVariables)).toEqual([
        { name: 'SMOKE_URL', value: `#{${stack.Namespace}.ServiceUrl}`, type: 'PLAINTEXT' },
      ]);
      expect(stack.Namespace).toBe(`Service-${name}`);
      expect(r.service.Outputs).toHaveProperty('ServiceUrl');
      expect(smoke.InputArtifacts).toEqual([{ Name: 'Source' }]);
      expect((r.pipeline.Resources!.SmokeProject.Properties as any).Source.BuildSpec).toContain(
        'node scripts/smoke.mjs "$SMOKE_URL"',
      );
    }
  });

  test("each environment its own stack, ECS service, cluster and log group, within the deployment role's permissions", () => {
    const r = rendered[i];
    const list = names();
    const stacks = stagesOf(r)
      .flatMap((s) => s.Actions)
      .filter((a) => a.Name === 'ServiceStack')
      .map((a) => {
        const overrides = a.Configuration.ParameterOverrides
          ? JSON.parse(String(resolve(r, a.Configuration.ParameterOverrides)))
          : {};
        return {
          stack: String(resolve(r, a.Configuration.StackName)),
          service: overrides.ServiceName ?? resolve(r, { Ref: 'ServiceName' }),
          cluster: overrides.ClusterName ?? resolve(r, { Ref: 'ClusterName' }),
        };
      });
    expect(stacks.map((s) => s.stack)).toEqual(list.map((n) => (n === 'production' ? 'shop-service' : `shop-${n}`)));
    expect(new Set(stacks.map((s) => s.service)).size).toBe(list.length);
    expect(new Set(stacks.map((s) => s.cluster)).size).toBe(CASES[i]['existing-cluster'] ? 1 : list.length);
    const deployment = JSON.stringify(r.pipeline.Resources!.DeploymentRole);
    const pipelineRole = JSON.stringify(r.pipeline.Resources!.PipelineRole);
    for (const { stack, service } of stacks) {
      const suffix = String(service).slice(String(resolve(r, { Ref: 'ServiceName' })).length);
      expect(deployment).toContain(
        `service/\${ClusterName}${CASES[i]['existing-cluster'] ? '' : suffix}/\${ServiceName}${suffix}"`,
      );
      expect(deployment).toContain(`log-group:/ecs/\${ServiceName}${suffix}:*`);
      expect(pipelineRole).toContain(stack === 'shop-service' ? 'stack/${ServiceStackName}/*' : `stack/${stack}/*`);
    }
  });
});

/** What CloudFormation does with a template configuration file and the action's ParameterOverrides. */
function apply(template: Template, previous: Record<string, string> | undefined, parameters: Record<string, string>) {
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    const value =
      parameters[name] ?? previous?.[name] ?? ('Default' in parameter ? String(parameter.Default) : undefined);
    expect(value, `a value for ${name}`).toBeDefined();
    values[name] = value!;
  }
  for (const name of Object.keys(parameters)) expect(template.Parameters, name).toHaveProperty(name);
  return values;
}

describe.each(STRATEGIES)('%s: two pipeline runs through staging and production', (strategy) => {
  let r: Rendered;
  const repository = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop`;
  const images = [`${repository}:1111111-1`, `${repository}:2222222-2`];
  // Per run, per environment: the stack's parameters after the deploy action, and what CodeDeploy deploys.
  const runs: { stacks: Record<string, Record<string, string>>; deployed: Record<string, string> }[] = [];

  beforeAll(async () => {
    // Rendered again: the next generation removes the folder of the one before, whose files the build reads.
    r = await render({ 'app-name': 'shop', strategy, environments: 'staging,production' });
    const actions = stagesOf(r).flatMap((s) => s.Actions.map((a) => ({ ...a, stage: s.Name })));
    let previous: Record<string, Record<string, string>> = {};
    for (const [i, commit] of ['1111111aaaa', '2222222bbbb'].entries()) {
      const build = runBuildspec(r, {
        CODEBUILD_RESOLVED_SOURCE_VERSION: commit,
        CODEBUILD_BUILD_NUMBER: String(i + 1),
        STUB_STACK_IMAGE: previous['shop-service']?.ImageUri ?? '',
      });
      expect(build.status, build.stderr).toBe(0);
      const stacks: Record<string, Record<string, string>> = {};
      const deployed: Record<string, string> = {};
      for (const action of actions) {
        if (action.Name === 'ServiceStack') {
          const stack = String(resolve(r, action.Configuration.StackName));
          const overrides = action.Configuration.ParameterOverrides
            ? JSON.parse(String(resolve(r, action.Configuration.ParameterOverrides)), (_k, v) =>
                v && typeof v === 'object' && 'Fn::GetParam' in v
                  ? build.artifacts[v['Fn::GetParam'][1]][v['Fn::GetParam'][2]]
                  : v,
              )
            : {};
          stacks[stack] = apply(r.service, previous[stack], {
            ...build.artifacts['service-config.json'].Parameters,
            ...overrides,
          });
        }
        if (action.Name === 'CodeDeploy') {
          const taskdef = build.artifacts[action.Configuration.TaskDefinitionTemplatePath];
          expect(taskdef.family).toBe(String(resolve(r, action.Configuration.ApplicationName)));
          expect(taskdef.containerDefinitions[0].logConfiguration.options['awslogs-group']).toBe(
            `/ecs/${taskdef.family}`,
          );
          expect(action.Configuration.Image1ArtifactName).toBe('BuildOutput');
          deployed[action.stage] = build.artifacts['imageDetail.json'].ImageURI;
        }
      }
      runs.push({ stacks, deployed });
      previous = stacks;
    }
  }, 120_000);

  test('every environment gets the one image the build pushed, on each run', () => {
    for (const [i, run] of runs.entries()) {
      expect(Object.keys(run.stacks)).toEqual(['shop-staging', 'shop-service']);
      if (strategy === 'codedeploy') {
        expect(run.deployed).toEqual({ 'Deploy-staging': images[i], Deploy: images[i] });
        // CloudFormation may not change a CodeDeploy service's task definition: each stack keeps its first image.
        for (const stack of Object.values(run.stacks)) expect(stack.ImageUri).toBe(images[0]);
      } else {
        for (const stack of Object.values(run.stacks)) expect(stack.ImageUri).toBe(images[i]);
      }
    }
  });

  test('each environment keeps its own service and cluster on every run', () => {
    for (const run of runs) {
      expect(run.stacks['shop-staging'].ServiceName).toBe(`${run.stacks['shop-service'].ServiceName}-staging`);
      expect(run.stacks['shop-staging'].ClusterName).toBe(`${run.stacks['shop-service'].ClusterName}-staging`);
    }
  });
});

describe('the environments setting is validated', () => {
  const refused = async (options: Record<string, unknown>) => {
    try {
      await generate({ 'app-name': 'shop', ...options });
    } catch (error) {
      return String((error as Error).message);
    }
    return 'accepted';
  };

  test.each([
    ['Staging,production', 'lowercase'],
    ['staging,staging', 'twice'],
    ['staging-,production', 'hyphen'],
    [',', 'at least one'],
    [`${'a'.repeat(93)},production`, 'characters'],
  ])('%s is refused (%s)', async (environments, words) => {
    expect(await refused({ environments })).toContain(words);
  });

  test('one domain for several environments is refused (one alias record, one load balancer)', async () => {
    expect(
      await refused({
        environments: 'staging,production',
        domain: 'shop.example.com',
        'hosted-zone-id': 'Z0123456789ABCDEFGHIJ',
      }),
    ).toContain('only one load balancer');
  });

  test("the Fargate vCPU quota counts every environment's tasks (one deploying, the others running)", async () => {
    const options = {
      cpu: '1024',
      memory: '2048',
      'desired-count': '2',
      'max-percent': '150',
      'fargate-vcpu-quota': '3',
    };
    // Alone: a rolling deployment of two 1-vCPU tasks peaks at three, within 3 vCPUs; with staging's two beside them, not.
    expect(await refused({ ...options, environments: 'production' })).toBe('accepted');
    expect(await refused({ ...options, environments: 'staging,production' })).toContain(
      "the other environment's tasks",
    );
  });

  test('the default is production alone, with the names of a repository generated before environments existed', async () => {
    const r = await render({ 'app-name': 'shop' });
    expect(r.settings.environments).toBe('production');
    expect(stagesOf(r).map((s) => s.Name)).toEqual(['Source', 'Build', 'Deploy']);
    expect(r.pipeline.Resources).not.toHaveProperty('SmokeProject');
    expect(r.pipeline.Parameters!.ServiceStackName.Default).toBe('shop-service');
  });
});

describe('the smoke test role', () => {
  test('reads the source artifact and writes its logs, nothing else', async () => {
    const r = await render({ 'app-name': 'shop', environments: 'staging,production' });
    expect([...allowedActions(r.pipeline, 'SmokeRole')].sort()).toEqual([
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:GetBucketAcl',
      's3:GetBucketLocation',
      's3:GetObject',
      's3:GetObjectVersion',
    ]);
    expect(r.pipeline.Resources!.SmokeProject.Properties!.ServiceRole).toEqual({ 'Fn::GetAtt': ['SmokeRole', 'Arn'] });
  });
});

describe('per-environment settings (--environment-setting ENVIRONMENT.SETTING=VALUE)', () => {
  const refused = async (entries: string[]) => {
    try {
      await generate({ 'app-name': 'shop', environments: 'staging,production', 'environment-setting': entries });
    } catch (error) {
      return String((error as Error).message);
    }
    return 'accepted';
  };

  test('each environment deploys with its own desiredCount; .yo-rc.json keeps the entries', async () => {
    const r = await render({
      'app-name': 'shop',
      environments: 'staging,production',
      'environment-setting': ['staging.desiredCount=1', 'production.desiredCount=4'],
    });
    expect(r.settings.environmentSettings).toEqual({ 'staging.desiredCount': '1', 'production.desiredCount': '4' });
    const overrides = stagesOf(r)
      .flatMap((s) => s.Actions)
      .filter((a) => a.Name === 'ServiceStack')
      .map((a) => JSON.parse(String(resolve(r, a.Configuration.ParameterOverrides))).DesiredCount);
    expect(overrides).toEqual(['1', '4']);
    expect(r.service.Parameters).toHaveProperty('DesiredCount');
  });

  test.each([
    [['qa.desiredCount=1'], 'not one of the environments'],
    [['staging.cpu=1024'], 'cannot differ between environments'],
    [['staging.desiredCount=0'], 'from 1 to 5000'],
    [['staging=1'], 'ENVIRONMENT.SETTING'],
  ])('%s is refused (%s), like the setting itself', async (entries, words) => {
    expect(await refused(entries)).toContain(words);
  });
});
