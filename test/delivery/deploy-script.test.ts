// The generated npm run deploy and npm run teardown, run end to end in bash against a recording stand-in for the AWS CLI
// that keeps the state of the stacks, the connection and the pipeline runs: the exact commands, the parameters they pass
// (each one declared by the template it is passed to), and nothing created after a refused prerequisite.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { render, type Rendered } from './render.js';
import { ROOT } from '../support/generate.js';

const CONNECTION = 'arn:aws:codeconnections:us-east-1:123456789012:connection/0f8fad5b-d9cb-469f-a165-70867728950e';
const URL = 'http://shop-LoadB-1A2B-123.us-east-1.elb.amazonaws.com:80';
/** The failed action of a run and its error (the CodeBuild action's error is in errorDetails). */
const FAILED_ACTION_QUERY =
  "actionExecutionDetails[?status=='Failed'].[stageName,actionName,output.executionResult.errorDetails.message || output.executionResult.externalExecutionSummary] | [0]";

/** The AWS CLI stand-in: logs every call, answers from the state folder and the STUB_* variables, refuses anything unknown. */
const AWS = `#!/bin/bash
echo "$*" >> "$STUB_STATE/calls.log"
[ "$1" != --region ] || shift 2
[ "$1" != --no-cli-pager ] || shift
pop() { local file="$STUB_STATE/$1"; [ -s "$file" ] || { echo "$2"; return; }; head -n 1 "$file"; [ "$(wc -l < "$file")" -le 1 ] || sed -i 1d "$file"; }
case "$1 $2" in
  "--version ") echo "\${STUB_CLI_VERSION:-aws-cli/2.22.0 Python/3.12.6 Linux/6.1 exe/x86_64}" ;;
  "sts get-caller-identity")
    [ -z "$STUB_NO_CREDENTIALS" ] || { echo 'Unable to locate credentials. You can configure credentials by running "aws configure".' >&2; exit 253; }
    echo 123456789012 ;;
  "ec2 describe-availability-zones") echo us-east-1a ;;
  "ec2 describe-vpcs") echo "\${STUB_DEFAULT_VPC:-vpc-0a1b2c3d}" ;;
  "ec2 describe-subnets") tr ';' '\\n' <<<"\${STUB_SUBNETS:-subnet-0aaa us-east-1a;subnet-0bbb us-east-1b}" | tr ' ' '\\t' ;;
  "ecs describe-clusters") echo "\${STUB_CLUSTER:-None}" ;;
  "cloudformation describe-stacks")
    [ -f "$STUB_STATE/stacks/$4" ] || { echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id $4 does not exist" >&2; exit 254; }
    case "$6" in
      *StackStatus*) cat "$STUB_STATE/stacks/$4" ;;
      *ConnectionArn*) echo "${CONNECTION}" ;;
      *PipelineName*) echo "$4-Pipeline-1A2B" ;;
      *ServiceUrl*) echo "${URL}" ;;
      *ArtifactBucketName*) echo "$4-artifactbucket-1a2b" ;;
      *) exit 98 ;;
    esac ;;
  "cloudformation describe-stack-resources")
    [ -f "$STUB_STATE/stacks/$4" ] || { echo "An error occurred (ValidationError) when calling the DescribeStackResources operation: Stack with id $4 does not exist" >&2; exit 254; }
    if [ -f "$STUB_STATE/resources/$4" ]; then awk -v id="$6" '$1 == id { print $2; found = 1 } END { if (!found) print "None" }' "$STUB_STATE/resources/$4"
    else case "$6" in Pipeline) echo "$4-Pipeline-1A2B" ;; ArtifactBucket) echo "$4-artifactbucket-1a2b" ;; *) echo None ;; esac; fi ;;
  "cloudformation deploy") echo UPDATE_COMPLETE > "$STUB_STATE/stacks/$4" ;;
  "cloudformation delete-stack") rm -f "$STUB_STATE/stacks/$4" ;;
  "cloudformation wait") ;;
  "cloudformation describe-stack-events") cat "$STUB_STATE/events" ;;
  "codeconnections get-connection"|"codestar-connections get-connection") pop connection AVAILABLE ;;
  "codepipeline list-pipeline-executions") echo "\${STUB_LAST_EXECUTION:-None}" | tr ' ' '\\t' ;;
  "codepipeline start-pipeline-execution") echo exec-2 ;;
  "codepipeline get-pipeline-execution")
    status="$(pop executions Succeeded)"
    [ "$status" != Succeeded ] || echo CREATE_COMPLETE > "$STUB_STATE/stacks/$STUB_SERVICE_STACK"
    [ "$status" != Failed ] || [ -z "$STUB_FAILED_SERVICE_STATUS" ] || echo "$STUB_FAILED_SERVICE_STATUS" > "$STUB_STATE/stacks/$STUB_SERVICE_STACK"
    echo "$status" ;;
  "codepipeline list-action-executions")
    case "$*" in
      *"category=='Approval'"*) pop approvals None ;;
      *) printf '%b\\n' "\${STUB_FAILED_ACTION:-None}" ;;
    esac ;;
  "codepipeline get-pipeline-state")
    if [ -s "$STUB_STATE/transition" ]; then printf 'False\\t%s\\n' "$(cat "$STUB_STATE/transition")"; else printf 'True\\tNone\\n'; fi ;;
  "codepipeline disable-stage-transition") printf '%s\\n' "\${*##*--reason }" > "$STUB_STATE/transition" ;;
  "codepipeline enable-stage-transition") rm -f "$STUB_STATE/transition" ;;
  "s3 rm") ;;
  *) echo "unexpected aws call: $*" >&2; exit 99 ;;
esac
`;

interface State {
  stacks?: Record<string, string>;
  connection?: string[];
  executions?: string[];
  /** describe-stack-events rows, newest first: ResourceType, ResourceStatus, LogicalResourceId, ResourceStatusReason. */
  events?: string[][];
  /** Each stack's resources that exist, logical id to physical id (default: its pipeline and bucket). */
  resources?: Record<string, Record<string, string>>;
  /** The reason the Deploy transition was disabled with; none: enabled. */
  disabledTransition?: string;
  /** Answers to the query for an approval in progress, one per call ("Approve\tApprove" or None). */
  approvals?: string[];
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Every aws call, without the "--region <region> --no-cli-pager" each one but --version starts with. */
  calls: string[];
}

function run(
  r: Rendered,
  script: string,
  args: string[],
  env: Record<string, string> = {},
  state: State = {},
  project = r.dir,
): Run {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-script-'));
  mkdirSync(path.join(dir, 'bin'));
  mkdirSync(path.join(dir, 'stacks'));
  writeFileSync(path.join(dir, 'bin', 'aws'), AWS);
  chmodSync(path.join(dir, 'bin', 'aws'), 0o755);
  writeFileSync(path.join(dir, 'calls.log'), '');
  for (const [name, status] of Object.entries(state.stacks ?? {}))
    writeFileSync(path.join(dir, 'stacks', name), `${status}\n`);
  writeFileSync(path.join(dir, 'connection'), (state.connection ?? []).map((s) => `${s}\n`).join(''));
  writeFileSync(path.join(dir, 'executions'), (state.executions ?? []).map((s) => `${s}\n`).join(''));
  writeFileSync(path.join(dir, 'events'), (state.events ?? []).map((row) => `${row.join('\t')}\n`).join(''));
  mkdirSync(path.join(dir, 'resources'));
  for (const [stack, resources] of Object.entries(state.resources ?? {}))
    writeFileSync(
      path.join(dir, 'resources', stack),
      Object.entries(resources)
        .map(([id, physical]) => `${id} ${physical}\n`)
        .join(''),
    );
  writeFileSync(path.join(dir, 'transition'), state.disabledTransition ? `${state.disabledTransition}\n` : '');
  writeFileSync(path.join(dir, 'approvals'), (state.approvals ?? []).map((s) => `${s}\n`).join(''));
  const out = spawnSync('bash', [path.join(project, 'scripts', script), ...args], {
    cwd: os.tmpdir(),
    encoding: 'utf8',
    input: '',
    env: {
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
      HOME: dir,
      STUB_STATE: dir,
      STUB_SERVICE_STACK: `${String(r.settings.appName)}-service`,
      DEPLOY_POLL_SECONDS: '0',
      ...env,
    },
  });
  const prefix = `--region ${String(r.settings.region)} --no-cli-pager `;
  const calls = readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n').filter(Boolean);
  for (const call of calls) if (call !== '--version') expect(call.startsWith(prefix), call).toBe(true);
  return { status: out.status, stdout: out.stdout, stderr: out.stderr, calls: calls.map((c) => c.replace(prefix, '')) };
}

/** Calls that create, change or start something. */
const mutating = (calls: string[]) =>
  calls.filter((c) => /^(\S+ )(deploy|create|start|delete|put|update|disable|enable)/.test(c) || c.startsWith('s3 rm'));

/** The parameter names a cloudformation deploy call passes. */
const overrides = (call: string) =>
  [...(call.split('--parameter-overrides ')[1] ?? '').matchAll(/(\w+)=/g)].map((m) => m[1]);

describe('npm run deploy (connection, no repository stored)', () => {
  let r: Rendered;
  let pipelineStack: string;
  let serviceStack: string;
  const describeStack = (stack: string, query: string) =>
    `cloudformation describe-stacks --stack-name ${stack} --query ${query} --output text`;
  const output = (stack: string, key: string) =>
    describeStack(stack, `Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue | [0]`);
  beforeAll(async () => {
    r = await render({ 'app-name': 'shop' });
    pipelineStack = 'shop-pipeline';
    serviceStack = 'shop-service';
  });

  test('package.json runs the scripts', () => {
    const scripts = JSON.parse(readFileSync(path.join(r.dir, 'package.json'), 'utf8')).scripts;
    expect(scripts).toMatchObject({ deploy: 'bash scripts/deploy.sh', teardown: 'bash scripts/teardown.sh' });
  });

  test('first deploy: checks, finds the default VPC, deploys the pipeline stack, follows its first run, prints the URL', () => {
    const result = run(
      r,
      'deploy.sh',
      ['--repository', 'acme/shop'],
      { STUB_LAST_EXECUTION: 'exec-1 InProgress' },
      { executions: ['InProgress', 'Succeeded'] },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const pipeline = `${pipelineStack}-Pipeline-1A2B`;
    expect(result.calls).toEqual([
      '--version',
      'sts get-caller-identity --query Account --output text',
      'ec2 describe-availability-zones --query AvailabilityZones[0].ZoneName --output text',
      describeStack(pipelineStack, 'Stacks[0].StackStatus'),
      'ec2 describe-vpcs --filters Name=is-default,Values=true --query Vpcs[0].VpcId --output text',
      'ec2 describe-subnets --filters Name=vpc-id,Values=vpc-0a1b2c3d --query Subnets[?MapPublicIpOnLaunch].[SubnetId,AvailabilityZone] --output text',
      `cloudformation deploy --stack-name ${pipelineStack} --template-file infra/pipeline.yml --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset ` +
        '--parameter-overrides VpcId=vpc-0a1b2c3d LoadBalancerSubnetIds=subnet-0aaa,subnet-0bbb TaskSubnetIds=subnet-0aaa,subnet-0bbb FullRepositoryId=acme/shop',
      output(pipelineStack, 'ConnectionArn'),
      `codeconnections get-connection --connection-arn ${CONNECTION} --query Connection.ConnectionStatus --output text`,
      output(pipelineStack, 'PipelineName'),
      `codepipeline get-pipeline-state --name ${pipeline} --query stageStates[?stageName=='Deploy'].inboundTransitionState.[enabled,disabledReason] | [0] --output text`,
      `codepipeline list-pipeline-executions --pipeline-name ${pipeline} --max-items 1 --query pipelineExecutionSummaries[0].[pipelineExecutionId,status] --output text`,
      describeStack(serviceStack, 'Stacks[0].StackStatus'),
      `codepipeline get-pipeline-execution --pipeline-name ${pipeline} --pipeline-execution-id exec-1 --query pipelineExecution.status --output text`,
      `codepipeline get-pipeline-execution --pipeline-name ${pipeline} --pipeline-execution-id exec-1 --query pipelineExecution.status --output text`,
      output(serviceStack, 'ServiceUrl'),
    ]);
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`Service: ${URL}`);
    // Every parameter passed is declared by the pipeline template, and every one it requires is passed.
    const passed = overrides(result.calls.find((c) => c.startsWith('cloudformation deploy'))!);
    for (const name of passed) expect(r.pipeline.Parameters).toHaveProperty(name);
    const required = Object.entries(r.pipeline.Parameters!)
      .filter(([, p]) => !('Default' in p))
      .map(([name]) => name);
    expect(passed).toEqual(expect.arrayContaining(required));
  });

  test('re-run: the same stack updated with its stored parameters, no lookup of the network, no new run, the URL again', () => {
    const result = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 Succeeded' },
      { stacks: { [pipelineStack]: 'CREATE_COMPLETE', [serviceStack]: 'CREATE_COMPLETE' } },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(mutating(result.calls)).toEqual([
      `cloudformation deploy --stack-name ${pipelineStack} --template-file infra/pipeline.yml --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset`,
    ]);
    expect(
      result.calls.filter((c) => c.startsWith('ec2 describe-vpcs') || c.startsWith('ec2 describe-subnets')),
    ).toEqual([]);
    expect(result.stdout).toContain('Following pipeline');
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`Service: ${URL}`);
  });

  test('a PENDING connection: "action required" with the console link, once, then the wait, then a new run', () => {
    const result = run(
      r,
      'deploy.sh',
      ['--repository', 'acme/shop'],
      { STUB_LAST_EXECUTION: 'exec-1 Failed' },
      { connection: ['PENDING', 'PENDING', 'PENDING', 'AVAILABLE'] },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.match(/ACTION REQUIRED/g)).toHaveLength(1);
    expect(result.stdout).toContain(
      `https://console.aws.amazon.com/codesuite/settings/connections?region=${String(r.settings.region)}`,
    );
    expect(result.calls.filter((c) => c.startsWith('codeconnections get-connection'))).toHaveLength(4);
    const start = result.calls.findIndex((c) => c.startsWith('codepipeline start-pipeline-execution'));
    expect(start).toBeGreaterThan(result.calls.findLastIndex((c) => c.startsWith('codeconnections get-connection')));
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`Service: ${URL}`);
  });

  test.each([
    ['no credentials', { STUB_NO_CREDENTIALS: '1' }, [], /no usable AWS credentials/],
    [
      'AWS CLI v1',
      { STUB_CLI_VERSION: 'aws-cli/1.18.69 Python/3.8.10' },
      [],
      /the AWS CLI v2 2\.15\.34 or later is required .*found: aws-cli\/1\.18\.69/,
    ],
    ['no default VPC', { STUB_DEFAULT_VPC: 'None' }, ['--repository', 'acme/shop'], /no default VPC in us-east-1/],
    [
      'a VPC with one Availability Zone',
      { STUB_SUBNETS: 'subnet-0aaa us-east-1a;subnet-0ccc us-east-1a' },
      ['--repository', 'acme/shop'],
      /public subnets in 1 Availability Zone\(s\); the load balancer needs two/,
    ],
    [
      'subnets outside the VPC',
      { STUB_SUBNETS: 'subnet-0aaa us-east-1a' },
      ['--vpc', 'vpc-9', '--subnets', 'subnet-0aaa,subnet-0zzz', '--repository', 'acme/shop'],
      /not all of subnet-0aaa,subnet-0zzz are subnets of vpc-9/,
    ],
    ['no repository', {}, [], /pass --repository/],
    ['an unknown option', {}, ['--vcp', 'vpc-1'], /unknown option --vcp/],
  ])('refused before anything is created: %s', (_name, env, args, message) => {
    const result = run(r, 'deploy.sh', args as string[], env);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(mutating(result.calls)).toEqual([]);
  });

  test('a pipeline stack that failed to create is reported with the command that clears it, nothing else is done', () => {
    const result = run(r, 'deploy.sh', [], {}, { stacks: { [pipelineStack]: 'ROLLBACK_COMPLETE' } });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      `aws cloudformation delete-stack --region ${String(r.settings.region)} --stack-name ${pipelineStack}`,
    );
    expect(mutating(result.calls)).toEqual([]);
  });

  const STACK = 'AWS::CloudFormation::Stack';
  const CIRCUIT_BREAKER =
    'Resource handler returned message: "Error occurred during operation \'ECS Deployment Circuit Breaker was triggered\'." (HandlerErrorCode: GeneralServiceException)';
  /** The events of a first creation that failed at the service, newest first; the listener was cancelled after it. */
  const failedCreation = (stack: string) => [
    [STACK, 'ROLLBACK_COMPLETE', stack, 'None'],
    [
      STACK,
      'ROLLBACK_IN_PROGRESS',
      stack,
      'The following resource(s) failed to create: [Service, Listener]. Rollback requested by user.',
    ],
    ['AWS::ElasticLoadBalancingV2::Listener', 'CREATE_FAILED', 'Listener', 'Resource creation cancelled'],
    ['AWS::ECS::Service', 'CREATE_FAILED', 'Service', CIRCUIT_BREAKER],
    ['AWS::ECS::Service', 'CREATE_IN_PROGRESS', 'Service', 'None'],
    [STACK, 'CREATE_IN_PROGRESS', stack, 'User Initiated'],
  ];
  const recovery = (calls: string[]) =>
    calls.filter((c) =>
      /^cloudformation (describe-stack-events|delete-stack|wait)|^codepipeline start-pipeline-execution/.test(c),
    );

  // The last run failed creating it, or was superseded by a later one that failed on it before.
  test.each(['Failed', 'Superseded'])(
    'a service stack whose first creation failed (ROLLBACK_COMPLETE), last run %s: its reason, deleted, a new run followed to the URL',
    (last) => {
      const result = run(
        r,
        'deploy.sh',
        [],
        { STUB_LAST_EXECUTION: `exec-1 ${last}` },
        {
          stacks: { [pipelineStack]: 'CREATE_COMPLETE', [serviceStack]: 'ROLLBACK_COMPLETE' },
          events: failedCreation(serviceStack),
          executions: ['InProgress', 'Succeeded'],
        },
      );
      expect(result.status, result.stderr).toBe(0);
      expect(recovery(result.calls)).toEqual([
        `cloudformation describe-stack-events --stack-name ${serviceStack} --max-items 500 --query StackEvents[].[ResourceType,ResourceStatus,LogicalResourceId,ResourceStatusReason] --output text`,
        `cloudformation delete-stack --stack-name ${serviceStack}`,
        `cloudformation wait stack-delete-complete --stack-name ${serviceStack}`,
        `codepipeline start-pipeline-execution --name ${pipelineStack}-Pipeline-1A2B --query pipelineExecutionId --output text`,
      ]);
      // The first resource that failed, not the one cancelled after it.
      expect(result.stdout).toContain(
        `Stack ${serviceStack} failed to create (ROLLBACK_COMPLETE), so it never served traffic: Service: ${CIRCUIT_BREAKER}`,
      );
      expect(result.stdout).not.toContain('Resource creation cancelled');
      expect(result.stdout).toContain('Started pipeline shop-pipeline-Pipeline-1A2B, execution exec-2');
      expect(result.calls).toContain(
        `codepipeline get-pipeline-execution --pipeline-name ${pipelineStack}-Pipeline-1A2B --pipeline-execution-id exec-2 --query pipelineExecution.status --output text`,
      );
      expect(result.stdout.trim().split('\n').at(-1)).toBe(`Service: ${URL}`);
    },
  );

  test.each([
    [
      'UPDATE_ROLLBACK_FAILED',
      'exec-1 Failed',
      /UPDATE_ROLLBACK_FAILED \(Service: .*\); it is not deleted, it served traffic: .*aws cloudformation continue-update-rollback --region us-east-1 --stack-name shop-service/,
    ],
    ['DELETE_FAILED', 'exec-1 Succeeded', /stack shop-service is DELETE_FAILED \(Service: .*\); it is not deleted/],
    [
      'UPDATE_IN_PROGRESS',
      'exec-1 Succeeded',
      /stack shop-service is UPDATE_IN_PROGRESS outside a pipeline run; wait for it to finish and run again/,
    ],
  ])('a service stack in %s: a clear message, never deleted, no new run', (status, last, message) => {
    const events = [
      ['AWS::ECS::Service', status.replace(/_IN_PROGRESS$/, '_FAILED'), 'Service', CIRCUIT_BREAKER],
      [STACK, 'UPDATE_IN_PROGRESS', serviceStack, 'User Initiated'],
    ];
    const result = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: last },
      { stacks: { [pipelineStack]: 'UPDATE_COMPLETE', [serviceStack]: status }, events },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.calls.filter((c) => /delete-stack|start-pipeline-execution|get-pipeline-execution/.test(c))).toEqual(
      [],
    );
  });

  test('a service stack being updated by the run in progress is followed, not refused', () => {
    const result = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 InProgress' },
      { stacks: { [pipelineStack]: 'UPDATE_COMPLETE', [serviceStack]: 'UPDATE_IN_PROGRESS' } },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Following pipeline shop-pipeline-Pipeline-1A2B, execution exec-1 (InProgress)');
  });

  test('a first run that fails at the service stack prints its first failed resource and how to recover', () => {
    const result = run(
      r,
      'deploy.sh',
      ['--repository', 'acme/shop'],
      {
        STUB_LAST_EXECUTION: 'exec-1 InProgress',
        STUB_FAILED_ACTION: 'Deploy\tServiceStack',
        STUB_FAILED_SERVICE_STATUS: 'ROLLBACK_COMPLETE',
      },
      { executions: ['InProgress', 'Failed'], events: failedCreation(serviceStack) },
    );
    expect(result.status).not.toBe(0);
    expect(result.calls).toContain(
      `codepipeline list-action-executions --pipeline-name ${pipelineStack}-Pipeline-1A2B --filter pipelineExecutionId=exec-1 --output text --query ${FAILED_ACTION_QUERY}`,
    );
    expect(result.stderr).toContain(
      `the pipeline run exec-1 ended Failed at Deploy/ServiceStack (stack ${serviceStack} is ROLLBACK_COMPLETE, Service: ${CIRCUIT_BREAKER}); fix the cause, push, and run npm run deploy again`,
    );
    expect(result.stderr).toMatch(
      /; see https:\/\/console\.aws\.amazon\.com\/codesuite\/codepipeline\/pipelines\/shop-pipeline-Pipeline-1A2B\/view/,
    );
    expect(mutating(result.calls).filter((c) => c.includes('delete-stack'))).toEqual([]);
  });

  test('a failed update prints the failure of that update, not of an earlier one', () => {
    const events = [
      [STACK, 'UPDATE_ROLLBACK_COMPLETE', serviceStack, 'None'],
      ['AWS::ECS::Service', 'UPDATE_FAILED', 'Service', CIRCUIT_BREAKER],
      [STACK, 'UPDATE_IN_PROGRESS', serviceStack, 'User Initiated'],
      ['AWS::ECS::TaskDefinition', 'UPDATE_FAILED', 'TaskDefinition', 'an earlier failure'],
      [STACK, 'UPDATE_IN_PROGRESS', serviceStack, 'User Initiated'],
    ];
    const result = run(
      r,
      'deploy.sh',
      [],
      {
        STUB_LAST_EXECUTION: 'exec-1 InProgress',
        STUB_FAILED_ACTION: 'Deploy\tServiceStack',
        STUB_FAILED_SERVICE_STATUS: 'UPDATE_ROLLBACK_COMPLETE',
      },
      {
        stacks: { [pipelineStack]: 'UPDATE_COMPLETE', [serviceStack]: 'UPDATE_COMPLETE' },
        executions: ['Failed'],
        events,
      },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      `ended Failed at Deploy/ServiceStack (stack ${serviceStack} is UPDATE_ROLLBACK_COMPLETE, Service: ${CIRCUIT_BREAKER}); see`,
    );
    expect(result.stderr).not.toContain('an earlier failure');
  });

  test('a run that fails before the service stack names the action and reads no stack events', () => {
    const result = run(
      r,
      'deploy.sh',
      ['--repository', 'acme/shop'],
      { STUB_LAST_EXECUTION: 'exec-1 InProgress', STUB_FAILED_ACTION: 'Build\tBuild' },
      { executions: ['InProgress', 'Failed'] },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /the pipeline run exec-1 ended Failed at Build\/Build; see https:\/\/console\.aws\.amazon\.com\/codesuite\/codepipeline\/pipelines\/shop-pipeline-Pipeline-1A2B\/view/,
    );
    expect(result.calls.filter((c) => c.startsWith('cloudformation describe-stack-events'))).toEqual([]);
  });

  test('teardown: the service stack first (its deployment role still exists), then the bucket emptied, then the pipeline stack', () => {
    const result = run(
      r,
      'teardown.sh',
      ['--yes'],
      {},
      { stacks: { [pipelineStack]: 'UPDATE_COMPLETE', [serviceStack]: 'CREATE_COMPLETE' } },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(mutating(result.calls)).toEqual([
      `codepipeline disable-stage-transition --pipeline-name ${pipelineStack}-Pipeline-1A2B --stage-name Deploy --transition-type Inbound --reason npm run teardown`,
      `cloudformation delete-stack --stack-name ${serviceStack}`,
      `s3 rm s3://${pipelineStack}-artifactbucket-1a2b --recursive --only-show-errors`,
      `cloudformation delete-stack --stack-name ${pipelineStack}`,
    ]);
    expect(result.calls).toContain(`cloudformation wait stack-delete-complete --stack-name ${serviceStack}`);
  });

  test('teardown asks first and deletes nothing without a yes', () => {
    const result = run(
      r,
      'teardown.sh',
      [],
      {},
      { stacks: { [pipelineStack]: 'UPDATE_COMPLETE', [serviceStack]: 'CREATE_COMPLETE' } },
    );
    expect(result.status).not.toBe(0);
    expect(result.calls).toEqual([]);
  });
});

describe('npm run teardown -- --environment NAME', () => {
  // Only that environment's service stack goes; the pipeline stack stays. The default environment (production) has the
  // stack <appName>-service, also once it is no longer in the settings (environments.ts names it so).
  const teardownOf = (r: Rendered, environment: string, stacks: Record<string, string>) =>
    run(r, 'teardown.sh', ['--environment', environment, '--yes'], {}, { stacks });

  test('staging, then production, with both in the settings', async () => {
    const r = await render({ 'app-name': 'shop', environments: 'staging,production' });
    const stacks = {
      'shop-pipeline': 'UPDATE_COMPLETE',
      'shop-staging': 'CREATE_COMPLETE',
      'shop-service': 'CREATE_COMPLETE',
    };
    expect(mutating(teardownOf(r, 'staging', stacks).calls)).toEqual([
      'cloudformation delete-stack --stack-name shop-staging',
    ]);
    expect(mutating(teardownOf(r, 'production', stacks).calls)).toEqual([
      'cloudformation delete-stack --stack-name shop-service',
    ]);
  });

  test('an environment removed from the settings: staging, and production once only staging is left', async () => {
    const stacks = {
      'shop-pipeline': 'UPDATE_COMPLETE',
      'shop-staging': 'CREATE_COMPLETE',
      'shop-service': 'CREATE_COMPLETE',
    };
    const productionOnly = await render({ 'app-name': 'shop' });
    expect(mutating(teardownOf(productionOnly, 'staging', stacks).calls)).toEqual([
      'cloudformation delete-stack --stack-name shop-staging',
    ]);
    const stagingOnly = await render({ 'app-name': 'shop', environments: 'staging' });
    expect(mutating(teardownOf(stagingOnly, 'production', stacks).calls)).toEqual([
      'cloudformation delete-stack --stack-name shop-service',
    ]);
  });

  test('a stack that does not exist: said, nothing deleted', async () => {
    const r = await render({ 'app-name': 'shop', environments: 'staging,production' });
    const result = teardownOf(r, 'qa', { 'shop-pipeline': 'UPDATE_COMPLETE' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Stack shop-qa does not exist in us-east-1; nothing to delete.');
    expect(mutating(result.calls)).toEqual([]);
  });
});

describe('npm run deploy (codecommit, existing cluster, another VPC with private task subnets)', () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render({
      'app-name': 'orders',
      source: 'codecommit',
      repository: 'orders',
      'existing-cluster': true,
      cluster: 'shared',
      region: 'eu-west-1',
    });
  });

  test('checks the cluster, passes the VPC and subnets given, and no connection step', () => {
    const result = run(
      r,
      'deploy.sh',
      ['--vpc', 'vpc-9', '--subnets', 'subnet-0aaa,subnet-0bbb', '--task-subnets', 'subnet-0ppp,subnet-0qqq'],
      {
        STUB_CLUSTER: 'shared',
        STUB_LAST_EXECUTION: 'exec-1 InProgress',
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.calls).toContain(
      "ecs describe-clusters --clusters shared --query clusters[?status=='ACTIVE'].clusterName | [0] --output text",
    );
    const deploy = result.calls.find((c) => c.startsWith('cloudformation deploy'))!;
    expect(deploy).toContain(
      '--parameter-overrides VpcId=vpc-9 LoadBalancerSubnetIds=subnet-0aaa,subnet-0bbb TaskSubnetIds=subnet-0ppp,subnet-0qqq AssignPublicIp=DISABLED',
    );
    for (const name of overrides(deploy)) expect(r.pipeline.Parameters).toHaveProperty(name);
    expect(result.calls.filter((c) => c.includes('connection'))).toEqual([]);
    expect(result.calls).toContain(
      'ec2 describe-subnets --subnet-ids subnet-0aaa subnet-0bbb --filters Name=vpc-id,Values=vpc-9 --query Subnets[].[SubnetId,AvailabilityZone] --output text',
    );
  });

  test('an existing cluster that is not there is refused before anything is created', () => {
    const result = run(r, 'deploy.sh', [], { STUB_CLUSTER: 'None' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'the existing cluster shared (setting existingCluster) is not an active cluster in eu-west-1',
    );
    expect(mutating(result.calls)).toEqual([]);
  });
});

describe.skipIf(spawnSync('shellcheck', ['--version']).status !== 0)('shellcheck', () => {
  test.each([{}, { source: 'codecommit', 'existing-cluster': true }])(
    'the scripts pass shellcheck (%o)',
    async (options) => {
      const r = await render(options);
      const out = spawnSync('shellcheck', ['-x', 'scripts/deploy.sh', 'scripts/teardown.sh', 'scripts/lib.sh'], {
        cwd: r.dir,
        encoding: 'utf8',
      });
      expect(out.stdout).toBe('');
      expect(out.status).toBe(0);
    },
  );
});

describe('npm run deploy and teardown with a network of its own (--network new)', () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render({
      'app-name': 'shop',
      network: 'new',
      'private-subnets': true,
      repository: 'acme/shop',
      'connection-arn': CONNECTION,
    });
  });

  test('deploys infra/network.yml first, looks up no VPC, passes no network parameter, prints the URL', () => {
    const result = run(r, 'deploy.sh', [], { STUB_LAST_EXECUTION: 'exec-1 InProgress' }, { executions: ['Succeeded'] });
    expect(result.status, result.stderr).toBe(0);
    expect(mutating(result.calls)).toEqual([
      'cloudformation deploy --stack-name shop-network --template-file infra/network.yml --no-fail-on-empty-changeset',
      'cloudformation deploy --stack-name shop-pipeline --template-file infra/pipeline.yml --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset',
    ]);
    expect(
      result.calls.filter((c) => c.startsWith('ec2 describe-vpcs') || c.startsWith('ec2 describe-subnets')),
    ).toEqual([]);
    // The pipeline template needs no parameter from the command: the network comes from the network stack's exports.
    expect(
      Object.entries(r.pipeline.Parameters!)
        .filter(([, p]) => !('Default' in p))
        .map(([name]) => name),
    ).toEqual([]);
    expect(r.pipeline.Parameters).toHaveProperty('NetworkStackName');
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`Service: ${URL}`);
  });

  test('refuses --vpc and --subnets, which do not apply, before anything is created', () => {
    const result = run(r, 'deploy.sh', ['--vpc', 'vpc-1', '--subnets', 'subnet-a,subnet-b']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /a network of its own \(shop-network, infra\/network\.yml\): --vpc, --subnets and --task-subnets do not apply/,
    );
    expect(mutating(result.calls)).toEqual([]);
  });

  test('teardown deletes the network stack last, once nothing imports its VPC', () => {
    const result = run(
      r,
      'teardown.sh',
      ['--yes'],
      {},
      {
        stacks: {
          'shop-pipeline': 'CREATE_COMPLETE',
          'shop-service': 'CREATE_COMPLETE',
          'shop-network': 'CREATE_COMPLETE',
        },
      },
    );
    expect(result.status, result.stderr).toBe(0);
    const deletes = mutating(result.calls).filter((c) => c.startsWith('cloudformation delete-stack'));
    expect(deletes).toEqual(
      ['shop-service', 'shop-pipeline', 'shop-network'].map((s) => `cloudformation delete-stack --stack-name ${s}`),
    );
  });
});

describe('npm run deploy with a VPC you name (--network existing)', () => {
  test('the first deploy requires --vpc and --subnets instead of taking the default VPC', async () => {
    const r = await render({
      'app-name': 'shop',
      network: 'existing',
      repository: 'acme/shop',
      'connection-arn': CONNECTION,
    });
    const result = run(r, 'deploy.sh', []);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/setting network: existing\): pass --vpc and --subnets/);
    expect(mutating(result.calls)).toEqual([]);
    expect(result.calls.filter((c) => c.startsWith('ec2 describe-vpcs'))).toEqual([]);
  });
});

/** A copy of the generated project as a git clone whose origin is the given URL (none: no remote). */
function clone(r: Rendered, origin?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-clone-'));
  cpSync(r.dir, dir, { recursive: true });
  const git = (...args: string[]) => expect(spawnSync('git', args, { cwd: dir }).status).toBe(0);
  git('init', '--quiet');
  if (origin) git('remote', 'add', 'origin', origin);
  return dir;
}

/** The cloudformation deploy call of the pipeline stack. */
const pipelineDeploy = (calls: string[]) => calls.find((c) => c.startsWith('cloudformation deploy --stack-name'))!;

describe('the repository from git remote origin, when none was stored (generate, git init, push, npm run deploy)', () => {
  let r: Rendered;
  let parseRemote: (url: string) => string;
  beforeAll(async () => {
    r = await render({ 'app-name': 'shop' });
    ({ parseRemote } = (await import(
      path.join(ROOT, 'dist', 'generators', 'app', 'core', 'settings', 'context.js')
    )) as {
      parseRemote: (url: string) => string;
    });
  });

  // The clone URLs GitHub, Bitbucket and GitLab show (HTTPS, SSH, and SSH with a port), with the provider they need.
  test.each([
    ['https://github.com/acme/shop.git', 'acme/shop', 'GitHub'],
    ['git@github.com:acme/shop.git', 'acme/shop', 'GitHub'],
    ['https://jane@bitbucket.org/acme/shop.git', 'acme/shop', 'Bitbucket'],
    ['git@bitbucket.org:acme/shop.git', 'acme/shop', 'Bitbucket'],
    ['https://gitlab.com/acme/platform/shop.git', 'acme/platform/shop', 'GitLab'],
    ['ssh://git@gitlab.com:2222/acme/platform/shop.git', 'acme/platform/shop', 'GitLab'],
  ])('%s: FullRepositoryId %s, a %s connection', (origin, repository, provider) => {
    const result = run(r, 'deploy.sh', [], { STUB_LAST_EXECUTION: 'exec-1 InProgress' }, {}, clone(r, origin));
    expect(result.status, result.stderr).toBe(0);
    expect(overrides(pipelineDeploy(result.calls))).toEqual(
      expect.arrayContaining(['FullRepositoryId', 'ConnectionProviderType']),
    );
    expect(pipelineDeploy(result.calls)).toContain(`FullRepositoryId=${repository} ConnectionProviderType=${provider}`);
    expect(result.stdout).toContain(`Repository: ${repository} (from git remote origin,`);
    expect(result.stdout).not.toContain('jane@');
    // The same owner/name the generator would have stored from this remote.
    expect(parseRemote(origin)).toBe(repository);
  });

  test('a GitHub Enterprise remote: its owner/name, and the connection provider left to its default', () => {
    const result = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 InProgress' },
      {},
      clone(r, 'https://git.example.com/acme/shop.git'),
    );
    expect(result.status, result.stderr).toBe(0);
    expect(overrides(pipelineDeploy(result.calls))).toContain('FullRepositoryId');
    expect(overrides(pipelineDeploy(result.calls))).not.toContain('ConnectionProviderType');
  });

  test.each([
    ['no remote', undefined, /git remote origin gives none .*pass --repository owner\/name/],
    [
      'a CodeCommit remote',
      'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/shop',
      /git remote origin \(https:\/\/git-codecommit\.us-east-1\.amazonaws\.com\/v1\/repos\/shop\) is not a GitHub, Bitbucket or GitLab repository URL/,
    ],
    ['a remote without an owner', 'https://github.com/shop', /is not a GitHub, Bitbucket or GitLab repository URL/],
  ])('%s: refused before anything is created', (_name, origin, message) => {
    const result = run(r, 'deploy.sh', [], {}, {}, clone(r, origin));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(mutating(result.calls)).toEqual([]);
  });

  test('--repository wins over the remote; a stack that exists keeps its repository and reads no remote', () => {
    const given = run(
      r,
      'deploy.sh',
      ['--repository', 'acme/other'],
      { STUB_LAST_EXECUTION: 'exec-1 InProgress' },
      {},
      clone(r, 'https://github.com/acme/shop.git'),
    );
    expect(pipelineDeploy(given.calls)).toContain('FullRepositoryId=acme/other');
    const existing = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 Succeeded' },
      { stacks: { 'shop-pipeline': 'UPDATE_COMPLETE', 'shop-service': 'CREATE_COMPLETE' } },
      clone(r),
    );
    expect(existing.status, existing.stderr).toBe(0);
    expect(overrides(pipelineDeploy(existing.calls))).toEqual([]);
  });

  test('CodeCommit: the name from an HTTPS, SSH or git-remote-codecommit URL in the region; another region is refused', async () => {
    const codecommit = await render({ 'app-name': 'orders', source: 'codecommit' });
    for (const origin of [
      'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/orders',
      'ssh://APKAEIBAERJR2EXAMPLE@git-codecommit.us-east-1.amazonaws.com/v1/repos/orders',
      'codecommit::us-east-1://orders',
      'codecommit://dev-profile@orders',
    ]) {
      const result = run(
        codecommit,
        'deploy.sh',
        [],
        { STUB_LAST_EXECUTION: 'exec-1 InProgress' },
        {},
        clone(codecommit, origin),
      );
      expect(result.status, `${origin}: ${result.stderr}`).toBe(0);
      expect(pipelineDeploy(result.calls), origin).toContain('CodeCommitRepositoryName=orders');
      expect(result.stdout).not.toContain('APKAEIBAERJR2EXAMPLE');
    }
    const elsewhere = run(codecommit, 'deploy.sh', [], {}, {}, clone(codecommit, 'codecommit::eu-west-1://orders'));
    expect(elsewhere.status).not.toBe(0);
    expect(elsewhere.stderr).toMatch(
      /a CodeCommit repository in eu-west-1, but this service deploys to us-east-1 and its pipeline can only read a repository in us-east-1/,
    );
    expect(mutating(elsewhere.calls)).toEqual([]);
  });
});

describe('npm run deploy and teardown after a failure', () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render({ 'app-name': 'shop', repository: 'acme/shop' });
  });

  test('a pipeline stack in REVIEW_IN_PROGRESS (its first change set failed) is created as if absent', () => {
    const result = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 InProgress' },
      { stacks: { 'shop-pipeline': 'REVIEW_IN_PROGRESS' } },
    );
    expect(result.status, result.stderr).toBe(0);
    // The first deploy's path: the network looked up and passed.
    expect(overrides(pipelineDeploy(result.calls))).toEqual(['VpcId', 'LoadBalancerSubnetIds', 'TaskSubnetIds']);
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`Service: ${URL}`);
  });

  test.each([
    ['ROLLBACK_COMPLETE, nothing left', {}, []],
    ['ROLLBACK_FAILED, its bucket left', { ArtifactBucket: 'shop-pipeline-artifactbucket-9z' }, ['s3 rm']],
  ])(
    'teardown of a pipeline stack whose creation failed (%s): deletes what exists, no call names None',
    (_name, resources, extra) => {
      const status = _name.split(',')[0];
      const result = run(
        r,
        'teardown.sh',
        ['--yes'],
        {},
        { stacks: { 'shop-pipeline': status }, resources: { 'shop-pipeline': resources } },
      );
      expect(result.status, result.stderr).toBe(0);
      expect(result.calls.filter((c) => /\bNone\b/.test(c))).toEqual([]);
      expect(mutating(result.calls)).toEqual([
        ...extra.map(() => 's3 rm s3://shop-pipeline-artifactbucket-9z --recursive --only-show-errors'),
        'cloudformation delete-stack --stack-name shop-pipeline',
      ]);
      expect(result.stdout.trim().split('\n').at(-1)).toBe('Deleted.');
    },
  );

  test('a pipeline stack whose rollback failed: its first failure and the way out, nothing done', () => {
    const events = [
      ['AWS::IAM::Role', 'DELETE_FAILED', 'BuildRole', 'Access denied'],
      ['AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS', 'shop-pipeline', 'User Initiated'],
    ];
    const result = run(r, 'deploy.sh', [], {}, { stacks: { 'shop-pipeline': 'ROLLBACK_FAILED' }, events });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('stack shop-pipeline is ROLLBACK_FAILED (BuildRole: Access denied); see https://');
    expect(result.stderr).toContain('(npm run teardown deletes what is left of it)');
    expect(mutating(result.calls)).toEqual([]);
  });

  test('teardown refuses, deleting nothing, while a stack is being updated', () => {
    const result = run(
      r,
      'teardown.sh',
      ['--yes'],
      {},
      { stacks: { 'shop-pipeline': 'UPDATE_COMPLETE', 'shop-service': 'UPDATE_IN_PROGRESS' } },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('stack shop-service is UPDATE_IN_PROGRESS; wait for it to finish and run again');
    expect(mutating(result.calls)).toEqual([]);
  });

  test('teardown interrupted after disabling the Deploy transition, then deploy: the transition is enabled again', () => {
    const result = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 Succeeded' },
      {
        stacks: { 'shop-pipeline': 'UPDATE_COMPLETE', 'shop-service': 'CREATE_COMPLETE' },
        disabledTransition: 'npm run teardown',
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(mutating(result.calls)).toEqual([
      'cloudformation deploy --stack-name shop-pipeline --template-file infra/pipeline.yml --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset',
      'codepipeline enable-stage-transition --pipeline-name shop-pipeline-Pipeline-1A2B --stage-name Deploy --transition-type Inbound',
    ]);
    expect(result.stdout).toContain('disabled by an interrupted npm run teardown; enabling it again');
  });

  test('a Deploy transition someone else disabled is named and left alone, no run started', () => {
    const result = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 Failed' },
      {
        stacks: { 'shop-pipeline': 'UPDATE_COMPLETE', 'shop-service': 'CREATE_COMPLETE' },
        disabledTransition: 'release freeze',
      },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /the transition into the Deploy stage of pipeline shop-pipeline-Pipeline-1A2B is disabled \(reason: release freeze\).*aws codepipeline enable-stage-transition --region us-east-1 --pipeline-name shop-pipeline-Pipeline-1A2B --stage-name Deploy --transition-type Inbound/,
    );
    expect(result.calls.filter((c) => /enable-stage-transition|start-pipeline-execution/.test(c))).toEqual([]);
  });

  test("a new account's CodeBuild limit: the quota named, with the Service Quotas link", () => {
    const error =
      'Error calling startBuild: Cannot have more than 0 builds in queue for the account (Service: AWSCodeBuild; Status Code: 400; Error Code: AccountLimitExceededException; Request ID: f0d98e36)';
    const result = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 InProgress', STUB_FAILED_ACTION: `Build\tBuild\t${error}` },
      { executions: ['Failed'] },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`ended Failed at Build/Build (${error}); this account's CodeBuild quota`);
    expect(result.stderr).toContain(
      'request an increase of "Concurrently running builds" for the build\'s environment (Linux/Small) in Service Quotas, https://console.aws.amazon.com/servicequotas/home/services/codebuild/quotas?region=us-east-1',
    );
    // Control: another build failure gets its error, not the quota.
    const other = run(
      r,
      'deploy.sh',
      [],
      {
        STUB_LAST_EXECUTION: 'exec-1 InProgress',
        STUB_FAILED_ACTION: 'Build\tBuild\tBuild terminated with state: FAILED',
      },
      { executions: ['Failed'] },
    );
    expect(other.stderr).toContain('ended Failed at Build/Build (Build terminated with state: FAILED); see https://');
    expect(other.stderr).not.toContain('Service Quotas');
  });
});

describe('npm run deploy with manual approval', () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render({ 'app-name': 'shop', repository: 'acme/shop', 'manual-approval': true });
  });
  const approvalQueries = (calls: string[]) => calls.filter((c) => c.includes("category=='Approval'"));

  test('a run waiting at the approval: "ACTION REQUIRED" with the console link, once, then followed to the URL', () => {
    const result = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 InProgress' },
      {
        stacks: { 'shop-pipeline': 'UPDATE_COMPLETE', 'shop-service': 'CREATE_COMPLETE' },
        executions: ['InProgress', 'InProgress', 'InProgress', 'InProgress', 'Succeeded'],
        approvals: ['None', 'Approve\tApprove'],
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.match(/ACTION REQUIRED/g)).toHaveLength(1);
    expect(result.stdout).toContain(
      'ACTION REQUIRED: the run waits for your manual approval (Approve/Approve), at most 7 days:\n  https://console.aws.amazon.com/codesuite/codepipeline/pipelines/shop-pipeline-Pipeline-1A2B/view?region=us-east-1',
    );
    // Asked until the approval is seen, not after.
    expect(approvalQueries(result.calls)).toEqual([
      `codepipeline list-action-executions --pipeline-name shop-pipeline-Pipeline-1A2B --filter pipelineExecutionId=exec-1 --query actionExecutionDetails[?status=='InProgress' && input.actionTypeId.category=='Approval'].[stageName,actionName] | [0] --output text`,
      `codepipeline list-action-executions --pipeline-name shop-pipeline-Pipeline-1A2B --filter pipelineExecutionId=exec-1 --query actionExecutionDetails[?status=='InProgress' && input.actionTypeId.category=='Approval'].[stageName,actionName] | [0] --output text`,
    ]);
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`Service: ${URL}`);
  });

  test('a run that never reaches the approval asks no one', () => {
    const result = run(
      r,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 InProgress' },
      {
        stacks: { 'shop-pipeline': 'UPDATE_COMPLETE', 'shop-service': 'CREATE_COMPLETE' },
        executions: ['InProgress', 'Succeeded'],
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('ACTION REQUIRED');
  });

  test('without manual approval the run is never asked about one', async () => {
    const plain = await render({ 'app-name': 'shop', repository: 'acme/shop' });
    const result = run(
      plain,
      'deploy.sh',
      [],
      { STUB_LAST_EXECUTION: 'exec-1 InProgress' },
      { executions: ['InProgress', 'InProgress', 'Succeeded'], approvals: ['Approve\tApprove'] },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(approvalQueries(result.calls)).toEqual([]);
  });
});

describe('--help and the AWS CLI version', () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render({ 'app-name': 'shop' });
  });

  test.each([
    ['deploy.sh', '--help', 'Usage: npm run deploy [-- options]'],
    ['deploy.sh', '-h', 'Usage: npm run deploy [-- options]'],
    ['teardown.sh', '--help', 'Usage: npm run teardown [-- --yes]'],
    ['teardown.sh', '-h', 'Usage: npm run teardown [-- --yes]'],
  ])('%s %s prints its usage and calls nothing, asks nothing', (script, flag, usage) => {
    const result = run(r, script, [flag], {}, { stacks: { 'shop-pipeline': 'UPDATE_COMPLETE' } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(usage);
    expect(result.stdout).not.toContain('[y/N]');
    expect(result.calls).toEqual([]);
  });

  test('the usage names the options and the CLI version', () => {
    const deploy = run(r, 'deploy.sh', ['--help']).stdout;
    for (const option of ['--vpc', '--subnets', '--task-subnets', '--repository owner/name'])
      expect(deploy).toContain(option);
    expect(deploy).toContain('(default: read from git remote origin)');
    expect(deploy).toContain('Needs the AWS CLI v2 2.15.34 or later');
    expect(run(r, 'teardown.sh', ['--help']).stdout).toContain('--yes        delete without asking');
  });

  test('teardown with an unknown option refuses without asking or deleting', () => {
    const result = run(r, 'teardown.sh', ['--force'], {}, { stacks: { 'shop-pipeline': 'UPDATE_COMPLETE' } });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('unknown option --force (see --help); nothing deleted');
    expect(result.stdout).not.toContain('[y/N]');
    expect(result.calls).toEqual([]);
  });

  // Debian 12's awscli package is 2.9.19: no aws codeconnections, which came with 2.15.34.
  test.each([
    ['aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0-18-amd64 source/x86_64.debian.12 prompt/off', false],
    ['aws-cli/2.15.33 Python/3.11.8 Linux/6.1 exe/x86_64', false],
    ['aws-cli/2.15.34 Python/3.11.8 Linux/6.1 exe/x86_64', true],
    ['aws-cli/2.100.0 Python/3.13.1 Linux/6.1 exe/x86_64', true],
  ])('%s: accepted %s', (version, accepted) => {
    const result = run(r, 'deploy.sh', ['--repository', 'acme/shop'], {
      STUB_CLI_VERSION: version,
      STUB_LAST_EXECUTION: 'exec-1 InProgress',
    });
    expect(result.status === 0, result.stderr).toBe(accepted);
    if (!accepted) {
      expect(result.stderr).toContain(
        `the AWS CLI v2 2.15.34 or later is required (older ones have no aws codeconnections), found: ${version}; update it: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html`,
      );
      expect(result.calls).toEqual(['--version']);
    }
  });
});
