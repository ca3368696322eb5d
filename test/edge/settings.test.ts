// The production edge's settings: every bad value is refused with the setting, the value and what is allowed, through
// the same resolution flags, .yo-rc.json and prompts use; through the bin nothing is written. Repeatable flags round-trip.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import helpers from 'yeoman-test';
import { describe, expect, it } from 'vitest';
import { SettingsError, resolveSettings } from '../../generators/app/core/settings/resolve.js';
import type { SettingName } from '../../generators/app/core/settings/declaration.js';
import { GENERATOR, generate, runBin, tempDir } from '../support/generate.js';
import { CERTIFICATE, DOMAIN, ZONE } from './values.js';

const KEY = 'generator-bluegreen-ecs';
const CONTEXT = { folderName: 'shop', gitRemote: '' };
const ACCOUNT = '123456789012';
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-password-AbCdEf`;
const PARAMETER = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/shop/api-key`;
const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0f8fad5b-d9cb-469f-a165-70867728950e`;

/** The problems resolving these flags reports, as the bin prints them. */
function problems(flags: Record<string, unknown>): string[] {
  try {
    resolveSettings({ flags: flags, stored: {} }, CONTEXT);
    return [];
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return error.message
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^ {2}- /, ''));
  }
}

// [setting, other flags it needs, bad value, the message must say (what is allowed)]
const BAD: [SettingName, Record<string, unknown>, unknown, RegExp][] = [
  ['network', {}, 'vpc', /must be one of default, existing, new/],
  ['privateSubnets', { network: 'new' }, 'maybe', /must be true or false/],
  ['domain', {}, 'localhost', /fully qualified domain name/],
  ['domain', {}, '*.example.com', /must not be a wildcard/],
  ['domain', {}, `${'a'.repeat(60)}.example.com`, /at most 64 characters/],
  ['domain', {}, '-api.example.com', /fully qualified domain name/],
  ['hostedZoneId', { domain: DOMAIN }, '', /is required with domain api\.example\.com unless certificateArn is given/],
  ['hostedZoneId', { domain: DOMAIN }, '/hostedzone/Z123', /must be a Route 53 hosted zone id/],
  [
    'certificateArn',
    { domain: DOMAIN },
    'arn:aws:acm:eu-west-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e',
    /is in aws\/eu-west-1, but the stacks are deployed to region us-east-1 \(partition aws\)/,
  ],
  [
    'certificateArn',
    { domain: DOMAIN, region: 'us-gov-west-1' },
    'arn:aws:acm:us-gov-west-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e',
    /is in aws\/us-gov-west-1, but the stacks are deployed to region us-gov-west-1 \(partition aws-us-gov\)/,
  ],
  [
    'certificateArn',
    { domain: DOMAIN },
    'arn:aws:iam::123456789012:server-certificate/x',
    /must be an ACM certificate ARN/,
  ],
  ['autoscaling', {}, 'always', /must be one of off, requests, cpu/],
  ['minCount', { autoscaling: 'cpu' }, '4', /must not exceed desiredCount \(3\)/],
  ['minCount', { autoscaling: 'cpu' }, '0', /must be a whole number from 1 to 5000/],
  ['maxCount', { autoscaling: 'cpu' }, '2', /must be at least desiredCount \(3\)/],
  ['maxCount', { autoscaling: 'cpu' }, '5001', /must be a whole number from 1 to 5000/],
  // 13 tasks x 200 % x 0.25 vCPU = 6.5 vCPUs > 6; blue/green runs two full sets.
  [
    'maxCount',
    { autoscaling: 'cpu' },
    '13',
    /needs 6\.5 vCPUs at the peak of a deployment \(26 tasks of 0\.25 vCPU\), over the Fargate On-Demand vCPU quota of 6/,
  ],
  [
    'maxCount',
    { autoscaling: 'cpu', strategy: 'blue-green', cpu: '1024', memory: '2048', 'desired-count': '1' },
    '4',
    /needs 8 vCPUs .* \(8 tasks of 1 vCPU\)/,
  ],
  // maxPercent headroom at maxCount: 10 tasks x 150 % = 15 tasks of 0.25 vCPU = 3.75 vCPUs, over a raised-but-small quota of 3.
  [
    'maxCount',
    { autoscaling: 'requests', 'max-percent': '150', 'fargate-vcpu-quota': '3' },
    '10',
    /needs 3\.75 vCPUs at the peak of a deployment \(15 tasks of 0\.25 vCPU\), over the Fargate On-Demand vCPU quota of 3/,
  ],
  ['fargateVcpuQuota', { autoscaling: 'requests' }, '0', /must be a whole number from 1 to 1000000 vCPUs/],
  ['scalingTarget', { autoscaling: 'cpu' }, '101', /must be a whole number from 1 to 100 percent/],
  ['scalingTarget', { autoscaling: 'requests' }, '0', /from 1 to 1000000 requests per task per minute/],
  ['environment', {}, ['1ST=x'], /name "1ST" must be a letter or "_"/],
  ['environment', {}, ['AWS_REGION=x'], /starts with AWS_ or ECS_/],
  ['environment', {}, ['PORT=8080'], /is set by the generator from its own settings/],
  ['environment', {}, ['NOEQUALS'], /entry "NOEQUALS" must be KEY=VALUE/],
  ['environment', {}, ['A=1', 'A=2'], /A is given twice/],
  [
    'secrets',
    {},
    [`DB=${SECRET.replace('us-east-1', 'us-west-2')}`],
    /DB: ARN is in aws\/us-west-2, but the stacks are deployed to region us-east-1/,
  ],
  [
    'secrets',
    {},
    [`DB=${SECRET.replace('arn:aws:', 'arn:aws-us-gov:')}`],
    /is in aws-us-gov\/us-east-1, but the stacks are deployed to region us-east-1 \(partition aws\)/,
  ],
  [
    'secrets',
    {},
    ['DB=arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password'],
    /must be the ARN of an SSM parameter .* or of a Secrets Manager secret/,
  ],
  ['secrets', {}, ['DB=hunter2'], /must be the ARN of an SSM parameter/],
  ['secrets', { env: ['DB=x'] }, [`DB=${PARAMETER}`], /DB is also given with --env/],
  ['kmsKeyArn', { secret: [`DB=${SECRET}`] }, 'alias/aws/secretsmanager', /must be empty or a KMS key ARN/],
  ['kmsKeyArn', { secret: [`DB=${SECRET}`] }, KMS_KEY.replace('us-east-1', 'eu-west-1'), /is in aws\/eu-west-1/],
];

const flagOf: Partial<Record<SettingName, string>> = { environment: 'env', secrets: 'secret' };
const flag = (name: SettingName) => flagOf[name] ?? name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const asFlags = (options: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(options).map(([k, v]) => [
      k === 'env'
        ? 'environment'
        : k === 'secret'
          ? 'secrets'
          : k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
      v,
    ]),
  );

describe.each(BAD)('%s with %j refuses %j', (name, others, value, allowed) => {
  it('naming the setting, the value, where it came from and what is allowed', () => {
    const found = problems({ ...asFlags(others), [name]: value });
    const line = found.find((p) => p.startsWith(`${name} = `));
    expect(line, found.join('\n')).toBeDefined();
    // Long values are cut in messages; their start and where they came from are always shown.
    expect(line).toContain(`${name} = ${JSON.stringify(value).slice(0, 60)}`);
    expect(line).toContain(`(from --${flag(name)})`);
    expect(line).toMatch(allowed);
  });
});

describe('good values', () => {
  it('are accepted together', () => {
    expect(
      problems({
        network: 'new',
        privateSubnets: true,
        domain: DOMAIN,
        hostedZoneId: ZONE,
        autoscaling: 'requests',
        minCount: '2',
        maxCount: '6',
        scalingTarget: '500',
        environment: ['LOG_LEVEL=info', 'GREETING=a=b, c'],
        secrets: [`DB=${SECRET}:password::`, `KEY=${PARAMETER}`],
        kmsKeyArn: KMS_KEY,
      }),
    ).toEqual([]);
    expect(problems({ domain: DOMAIN, certificateArn: CERTIFICATE })).toEqual([]);
    expect(
      problems({ region: 'us-gov-west-1', secrets: [`DB=arn:aws-us-gov:ssm:us-gov-west-1:${ACCOUNT}:parameter/x`] }),
    ).toEqual([]);
  });
});

describe('through the bin', () => {
  it('a bad repeatable flag exits 1, names it, and creates nothing', () => {
    const target = path.join(tempDir(), 'svc');
    const out = runBin([target, '--yes', '--skip-install', '--env', 'LOG_LEVEL=info', '--env', 'AWS_PROFILE=x']);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('nothing was written');
    expect(out.stderr).toContain(
      'environment = ["LOG_LEVEL=info","AWS_PROFILE=x"] (from --env): name AWS_PROFILE starts with AWS_ or ECS_',
    );
    expect(existsSync(target)).toBe(false);
    // A domain with neither a hosted zone nor a certificate: the missing one is named.
    const domainOnly = runBin([target, '--yes', '--skip-install', '--domain', DOMAIN]);
    expect(domainOnly.status).toBe(1);
    expect(domainOnly.stderr).toContain(
      'hostedZoneId = "" (default): is required with domain api.example.com unless certificateArn is given',
    );
    expect(existsSync(target)).toBe(false);
  });

  it('repeated flags are stored as an object, a re-run keeps them, and a flag replaces the list', async () => {
    const dir = tempDir();
    const out = runBin([
      dir,
      '--yes',
      '--skip-install',
      '--env',
      'LOG_LEVEL=info',
      '--env',
      'GREETING=a=b',
      '--secret',
      `DB=${SECRET}`,
    ]);
    expect(out.status, out.stderr).toBe(0);
    const stored = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))[KEY];
    expect(stored.environment).toEqual({ LOG_LEVEL: 'info', GREETING: 'a=b' });
    expect(stored.secrets).toEqual({ DB: SECRET });
    const rerun = await helpers
      .run(GENERATOR)
      .inTmpDir((d) => writeFileSync(path.join(d, '.yo-rc.json'), JSON.stringify({ [KEY]: stored })))
      .withOptions({ skipInstall: true, environment: 'ONLY=1' } as never);
    expect(rerun.askedQuestions).toEqual([]);
    const after = JSON.parse(readFileSync(path.join(rerun.cwd, '.yo-rc.json'), 'utf8'))[KEY];
    expect(after.environment).toEqual({ ONLY: '1' });
    expect(after.secrets).toEqual({ DB: SECRET });
  });

  it('a bad value in .yo-rc.json is refused as coming from there, and nothing is written', () => {
    const dir = tempDir();
    const yoRc = JSON.stringify({ [KEY]: { secrets: { DB: 'hunter2' }, network: 'vpc' } });
    writeFileSync(path.join(dir, '.yo-rc.json'), yoRc);
    const out = runBin([dir, '--yes', '--skip-install']);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('network = "vpc" (from .yo-rc.json): must be one of default, existing, new');
    expect(out.stderr).toContain(
      'secrets = {"DB":"hunter2"} (from .yo-rc.json): DB: "hunter2" must be the ARN of an SSM parameter',
    );
    expect(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8')).toBe(yoRc);
  });
});

describe('the execution role and the task definition', () => {
  it('grant exactly the named secrets and key, and carry no secret value', async () => {
    const result = await generate({
      'app-name': 'shop',
      secrets: [`DB=${SECRET}:password::`, `KEY=${PARAMETER}`],
      'kms-key-arn': KMS_KEY,
      environment: ['LOG_LEVEL=info'],
    });
    const { parseTemplate } = await import('../support/cfn/parse.js');
    const service = parseTemplate(readFileSync(path.join(result.cwd, 'infra/service.yml'), 'utf8'));
    // The pipeline stack owns the task roles.
    const pipeline = parseTemplate(readFileSync(path.join(result.cwd, 'infra/pipeline.yml'), 'utf8'));
    const role = pipeline.Resources?.ExecutionRole.Properties as any;
    const statements = role.Policies[0].PolicyDocument.Statement as { Action: unknown; Resource: unknown }[];
    expect(statements.filter((s) => /ssm|secretsmanager|kms/.exec(JSON.stringify(s.Action)))).toEqual([
      { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [PARAMETER] },
      // ECS's json-key suffix is not part of the secret's ARN.
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: [SECRET] },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KMS_KEY },
    ]);
    const container = (service.Resources?.TaskDefinition.Properties as any).ContainerDefinitions[0];
    expect(container.Secrets).toEqual([
      { Name: 'DB', ValueFrom: `${SECRET}:password::` },
      { Name: 'KEY', ValueFrom: PARAMETER },
    ]);
    expect(container.Environment).toContainEqual({ Name: 'LOG_LEVEL', Value: 'info' });
    const config = readFileSync(path.join(result.cwd, 'src/config.ts'), 'utf8');
    expect(config).toContain('export const REQUIRED_SECRETS: readonly string[] = ["DB","KEY"];');
    // CodeDeploy registers taskdef.json for every deployment: it carries the same variables and secrets.
    const codeDeploy = await generate({
      'app-name': 'shop',
      strategy: 'codedeploy',
      secrets: [`DB=${SECRET}:password::`, `KEY=${PARAMETER}`],
      environment: ['LOG_LEVEL=info'],
    });
    const taskdef = JSON.parse(readFileSync(path.join(codeDeploy.cwd, 'taskdef.json'), 'utf8'));
    expect(taskdef.containerDefinitions[0].secrets).toEqual([
      { name: 'DB', valueFrom: `${SECRET}:password::` },
      { name: 'KEY', valueFrom: PARAMETER },
    ]);
    expect(taskdef.containerDefinitions[0].environment).toEqual([
      { name: 'PORT', value: '3000' },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
  });
});

// Edge settings asked only when another answer makes them apply.
const DEPENDENT = [
  'privateSubnets',
  'hostedZoneId',
  'certificateArn',
  'minCount',
  'maxCount',
  'scalingTarget',
  'kmsKeyArn',
];

describe('interactive', () => {
  it("asks each edge setting only when it applies, and stores the answers in the settings' types", async () => {
    const plain = await helpers.run(GENERATOR).withOptions({ skipInstall: true }).withAnswers({ customise: true });
    const askedPlain = plain.askedQuestions.map((q) => q.name);
    expect(askedPlain).toEqual(expect.arrayContaining(['network', 'domain', 'autoscaling', 'environment', 'secrets']));
    for (const name of DEPENDENT) expect(askedPlain).not.toContain(name);

    const full = await helpers
      .run(GENERATOR)
      .withOptions({ skipInstall: true })
      .withAnswers({
        customise: true,
        network: 'new',
        privateSubnets: true,
        domain: DOMAIN,
        hostedZoneId: ZONE,
        autoscaling: 'cpu',
        minCount: '2',
        maxCount: '4',
        scalingTarget: '70',
        environment: 'LOG_LEVEL=info, MODE=fast',
        secrets: `DB=${SECRET}`,
      });
    const asked = full.askedQuestions.map((q) => q.name);
    expect(asked).toEqual(expect.arrayContaining(DEPENDENT));
    expect(JSON.parse(readFileSync(path.join(full.cwd, '.yo-rc.json'), 'utf8'))[KEY]).toMatchObject({
      network: 'new',
      privateSubnets: true,
      domain: DOMAIN,
      hostedZoneId: ZONE,
      certificateArn: '',
      autoscaling: 'cpu',
      minCount: 2,
      maxCount: 4,
      scalingTarget: 70,
      environment: { LOG_LEVEL: 'info', MODE: 'fast' },
      secrets: { DB: SECRET },
      kmsKeyArn: '',
    });
  });
});
