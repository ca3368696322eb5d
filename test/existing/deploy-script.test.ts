// delivery/deploy.sh against a stateful stand-in for the AWS CLI (fake-aws.mjs) and curl: a service with the article's
// settings (health check every 30 s, healthy after 4, deregistration delay 300 s) shows each difference with its deploy
// time, changes nothing unless confirmed, applies with --apply and records commands that undo it (run here: the state
// returns to the article's); each refusal happens before any change.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROOT, runBin, tempDir } from '../support/generate.js';

const FIXTURE = path.join(ROOT, 'test', 'existing', 'fixtures', 'express-app');
const REGION = 'eu-west-1';
const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/orders/abc';
const LB = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/orders/def';

/** The article's service: a rolling ECS service behind an ALB with the load balancer's defaults. */
function articleState(): Record<string, any> {
  return {
    region: REGION,
    cluster: 'prod',
    curlStatus: '200',
    service: {
      serviceName: 'orders',
      serviceArn: `arn:aws:ecs:${REGION}:123456789012:service/prod/orders`,
      status: 'ACTIVE',
      taskDefinition: `arn:aws:ecs:${REGION}:123456789012:task-definition/orders-task:7`,
      deploymentController: { type: 'ECS' },
      loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 3000 }],
      deploymentConfiguration: {
        minimumHealthyPercent: 50,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: false, rollback: false },
      },
      healthCheckGracePeriodSeconds: 0,
    },
    taskDefinition: {
      family: 'orders-task',
      taskRoleArn: 'arn:aws:iam::123456789012:role/orders-task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      containerDefinitions: [{ name: 'web', image: 'x' }],
    },
    targetGroup: {
      TargetGroupArn: TG,
      HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 4,
      UnhealthyThresholdCount: 2,
      LoadBalancerArns: [LB],
    },
    attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '300' }],
    loadBalancer: { LoadBalancerArn: LB, DNSName: 'orders-123.eu-west-1.elb.amazonaws.com' },
  };
}

let dir: string;
beforeAll(() => {
  dir = path.join(tempDir('existing-deploy-'), 'orders-api');
  cpSync(FIXTURE, dir, { recursive: true });
  const out = runBin([
    dir,
    '--existing-service',
    '--cluster',
    'prod',
    '--service',
    'orders',
    '--region',
    REGION,
    '--yes',
    '--skip-install',
  ]);
  expect(out.status, out.stderr).toBe(0);
}, 120_000);

function run(state: Record<string, any>, args: string[] = [], env: Record<string, string> = {}) {
  const work = tempDir('fake-aws-');
  const bin = path.join(work, 'bin');
  mkdirSync(bin);
  const stateFile = path.join(work, 'state.json');
  const log = path.join(work, 'calls.log');
  writeFileSync(stateFile, JSON.stringify(state));
  writeFileSync(log, '');
  writeFileSync(
    path.join(bin, 'aws'),
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'test/existing/fake-aws.mjs')}" "$@"\n`,
  );
  // curl -s -o /dev/null -w '%{http_code}' URL: prints the state's status.
  writeFileSync(
    path.join(bin, 'curl'),
    `#!/bin/sh\nprintf '%s' "$(node -e 'console.log(require(process.argv[1]).curlStatus)' "${stateFile}")"\n`,
  );
  chmodSync(path.join(bin, 'aws'), 0o755);
  chmodSync(path.join(bin, 'curl'), 0o755);
  const changes = path.join(work, 'changes.log');
  const { AWS_REGION: _r, AWS_DEFAULT_REGION: _d, ...clean } = process.env;
  const out = spawnSync('bash', [path.join(dir, 'delivery/deploy.sh'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...clean,
      PATH: `${bin}:${process.env.PATH}`,
      FAKE_AWS_STATE: stateFile,
      FAKE_AWS_LOG: log,
      CHANGES_LOG: changes,
      ...env,
    },
  });
  const calls = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
  return {
    ...out,
    state: JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, any>,
    calls,
    mutations: calls.filter((c) => c.some((a) => /^(modify-|update-service|deploy$|delete-|register-)/.test(a))),
    changes: existsSync(changes) ? readFileSync(changes, 'utf8') : '',
    bin,
    stateFile,
    log,
  };
}

describe('deploy.sh on the article service', () => {
  test('shows each difference side by side with its deploy time, and changes nothing of the service unconfirmed', () => {
    const r = run(articleState());
    expect(r.status, r.stderr).toBe(0);
    const row = (name: string) => r.stdout.split('\n').find((l) => l.slice(2).startsWith(`${name} `)) ?? '';
    // The fast defaults against the article's figures, with the estimate's per-task worst case of each step.
    expect(row('healthCheckInterval')).toMatch(/^\* healthCheckInterval\s+30\s+10\s+healthy after 120 s -> 30 s$/);
    expect(row('healthyThreshold')).toMatch(/^\* healthyThreshold\s+4\s+2\s+/);
    expect(row('deregistrationDelay')).toMatch(/^\* deregistrationDelay\s+300\s+20\s+300 s -> 20 s$/);
    expect(row('minimumHealthyPercent')).toMatch(/^\* minimumHealthyPercent\s+50\s+100\s/);
    expect(row('maximumPercent')).toMatch(/^ {2}maximumPercent\s+200\s+200\s/);
    expect(row('circuitBreaker')).toMatch(/^\* circuitBreaker\s+off\s+on\s/);
    expect(row('stopTimeout')).toMatch(/^\* stopTimeout\s+30\s+43\s+stop after 30 s -> 43 s \(the drain needs 28 s\)$/);
    expect(r.stdout).toContain('Nothing changed on the live service');
    expect(r.state.targetGroup).toEqual(articleState().targetGroup);
    expect(r.state.attributes).toEqual(articleState().attributes);
    expect(r.state.service).toEqual(articleState().service);
    expect(r.changes).toBe('');
    // The pipeline stack is deployed with the container and family read from the live service.
    expect(
      r.mutations.map((c) => c.find((a) => a === 'deploy' || a.startsWith('modify') || a === 'update-service')),
    ).toEqual(['deploy']);
    expect(r.state.stacks['orders-api-pipeline']).toEqual([
      'ContainerName=web',
      'TaskDefinitionFamily=orders-task',
      'TaskRoleArn=arn:aws:iam::123456789012:role/orders-task',
      'ExecutionRoleArn=arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    ]);
  });

  test('--apply applies them, records each change with its undo, prints the undo commands, which restore the service', () => {
    const r = run(articleState(), ['--apply']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.state.targetGroup).toMatchObject({
      HealthCheckPath: '/status',
      HealthCheckIntervalSeconds: 10,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
    });
    expect(r.state.attributes).toEqual([{ Key: 'deregistration_delay.timeout_seconds', Value: '20' }]);
    expect(r.state.service.deploymentConfiguration).toEqual({
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    });
    expect(r.state.service.healthCheckGracePeriodSeconds).toBe(30);
    const undo = r.changes
      .split('\n')
      .filter((l) => l.includes(' undo:   '))
      .map((l) => l.split(' undo:   ')[1]);
    expect(undo).toHaveLength(3);
    for (const command of undo) expect(r.stdout).toContain(`  ${command}`);
    expect(r.stdout).toContain('stopTimeout is a property of the task definition');
    // The recorded undo commands, run through the same stand-in, give back the article's service.
    for (const command of undo) {
      const u = spawnSync('sh', ['-c', command], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${r.bin}:${process.env.PATH}`, FAKE_AWS_STATE: r.stateFile, FAKE_AWS_LOG: r.log },
      });
      expect(u.status, u.stderr).toBe(0);
    }
    const restored = JSON.parse(readFileSync(r.stateFile, 'utf8')) as Record<string, any>;
    expect(restored.targetGroup).toEqual(articleState().targetGroup);
    expect(restored.attributes).toEqual(articleState().attributes);
    expect(restored.service).toEqual(articleState().service);
  });

  test('the health check path is not changed while the running service does not answer it', () => {
    const r = run({ ...articleState(), curlStatus: '404' }, ['--apply']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('does not answer /status with 200 (got 404)');
    expect(r.state.targetGroup.HealthCheckPath).toBe('/');
    expect(r.state.targetGroup.HealthCheckIntervalSeconds).toBe(10);
  });

  test('a service that already has every setting is left alone', () => {
    const r0 = run(articleState(), ['--apply']);
    const r = run(r0.state);
    expect(r.stdout).toContain('stopTimeout');
    expect(r.stdout).toContain('1 setting(s) differ');
    expect(r.mutations).toHaveLength(1);
  });
});

describe('deploy.sh refuses, before any change', () => {
  const cases: [string, (s: Record<string, any>) => void, Record<string, string>, RegExp][] = [
    ['no load balancer', (s) => (s.service.loadBalancers = []), {}, /has no load balancer target group/],
    [
      'the CODE_DEPLOY controller',
      (s) => (s.service.deploymentController = { type: 'CODE_DEPLOY' }),
      {},
      /uses the CODE_DEPLOY deployment controller/,
    ],
    [
      'the EXTERNAL controller',
      (s) => (s.service.deploymentController = { type: 'EXTERNAL' }),
      {},
      /uses the EXTERNAL deployment controller/,
    ],
    [
      'a service in another region',
      (s) => (s.region = 'us-east-1'),
      {},
      /no active service orders in cluster prod in eu-west-1 \(is it in another region/,
    ],
    [
      'AWS_REGION naming another region',
      () => undefined,
      { AWS_REGION: 'us-east-1' },
      /AWS_REGION is us-east-1 but the service is in eu-west-1/,
    ],
    [
      'a target group on no load balancer',
      (s) => (s.targetGroup.LoadBalancerArns = []),
      {},
      /attached to no load balancer/,
    ],
  ];
  test.each(cases)('%s', (_name, change, env, message) => {
    const state = articleState();
    change(state);
    const r = run(state, ['--apply'], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refused, nothing was changed/);
    expect(r.stderr).toMatch(message);
    expect(r.mutations).toEqual([]);
    expect(r.changes).toBe('');
  });

  test('control: the same service, unchanged, is served', () => {
    expect(run(articleState(), []).status).toBe(0);
  });
});

describe('teardown.sh', () => {
  test('removes the pipeline stack and empties its bucket, and never calls ECS or Elastic Load Balancing', () => {
    const deployed = run(articleState());
    const state = { ...deployed.state, bucket: 'orders-api-pipeline-artifactbucket-1' };
    writeFileSync(deployed.stateFile, JSON.stringify(state));
    writeFileSync(deployed.log, '');
    const { AWS_REGION: _r, ...clean } = process.env;
    const env = {
      ...clean,
      PATH: `${deployed.bin}:${process.env.PATH}`,
      FAKE_AWS_STATE: deployed.stateFile,
      FAKE_AWS_LOG: deployed.log,
    };
    const out = spawnSync('bash', [path.join(dir, 'delivery/teardown.sh')], { encoding: 'utf8', env });
    expect(out.status, out.stderr).toBe(0);
    const after = JSON.parse(readFileSync(deployed.stateFile, 'utf8')) as Record<string, any>;
    expect(after.stacks).toEqual({});
    expect(after.bucketEmptied).toBe(true);
    expect(after.service).toEqual(articleState().service);
    const calls = readFileSync(deployed.log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(calls.flat().filter((a) => a === 'ecs' || a === 'elbv2')).toEqual([]);
    expect(out.stdout).toContain('the service was not touched');
    // A second run finds nothing to remove.
    const again = spawnSync('bash', [path.join(dir, 'delivery/teardown.sh')], { encoding: 'utf8', env });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing to remove');
  });
});
