// The generator's behaviour: settings from flags, .yo-rc.json and prompts; rejected runs write nothing.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import helpers from 'yeoman-test';
import { describe, expect, it } from 'vitest';
import { OLD_HEALTH_DEFAULTS } from '../strategies/expected.js';
import { SETTINGS } from '../../generators/app/core/settings/declaration.js';
import { GENERATOR, generate, runBin, tempDir } from '../support/generate.js';

const KEY = 'generator-bluegreen-ecs';
const readYoRc = (dir: string) => JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))[KEY];

/** Every file below dir, relative, sorted. */
function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('create-bluegreen-ecs with bad flags', () => {
  it('exits 1, names setting, value and range, and creates nothing', () => {
    const parent = tempDir();
    const target = path.join(parent, 'svc');
    const out = runBin([
      target,
      '--yes',
      '--skip-install',
      '--port',
      '80',
      '--healthy-threshold',
      '11',
      '--cpu',
      '256',
      '--memory',
      '4096',
    ]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('nothing was written');
    expect(out.stderr).toContain('port = "80" (from --port): must be a whole number from 1024 to 65535');
    expect(out.stderr).toContain(
      'healthyThreshold = "11" (from --healthy-threshold): must be a whole number from 2 to 10',
    );
    expect(out.stderr).toContain('memory = "4096" (from --memory): is not a valid Fargate size with cpu 256');
    expect(existsSync(target)).toBe(false);
  });

  it('leaves an existing folder exactly as it was', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const out = runBin([
      dir,
      '--yes',
      '--skip-install',
      '--min-healthy-percent',
      '100',
      '--max-percent',
      '100',
      '--desired-count',
      '1',
    ]);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(
      /maxPercent = "100" \(from --max-percent\): with desiredCount 1, minHealthyPercent 100 and maxPercent 100 a rolling deployment can neither start/,
    );
    expect(listTree(dir)).toEqual(['notes.txt']);
  });

  it('rejects an unknown flag with exit 2', () => {
    const out = runBin(['--prot', '8080']);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/unknown flag --prot; did you mean --port\?/);
  });
});

describe('.yo-rc.json with bad values', () => {
  it('exits 1, says the value came from .yo-rc.json, and writes nothing', () => {
    const dir = tempDir();
    const yoRc = JSON.stringify({ [KEY]: { port: 80, healthCheckInterval: 'often', region: 'moon-1' } }, null, 2);
    writeFileSync(path.join(dir, '.yo-rc.json'), yoRc);
    const out = runBin([dir, '--yes', '--skip-install']);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('port = 80 (from .yo-rc.json): must be a whole number from 1024 to 65535');
    expect(out.stderr).toContain('healthCheckInterval = "often" (from .yo-rc.json): must be a whole number');
    expect(out.stderr).toContain('region = "moon-1" (from .yo-rc.json): must be an AWS region code');
    expect(listTree(dir)).toEqual(['.yo-rc.json']);
    expect(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8')).toBe(yoRc);
  });
});

describe('.yo-rc.json with a key that is not a setting', () => {
  it('warns and names the key instead of ignoring it silently', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, '.yo-rc.json'), JSON.stringify({ [KEY]: { prot: 8080 } }));
    const out = runBin([dir, '--yes', '--skip-install']);
    expect(out.status).toBe(0);
    expect(out.stdout + out.stderr).toContain('.yo-rc.json has keys that are not settings and are ignored: prot');
  });
});

describe('without a terminal', () => {
  it('a new folder stops at once, names --yes and the flags of its questions, and writes nothing', () => {
    const parent = tempDir();
    const out = runBin([path.join(parent, 'svc'), '--skip-install']);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(
      /No terminal to ask the questions of a new folder; nothing was written\. Run again with --yes/,
    );
    expect(out.stderr).toContain('--app-name, --region, --domain, --strategy, --repository');
    expect(listTree(parent)).toEqual([]);
  });

  it('in a generated folder a flag alone changes the strategy: its own settings take their defaults, named', () => {
    const dir = path.join(tempDir(), 'svc');
    expect(runBin([dir, '--yes', '--skip-install']).status).toBe(0);
    const out = runBin([dir, '--strategy', 'blue-green', '--skip-install']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain(
      'No terminal to ask, so these settings take their defaults: bakeTime = 5 (--bake-time), validationHook = "" (--validation-hook).',
    );
    const stored = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))[KEY];
    expect(stored).toMatchObject({ strategy: 'blue-green', bakeTime: 5, validationHook: '' });
  });
});

describe('--help', () => {
  it('shows the entry each repeatable flag takes: --environment-setting, --env, --secret', () => {
    const flags = runBin(['--help', 'all'])
      .stdout.split('\n')
      .map((line) => /^ {2}(--\S+ <[^>]+>\.\.\.)/.exec(line)?.[1])
      .filter(Boolean);
    expect(flags).toEqual([
      '--environment-setting <ENVIRONMENT.SETTING=VALUE>...',
      '--env <KEY=VALUE>...',
      '--secret <KEY=ARN>...',
    ]);
  });
});

describe('.yo-rc.json storage', () => {
  it('stores every setting under generator-bluegreen-ecs, keyed by setting name', async () => {
    const result = await generate({ 'app-name': 'shop', port: '8080', 'manual-approval': true });
    const stored = readYoRc(result.cwd);
    expect(stored).toMatchObject({
      appName: 'shop',
      cluster: 'shop-cluster',
      service: 'shop',
      port: 8080,
      manualApproval: true,
    });
    const expected = SETTINGS.filter((d) => !d.applies || d.applies(stored)).map((d) => d.name);
    expect(
      Object.keys(stored)
        .filter((k) => k !== 'generatorVersion')
        .sort(),
    ).toEqual([...expected].sort());
  });

  it('a re-run with a stored .yo-rc.json asks nothing, and a flag overrides and is stored', async () => {
    const first = await generate({ 'app-name': 'shop', 'healthy-threshold': '5' });
    const stored = readYoRc(first.cwd);
    const rerun = await helpers
      .run(GENERATOR)
      .inTmpDir((dir) => writeFileSync(path.join(dir, '.yo-rc.json'), JSON.stringify({ [KEY]: stored })))
      .withOptions({ skipInstall: true, port: '9090' } as never);
    expect(rerun.askedQuestions).toEqual([]);
    const after = readYoRc(rerun.cwd);
    expect(after.port).toBe(9090);
    expect(after.healthyThreshold).toBe(5);
    expect(after.appName).toBe('shop');
  });
});

describe('regenerating a folder made with the old health check defaults', () => {
  it('keeps its stored values (30 s x 4, deregistration 30 s), whatever the new defaults', async () => {
    const first = await generate({ 'app-name': 'shop' });
    const old = OLD_HEALTH_DEFAULTS;
    // As the previous version stored it: no healthCheckDefaults, the old values.
    const { healthCheckDefaults, ...rest } = readYoRc(first.cwd);
    expect(healthCheckDefaults).toBe('fast');
    const rerun = await helpers
      .run(GENERATOR)
      .inTmpDir((dir) => writeFileSync(path.join(dir, '.yo-rc.json'), JSON.stringify({ [KEY]: { ...rest, ...old } })))
      .withOptions({ skipInstall: true, yes: true } as never);
    expect(readYoRc(rerun.cwd)).toMatchObject(old);
    // The app's drain follows the stored values: 30 x 2 + 5 + (6 + 1) = 72 s.
    expect(readFileSync(path.join(rerun.cwd, 'src', 'config.ts'), 'utf8')).toMatch(/drainSeconds: 72,/);
  });
});

describe('interactive', () => {
  it('on customise asks every setting not given, in groups, and stores the answers', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'Billing API'));
    const result = await helpers
      .run(GENERATOR)
      .cd(path.join(dir, 'Billing API'))
      .withOptions({ skipInstall: true, region: 'eu-west-1' } as never)
      .withAnswers({ customise: true, port: '8081', healthyThreshold: '3', manualApproval: true });
    const asked = result.askedQuestions.map((q) => q.name);
    expect(asked).not.toContain('region');
    expect(asked[0]).toBe('appName');
    expect(asked.indexOf('port')).toBeLessThan(asked.indexOf('cluster'));
    expect(asked.indexOf('cluster')).toBeLessThan(asked.indexOf('healthCheckPath'));
    expect(asked.indexOf('healthCheckPath')).toBeLessThan(asked.indexOf('desiredCount'));
    expect(asked.indexOf('desiredCount')).toBeLessThan(asked.indexOf('branch'));
    const stored = readYoRc(result.cwd);
    expect(stored).toMatchObject({
      appName: 'billing-api',
      region: 'eu-west-1',
      port: 8081,
      healthyThreshold: 3,
      manualApproval: true,
    });
    expect(stored.cluster).toBe('billing-api-cluster');
  });

  it('a prompt rejects a bad answer with the setting, value and range (inquirer asks again)', async () => {
    const messages: Record<string, unknown> = {};
    await helpers
      .run(GENERATOR)
      .withOptions({ skipInstall: true })
      .withAnswers(
        { customise: true, healthCheckInterval: '10' },
        {
          callback: (answer, { question }) => {
            const validate = (question as unknown as { validate?: (v: unknown) => unknown }).validate;
            if (question.name === 'port') messages.port = validate?.('80');
            if (question.name === 'healthCheckTimeout') messages.timeout = validate?.('10');
            if (question.name === 'memory') messages.memory = validate?.('4096');
            if (question.name === 'appName') messages.appName = validate?.('Bad Name');
            return answer;
          },
        },
      );
    expect(messages.port).toBe('port: "80" must be a whole number from 1024 to 65535');
    expect(messages.timeout).toBe('healthCheckTimeout: "10" must be less than the health check interval (10 s)');
    expect(messages.memory).toMatch(/memory: "4096" is not a valid Fargate size with cpu 256/);
    expect(messages.appName).toMatch(/appName: "Bad Name" must start with a lowercase letter/);
  });
});
