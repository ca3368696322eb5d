// The stack-state helpers of scripts/lib.sh against moto_server, an AWS emulator with CloudFormation's own answers: the
// "does not exist" messages they parse, REVIEW_IN_PROGRESS after a change set that was never executed, and resources
// read back without outputs. Skipped without moto_server and an aws CLI (any version: only these calls are made).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { render, type Rendered } from './render.js';

const found = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
const MOTO = found('moto_server');
const AWS = found('aws');

/** A free local port. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

describe.skipIf(!MOTO || !AWS)('lib.sh against moto_server', () => {
  let r: Rendered;
  let moto: ChildProcess;
  let env: Record<string, string>;
  beforeAll(async () => {
    r = await render({ 'app-name': 'shop' });
    const port = await freePort();
    moto = spawn(MOTO, ['-p', String(port)], { stdio: 'ignore' });
    // The local aws may be v1, which has no --no-cli-pager (v2 only): dropped, the calls are the same.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'moto-bin-'));
    writeFileSync(
      path.join(bin, 'aws'),
      `#!/bin/bash\nargs=()\nfor a in "$@"; do [ "$a" = --no-cli-pager ] || args+=("$a"); done\nexec ${AWS} "\${args[@]}"\n`,
    );
    chmodSync(path.join(bin, 'aws'), 0o755);
    env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: bin,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    };
    // Ready when it answers (bounded by attempts, each a CLI round trip).
    for (let attempt = 0; attempt < 50; attempt++) {
      if (aws('cloudformation', 'list-stacks').status === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('moto_server did not answer');
  }, 120_000);
  afterAll(() => {
    moto?.kill();
  });

  const aws = (...args: string[]) =>
    spawnSync('aws', ['--region', 'us-east-1', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  /** Runs a function of the generated scripts/lib.sh; its stdout. */
  const lib = (call: string) => {
    const out = spawnSync('bash', ['-c', `source scripts/lib.sh && ${call}`], {
      cwd: r.dir,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    expect(out.status, out.stderr).toBe(0);
    return out.stdout.trim();
  };
  const template = JSON.stringify({ Resources: { ArtifactBucket: { Type: 'AWS::S3::Bucket' } } });

  test('an absent stack is NONE, and its resources are none, without an error', () => {
    expect(lib('stack_status shop-pipeline')).toBe('NONE');
    expect(lib('stack_resource shop-pipeline Pipeline')).toBe('');
  });

  test('a stack whose first change set was never executed is REVIEW_IN_PROGRESS, without resources', () => {
    const created = aws(
      'cloudformation',
      'create-change-set',
      '--stack-name',
      'shop-pipeline',
      '--change-set-name',
      'first',
      '--change-set-type',
      'CREATE',
      '--template-body',
      template,
    );
    expect(created.status, created.stderr).toBe(0);
    expect(lib('stack_status shop-pipeline')).toBe('REVIEW_IN_PROGRESS');
    expect(lib('stack_resource shop-pipeline ArtifactBucket')).toBe('');
  });

  test('a created stack: its resource read back by logical id, an unknown one as nothing', () => {
    const created = aws('cloudformation', 'create-stack', '--stack-name', 'shop-service', '--template-body', template);
    expect(created.status, created.stderr).toBe(0);
    expect(lib('stack_status shop-service')).toBe('CREATE_COMPLETE');
    expect(lib('stack_resource shop-service ArtifactBucket')).toMatch(/^shop-service-artifactbucket-/);
    expect(lib('stack_resource shop-service Pipeline')).toBe('');
  });
});
