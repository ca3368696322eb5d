// Every CloudFormation template the generator can emit, whatever the strategy and the source, passes the schema,
// reference and least-privilege checks. Strategies and sources are read from the strategy table and the settings
// declaration, so a new one is covered without touching this file.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkTemplate } from '../support/cfn/check.js';
import { checkPolicies } from '../support/cfn/iam.js';
import { ROOT } from '../support/generate.js';
import { deployOverrides, parameterTable, requiredParameters, section, tableMismatches } from './readme.js';
import { render } from './render.js';

const app = (module: string) => import(path.join(ROOT, 'dist', 'generators', 'app', module));
const { STRATEGY_NAMES } = (await app('strategies.js')) as { STRATEGY_NAMES: readonly string[] };
const { SOURCES } = (await app('settings.js')) as { SOURCES: readonly { value: string }[] };

const combinations = STRATEGY_NAMES.flatMap((strategy) =>
  SOURCES.map((source) => ({ strategy, source: source.value, 'manual-approval': source.value === 'codecommit' })),
);

describe.each(combinations)('strategy $strategy, source $source', (options) => {
  test('service.yml and pipeline.yml pass every check, and the README deploy steps name their parameters', async () => {
    const r = await render(options);
    expect(r.settings.strategy).toBe(options.strategy);
    for (const text of [r.text.service, r.text.pipeline]) {
      expect(await checkTemplate(text)).toEqual([]);
      expect(await checkPolicies(text)).toEqual([]);
    }
    // The README's deploy steps name exactly these templates' parameters.
    expect(tableMismatches(parameterTable(section(r.text.readme, '### 1. The service stack')), r.service)).toEqual([]);
    expect(tableMismatches(parameterTable(section(r.text.readme, '### 2. The pipeline stack')), r.pipeline)).toEqual([]);
    const [firstService] = deployOverrides(r.text.readme, 'infra/service.yml');
    const [pipeline] = deployOverrides(r.text.readme, 'infra/pipeline.yml');
    expect(firstService).toEqual(expect.arrayContaining(requiredParameters(r.service)));
    expect(pipeline).toEqual(expect.arrayContaining(requiredParameters(r.pipeline)));
    for (const name of pipeline) expect(r.pipeline.Parameters).toHaveProperty(name);
  });
});
