// Two pipeline runs, simulated: each runs the generated buildspec for real (stand-ins for aws and docker), and its
// service-config.json is what the CloudFormation deploy action applies to the service stack (create, then update).
// The stack's ImageUri follows the build, nothing can fall back to an older image, and with ECS-native blue/green the
// listener rules, whose weights ECS owns, are the same on every run.
import { beforeAll, describe, expect, test } from 'vitest';
import { only, render, type Rendered } from '../delivery/render.js';
import { ACCOUNT, REGION, runBuildspec } from '../delivery/run-buildspec.js';
import type { Template } from '../support/cfn/parse.js';

const COMMITS = ['1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'];

/** What CloudFormation does with a template configuration file: every parameter must exist, required ones be given. */
function applyConfiguration(
  template: Template,
  previous: Record<string, string> | undefined,
  config: { Parameters: Record<string, string> },
) {
  const declared = template.Parameters ?? {};
  for (const name of Object.keys(config.Parameters))
    expect(declared, `service.yml declares ${name}`).toHaveProperty(name);
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(declared)) {
    const value =
      config.Parameters[name] ?? previous?.[name] ?? ('Default' in parameter ? String(parameter.Default) : undefined);
    expect(value, `a value for ${name}`).toBeDefined();
    values[name] = value!;
  }
  return values;
}

/** A resource's properties with every Ref to a parameter replaced by its value. */
function resolved(template: Template, id: string, values: Record<string, string>): unknown {
  return JSON.parse(JSON.stringify(template.Resources![id].Properties), (_key, value) =>
    value && typeof value === 'object' && typeof value.Ref === 'string' && value.Ref in values
      ? values[value.Ref]
      : value,
  );
}

describe.each(['rolling', 'blue-green', 'canary', 'linear', 'codedeploy'])('%s: two pipeline runs', (strategy) => {
  let r: Rendered;
  const stack: { parameters?: Record<string, string> }[] = [];
  const runs: ReturnType<typeof runBuildspec>[] = [];
  const repository = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop`;
  const images = [`${repository}:1111111-1`, `${repository}:2222222-2`];

  beforeAll(async () => {
    r = await render({ strategy, 'app-name': 'shop' });
    let parameters: Record<string, string> | undefined;
    for (const [i, commit] of COMMITS.entries()) {
      // The build reads the service stack's ImageUri back (codedeploy); before the first run the stack does not exist.
      const run = runBuildspec(r, {
        CODEBUILD_RESOLVED_SOURCE_VERSION: commit,
        CODEBUILD_BUILD_NUMBER: String(i + 1),
        STUB_STACK_IMAGE: parameters?.ImageUri ?? '',
      });
      expect(run.status, run.stderr).toBe(0);
      runs.push(run);
      parameters = applyConfiguration(r.service, parameters, run.artifacts['service-config.json']);
      stack.push({ parameters });
    }
  });

  test('the deploy action applies the build output to the service stack with the template of the same commit', () => {
    const deploy = (only(r.pipeline, 'AWS::CodePipeline::Pipeline').Properties.Stages as any[]).find(
      (s) => s.Name === 'Deploy',
    );
    expect(deploy.Actions[0].Configuration).toMatchObject({
      ActionMode: 'CREATE_UPDATE',
      TemplatePath: 'BuildOutput::infra/service.yml',
      TemplateConfiguration: 'BuildOutput::service-config.json',
    });
    expect(Object.keys(runs[0].artifacts).sort()).toEqual(
      strategy === 'codedeploy'
        ? ['appspec.yaml', 'imageDetail.json', 'infra/service.yml', 'service-config.json', 'taskdef.json']
        : ['infra/service.yml', 'service-config.json'],
    );
  });

  test('the first run creates the service with real tasks of the first image: no 0-task start, no placeholder image', () => {
    expect(stack[0].parameters!.ImageUri).toBe(images[0]);
    const service = only(r.service, 'AWS::ECS::Service').Properties;
    expect(service.DesiredCount).toEqual({ Ref: 'DesiredCount' });
    const [container] = only(r.service, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions;
    expect(container.Image).toEqual({ Ref: 'ImageUri' });
    // With codedeploy the image runs a placeholder until the CodeDeployToECS action of the same run deploys taskdef.json.
    expect(container.Command?.[0]).toBe(strategy === 'codedeploy' ? 'node' : undefined);
    expect(r.service.Conditions ?? {}).not.toHaveProperty('HasImage');
  });

  if (strategy === 'codedeploy') {
    test('codedeploy: the stack keeps its first image (CloudFormation may not change the task definition); CodeDeploy gets the new one', () => {
      expect(stack[1].parameters!.ImageUri).toBe(images[0]);
      expect(resolved(r.service, 'TaskDefinition', stack[1].parameters!)).toEqual(
        resolved(r.service, 'TaskDefinition', stack[0].parameters!),
      );
      expect(runs[1].artifacts['imageDetail.json']).toEqual({ ImageURI: images[1] });
      // Nothing in the stack differs between the runs, so CloudFormation updates nothing and never touches the service.
      for (const id of Object.keys(r.service.Resources!))
        expect(resolved(r.service, id, stack[1].parameters!), id).toEqual(
          resolved(r.service, id, stack[0].parameters!),
        );
      const actions = (only(r.pipeline, 'AWS::CodePipeline::Pipeline').Properties.Stages as any[]).find(
        (s) => s.Name === 'Deploy',
      ).Actions;
      expect(actions.map((a: any) => [a.ActionTypeId.Provider, a.RunOrder])).toEqual([
        ['CloudFormation', 1],
        ['CodeDeployToECS', 2],
      ]);
    });
  } else {
    test('the second run updates the stack to the second image', () => {
      expect(stack[1].parameters!.ImageUri).toBe(images[1]);
      expect(resolved(r.service, 'TaskDefinition', stack[1].parameters!)).not.toEqual(
        resolved(r.service, 'TaskDefinition', stack[0].parameters!),
      );
    });
  }

  test('a later stack update cannot roll the image back: ImageUri has no default, so an update that omits it keeps the value', () => {
    expect(r.service.Parameters!.ImageUri).not.toHaveProperty('Default');
    const omitted = applyConfiguration(r.service, stack[1].parameters, { Parameters: {} });
    expect(omitted.ImageUri).toBe(stack[1].parameters!.ImageUri);
  });

  if (['blue-green', 'canary', 'linear'].includes(strategy)) {
    test('the listener rules ECS rewrites are identical on both runs, so CloudFormation never resets their weights', () => {
      for (const rule of ['ProductionListenerRule', 'TestListenerRule']) {
        expect(JSON.stringify(r.service.Resources![rule])).not.toContain('ImageUri');
        expect(resolved(r.service, rule, stack[1].parameters!)).toEqual(
          resolved(r.service, rule, stack[0].parameters!),
        );
      }
    });
  }
});
