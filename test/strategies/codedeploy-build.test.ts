// The CodeDeploy hand-off of the buildspec, run for real in bash on the generated taskdef.json: imageDetail.json and
// the task definition with this stack's roles, or nothing at all when the pipeline did not pass the roles.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { render, type Rendered } from '../delivery/render.js';

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:0123456';
const ROLES = {
  TASK_ROLE_ARN: 'arn:aws:iam::123456789012:role/shop-task',
  EXECUTION_ROLE_ARN: 'arn:aws:iam::123456789012:role/shop-execution',
};

/** Runs the build phase from the role check on (the image is already pushed by then) in a copy of the project's files. */
function handOff(r: Rendered, env: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codedeploy-build-'));
  for (const file of ['taskdef.json', 'appspec.yaml']) copyFileSync(path.join(r.dir, file), path.join(dir, file));
  const commands = r.buildspec.phases.build.commands;
  const from = commands.findIndex((c) => c.includes('TASK_ROLE_ARN'));
  const script = ['set -e', `IMAGE_TAG=${IMAGE.split(':')[1]}`, ...commands.slice(from)].join('\n');
  const out = spawnSync('bash', ['-c', script], {
    cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, REPOSITORY_URI: IMAGE.split(':')[0], ...env },
  });
  const read = (file: string) => (existsSync(path.join(dir, file)) ? JSON.parse(readFileSync(path.join(dir, file), 'utf8')) : undefined);
  return { status: out.status, imageDetail: read('imageDetail.json'), taskdef: read('taskdef.json') };
}

describe('buildspec.yml (codedeploy)', () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render({ strategy: 'codedeploy', 'app-name': 'shop' });
  });

  test('writes imageDetail.json and fills in the roles, leaving <IMAGE1_NAME> to the pipeline', () => {
    const run = handOff(r, ROLES);
    expect(run.status).toBe(0);
    expect(run.imageDetail).toEqual({ ImageURI: IMAGE });
    expect(run.taskdef).toMatchObject({ taskRoleArn: ROLES.TASK_ROLE_ARN, executionRoleArn: ROLES.EXECUTION_ROLE_ARN });
    expect(run.taskdef.containerDefinitions[0].image).toBe('<IMAGE1_NAME>');
    // Every file the deploy action reads is in the build's artifacts.
    expect(r.buildspec.artifacts.files).toEqual(['imageDetail.json', 'taskdef.json', 'appspec.yaml']);
  });

  test('without the roles the build fails and hands over no image', () => {
    const run = handOff(r, { TASK_ROLE_ARN: ROLES.TASK_ROLE_ARN });
    expect(run.status).not.toBe(0);
    expect(run.imageDetail).toBeUndefined();
    expect(run.taskdef.taskRoleArn).toBe('<TASK_ROLE_ARN>');
  });
});
