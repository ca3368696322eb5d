// Switching the strategy on a re-run in the same folder: which files appear, change and disappear, and what .yo-rc.json keeps.
import { describe, expect, it } from 'vitest';
import { generatedFolder, isStateFile, readYoRc, rerun, snapshot } from '../regenerate/support.js';
import { STRATEGY_KEYS } from './expected.js';

/** Files added, removed and changed between two snapshots of a folder (.yo-rc.json and the record file aside). */
function difference(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>) {
  const files = (m: ReturnType<typeof snapshot>) => [...m.keys()].filter((f) => !isStateFile(f));
  return {
    added: files(after).filter((f) => !before.has(f)),
    removed: files(before).filter((f) => !after.has(f)),
    changed: files(after).filter((f) => before.has(f) && before.get(f)?.contents !== after.get(f)?.contents),
  };
}

const storedStrategyKeys = (dir: string) => STRATEGY_KEYS.filter((key) => key in readYoRc(dir));

describe('switching the strategy on a re-run', () => {
  it('rolling -> codedeploy -> canary -> rolling: CodeDeploy files come and go, strategy settings follow', async () => {
    const dir = await generatedFolder({ 'app-name': 'shop' });
    const rolling = snapshot(dir);
    expect(storedStrategyKeys(dir)).toEqual([]);

    await rerun(dir, { yes: true, strategy: 'codedeploy', 'bake-time': '10' });
    const codedeploy = snapshot(dir);
    expect(difference(rolling, codedeploy)).toEqual({
      added: ['appspec.yaml', 'taskdef.json'],
      removed: [],
      changed: ['README.md', 'buildspec.yml', 'infra/pipeline.yml', 'infra/service.yml'],
    });
    expect(readYoRc(dir)).toMatchObject({
      strategy: 'codedeploy',
      bakeTime: 10,
      codeDeployConfig: 'CodeDeployDefault.ECSAllAtOnce',
    });
    expect(storedStrategyKeys(dir)).toEqual(['bakeTime', 'codeDeployConfig', 'validationHook']);

    await rerun(dir, { yes: true, strategy: 'canary' });
    const canary = snapshot(dir);
    expect(difference(codedeploy, canary)).toEqual({
      added: [],
      removed: ['appspec.yaml', 'taskdef.json'],
      changed: ['README.md', 'buildspec.yml', 'infra/pipeline.yml', 'infra/service.yml'],
    });
    // The stored bake time carries over; the CodeDeploy setting leaves, the canary ones arrive.
    expect(readYoRc(dir)).toMatchObject({ strategy: 'canary', bakeTime: 10, canaryPercent: 10, canaryBakeTime: 5 });
    expect(storedStrategyKeys(dir)).toEqual(['bakeTime', 'canaryPercent', 'canaryBakeTime', 'validationHook']);

    await rerun(dir, { yes: true, strategy: 'rolling' });
    const back = snapshot(dir);
    expect(storedStrategyKeys(dir)).toEqual([]);
    // Back where it started: the same files, byte for byte.
    expect(difference(rolling, back)).toEqual({ added: [], removed: [], changed: [] });
  });
});
