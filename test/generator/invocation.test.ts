// The command "Next steps" names to run the generator again, for each way npm or a shell starts the bin. The
// variables are npm's (npm 11 sets them so, checked by hand with a bin that prints them; the documented ones:
// https://docs.npmjs.com/cli/v11/commands/npm-exec, https://docs.npmjs.com/cli/v11/commands/npm-init); the installed
// and npx cases run for real in tarball.test.ts.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellWord, startCommand } from '../../generators/app/cli/invocation.js';

const script = '/opt/gen/node_modules/create-bluegreen-ecs/index.js';
const nothingOnPath = () => undefined;
const npx = { npm_lifecycle_event: 'npx', npm_lifecycle_script: "'create-bluegreen-ecs'" };

describe('startCommand', () => {
  it.each([
    ['npm create bluegreen-ecs (npm init runs npx)', { ...npx, npm_command: 'init' }, 'npm create bluegreen-ecs --'],
    ['npx create-bluegreen-ecs', { ...npx, npm_command: 'exec' }, 'npx create-bluegreen-ecs'],
    [
      'npx -p generator-bluegreen-ecs create-bluegreen-ecs',
      { ...npx, npm_command: 'exec', npm_config_package: 'generator-bluegreen-ecs' },
      'npx -p generator-bluegreen-ecs create-bluegreen-ecs',
    ],
    [
      'npx -p with a relative tarball: made absolute, since the hint runs in the project folder',
      { ...npx, npm_command: 'exec', npm_config_package: './generator-bluegreen-ecs-0.1.0.tgz' },
      `npx -p ${path.resolve('/home/me', 'generator-bluegreen-ecs-0.1.0.tgz')} create-bluegreen-ecs`,
    ],
    [
      'npx with two -p packages (npm joins a list with blank lines)',
      { ...npx, npm_command: 'exec', npm_config_package: 'yo\n\ngenerator-bluegreen-ecs@0.1.0' },
      'npx -p yo -p generator-bluegreen-ecs@0.1.0 create-bluegreen-ecs',
    ],
    [
      "a process that inherits npx's variables but is not our bin (a test runner started by npx)",
      { npm_lifecycle_event: 'npx', npm_command: 'exec', npm_lifecycle_script: 'vitest run' },
      `node ${script}`,
    ],
    ['an npm script (npm run demo)', { npm_lifecycle_event: 'demo', npm_command: 'run-script' }, `node ${script}`],
    ['no npm, not on the PATH', {}, `node ${script}`],
  ])('%s', (_, env, expected) => {
    expect(startCommand(env, script, '/home/me', nothingOnPath)).toBe(expected);
  });

  it('the bare name only when the PATH finds this very script', () => {
    expect(startCommand({}, script, '/home/me', () => script)).toBe('create-bluegreen-ecs');
    expect(startCommand({}, script, '/home/me', () => '/usr/lib/other/index.js')).toBe(`node ${script}`);
  });

  it('quotes what a shell would split', () => {
    expect(shellWord("/a b/it's.js")).toBe(`'/a b/it'\\''s.js'`);
    expect(shellWord('generator-bluegreen-ecs@0.1.0')).toBe('generator-bluegreen-ecs@0.1.0');
  });
});
