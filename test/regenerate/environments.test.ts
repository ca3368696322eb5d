// Environments by regeneration (issue 19, item 4): adding one and removing one keep every edit; removing one deletes no
// stack (a generator writes files only) and leaves npm run teardown -- --environment NAME able to remove what is left.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFolder, read, readYoRc, rerun } from './support.js';

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
