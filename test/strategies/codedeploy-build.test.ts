// The CodeDeploy hand-off of the buildspec, run for real in bash on the generated taskdef.json (run-buildspec.ts):
// imageDetail.json and the task definition with the pipeline stack's roles, the stack's own image kept, or nothing at all.
import { beforeAll, describe, expect, test } from 'vitest';
import { render, type Rendered } from '../delivery/render.js';
import { ACCOUNT, buildEnvironment, REGION, runBuildspec } from '../delivery/run-buildspec.js';

const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop:0123456-7`;
const RUNNING = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop:fedcba9-3`;

describe('buildspec.yml (codedeploy)', () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render({ strategy: 'codedeploy', 'app-name': 'shop' });
  });

  test('writes imageDetail.json and fills in the roles, leaving <IMAGE1_NAME> to the pipeline', () => {
    const env = buildEnvironment(r);
    const run = runBuildspec(r, { STUB_STACK_IMAGE: RUNNING });
    expect(run.status, run.stderr).toBe(0);
    expect(run.artifacts['imageDetail.json']).toEqual({ ImageURI: IMAGE });
    expect(run.artifacts['taskdef.json']).toMatchObject({
      taskRoleArn: env.STACK_PARAMETER_TaskRoleArn,
      executionRoleArn: env.STACK_PARAMETER_ExecutionRoleArn,
    });
    expect(run.artifacts['taskdef.json'].containerDefinitions[0].image).toBe('<IMAGE1_NAME>');
    // The stack keeps the image it runs: CloudFormation may not change a CodeDeploy service's task definition.
    expect(run.artifacts['service-config.json'].Parameters.ImageUri).toBe(RUNNING);
    expect(run.calls).toContain(
      `aws cloudformation describe-stacks --stack-name shop-service --query Stacks[0].Parameters[?ParameterKey=='ImageUri'].ParameterValue | [0] --output text`,
    );
  });

  test('before the service stack exists, its first image is the new one', () => {
    const run = runBuildspec(r, { STUB_STACK_IMAGE: '' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.artifacts['service-config.json'].Parameters.ImageUri).toBe(IMAGE);
  });

  test('any other failure to read the stack (permissions, throttling) fails the build instead of guessing', () => {
    const run = runBuildspec(r, {
      STUB_STACK_ERROR: 'An error occurred (AccessDenied) when calling the DescribeStacks operation',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('AccessDenied');
    expect(run.artifacts['service-config.json']).toBeUndefined();
  });

  test('without the roles the build fails and hands over no image', () => {
    const run = runBuildspec(r, { STUB_STACK_IMAGE: RUNNING, STACK_PARAMETER_ExecutionRoleArn: '' });
    expect(run.status).not.toBe(0);
    expect(run.artifacts['imageDetail.json']).toBeUndefined();
    expect(run.artifacts['service-config.json']).toBeUndefined();
    expect(run.artifacts['taskdef.json'].taskRoleArn).toBe('<TASK_ROLE_ARN>');
  });
});
