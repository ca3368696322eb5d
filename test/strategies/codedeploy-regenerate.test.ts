// A codedeploy service stack survives a regeneration: CloudFormation may never change a CODE_DEPLOY service or its task
// definition (ECS UpdateService rejects the task definition, network configuration and load balancers, and CloudFormation
// sends them on every service update: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html,
// https://github.com/aws/aws-cdk/issues/23564). Each task-level setting, changed by a real regeneration, leaves the
// parsed Service and TaskDefinition of infra/service.yml identical and reaches the service through taskdef.json.
import { spawn } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applied } from '../delivery/render.js';
import { parseTemplate, type Template } from '../support/cfn/parse.js';
import { runCore, tempDir } from '../support/generate.js';

const PARAMETER = 'arn:aws:ssm:us-east-1:123456789012:parameter/shop/db-password';
const OTHER_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/api-key-AbCdEf';
const BASE = {
  strategy: 'codedeploy',
  appName: 'shop',
  environment: ['LOG_LEVEL=info'],
  secrets: [`DB_PASSWORD=${PARAMETER}`],
};

interface TaskDef {
  cpu: string;
  memory: string;
  containerDefinitions: {
    stopTimeout: number;
    environment: { name: string; value: string }[];
    secrets?: { name: string; valueFrom: string }[];
  }[];
}

interface Generated {
  service: Template;
  taskdef: TaskDef;
  log: string;
}

function read(dir: string, log: string): Generated {
  const text = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  return { service: parseTemplate(text('infra/service.yml')), taskdef: JSON.parse(text('taskdef.json')), log };
}

/** The resources CloudFormation must never change on a live CodeDeploy service. */
const frozen = (g: Generated) => ({
  Service: applied(g.service, 'Service'),
  TaskDefinition: applied(g.service, 'TaskDefinition'),
});

const container = (g: Generated) => g.taskdef.containerDefinitions[0];

// Each task-level setting, the flags that change it, and where taskdef.json shows the new value.
const TASK_LEVEL: [string, Record<string, unknown>, (g: Generated) => void][] = [
  ['cpu', { cpu: '512', memory: '1024' }, (g) => expect(g.taskdef.cpu).toBe('512')],
  ['memory', { memory: '2048' }, (g) => expect(g.taskdef.memory).toBe('2048')],
  [
    'environment',
    { environment: ['LOG_LEVEL=debug', 'FEATURE_X=on'] },
    (g) => expect(container(g).environment).toContainEqual({ name: 'FEATURE_X', value: 'on' }),
  ],
  [
    'secrets',
    { secrets: [`DB_PASSWORD=${PARAMETER}`, `API_KEY=${OTHER_SECRET}`] },
    (g) => expect(container(g).secrets).toContainEqual({ name: 'API_KEY', valueFrom: OTHER_SECRET }),
  ],
  // The drain, so the stop timeout, follows the health check timings.
  ['healthCheckInterval', { healthCheckInterval: '20' }, (g) => expect(container(g).stopTimeout).toBeGreaterThan(40)],
  ['unhealthyThreshold', { unhealthyThreshold: '4' }, (g) => expect(container(g).stopTimeout).toBeGreaterThan(40)],
  ['healthCheckTimeout', { healthCheckTimeout: '8' }, (g) => expect(container(g).stopTimeout).toBeGreaterThan(40)],
];

// Settings that change neither the service nor taskdef.json (target group, image, pipeline), for the same check.
const ELSEWHERE: [string, Record<string, unknown>][] = [
  ['healthCheckPath', { healthCheckPath: '/healthz' }],
  ['healthyThreshold', { healthyThreshold: '3' }],
  ['deregistrationDelay', { deregistrationDelay: '10' }],
  ['nodeVersion', { nodeVersion: '22' }],
  ['codeDeployConfig', { codeDeployConfig: 'CodeDeployDefault.ECSCanary10Percent5Minutes' }],
  ['bakeTime', { bakeTime: '10' }],
  ['rollbackAlarms', { rollbackAlarms: 'false' }],
];

describe('codedeploy: a regeneration never changes the service stack’s Service or TaskDefinition', () => {
  let base: string;
  let before: Generated;
  /** A regeneration of a copy of the base folder. */
  const regenerate = async (flags: Record<string, unknown>) => {
    const dir = tempDir('bluegreen-codedeploy-');
    cpSync(base, dir, { recursive: true });
    const run = await runCore(dir, flags);
    expect(run.status, run.error?.message).toBe(0);
    return read(dir, run.log);
  };

  beforeAll(async () => {
    base = tempDir('bluegreen-codedeploy-');
    const run = await runCore(base, BASE);
    expect(run.status, run.error?.message).toBe(0);
    before = read(base, run.log);
  });

  it.each(TASK_LEVEL)(
    '%s: Service and TaskDefinition identical, taskdef.json carries the change',
    async (_name, flags, shows) => {
      const after = await regenerate(flags);
      expect(frozen(after)).toEqual(frozen(before));
      expect(after.taskdef).not.toEqual(before.taskdef);
      shows(after);
      expect(after.log).not.toContain('Warning:');
    },
  );

  it.each(ELSEWHERE)('%s: Service and TaskDefinition identical', async (_name, flags) => {
    const after = await regenerate(flags);
    expect(frozen(after)).toEqual(frozen(before));
    expect(after.log).not.toContain('Warning:');
  });

  it('controls: a service-level setting changes the Service, and the check sees a mutated task definition', async () => {
    // desiredCount reaches the Service through the DesiredCount parameter's default: a change, and a warning.
    const counted = await regenerate({ desiredCount: '4' });
    expect(applied(counted.service, 'Service')).not.toEqual(applied(before.service, 'Service'));
    expect(counted.log).toMatch(/Warning: desiredCount 3 -> 4, once the codedeploy service stack is deployed/);
    // The port is bound to the service's LoadBalancers (ECS requires the container port there), so it changes both.
    const ported = await regenerate({ port: '8080' });
    expect(frozen(ported)).not.toEqual(frozen(before));
    expect(ported.log).toMatch(/Warning: port 3000 -> 8080, once the codedeploy service stack is deployed/);
    const mutated = structuredClone(before);
    mutated.service.Resources!.TaskDefinition.Properties!.Cpu = '512';
    expect(frozen(mutated)).not.toEqual(frozen(before));
  });

  it("the bootstrap task definition's placeholder answers the load balancer's health check on the container port", async () => {
    const port = await freePort();
    const dir = tempDir('bluegreen-codedeploy-');
    expect((await runCore(dir, { ...BASE, port: String(port), healthCheckPath: '/healthz' })).status).toBe(0);
    const { service } = read(dir, '');
    const definition = (service.Resources!.TaskDefinition.Properties as any).ContainerDefinitions[0];
    expect(definition.PortMappings).toEqual([{ ContainerPort: port, Protocol: 'tcp' }]);
    expect(definition).not.toHaveProperty('Secrets');
    expect(definition).not.toHaveProperty('Environment');
    // The image's node runs the command (Fargate runs it as the image's non-root user, with a read-only root).
    const [command, ...args] = definition.Command as string[];
    const child = spawn(command === 'node' ? process.execPath : command, args, { stdio: 'ignore' });
    try {
      const response = await firstAnswer(`http://127.0.0.1:${port}/healthz`);
      expect(response.status).toBe(200);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      // ECS stops it with SIGTERM; it exits at once instead of waiting for SIGKILL.
      expect(await exited).toBe(0);
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The first answer of a server that is starting: bounded by attempts, not by time. */
async function firstAnswer(url: string, attempts = 200): Promise<Response> {
  for (let i = 1; ; i++) {
    try {
      return await fetch(url);
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
