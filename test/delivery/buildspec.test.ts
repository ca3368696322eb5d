// The buildspec's commands run for real in bash, phase after phase as CodeBuild runs them, with aws, docker and npm
// replaced by recorders (run-buildspec.ts): the shell logic itself is what is tested.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import { render, SCENARIOS, type Rendered } from './render.js';
import {
  ACCOUNT,
  buildEnvironment,
  DESCRIBE_IMAGES,
  JMESPATH_AVAILABLE,
  REGION,
  runBuildspec,
} from './run-buildspec.js';

/** The ECR Public login, whose token only us-east-1 issues (https://docs.aws.amazon.com/AmazonECR/latest/public/public-registry-auth.html). */
const ECR_PUBLIC_LOGIN = [
  'aws ecr-public get-login-password --region us-east-1',
  'docker login --username AWS --password-stdin public.ecr.aws',
];

describe.each(['defaults', 'one task, min 0 max 100, bigger task, Node 22'])('buildspec.yml (%s)', (scenario) => {
  let r: Rendered;
  let repository: string;
  beforeAll(async () => {
    r = await render(SCENARIOS[scenario]);
    repository = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${String(r.settings.ecrRepository)}`;
  });

  test('first build: logs in, lints and tests, builds without cache, pushes <commit>-<build number>, writes service-config.json', () => {
    const run = runBuildspec(r);
    expect(run.status).toBe(0);
    // The two sides of a login pipe run at once, so either may log first.
    expect(run.calls.slice(0, 2).sort()).toEqual([
      `aws ecr get-login-password --region ${REGION}`,
      `docker login --username AWS --password-stdin ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
    ]);
    expect(run.calls.slice(2, 4).sort()).toEqual(ECR_PUBLIC_LOGIN);
    expect(run.calls.slice(4)).toEqual([
      'npm ci',
      'npm run lint',
      'npm test',
      `aws ecr describe-images --repository-name ${String(r.settings.ecrRepository)} --query sort_by(imageDetails[?imageTags != null], &imagePushedAt)[-1].imageTags[0] --output json`,
      `docker build --build-arg BUILDKIT_INLINE_CACHE=1 --build-arg APP_VERSION=0123456-7 --tag ${repository}:0123456-7 .`,
      `docker push ${repository}:0123456-7`,
    ]);
    expect(run.artifacts['service-config.json'].Parameters.ImageUri).toBe(`${repository}:0123456-7`);
  });

  test('a retry of the same commit pushes a new tag, never one the IMMUTABLE repository holds', () => {
    const first = runBuildspec(r, { CODEBUILD_BUILD_NUMBER: '7' });
    const retry = runBuildspec(r, { CODEBUILD_BUILD_NUMBER: '8', STUB_PREVIOUS_TAG: '0123456-7' });
    const pushes = [...first.calls, ...retry.calls].filter((c) => c.startsWith('docker push'));
    expect(pushes).toEqual([`docker push ${repository}:0123456-7`, `docker push ${repository}:0123456-8`]);
    expect(retry.artifacts['service-config.json'].Parameters.ImageUri).toBe(`${repository}:0123456-8`);
  });

  test('a failed ECR Public login stops the build before it builds anything', () => {
    const run = runBuildspec(r, {
      STUB_ECR_PUBLIC_ERROR: 'AccessDeniedException: not authorized: ecr-public:GetAuthorizationToken',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('ecr-public:GetAuthorizationToken');
    expect(run.calls.filter((c) => /^(docker (build|push)|npm)/.test(c))).toEqual([]);
  });

  test.each(['cn-north-1', 'us-gov-west-1'])(
    'in %s, a partition without ECR Public, the base image is pulled anonymously',
    (region) => {
      const run = runBuildspec(r, { AWS_DEFAULT_REGION: region });
      expect(run.status).toBe(0);
      expect(run.calls.filter((c) => c.includes('ecr-public') || c.includes('public.ecr.aws'))).toEqual([]);
      expect(run.stderr).toContain('ECR Public has no endpoint in this partition');
    },
  );

  test('without a build number the build stops before it builds anything', () => {
    const run = runBuildspec(r, { CODEBUILD_BUILD_NUMBER: '' });
    expect(run.status).not.toBe(0);
    expect(run.calls.filter((c) => /^(docker (build|push)|npm)/.test(c))).toEqual([]);
  });

  test('later builds use the last pushed image as layer cache', () => {
    const run = runBuildspec(r, { STUB_PREVIOUS_TAG: 'fedcba9-6' });
    expect(run.status).toBe(0);
    expect(run.calls).toContain(`docker pull ${repository}:fedcba9-6`);
    expect(run.calls).toContain(
      `docker build --build-arg BUILDKIT_INLINE_CACHE=1 --build-arg APP_VERSION=0123456-7 --cache-from ${repository}:fedcba9-6 --tag ${repository}:0123456-7 .`,
    );
  });

  // ECR returns at most 100 images a page by default (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html).
  test.skipIf(!JMESPATH_AVAILABLE)(
    'the layer cache is the newest image of the repository, whichever page ECR returns it on',
    () => {
      const image = (tag: string | null, pushed: string) => ({
        imageTags: tag === null ? undefined : [tag],
        imagePushedAt: pushed,
      });
      const pages = [
        [image('aaaaaaa-1', '2026-01-01T10:00:00+00:00'), image('ccccccc-3', '2026-03-01T10:00:00+00:00')],
        [image(null, '2026-04-01T10:00:00+00:00'), image('bbbbbbb-2', '2026-02-01T10:00:00+00:00')],
      ];
      const run = runBuildspec(r, { STUB_IMAGE_PAGES: JSON.stringify(pages) });
      expect(run.status, run.stderr).toBe(0);
      expect(run.calls.filter((c) => c.startsWith('docker pull'))).toEqual([`docker pull ${repository}:ccccccc-3`]);
      // Control: the same query with text output answers once per page, the newest of each page.
      const query = /--query '([^']+)'/.exec(r.buildspec.phases.build.commands.join('\n'))![1];
      const text = spawnSync('python3', ['-c', DESCRIBE_IMAGES, '--query', query, '--output', 'text'], {
        encoding: 'utf8',
        env: { ...process.env, STUB_IMAGE_PAGES: JSON.stringify(pages) },
      });
      expect(text.stdout.trim().split('\n')).toEqual(['ccccccc-3', 'bbbbbbb-2']);
    },
  );

  test('"latest" is pushed only to a MUTABLE repository', () => {
    expect(runBuildspec(r).calls.filter((c) => c.endsWith(':latest'))).toEqual([]);
    expect(runBuildspec(r, { IMAGE_TAG_MUTABILITY: 'MUTABLE' }).calls.filter((c) => c.endsWith(':latest'))).toEqual([
      `docker tag ${repository}:0123456-7 ${repository}:latest`,
      `docker push ${repository}:latest`,
    ]);
  });

  test('service-config.json: the STACK_PARAMETER_* values of the pipeline stack and the image, nothing else', () => {
    const run = runBuildspec(r);
    const passed = Object.entries(buildEnvironment(r)).filter(([name]) => name.startsWith('STACK_PARAMETER_'));
    expect(passed.length).toBeGreaterThan(0);
    expect(run.artifacts['service-config.json']).toEqual({
      Parameters: {
        ...Object.fromEntries(passed.map(([name, value]) => [name.slice('STACK_PARAMETER_'.length), value])),
        ImageUri: `${repository}:0123456-7`,
      },
    });
  });

  test('a failed image build writes no service-config.json and pushes nothing', () => {
    const run = runBuildspec(r, { STUB_FAIL_BUILD: '1' });
    expect(run.status).not.toBe(0);
    expect(run.artifacts['service-config.json']).toBeUndefined();
    expect(run.calls.filter((c) => c.startsWith('docker push'))).toEqual([]);
  });
});
