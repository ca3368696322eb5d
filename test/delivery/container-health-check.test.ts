// ECS runs only the task definition's container health check, never the image's HEALTHCHECK
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/healthcheck.html). The generated task definitions carry
// one that runs the image's command with the target group's timings, within ECS's ranges
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html), and the command works for real.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { only, render, SCENARIOS, type Rendered } from './render.js';

/** ECS's ranges for a container health check (API_HealthCheck above). */
const ECS_RANGES = {
  Interval: [5, 300],
  Timeout: [2, 60],
  Retries: [1, 10],
  StartPeriod: [0, 300],
} as const;

interface HealthCheck {
  Command: string[];
  Interval: number;
  Timeout: number;
  Retries: number;
  StartPeriod: number;
}

const CASES: Record<string, Record<string, unknown>> = {
  defaults: SCENARIOS.defaults,
  'custom health check and port': SCENARIOS['custom health check and port'],
  // A grace period longer than ECS's longest start period: the grace period itself covers the rest.
  'codedeploy, grace period 600 s': { strategy: 'codedeploy', 'health-check-grace-period': '600' },
};

/** The image's HEALTHCHECK command (exec form) from the generated Dockerfile. */
function dockerfileCommand(r: Rendered): string[] {
  const text = readFileSync(path.join(r.dir, 'Dockerfile'), 'utf8');
  const match = /^HEALTHCHECK [^\n]*\\\n\s+CMD (\[.*\])$/m.exec(text);
  if (!match) throw new Error('no HEALTHCHECK ... CMD [...] in the Dockerfile');
  return JSON.parse(match[1]) as string[];
}

/**
 * The health check of the task that serves: the service stack's task definition, or with codedeploy taskdef.json
 * (the stack's is a bootstrap that CloudFormation may never change; CodeDeploy deploys taskdef.json).
 */
function runningCheck(r: Rendered): HealthCheck {
  if (r.settings.strategy !== 'codedeploy') {
    const taskDefinition = only(r.service, 'AWS::ECS::TaskDefinition').Properties;
    return taskDefinition.ContainerDefinitions[0].HealthCheck as HealthCheck;
  }
  const taskdef = JSON.parse(readFileSync(path.join(r.dir, 'taskdef.json'), 'utf8')) as {
    containerDefinitions: {
      healthCheck: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
    }[];
  };
  const { command, interval, timeout, retries, startPeriod } = taskdef.containerDefinitions[0].healthCheck;
  return { Command: command, Interval: interval, Timeout: timeout, Retries: retries, StartPeriod: startPeriod };
}

describe.each(Object.keys(CASES))('container health check (%s)', (name) => {
  let r: Rendered;
  let check: HealthCheck;
  beforeAll(async () => {
    r = await render(CASES[name]);
    check = runningCheck(r);
  });

  test("runs the image's HEALTHCHECK command", () => {
    expect(check.Command).toEqual(['CMD', ...dockerfileCommand(r)]);
  });

  test("uses the target group's interval, timeout and unhealthy threshold, and starts counting after the grace period", () => {
    const targetGroup = Object.values(r.service.Resources!).find(
      (resource) => resource.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup',
    )!.Properties as Record<string, number>;
    const service = only(r.service, 'AWS::ECS::Service').Properties;
    expect(check).toMatchObject({
      Interval: targetGroup.HealthCheckIntervalSeconds,
      Timeout: targetGroup.HealthCheckTimeoutSeconds,
      Retries: targetGroup.UnhealthyThresholdCount,
      StartPeriod: Math.min(service.HealthCheckGracePeriodSeconds as number, ECS_RANGES.StartPeriod[1]),
    });
    for (const [key, [min, max]] of Object.entries(ECS_RANGES)) {
      expect(check[key as keyof typeof ECS_RANGES]).toBeGreaterThanOrEqual(min);
      expect(check[key as keyof typeof ECS_RANGES]).toBeLessThanOrEqual(max);
    }
  });

  test.runIf(CASES[name].strategy === 'codedeploy')(
    "codedeploy: the service stack's bootstrap task definition has none, so a change of the health check never changes it",
    () => {
      const bootstrap = only(r.service, 'AWS::ECS::TaskDefinition').Properties;
      expect(bootstrap.ContainerDefinitions[0].HealthCheck).toBeUndefined();
    },
  );
});

describe('the health check command, run with node against a server', () => {
  let server: Server;
  let port: number;
  let command: string[];
  let path_: string;
  beforeAll(async () => {
    const r = await render(SCENARIOS['custom health check and port']);
    const taskDefinition = only(r.service, 'AWS::ECS::TaskDefinition').Properties;
    command = (taskDefinition.ContainerDefinitions[0].HealthCheck as HealthCheck).Command;
    path_ = String(r.settings.healthCheckPath);
    // Answers 200 on the health path, 204 on /no-content (not the target group's "200"), 503 elsewhere.
    server = createServer((req, res) => {
      res.statusCode = req.url === path_ ? 200 : req.url === '/no-content' ? 204 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs the command as ECS would (CMD: the arguments directly), with the container's PORT. */
  function run(args: string[], env: Record<string, string>): Promise<number | null> {
    const [file, ...rest] = args;
    const child = spawn(file, rest, { env: { ...process.env, ...env }, stdio: 'ignore' });
    return new Promise((resolve) => child.on('exit', resolve));
  }

  test('passes when the health path answers 200, fails on another status or when nothing listens', async () => {
    expect(command[0]).toBe('CMD');
    const args = command.slice(1);
    expect(await run(args, { PORT: String(port) })).toBe(0);
    const otherPath = args.map((a) => a.replace(path_, '/no-content'));
    expect(await run(otherPath, { PORT: String(port) })).toBe(1);
    const failing = args.map((a) => a.replace(path_, '/elsewhere'));
    expect(await run(failing, { PORT: String(port) })).toBe(1);
    expect(await run(args, { PORT: '1' })).toBe(1);
  });
});
