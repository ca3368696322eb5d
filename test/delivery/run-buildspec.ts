// Runs a generated buildspec's commands for real in bash, phase after phase as CodeBuild runs them, with aws, docker and
// npm replaced by recorders (no AWS account or Docker daemon here), and with the environment the pipeline stack gives the
// build project (its EnvironmentVariables, resolved for a fake account). Shared by the buildspec and pipeline-run tests.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { only, type Rendered } from './render.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const COMMIT = '0123456789abcdef0123456789abcdef01234567';

/**
 * A recorder that logs its arguments and answers the few aws calls the buildspec reads. The service stack's ImageUri is
 * STUB_STACK_IMAGE; without it the stack does not exist (the message the AWS CLI prints then); STUB_STACK_ERROR is any other failure.
 * STUB_ECR_PUBLIC_ERROR makes the ECR Public login fail (a build role without its permissions).
 */
const STUB = `#!/bin/bash
echo "$(basename "$0") $*" >> "$STUB_LOG"
case "$(basename "$0") $1 $2" in
  "aws ecr get-login-password") echo secret ;;
  "aws ecr-public get-login-password") [ -z "$STUB_ECR_PUBLIC_ERROR" ] || { echo "$STUB_ECR_PUBLIC_ERROR" >&2; exit 255; }; echo secret ;;
  "aws ecr describe-images")
    if [ -n "$STUB_IMAGE_PAGES" ]; then python3 "$(dirname "$0")/describe-images.py" "$@"
    elif [ "$STUB_PREVIOUS_TAG" = None ]; then case "$*" in *"--output json"*) echo null ;; *) echo None ;; esac
    else case "$*" in *"--output json"*) printf '"%s"\\n' "$STUB_PREVIOUS_TAG" ;; *) echo "$STUB_PREVIOUS_TAG" ;; esac; fi ;;
  "aws cloudformation describe-stacks")
    if [ -n "$STUB_STACK_ERROR" ]; then echo "$STUB_STACK_ERROR" >&2; exit 255
    elif [ -n "$STUB_STACK_IMAGE" ]; then echo "$STUB_STACK_IMAGE"
    else echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id $4 does not exist" >&2; exit 254; fi ;;
  "docker login "*) read -r password; [ "$password" = secret ] || exit 1 ;;
  "docker build "*) [ -z "$STUB_FAIL_BUILD" ] || exit 1 ;;
  "docker pull "*) [ "$STUB_PREVIOUS_TAG" != None ] || exit 1 ;;
esac
`;

/**
 * aws ecr describe-images over the pages of STUB_IMAGE_PAGES (a JSON list of imageDetails lists), formatted as the AWS
 * CLI v2 does (https://github.com/aws/aws-cli/blob/v2/awscli/formatter.py): --output json applies --query to all pages
 * aggregated, --output text to each page. Needs python3 with jmespath, the library the AWS CLI queries with.
 */
export const DESCRIBE_IMAGES = `import json, os, sys
import jmespath
args = sys.argv[1:]
query = jmespath.compile(args[args.index('--query') + 1])
pages = json.loads(os.environ['STUB_IMAGE_PAGES'])
def text(value):
    return 'None' if value is None else str(value)
if args[args.index('--output') + 1] == 'json':
    print(json.dumps(query.search({'imageDetails': [image for page in pages for image in page]}), indent=4))
else:
    for page in pages:
        print(text(query.search({'imageDetails': page})))
`;

/** Whether python3 can import jmespath (for DESCRIBE_IMAGES). */
export const JMESPATH_AVAILABLE = spawnSync('python3', ['-c', 'import jmespath']).status === 0;

/** Values the pipeline stack's parameters take in the tests (a default VPC with two subnets). */
export const PIPELINE_PARAMETERS: Record<string, string | string[]> = {
  VpcId: 'vpc-0a1b2c3d',
  LoadBalancerSubnetIds: ['subnet-0aaa', 'subnet-0bbb'],
  TaskSubnetIds: ['subnet-0aaa', 'subnet-0bbb'],
};

/** An intrinsic function of the pipeline template, evaluated for the fake account (only the forms the build's environment uses). */
export function resolve(r: Rendered, value: unknown): string | string[] {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if ('Ref' in v) {
    const name = v.Ref as string;
    if (name in PIPELINE_PARAMETERS) return PIPELINE_PARAMETERS[name];
    const parameter = r.pipeline.Parameters?.[name];
    if (parameter && 'Default' in parameter) return String(parameter.Default);
    throw new Error(`no value for parameter ${name}`);
  }
  if ('Fn::Sub' in v && typeof v['Fn::Sub'] === 'string') {
    return v['Fn::Sub'].replace(/\$\{([A-Za-z0-9:]+)\}/g, (_all, name: string) => String(resolve(r, { Ref: name })));
  }
  if ('Fn::Join' in v) {
    const [separator, list] = v['Fn::Join'];
    return [resolve(r, list)].flat().join(separator);
  }
  if ('Fn::GetAtt' in v) {
    const [id, attribute] = v['Fn::GetAtt'] as [string, string];
    const resource = r.pipeline.Resources?.[id];
    if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn') return `arn:aws:iam::${ACCOUNT}:role/${id}-0ABC`;
    if (resource?.Type === 'AWS::ECR::Repository' && attribute === 'RepositoryUri') {
      return `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${String(resolve(r, resource.Properties!.RepositoryName))}`;
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** The environment the pipeline stack gives the build project. */
export function buildEnvironment(r: Rendered): Record<string, string> {
  // The build project (with several environments the smoke test has a project of its own).
  const project = (r.pipeline.Resources?.BuildProject ?? only(r.pipeline, 'AWS::CodeBuild::Project'))
    .Properties as Record<string, any>;
  return Object.fromEntries(
    (project.Environment.EnvironmentVariables as { Name: string; Value: unknown }[]).map((v) => [
      v.Name,
      String(resolve(r, v.Value)),
    ]),
  );
}

export interface BuildRun {
  status: number | null;
  stderr: string;
  calls: string[];
  /** The build's artifacts that exist after the run, parsed when JSON. */
  artifacts: Record<string, any>;
}

/** Runs every phase in a fresh folder holding the project's files the build reads; env overrides the defaults. */
export function runBuildspec(r: Rendered, env: Record<string, string> = {}): BuildRun {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'buildspec-'));
  for (const tool of ['aws', 'docker', 'npm']) {
    writeFileSync(path.join(dir, tool), STUB);
    chmodSync(path.join(dir, tool), 0o755);
  }
  writeFileSync(path.join(dir, 'describe-images.py'), DESCRIBE_IMAGES);
  mkdirSync(path.join(dir, 'infra'));
  for (const file of ['taskdef.json', 'appspec.yaml', 'infra/service.yml']) {
    if (existsSync(path.join(r.dir, file))) copyFileSync(path.join(r.dir, file), path.join(dir, file));
  }
  const log = path.join(dir, 'calls.log');
  writeFileSync(log, '');
  // CodeBuild runs a phase's commands in one shell and stops at the first failing one; ABORT skips the later phases.
  const phases = ['install', 'pre_build', 'build', 'post_build']
    .map((name) => r.buildspec.phases[name])
    .filter(Boolean);
  const script = ['set -e', ...phases.flatMap((phase) => phase.commands ?? [])].join('\n');
  const out = spawnSync(r.buildspec.env.shell ?? 'sh', ['-c', script], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: `${dir}:${process.env.PATH}`,
      STUB_LOG: log,
      STUB_PREVIOUS_TAG: 'None',
      AWS_DEFAULT_REGION: REGION,
      CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT,
      CODEBUILD_BUILD_NUMBER: '7',
      ...buildEnvironment(r),
      ...r.buildspec.env.variables,
      ...env,
    },
  });
  const artifacts: Record<string, any> = {};
  for (const file of r.buildspec.artifacts.files) {
    const at = path.join(dir, file);
    if (existsSync(at))
      artifacts[file] = file.endsWith('.json') ? JSON.parse(readFileSync(at, 'utf8')) : readFileSync(at, 'utf8');
  }
  return { status: out.status, stderr: out.stderr, calls: readFileSync(log, 'utf8').trim().split('\n'), artifacts };
}
