// Every numeric setting at min-1, min, max and max+1, and every cross-field rule, through the same check()
// that flags, .yo-rc.json and prompt answers go through. The limits below are AWS's, written out as the spec.
import { describe, expect, it } from 'vitest';
import { check } from '../../generators/app/core/settings/resolve.js';
import type { SettingName, Settings } from '../../generators/app/core/settings/declaration.js';

const DEFAULTS: Partial<Settings> = {
  healthCheckInterval: 30,
  desiredCount: 3,
  minHealthyPercent: 100,
  maxPercent: 200,
  strategy: 'rolling',
  cpu: 256,
  source: 'connection',
};

const ok = (name: SettingName, value: unknown, known: Partial<Settings> = DEFAULTS) => {
  const result = check(name, value, known);
  return 'error' in result ? result.error : true;
};

const RANGES: [SettingName, number, number, Partial<Settings>?][] = [
  ['port', 1024, 65535],
  ['healthCheckInterval', 5, 300],
  ['healthCheckTimeout', 2, 120, { healthCheckInterval: 300 }],
  ['healthyThreshold', 2, 10],
  ['unhealthyThreshold', 2, 10],
  ['healthCheckGracePeriod', 0, 2147483647],
  ['deregistrationDelay', 0, 3600],
  ['desiredCount', 1, 5000],
  ['minHealthyPercent', 0, 100],
  ['maxPercent', 100, 400, { desiredCount: 3, minHealthyPercent: 50, strategy: 'rolling' }],
];

describe.each(RANGES)('%s accepts %i to %i', (name, min, max, known = DEFAULTS) => {
  it('rejects min-1 and max+1 with the allowed range in the message', () => {
    expect(ok(name, min - 1, known)).toMatch(new RegExp(`from ${min} to ${max}`));
    expect(ok(name, max + 1, known)).toMatch(new RegExp(`from ${min} to ${max}`));
  });
  it('accepts min and max', () => {
    expect(ok(name, min, known)).toBe(true);
    expect(ok(name, max, known)).toBe(true);
  });
  it('accepts the numbers as CLI strings and rejects non-integers', () => {
    expect(ok(name, String(min), known)).toBe(true);
    expect(ok(name, `${min}.5`, known)).toMatch(/whole number/);
    expect(ok(name, 'abc', known)).toMatch(/whole number/);
    expect(ok(name, '', known)).toMatch(/whole number/);
  });
});

describe('cross-field rules', () => {
  it('health check timeout must be below the interval', () => {
    expect(ok('healthCheckTimeout', 29, { healthCheckInterval: 30 })).toBe(true);
    expect(ok('healthCheckTimeout', 30, { healthCheckInterval: 30 })).toMatch(
      /less than the health check interval \(30 s\)/,
    );
    expect(ok('healthCheckTimeout', 5, { healthCheckInterval: 5 })).toMatch(/less than/);
  });

  it('a rolling deployment must be able to start or stop a task', () => {
    // 1 task, min 100 %, max 100 %: can neither start (max 1 running) nor stop (1 must stay healthy).
    expect(ok('maxPercent', 100, { desiredCount: 1, minHealthyPercent: 100, strategy: 'rolling' })).toMatch(
      /can neither start a new task.*nor stop an old one/,
    );
    // 1 task, max 150 %: floor(1.5) = 1 still blocks; 200 % allows a second task.
    expect(ok('maxPercent', 150, { desiredCount: 1, minHealthyPercent: 100, strategy: 'rolling' })).toMatch(/neither/);
    expect(ok('maxPercent', 199, { desiredCount: 1, minHealthyPercent: 100, strategy: 'rolling' })).toMatch(/neither/);
    expect(ok('maxPercent', 200, { desiredCount: 1, minHealthyPercent: 100, strategy: 'rolling' })).toBe(true);
    // 1 task, min 0 %, max 100 %: may stop the old task first.
    expect(ok('maxPercent', 100, { desiredCount: 1, minHealthyPercent: 0, strategy: 'rolling' })).toBe(true);
    // 3 tasks, min 67 %: ceil(2.01) = 3 must stay, max 100 % -> stuck; min 66 %: ceil(1.98) = 2 -> can stop one.
    expect(ok('maxPercent', 100, { desiredCount: 3, minHealthyPercent: 67, strategy: 'rolling' })).toMatch(/neither/);
    expect(ok('maxPercent', 100, { desiredCount: 3, minHealthyPercent: 66, strategy: 'rolling' })).toBe(true);
    // 3 tasks, max 133 %: floor(3.99) = 3 -> stuck with min 100; 134 %: floor(4.02) = 4 -> can start one.
    expect(ok('maxPercent', 133, { desiredCount: 3, minHealthyPercent: 100, strategy: 'rolling' })).toMatch(/neither/);
    expect(ok('maxPercent', 134, { desiredCount: 3, minHealthyPercent: 100, strategy: 'rolling' })).toBe(true);
  });

  it('memory must pair with cpu as Fargate allows', () => {
    expect(ok('memory', 512, { cpu: 256 })).toBe(true);
    expect(ok('memory', 2048, { cpu: 256 })).toBe(true);
    expect(ok('memory', 3072, { cpu: 256 })).toMatch(
      /not a valid Fargate size with cpu 256: allowed memory is 512, 1024, 2048 MiB/,
    );
    expect(ok('memory', 1024, { cpu: 512 })).toBe(true);
    expect(ok('memory', 4096, { cpu: 512 })).toBe(true);
    expect(ok('memory', 5120, { cpu: 512 })).toMatch(/allowed memory is 1024, 2048, 3072, 4096 MiB/);
    expect(ok('memory', 61440, { cpu: 8192 })).toBe(true);
    expect(ok('memory', 18432, { cpu: 8192 })).toMatch(/steps of 4096/);
    expect(ok('memory', 122880, { cpu: 16384 })).toBe(true);
    expect(ok('memory', 131072, { cpu: 16384 })).toMatch(/not a valid Fargate size/);
  });

  it('cpu must be a Fargate size', () => {
    for (const cpu of [256, 512, 1024, 2048, 4096, 8192, 16384]) expect(ok('cpu', cpu)).toBe(true);
    expect(ok('cpu', 128)).toMatch(/Fargate CPU size/);
    expect(ok('cpu', 3072)).toMatch(/Fargate CPU size/);
  });

  it('repository format depends on the source', () => {
    expect(ok('repository', 'acme/shop', { source: 'connection' })).toBe(true);
    expect(ok('repository', 'group/sub/shop', { source: 'connection' })).toBe(true);
    expect(ok('repository', 'shop', { source: 'connection' })).toMatch(/owner\/name/);
    expect(ok('repository', 'shop', { source: 'codecommit' })).toBe(true);
    expect(ok('repository', 'acme/shop', { source: 'codecommit' })).toMatch(/CodeCommit repository name/);
    expect(ok('repository', '', { source: 'codecommit' })).toBe(true);
  });
});

describe('names and text settings', () => {
  it('appName: lowercase, starts with a letter, at most 26 characters', () => {
    expect(ok('appName', 'a')).toBe(true);
    expect(ok('appName', 'a'.repeat(26))).toBe(true);
    expect(ok('appName', 'a'.repeat(27))).toMatch(/at most 26 characters/);
    expect(ok('appName', '')).toMatch(/start with a lowercase letter/);
    expect(ok('appName', '1app')).toMatch(/start with a lowercase letter/);
    expect(ok('appName', 'My-App')).toMatch(/lowercase/);
    expect(ok('appName', 'my_app')).toMatch(/hyphens/);
    expect(ok('appName', 'app-')).toMatch(/end with a hyphen/);
    expect(ok('appName', 'a--b')).toMatch(/two hyphens/);
  });

  it.each(['cluster', 'service', 'containerName'] as const)('%s: 1-255 letters, digits, - and _', (name) => {
    expect(ok(name, 'A_b-1')).toBe(true);
    expect(ok(name, 'x'.repeat(255))).toBe(true);
    expect(ok(name, 'x'.repeat(256))).toMatch(/1-255/);
    expect(ok(name, '')).toMatch(/1-255/);
    expect(ok(name, 'a.b')).toMatch(/letters, digits, hyphens and underscores/);
    expect(ok(name, 'a b')).toMatch(/letters, digits/);
  });

  it('ecrRepository: 2-256, lowercase, namespaces', () => {
    expect(ok('ecrRepository', 'ab')).toBe(true);
    expect(ok('ecrRepository', 'team/my-app')).toBe(true);
    expect(ok('ecrRepository', 'a')).toMatch(/2-256/);
    expect(ok('ecrRepository', 'a'.repeat(256))).toBe(true);
    expect(ok('ecrRepository', 'a'.repeat(257))).toMatch(/2-256/);
    expect(ok('ecrRepository', 'My-App')).toMatch(/lowercase/);
    expect(ok('ecrRepository', 'a--b/')).toMatch(/lowercase/);
  });

  it('healthCheckPath: starts with /, at most 1024 characters, URL-safe', () => {
    expect(ok('healthCheckPath', '/')).toBe(true);
    expect(ok('healthCheckPath', '/status')).toBe(true);
    expect(ok('healthCheckPath', '/internal/health-v2')).toBe(true);
    expect(ok('healthCheckPath', `/${'a'.repeat(1023)}`)).toBe(true);
    expect(ok('healthCheckPath', `/${'a'.repeat(1024)}`)).toMatch(/at most 1024/);
    expect(ok('healthCheckPath', 'status')).toMatch(/start with "\/"/);
    expect(ok('healthCheckPath', '/sta tus')).toMatch(/no spaces/);
    expect(ok('healthCheckPath', '/status?x=1')).toMatch(/no query string/);
    expect(ok('healthCheckPath', '/a//b')).toMatch(/"\/\/"/);
    expect(ok('healthCheckPath', '/a/../b')).toMatch(/"\/\.\."/);
  });

  it('region must be a real AWS region', () => {
    expect(ok('region', 'eu-west-1')).toBe(true);
    expect(ok('region', 'us-gov-west-1')).toBe(true);
    expect(ok('region', 'us-east-7')).toMatch(/AWS region code/);
    expect(ok('region', 'US-EAST-1')).toMatch(/AWS region code/);
  });

  it('branch follows git ref rules', () => {
    for (const good of ['main', 'release/1.2', 'feature_x']) expect(ok('branch', good)).toBe(true);
    for (const bad of ['a..b', '-x', 'x/', 'x.lock', '.hidden', 'a.lock/b', 'HEAD'])
      expect(ok('branch', bad)).toMatch(/valid git branch name/);
    // Characters outside what git, YAML and GitHub's branch filter all read unchanged (bad-inputs.test.ts has the rest).
    for (const bad of ['a b', 'a~1', 'a:b', 'a@{1}', 'release+1'])
      expect(ok('branch', bad)).toMatch(/may contain only/);
    expect(ok('branch', '')).toMatch(/1-255 characters/);
  });

  it('connectionArn is empty or a connection ARN', () => {
    expect(ok('connectionArn', '')).toBe(true);
    expect(
      ok(
        'connectionArn',
        'arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-1234-5678-9abc-0123456789ab',
      ),
    ).toBe(true);
    expect(
      ok(
        'connectionArn',
        'arn:aws:codestar-connections:eu-west-1:123456789012:connection/0a1b2c3d-1234-5678-9abc-0123456789ab',
      ),
    ).toBe(true);
    expect(ok('connectionArn', 'arn:aws:s3:::bucket')).toMatch(/connection ARN/);
  });

  it('choices and booleans', () => {
    expect(ok('nodeVersion', '24')).toBe(true);
    expect(ok('nodeVersion', 24)).toBe(true);
    expect(ok('nodeVersion', '18')).toMatch(/one of 24, 22/);
    expect(ok('source', 'codecommit')).toBe(true);
    expect(ok('source', 'github')).toMatch(/connection or codecommit/);
    expect(ok('manualApproval', 'true')).toBe(true);
    expect(ok('manualApproval', 'maybe')).toMatch(/true or false/);
  });
});
