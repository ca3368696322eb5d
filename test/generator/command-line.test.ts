// The command line under both commands: every documented flag reaches the same stored setting through the bin and
// through the real `yo`, and every argument error is the same text, in our words, with exit code 2.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS, cliFlagOf } from '../../generators/app/core/settings/declaration.js';
import { coerce, declarationOf } from '../../generators/app/core/settings/resolve.js';
import { editDistance, nearestFlag, parseCommandLine } from '../../generators/app/cli/parse.js';
import { usage } from '../../generators/app/cli/flags.js';
import { runBin, runYo, tempDir } from '../support/generate.js';

const KEY = 'generator-bluegreen-ecs';
const ARN = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:123456789012:${resource}`;
const UUID = '12345678-1234-1234-1234-123456789012';

/** Runs that together give every setting's flag a value other than its default (a strategy's own need that strategy). */
const RUNS: string[][] = [
  [
    ...['--app-name', 'shop', '--port', '8080', '--node-version', '22', '--region', 'eu-west-1'],
    ...['--cluster', 'shared', '--existing-cluster', '--service', 'shop-svc', '--container-name', 'web'],
    ...['--ecr-repository', 'team/shop', '--cpu', '512', '--memory', '2048', '--network', 'new', '--private-subnets'],
    ...['--domain', 'api.example.com', '--hosted-zone-id', 'Z0123456789ABCDEFGHIJ'],
    ...['--certificate-arn', ARN('acm', `certificate/${UUID}`), '--health-check-defaults', 'article'],
    ...['--health-check-path', '/healthz', '--health-check-interval', '15', '--health-check-timeout', '6'],
    ...['--healthy-threshold', '3', '--unhealthy-threshold', '3', '--health-check-grace-period', '45'],
    ...['--deregistration-delay', '30', '--strategy', 'canary', '--desired-count', '2', '--min-healthy-percent', '50'],
    ...['--max-percent', '150', '--bake-time', '7', '--canary-percent', '20', '--canary-bake-time', '3'],
    ...['--rollback-alarms', 'false', '--validation-hook', ARN('lambda', 'function:check')],
    ...['--autoscaling', 'requests', '--fargate-vcpu-quota', '40', '--min-count', '1', '--max-count', '4'],
    ...['--scaling-target', '500', '--source', 'connection', '--repository', 'acme/shop', '--branch', 'release'],
    ...['--connection-arn', ARN('codeconnections', `connection/${UUID}`), '--manual-approval'],
    ...['--env', 'LOG_LEVEL=info', '--env', 'A=1', '--secret', `DB=${ARN('ssm', 'parameter/db')}`],
    ...['--kms-key-arn', ARN('kms', `key/${UUID}`)],
  ],
  ['--strategy', 'linear', '--linear-step-percent', '25', '--linear-step-bake-time', '2', '--no-rollback-alarms'],
  ['--strategy', 'codedeploy', '--code-deploy-config', 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes'],
  ['--source', 'codecommit', '--repository', 'shop-repo', '--existing-cluster=true', '--manual-approval', 'false'],
  ['--existing-service', 'false'],
  ['--environments', 'staging,production', '--environment-setting', 'staging.desiredCount=1'],
];

const stored = (dir: string) => {
  const { generatorVersion: _, ...settings } = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))[KEY];
  return settings as Record<string, unknown>;
};

describe('every documented flag under both commands', () => {
  it('the runs give every setting a flag', () => {
    const given = new Set(
      RUNS.flat()
        .filter((a) => a.startsWith('--'))
        .map((a) => a.slice(2).split('=')[0].replace(/^no-/, '')),
    );
    expect(SETTINGS.map(cliFlagOf).filter((flag) => !given.has(flag))).toEqual([]);
  });

  for (const args of RUNS) {
    it(`stores the same settings, each as given: ${args.slice(0, 4).join(' ')} ...`, () => {
      const byBin = path.join(tempDir(), 'out');
      const bin = runBin([byBin, '--yes', '--skip-install', ...args]);
      expect(bin.status, bin.stderr).toBe(0);
      const yo = runYo(['--yes', '--skip-install', ...args]);
      expect(yo.status, yo.output).toBe(0);
      const settings = stored(byBin);
      expect(stored(yo.dir)).toEqual(settings);
      const line = parseCommandLine(args, { command: 'test' });
      for (const [name, raw] of Object.entries(line.flags)) {
        const parsed = coerce(declarationOf(name as never), raw);
        expect(settings[name], name).toEqual('value' in parsed ? parsed.value : undefined);
      }
    });
  }
});

/** Argument errors: the arguments and what stderr must say (after "<command>: "). */
const ERRORS: [string[], RegExp][] = [
  [['--prot', '8080'], /^unknown flag --prot; did you mean --port\?/],
  [['--helth-check-path', '/x'], /^unknown flag --helth-check-path; did you mean --health-check-path\?/],
  [
    ['--manual-approval=maybe'],
    /^--manual-approval "maybe": allowed true or false \(--manual-approval, --no-manual-approval/,
  ],
  [['--existing-cluster=maybe'], /^--existing-cluster "maybe": allowed true or false/],
  [['--port'], /^--port needs a value \(allowed: 1024-65535/],
  [['--no-port'], /^--no-port: --port is not true or false; it takes a value/],
  [['--yes=1'], /^--yes takes no value, got "1"/],
  [['-x'], /^unknown flag -x/],
  [['--port', '8080', '--port', '9090'], /^--port is given twice \("8080" and "9090"\)/],
  [['--zzzzzz'], /^unknown flag --zzzzzz \(run /],
];

describe('argument errors under both commands', () => {
  for (const [args, message] of ERRORS) {
    it(`${args.join(' ')}: exit 2, ${message.source.slice(1, 50)}`, () => {
      const bin = runBin(['--yes', '--skip-install', ...args]);
      expect(bin.status).toBe(2);
      expect(bin.stderr.replace(/^create-bluegreen-ecs: /, '')).toMatch(message);
      expect(bin.stderr.trim().split('\n')).toHaveLength(1);
      const yo = runYo(['--yes', '--skip-install', ...args]);
      expect(yo.status, yo.output).toBe(2);
      expect(yo.output.trim().replace(/^yo bluegreen-ecs: /, '')).toMatch(message);
    });
  }

  it('a word after a true-or-false flag beside a folder is named as its value, not as a second folder', () => {
    const out = runBin([path.join(tempDir(), 'svc'), '--manual-approval', 'maybe']);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/--manual-approval "maybe": allowed true or false/);
    const yo = runYo(['--manual-approval', 'maybe']);
    expect(yo.status).toBe(2);
    expect(yo.output).toMatch(/--manual-approval "maybe": allowed true or false/);
  });

  it('a value starting with a dash is the value, checked by the setting rule', () => {
    const out = runBin([path.join(tempDir(), 'svc'), '--yes', '--skip-install', '--port', '-5']);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('port = "-5" (from --port): must be a whole number from 1024 to 65535');
    expect(out.stderr).not.toMatch(/ambiguous/);
  });
});

describe('nearest flag', () => {
  it('counts an edit, a swap of neighbours, and suggests nothing for a word far from every flag', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(nearestFlag('regoin')).toBe('region');
    expect(nearestFlag('dry')).toBe('dry-run');
    expect(nearestFlag('banana')).toBeUndefined();
  });
});

describe('--help, -v', () => {
  for (const [name, run] of [
    [
      'create-bluegreen-ecs',
      (args: string[]) => {
        const out = runBin(args);
        return { ...out, output: out.stdout };
      },
    ],
    ['yo bluegreen-ecs', runYo],
  ] as const) {
    it(`${name}: --help fits 100 columns, starts with examples and names --help all; --help all shows every setting`, () => {
      const help = run(['--help']);
      expect(help.status).toBe(0);
      const lines = help.output.trimEnd().split('\n');
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
      expect(lines.findIndex((l) => l === 'Examples:')).toBeLessThan(6);
      expect(help.output).toContain(`${name} --help all`);
      const all = run(['--help', 'all']).output;
      expect(Math.max(...all.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
      const flat = all.replace(/\s+/g, ' ');
      for (const decl of SETTINGS) {
        expect(flat).toContain(`--${decl.kind === 'boolean' ? '[no-]' : ''}${cliFlagOf(decl)}`);
        expect(flat).toContain(`Allowed: ${decl.rule.replace(/\s+/g, ' ')}.`);
      }
    });

    it(`${name}: -v and --version print the version`, () => {
      const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
      for (const flag of ['-v', '--version']) expect(run([flag]).output.trim()).toBe(version);
    });
  }

  it('plain --help shows the settings asked in a new folder, not every setting', () => {
    const help = usage();
    expect(help).toContain('--strategy <value>');
    expect(help).not.toContain('--canary-bake-time');
  });
});
