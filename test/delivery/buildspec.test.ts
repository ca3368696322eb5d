// The buildspec's commands run for real in bash, phase after phase as CodeBuild runs them, with aws, docker and npm
// replaced by recorders (no AWS account or Docker daemon here): the shell logic itself is what is tested.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { render, SCENARIOS, type Rendered } from './render.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

/** A recorder that logs its arguments, answers the few aws calls the buildspec reads, and fails where told to. */
const STUB = `#!/bin/bash
echo "$(basename "$0") $*" >> "$STUB_LOG"
case "$(basename "$0") $1 $2" in
  "aws ecr get-login-password") echo secret ;;
  "aws ecr describe-images") echo "$STUB_PREVIOUS_TAG" ;;
  "docker login "*) read -r password; [ "$password" = secret ] || exit 1 ;;
  "docker build "*) [ -z "$STUB_FAIL_BUILD" ] || exit 1 ;;
  "docker pull "*) [ "$STUB_PREVIOUS_TAG" != None ] || exit 1 ;;
esac
`;

interface Run {
  status: number | null;
  calls: string[];
  imageDefinitions: unknown;
}

function runBuildspec(r: Rendered, env: Record<string, string>): Run {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'buildspec-'));
  for (const tool of ['aws', 'docker', 'npm']) {
    writeFileSync(path.join(dir, tool), STUB);
    chmodSync(path.join(dir, tool), 0o755);
  }
  const log = path.join(dir, 'calls.log');
  writeFileSync(log, '');
  // CodeBuild runs a phase's commands in one shell and stops at the first failing one; ABORT skips the later phases.
  const phases = ['install', 'pre_build', 'build', 'post_build'].map((name) => r.buildspec.phases[name]).filter(Boolean);
  const script = ['set -e', ...phases.flatMap((phase) => phase.commands ?? [])].join('\n');
  const out = spawnSync(r.buildspec.env.shell ?? 'sh', ['-c', script], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: `${dir}:${process.env.PATH}`,
      STUB_LOG: log,
      STUB_PREVIOUS_TAG: 'None',
      AWS_DEFAULT_REGION: 'eu-west-1',
      CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT,
      REPOSITORY_URI: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${String(r.settings.ecrRepository)}`,
      IMAGE_TAG_MUTABILITY: 'IMMUTABLE',
      ...r.buildspec.env.variables,
      ...env,
    },
  });
  const definitions = path.join(dir, 'imagedefinitions.json');
  return {
    status: out.status,
    calls: readFileSync(log, 'utf8').trim().split('\n'),
    imageDefinitions: existsSync(definitions) ? JSON.parse(readFileSync(definitions, 'utf8')) : undefined,
  };
}

describe.each(['defaults', 'one task, min 0 max 100, bigger task, Node 22'])('buildspec.yml (%s)', (scenario) => {
  let r: Rendered;
  let repository: string;
  beforeAll(async () => {
    r = await render(SCENARIOS[scenario]);
    repository = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${String(r.settings.ecrRepository)}`;
  });

  test('first build: logs in, lints and tests, builds without cache, pushes the short commit tag, writes imagedefinitions.json', () => {
    const run = runBuildspec(r, {});
    expect(run.status).toBe(0);
    // The two sides of the login pipe run at once, so either may log first.
    expect(run.calls.slice(0, 2).sort()).toEqual([
      'aws ecr get-login-password --region eu-west-1',
      'docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    ]);
    expect(run.calls.slice(2)).toEqual([
      'npm ci',
      'npm run lint',
      'npm test',
      `aws ecr describe-images --repository-name ${String(r.settings.ecrRepository)} --query sort_by(imageDetails[?imageTags != null], &imagePushedAt)[-1].imageTags[0] --output text`,
      `docker build --build-arg BUILDKIT_INLINE_CACHE=1 --build-arg APP_VERSION=0123456 --tag ${repository}:0123456 .`,
      `docker push ${repository}:0123456`,
    ]);
    expect(run.imageDefinitions).toEqual([{ name: r.settings.containerName, imageUri: `${repository}:0123456` }]);
  });

  test('later builds use the last pushed image as layer cache', () => {
    const run = runBuildspec(r, { STUB_PREVIOUS_TAG: 'fedcba9' });
    expect(run.status).toBe(0);
    expect(run.calls).toContain(`docker pull ${repository}:fedcba9`);
    expect(run.calls).toContain(`docker build --build-arg BUILDKIT_INLINE_CACHE=1 --build-arg APP_VERSION=0123456 --cache-from ${repository}:fedcba9 --tag ${repository}:0123456 .`);
  });

  test('"latest" is pushed only to a MUTABLE repository', () => {
    expect(runBuildspec(r, {}).calls.filter((c) => c.endsWith(':latest'))).toEqual([]);
    expect(runBuildspec(r, { IMAGE_TAG_MUTABILITY: 'MUTABLE' }).calls.filter((c) => c.endsWith(':latest'))).toEqual([
      `docker tag ${repository}:0123456 ${repository}:latest`,
      `docker push ${repository}:latest`,
    ]);
  });

  test('a failed image build writes no imagedefinitions.json and pushes nothing', () => {
    const run = runBuildspec(r, { STUB_FAIL_BUILD: '1' });
    expect(run.status).not.toBe(0);
    expect(run.imageDefinitions).toBeUndefined();
    expect(run.calls.filter((c) => c.startsWith('docker push'))).toEqual([]);
  });
});
