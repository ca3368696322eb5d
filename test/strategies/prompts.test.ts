// Interactive runs: a new folder asks the essential settings, then "customise" leads to the rest (the strategy's own
// settings right after it is chosen, the other strategies' never), then a summary and "Write the project?".
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import helpers from 'yeoman-test';
import { describe, expect, it } from 'vitest';
import { GENERATOR, runCore, tempDir } from '../support/generate.js';
import { Run } from '../../generators/app/core/run/run.js';
import type { Question } from '../../generators/app/core/settings/prompts.js';
import { SETTINGS } from '../../generators/app/core/settings/declaration.js';
import { readYoRc } from '../regenerate/support.js';
import { KEYS_BY_STRATEGY, STRATEGY_KEYS } from './expected.js';

async function askedFor(strategy: string, answers: Record<string, unknown> = {}) {
  const result = await helpers
    .run(GENERATOR)
    .withOptions({ skipInstall: true })
    .withAnswers({ strategy, customise: true, ...answers });
  const asked = result.askedQuestions.map((q) => q.name);
  return { asked: asked.filter((name) => STRATEGY_KEYS.includes(name)), all: asked, stored: readYoRc(result.cwd) };
}

describe('prompts per strategy', () => {
  it.each(KEYS_BY_STRATEGY)('%s asks %j', async (strategy, expected) => {
    const { asked, all } = await askedFor(strategy);
    expect(asked).toEqual(expected);
    expect(all).toContain('rollbackAlarms');
  });

  it('stores the answers as numbers, a decimal canary percent included', async () => {
    const { stored } = await askedFor('canary', { canaryPercent: '2.5', canaryBakeTime: '15', bakeTime: '30' });
    expect(stored).toMatchObject({ strategy: 'canary', canaryPercent: 2.5, canaryBakeTime: 15, bakeTime: 30 });
    expect(stored).not.toHaveProperty('linearStepPercent');
  });

  it('the canary bake prompt rejects what CloudFormation would (bake times over 33 hours together)', async () => {
    let message: unknown;
    await helpers
      .run(GENERATOR)
      .withOptions({ skipInstall: true })
      .withAnswers(
        { strategy: 'canary', bakeTime: '1440', customise: true },
        {
          callback: (answer, { question }) => {
            const validate = (question as unknown as { validate?: (v: unknown) => unknown }).validate;
            if (question.name === 'canaryBakeTime') message = validate?.('600');
            return answer;
          },
        },
      );
    expect(message).toBe(
      'canaryBakeTime: "600" makes bakeTime 1440 + canaryBakeTime 600 = 2040 minutes; CloudFormation rejects ECS deployments over 1980 minutes (33 hours)',
    );
  });
});

/** Runs the core in a folder with scripted answers (a question not in `answers` takes its default); the questions asked and the log. */
async function interactive(destination: string, answers: Record<string, unknown>, flags: Record<string, unknown> = {}) {
  const asked: Question[] = [];
  let log = '';
  const run = new Run({
    destination,
    flags,
    skipInstall: true,
    command: 'create-bluegreen-ecs',
    log: (t) => (log += `${t}\n`),
  });
  const confirmed = await run.ask(async (question) => {
    asked.push(question);
    return question.name in answers ? answers[question.name] : question.default();
  });
  if (confirmed) {
    run.decide();
    run.write();
    run.finish();
  }
  return { asked: asked.map((q) => q.name), questions: asked, log, confirmed };
}

describe('a new folder', () => {
  it('asks the five essential settings, then customise, shows a summary and asks to write', async () => {
    const dir = path.join(tempDir(), 'shop');
    const { asked, log } = await interactive(dir, { region: 'eu-west-1', strategy: 'canary' });
    expect(asked).toEqual(['appName', 'region', 'domain', 'strategy', 'repository', 'customise', 'write']);
    expect(asked.filter((name) => SETTINGS.some((d) => d.name === name)).length).toBeLessThanOrEqual(5);
    expect(log).toContain('Settings that differ from the defaults:\n    region: "eu-west-1"\n    strategy: "canary"');
    expect(log).toMatch(/npm run deploy creates, in eu-west-1: a CodePipeline/);
    expect(log).toMatch(/Estimated deployment time \(canary, 3 task\(s\)\)/);
    // No group title without a question under it.
    expect(log).not.toMatch(/\n(Application|AWS target|Autoscaling)\n/);
    expect(existsSync(path.join(dir, '.yo-rc.json'))).toBe(true);
  });

  it('a domain: its hosted zone is asked too, as its empty default cannot stand alone', async () => {
    const dir = path.join(tempDir(), 'shop');
    const { asked } = await interactive(dir, { domain: 'api.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    expect(asked).toEqual([
      'appName',
      'region',
      'domain',
      'strategy',
      'repository',
      'hostedZoneId',
      'customise',
      'write',
    ]);
    expect(existsSync(path.join(dir, 'infra', 'service.yml'))).toBe(true);
  });

  it('declined at "Write the project?": nothing is written', async () => {
    const parent = tempDir();
    const { confirmed, log } = await interactive(path.join(parent, 'shop'), { write: false });
    expect(confirmed).toBe(false);
    expect(log).toContain('Summary');
    // The whole monthly cost, item by item, before anything is written (the generated README's figure, from derive).
    expect(log).toMatch(
      /Cost: about \d+\.\d\d USD a month .*\d task\(s\) \d+\.\d\d, load balancer \d+\.\d\d, \d public IPv4/,
    );
    expect(readdirSync(parent)).toEqual([]);
  });

  it('customise reaches every setting, by group, CPU and memory as lists', async () => {
    const asked = new Set<string>();
    const questions: Question[] = [];
    // Each strategy's own settings, the HTTPS, autoscaling, secrets and private subnet ones need answers that turn them on.
    for (const strategy of ['blue-green', 'canary', 'linear', 'codedeploy']) {
      const out = await interactive(path.join(tempDir(), 'shop'), {
        customise: true,
        strategy,
        domain: 'api.example.com',
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        network: 'new',
        autoscaling: 'requests',
        secrets: 'DB=arn:aws:ssm:us-east-1:123456789012:parameter/db',
        write: false,
      });
      out.asked.forEach((name) => asked.add(name));
      questions.push(...out.questions);
      expect(out.log).toContain('\nAutoscaling\n');
    }
    expect(SETTINGS.map((d) => d.name).filter((name) => !asked.has(name))).toEqual([]);
    for (const name of ['cpu', 'memory', 'nodeVersion', 'strategy', 'network'])
      expect(questions.find((q) => q.name === name)?.type, name).toBe('select');
    expect(questions.find((q) => q.name === 'cpu')?.choices?.map((c) => c.value)).toEqual([
      '256',
      '512',
      '1024',
      '2048',
      '4096',
      '8192',
      '16384',
    ]);
  });
});

describe('a folder with stored settings', () => {
  it('asks only what is new, with no empty group titles, and no summary', async () => {
    const dir = path.join(tempDir(), 'shop');
    expect((await runCore(dir)).status).toBe(0);
    const { asked, log } = await interactive(dir, {}, { strategy: 'canary' });
    expect(asked).toEqual(['bakeTime', 'canaryPercent', 'canaryBakeTime', 'validationHook']);
    expect(log.trim().split('\n')[0]).toBe('Deployment');
    expect(log).not.toMatch(/Network and HTTPS|Autoscaling|Configuration and secrets|Summary/);
  });
});
