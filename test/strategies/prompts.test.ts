// Interactive runs: the strategy's own settings are asked right after it is chosen, the other strategies' never.
import helpers from 'yeoman-test';
import { describe, expect, it } from 'vitest';
import { GENERATOR } from '../support/generate.js';
import { readYoRc } from '../regenerate/support.js';
import { KEYS_BY_STRATEGY, STRATEGY_KEYS } from './expected.js';

async function askedFor(strategy: string, answers: Record<string, unknown> = {}) {
  const result = await helpers
    .run(GENERATOR)
    .withOptions({ skipInstall: true })
    .withAnswers({ strategy, ...answers });
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
        { strategy: 'canary', bakeTime: '1440' },
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
