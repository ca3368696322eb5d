// Every bad input issue 18 lists (and those found since), through each source it can come from: refused with the
// setting, the value (cut when long), where it came from and the rule; through the bin, nothing is written.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IAM_ROLE_POLICY_MAX_CHARS, TASK_DEFINITION_MAX_BYTES } from '../../generators/app/core/settings/aws-limits.js';
import { FILES } from '../../generators/app/core/render/files.js';
import { renderOutput } from '../../generators/app/core/render/render.js';
import {
  SettingsError,
  describeProblem,
  resolveSettings,
  type Sources,
} from '../../generators/app/core/settings/resolve.js';
import type { SettingName } from '../../generators/app/core/settings/declaration.js';
import {
  EXECUTION_POLICY_OWN_CHARS,
  TASK_DEFINITION_OWN_BYTES,
  entriesBytes,
  executionPolicyChars,
} from '../../generators/app/core/settings/validators.js';
import { parseTemplate } from '../support/cfn/parse.js';
import { runBin, tempDir } from '../support/generate.js';

const KEY = 'generator-bluegreen-ecs';
const CONTEXT = { folderName: 'shop', gitRemote: '' };
const ACCOUNT = '123456789012';
const PARAMETER = (i: number) => `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/shop/p${i}`;
const HOOK = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:check`;
const ORIGIN = { flag: /\(from --[a-z-]+\)/, stored: /\(from \.yo-rc\.json\)/, prompt: /\(from the prompt\)/ };

type Source = keyof typeof ORIGIN;

interface Case {
  /** What is wrong, in words. */
  name: string;
  setting: SettingName;
  /** The value as each source gives it (a flag's text, .yo-rc.json's JSON, a prompt's answer); the sources it can come from. */
  values: Partial<Record<Source, unknown>>;
  /** Other settings, as flags. */
  others?: Record<string, unknown>;
  /** The rule the message must state. */
  rule: RegExp;
}

const many = (n: number, entry: (i: number) => [string, string]) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => entry(i)));
const asFlag = (pairs: Record<string, string>) => Object.entries(pairs).map(([k, v]) => `${k}=${v}`);
const BIG = 'x'.repeat(70_000);
const MANY_VARIABLES = many(3000, (i) => [`VAR_${i}`, `value-${i}`]);
// 40,000 bytes of variables and 400 keys of one secret (~100 bytes each): each fits alone, together they do not.
const HALF = { BIG: 'y'.repeat(40_000) };
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:shop/config-AbCdEf`;
const SECRETS = many(400, (i) => [`S_${i}`, `${SECRET}:key_${i}::`]);
// 200 SSM parameters: the task definition holds them, the execution role's policy (one ARN each) does not.
const PARAMETERS = many(200, (i) => [`P_${i}`, PARAMETER(i)]);
const NO_EFFECT = /\(it has no effect with these settings, but a wrong value is refused all the same\)/;
const CONTROL = (code: string) => new RegExp(`contains a control character \\(U\\+${code}\\)`);

const every = (value: unknown, stored: unknown = value): Case['values'] => ({ flag: value, stored, prompt: value });

const CASES: Case[] = [
  // Stored values that do not apply are validated like flags.
  {
    name: 'canaryPercent 5000 under rolling',
    setting: 'canaryPercent',
    values: { flag: '5000', stored: 5000 },
    rule: /must be a multiple of 0\.1 from 0\.1 to 100\.0 percent/,
  },
  {
    name: 'hostedZoneId without a domain',
    setting: 'hostedZoneId',
    values: { flag: 'zone-1', stored: 'zone-1' },
    rule: /must be a Route 53 hosted zone id/,
  },
  {
    name: 'kmsKeyArn without secrets',
    setting: 'kmsKeyArn',
    values: { flag: 'alias/aws/ssm', stored: 'alias/aws/ssm' },
    rule: /must be empty or a KMS key ARN/,
  },
  {
    name: 'maxCount without autoscaling',
    setting: 'maxCount',
    values: { flag: '0', stored: 0 },
    rule: /must be a whole number from 1 to 5000/,
  },
  // The task definition's size.
  {
    name: 'a 70,000-character variable',
    setting: 'environment',
    values: { flag: [`BIG=${BIG}`], stored: { BIG }, prompt: `BIG=${BIG}` },
    rule: /makes the task definition up to \d+ bytes .* over ECS's limit of 65536 bytes \(64 KiB\)/,
  },
  {
    name: '3,000 variables',
    setting: 'environment',
    values: { flag: asFlag(MANY_VARIABLES), stored: MANY_VARIABLES },
    rule: /over ECS's limit of 65536 bytes/,
  },
  {
    name: 'variables and secrets that fit alone but not together',
    setting: 'secrets',
    values: { flag: asFlag(SECRETS), stored: SECRETS },
    others: { environment: asFlag(HALF) },
    rule: /the variables take 40\d{3}, the secrets \d+, .* over ECS's limit of 65536 bytes/,
  },
  {
    name: '200 SSM parameters (found: the execution role grants each by ARN)',
    setting: 'secrets',
    values: { flag: asFlag(PARAMETERS), stored: PARAMETERS },
    rule: /makes the execution role's policy up to \d+ characters .* over IAM's limit of 10240 characters/,
  },
  // Branch names every consumer reads unchanged.
  { name: 'U+0085 (a line break to YAML 1.1)', setting: 'branch', values: every('main\u0085x'), rule: CONTROL('0085') },
  { name: 'U+0080 (cfn-lint cannot parse it)', setting: 'branch', values: every('main\u0080'), rule: CONTROL('0080') },
  ...['release+1', 'a]b', 'a!b', 'fünf', 'a#b', "it's"].map((branch) => ({
    name: `${branch} (outside git, YAML and GitHub's filter alike)`,
    setting: 'branch' as const,
    values: every(branch),
    rule: /may contain only ASCII letters, digits and \. _ - \//,
  })),
  { name: 'HEAD (git refuses it)', setting: 'branch', values: every('HEAD'), rule: /valid git branch name/ },
  { name: 'a part ending in .lock', setting: 'branch', values: every('a.lock/b'), rule: /ends in "\.lock"/ },
  // A Lambda hook with an invalid qualifier.
  {
    name: 'hook qualifier $$$',
    setting: 'validationHook',
    values: every(`${HOOK}:$$$`),
    others: { strategy: 'blue-green' },
    rule: /qualifier "\$\$\$": a qualifier is \$LATEST, a version number or an alias name/,
  },
  // The vCPU quota covers desiredCount (and a rolling deployment's peak).
  {
    name: 'desiredCount 5000 x 16 vCPU without autoscaling',
    setting: 'desiredCount',
    values: { flag: '5000', stored: 5000, prompt: '5000' },
    others: { cpu: '16384', memory: '32768' },
    rule: /needs 80000 vCPUs to run \(5000 tasks of 16 vCPU\), over the Fargate On-Demand vCPU quota of 6/,
  },
  {
    name: 'desiredCount 3 x 2 vCPU with blue-green (two full sets)',
    setting: 'desiredCount',
    values: { flag: '3', stored: 3, prompt: '3' },
    others: { strategy: 'blue-green', cpu: '2048', memory: '4096' },
    rule: /needs 12 vCPUs at the peak of a deployment \(two full sets\) \(6 tasks of 2 vCPU\)/,
  },
  {
    name: 'maxPercent 200 with 20 tasks of 0.25 vCPU (rolling peak)',
    setting: 'maxPercent',
    values: { flag: '200', stored: 200, prompt: '200' },
    others: { desiredCount: '20' },
    rule: /needs 10 vCPUs at the peak of a deployment of desiredCount 20 \(40 tasks of 0\.25 vCPU\)/,
  },
  // Source repositories in the provider's form.
  ...['../..', 'acme/..', './shop', 'acme//shop', 'acme/shop.git', '-acme/shop', 'acme/sh op'].map((repository) => ({
    name: `connection repository ${repository}`,
    setting: 'repository' as const,
    values: every(repository),
    rule: /must be "owner\/name" .*: (".*" is a path step|an empty part|".*" must not end in "\.git"|the owner|".*" may contain only)/,
  })),
  {
    name: 'CodeCommit repository ..',
    setting: 'repository',
    values: every('..'),
    others: { source: 'codecommit' },
    rule: /must be a CodeCommit repository name: .* not "\." or "\.\."/,
  },
  // A NUL byte or a lone surrogate in any text, whatever the source.
  { name: 'NUL in appName', setting: 'appName', values: every('shop\u0000'), rule: CONTROL('0000') },
  {
    name: 'lone surrogate in cluster',
    setting: 'cluster',
    values: every('c\ud800'),
    rule: /a lone surrogate \(U\+D800\)/,
  },
  {
    name: 'lone low surrogate in healthCheckPath',
    setting: 'healthCheckPath',
    values: every('/s\udc00'),
    rule: /a lone surrogate \(U\+DC00\)/,
  },
  {
    name: 'NUL in a variable value',
    setting: 'environment',
    values: { flag: ['A=x\u0000y'], stored: { A: 'x\u0000y' }, prompt: 'A=x\u0000y' },
    rule: /entry "A": contains a control character \(U\+0000\)/,
  },
  {
    name: 'lone surrogate in a variable name',
    setting: 'environment',
    values: { flag: ['A\udfff=1'], stored: { 'A\udfff': '1' } },
    rule: /a lone surrogate \(U\+DFFF\)/,
  },
  {
    name: 'U+2028 in a variable value (a line break to YAML 1.1)',
    setting: 'environment',
    values: { flag: ['A=x\u2028y'], stored: { A: 'x\u2028y' } },
    rule: CONTROL('2028'),
  },
  { name: 'DEL in region', setting: 'region', values: every('us-east-1\u007f'), rule: CONTROL('007F') },
  // Found looking for more of the same kind: near-tenths that ECS would refuse.
  {
    name: 'canaryPercent 10.000000001',
    setting: 'canaryPercent',
    values: { flag: '10.000000001', stored: 10.000000001, prompt: '10.000000001' },
    others: { strategy: 'canary' },
    rule: /must be a multiple of 0\.1/,
  },
];

/** The refusal of `setting` when `value` comes from `source`, as the bin prints it; undefined when accepted. */
function refusal(setting: SettingName, source: Source, value: unknown, others: Record<string, unknown> = {}) {
  const sources: Required<Sources> = { flags: { ...others }, stored: {}, answers: {} };
  const target = { flag: sources.flags, stored: sources.stored, prompt: sources.answers }[source];
  target[setting] = value;
  try {
    resolveSettings(sources, CONTEXT);
    return undefined;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    const problem = error.problems.find((p) => p.setting === setting);
    return problem && describeProblem(problem);
  }
}

const ROWS = CASES.flatMap((c) =>
  (Object.entries(c.values) as [Source, unknown][]).map(([source, value]) => ({ ...c, source, value })),
);

describe.each(ROWS)('$setting: $name, from $source', ({ setting, source, value, others, rule }) => {
  it('is refused with the setting, the value, where it came from and the rule', () => {
    const line = refusal(setting, source, value, others);
    expect(line, 'accepted').toBeDefined();
    // The value as JSON, cut to one line (80 characters) when long.
    const shown = JSON.stringify(value);
    expect(line!.startsWith(`${setting} = ${shown.length > 80 ? shown.slice(0, 79) + '…' : shown} `), line).toBe(true);
    expect(line).toMatch(ORIGIN[source]);
    expect(line).toMatch(rule);
  });
});

describe('values that do not apply', () => {
  it.each(['flag', 'stored'] as const)('are refused as not applying when wrong (%s)', (source) => {
    expect(refusal('canaryPercent', source, source === 'flag' ? '5000' : 5000)).toMatch(NO_EFFECT);
  });

  it('are accepted but not kept when right, whatever the other settings say (checked on their own)', () => {
    // A linear strategy's bake time that would not fit blue-green's bakeTime: not used there, so not refused.
    const stored = {
      strategy: 'linear',
      bakeTime: 1440,
      linearStepPercent: 10,
      linearStepBakeTime: 60,
      canaryPercent: 5,
    };
    const settings = resolveSettings({ flags: { strategy: 'blue-green' }, stored }, CONTEXT);
    expect(settings).not.toHaveProperty('linearStepBakeTime');
    expect(settings).not.toHaveProperty('canaryPercent');
    expect(settings.bakeTime).toBe(1440);
  });
});

describe('the task definition size', () => {
  /** The task definition ECS registers, as compact JSON: taskdef.json (codedeploy) with its placeholders filled in. */
  function taskDefinitionBytes(flags: Record<string, unknown>): number {
    const settings = resolveSettings({ flags: { strategy: 'codedeploy', ...flags }, stored: {} }, CONTEXT);
    const text = renderOutput(FILES, settings, '0.0.0').get('taskdef.json')!.contents;
    // The pipeline stack's roles (path /, names CloudFormation makes: at most 64 characters), and an image URI at ECR's
    // longest repository name with a digest.
    const role = `arn:aws-us-gov:iam::${ACCOUNT}:role/${'r'.repeat(64)}`;
    const filled = text
      .replaceAll('<EXECUTION_ROLE_ARN>', role)
      .replaceAll('<TASK_ROLE_ARN>', role)
      .replace(
        '<IMAGE1_NAME>',
        `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${'e'.repeat(256)}@sha256:${'0'.repeat(64)}`,
      );
    return new TextEncoder().encode(JSON.stringify(JSON.parse(filled))).length;
  }
  const longest = { service: 's'.repeat(100), containerName: 'c'.repeat(255), port: '65535' };

  it(`the generator's own part, every name at its longest, fits the ${TASK_DEFINITION_OWN_BYTES} bytes reserved for it`, () => {
    const bytes = taskDefinitionBytes(longest);
    expect(bytes).toBeLessThanOrEqual(TASK_DEFINITION_OWN_BYTES);
    // The reserve is not far off either: it is what the refusal counts on.
    expect(bytes).toBeGreaterThan(TASK_DEFINITION_OWN_BYTES / 2);
  });

  it('the most variables accepted still make a task definition within 64 KiB; one byte more is refused', () => {
    const room = TASK_DEFINITION_MAX_BYTES - TASK_DEFINITION_OWN_BYTES - entriesBytes({ BIG: '' }, 'value');
    const fits = { BIG: 'z'.repeat(room) };
    expect(refusal('environment', 'flag', asFlag(fits), longest)).toBeUndefined();
    expect(taskDefinitionBytes({ ...longest, environment: asFlag(fits) })).toBeLessThanOrEqual(
      TASK_DEFINITION_MAX_BYTES,
    );
    expect(refusal('environment', 'flag', asFlag({ BIG: 'z'.repeat(room + 1) }), longest)).toMatch(/over ECS's limit/);
  });
});

describe("the execution role's policy size", () => {
  /** The execution role's policy as IAM counts it: compact JSON, intrinsics resolved to their longest values. */
  function policyChars(flags: Record<string, unknown>): number {
    const settings = resolveSettings({ flags, stored: {} }, CONTEXT);
    const template = parseTemplate(renderOutput(FILES, settings, '0.0.0').get('infra/pipeline.yml')!.contents);
    const longest: Record<string, string> = {
      'AWS::Partition': 'aws-us-gov',
      'AWS::Region': 'us-gov-west-1',
      'AWS::AccountId': ACCOUNT,
    };
    const resolve = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(resolve);
      if (!value || typeof value !== 'object') return value;
      const [key, arg] = Object.entries(value)[0] ?? [];
      if (key === 'Fn::GetAtt') return `arn:aws-us-gov:ecr:us-gov-west-1:${ACCOUNT}:repository/${'e'.repeat(256)}`;
      if (key === 'Fn::Sub')
        return (arg as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => longest[name] ?? 's'.repeat(255));
      if (key === 'Ref') return longest[arg as string] ?? 's'.repeat(255);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    };
    const role = template.Resources!.ExecutionRole.Properties as { Policies: { PolicyDocument: unknown }[] };
    return role.Policies.reduce(
      (sum, p) => sum + JSON.stringify(resolve(p.PolicyDocument)).replace(/\s/g, '').length,
      0,
    );
  }
  const KMS = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0f8fad5b-d9cb-469f-a165-70867728950e`;
  const longest = { service: 's'.repeat(255), ecrRepository: 'e'.repeat(256) };

  it(`the role's own statements, with a KMS key and every name at its longest, fit the ${EXECUTION_POLICY_OWN_CHARS} characters reserved`, () => {
    const own = policyChars({ ...longest, secrets: [`DB=${SECRET}`], kmsKeyArn: KMS }) - SECRET.length;
    expect(own).toBeLessThanOrEqual(EXECUTION_POLICY_OWN_CHARS);
    expect(own).toBeGreaterThan(EXECUTION_POLICY_OWN_CHARS / 4);
  });

  it("the estimate is never below the rendered policy, and the most secrets accepted fit IAM's limit", () => {
    const mixed = { ...many(60, (i) => [`P_${i}`, PARAMETER(i)]), ...many(60, (i) => [`K_${i}`, `${SECRET}:k${i}::`]) };
    const flags = { ...longest, secrets: asFlag(mixed), kmsKeyArn: KMS };
    expect(executionPolicyChars(mixed)).toBeGreaterThanOrEqual(policyChars(flags));
    // Add parameters until one more is refused (bounded): the last accepted set renders within the limit.
    const more = (k: number) => ({ ...mixed, ...many(k, (i) => [`Q_${i}`, PARAMETER(1000 + i)]) });
    let n = 0;
    while (n < 500 && refusal('secrets', 'flag', asFlag(more(n + 1)), longest) === undefined) n++;
    expect(n).toBeLessThan(500);
    expect(policyChars({ ...flags, secrets: asFlag(more(n)) })).toBeLessThanOrEqual(IAM_ROLE_POLICY_MAX_CHARS);
  });
});

describe('through the bin', () => {
  const yoRc = (dir: string, settings: Record<string, unknown>) => {
    const text = `${JSON.stringify({ [KEY]: settings }, null, 2)}\n`;
    writeFileSync(path.join(dir, '.yo-rc.json'), text);
    return text;
  };

  it('a stored value that does not apply and is wrong: exit 1, named, nothing written', () => {
    const dir = tempDir();
    const text = yoRc(dir, { strategy: 'rolling', canaryPercent: 5000, branch: 'main\u0085' });
    const out = runBin([dir, '--yes', '--skip-install']);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('canaryPercent = 5000 (from .yo-rc.json): must be a multiple of 0.1');
    expect(out.stderr).toContain('branch = "main\u0085" (from .yo-rc.json): contains a control character (U+0085)');
    expect(readdirSync(dir)).toEqual(['.yo-rc.json']);
    expect(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8')).toBe(text);
  });

  it('a stored value that does not apply and is right: a warning names it, and .yo-rc.json no longer holds it', () => {
    const dir = tempDir();
    yoRc(dir, { strategy: 'rolling', canaryPercent: 5, hostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    const out = runBin([dir, '--yes', '--skip-install']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain(
      'Warning: canaryPercent = 5 in .yo-rc.json has no effect with strategy rolling and source connection',
    );
    expect(out.stdout).toContain('Warning: hostedZoneId = "Z0123456789ABCDEFGHIJ" in .yo-rc.json has no effect');
    const stored = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))[KEY];
    expect(stored).not.toHaveProperty('canaryPercent');
    expect(stored).not.toHaveProperty('hostedZoneId');
  });

  it('a 70,000-character --env value: exit 1 with the value cut, and no folder', () => {
    const target = path.join(tempDir(), 'svc');
    const out = runBin([target, '--yes', '--skip-install', '--env', `BIG=${BIG}`]);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(
      /environment = \["BIG=x{60,80}… \(from --env\): makes the task definition up to 7\d{4} bytes/,
    );
    expect(out.stderr.length).toBeLessThan(2000);
    expect(existsSync(target)).toBe(false);
  });
});
