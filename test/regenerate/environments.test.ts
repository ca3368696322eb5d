// Environments by regeneration (issue 19, item 4): adding one and removing one keep every edit; removing one deletes no
// stack (a generator writes files only) and leaves npm run teardown -- --environment NAME able to remove what is left.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { derive } from '../../generators/app/core/render/derive.js';
import { resolveSettings } from '../../generators/app/core/settings/resolve.js';
import { runCore, tempDir } from '../support/generate.js';
import { generatedFolder, read, readYoRc, rerun } from './support.js';

const CONTEXT = { folderName: 'shop', gitRemote: '' };

const EDIT = '# USER EDIT: keep me';

/** Adds a line of the user's at the top of a file (far from what environments change). */
function edit(dir: string, file: string) {
  writeFileSync(path.join(dir, file), `${EDIT}\n${read(dir, file)}`);
}

const stages = (dir: string) => [...read(dir, 'infra/pipeline.yml').matchAll(/^ {8}- Name: (\S+)$/gm)].map((m) => m[1]);

describe('environments by regeneration', () => {
  it('adds staging before production, then removes it: edits kept, production never renamed', async () => {
    const dir = await generatedFolder({ 'app-name': 'shop' });
    expect(stages(dir)).toEqual(['Source', 'Build', 'Deploy']);
    for (const file of ['infra/pipeline.yml', 'scripts/deploy.sh', 'buildspec.yml']) edit(dir, file);
    const production = /^SERVICE_STACK=.*$/m.exec(read(dir, 'scripts/lib.sh'))![0];

    await rerun(dir, { yes: true, environments: 'staging,production' });
    expect(readYoRc(dir).environments).toBe('staging,production');
    expect(stages(dir)).toEqual(['Source', 'Build', 'Deploy-staging', 'Deploy']);
    for (const file of ['infra/pipeline.yml', 'scripts/deploy.sh', 'buildspec.yml'])
      expect(read(dir, file).split('\n')[0], file).toBe(EDIT);
    // Production keeps its stack and stage: adding an environment before it replaces nothing in AWS.
    expect(read(dir, 'infra/pipeline.yml')).toContain('Default: "shop-service"');
    expect(read(dir, 'scripts/lib.sh')).toContain(production);
    expect(read(dir, 'scripts/lib.sh')).toContain("ENVIRONMENT_STACKS=('shop-staging' 'shop-service')");

    await rerun(dir, { yes: true, environments: 'production' });
    expect(stages(dir)).toEqual(['Source', 'Build', 'Deploy']);
    for (const file of ['infra/pipeline.yml', 'scripts/deploy.sh', 'buildspec.yml'])
      expect(read(dir, file).split('\n')[0], file).toBe(EDIT);
    // The staging stack is not the pipeline's any more, and nothing deleted it: teardown removes it by name.
    const teardown = read(dir, 'scripts/teardown.sh');
    expect(teardown).toContain('--environment) environment=');
    expect(teardown).toContain('stack="shop-"');
    expect(read(dir, 'infra/pipeline.yml')).not.toContain('shop-staging');
  }, 120_000);
});

describe('what a removed environment leaves in AWS, said by the run that removes it', () => {
  it('names its stack, service, cluster, log group and cost, and the commands that remove it; adding one says nothing', async () => {
    const dir = tempDir('bluegreen-envs-');
    const first = await runCore(dir, {
      appName: 'shop',
      environments: 'staging,production',
      environmentSettings: { 'staging.desiredCount': '1' },
    });
    expect(first.status, first.error?.message).toBe(0);
    expect(first.log).not.toContain('leaves the pipeline');
    // The whole run's estimate, not one deployment's: the build once, both deployments, the smoke test.
    const both = derive(
      resolveSettings(
        {
          flags: {
            appName: 'shop',
            environments: 'staging,production',
            environmentSettings: { 'staging.desiredCount': '1' },
          },
          stored: {},
        },
        CONTEXT,
      ),
    ).environments;
    // The cost of both environments, each with its own task count.
    expect(first.log).toContain(
      `Cost: about ${(both[0].monthlyCost + both[1].monthlyCost).toFixed(2)} USD a month for the 2 environments running all month in us-east-1 (staging ${both[0].monthlyCost.toFixed(2)}, production ${both[1].monthlyCost.toFixed(2)};`,
    );
    expect(both[0].monthlyCost).toBeLessThan(both[1].monthlyCost);
    expect(first.log).toMatch(
      /Estimated pipeline run \(source and build.*deploy to staging, then production.*smoke test of staging\): \d/,
    );

    const removed = await runCore(dir, { environments: 'production' });
    expect(removed.status, removed.error?.message).toBe(0);
    // Staging's cost with its own desiredCount (1), as the README's table showed it.
    const staging = derive(
      resolveSettings(
        {
          flags: {
            appName: 'shop',
            environments: 'staging,production',
            environmentSettings: { 'staging.desiredCount': '1' },
          },
          stored: {},
        },
        CONTEXT,
      ),
    ).environments[0];
    expect(staging.name).toBe('staging');
    const lines = removed.log.split('\n').filter((line) => line.includes('leaves the pipeline'));
    expect(lines).toEqual([
      `Environment staging leaves the pipeline, but nothing in AWS is deleted: its service stack shop-staging (ECS service shop-staging in cluster shop-cluster-staging, its load balancer, log group /ecs/shop-staging and alarms) stays, about ${staging.monthlyCost.toFixed(2)} USD a month, until you delete it: npm run deploy (the pipeline loses stage Deploy-staging), then npm run teardown -- --environment staging. Its settings (staging.desiredCount=1) are no longer stored.`,
    ]);
    expect(removed.log).not.toContain('Estimated pipeline run');
    expect(readYoRc(dir).environmentSettings).toEqual({});
    // Said again by a dry run of the same change, never by a run that keeps the list.
    expect((await runCore(dir, {})).log).not.toContain('leaves the pipeline');
  });
});
