// How the user started the bin, as a command that starts it again from the project folder: "Next steps" ends with one
// (`<command> . --port 8080`), so it must work the way this run was started, not name a bin that is not on the PATH.
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

export const BIN_NAME = 'create-bluegreen-ecs';

/** What npm tells a bin it runs: npm_command is the npm command (`init` for `npm create`/`npm init`, `exec` for npx),
 * npm_lifecycle_event is `npx` for both and npm_lifecycle_script the bin it ran (so a process that merely inherits
 * them, say a test runner started by npx, is not taken for one), npm_config_package the `-p` packages
 * (https://docs.npmjs.com/cli/v11/commands/npm-exec, https://docs.npmjs.com/cli/v11/commands/npm-init). */
export interface StartEnvironment {
  npm_command?: string;
  npm_lifecycle_event?: string;
  npm_lifecycle_script?: string;
  npm_config_package?: string;
  PATH?: string;
}

/** A word for a POSIX shell: as it is when it is plain, else in single quotes. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A `-p` package as npx can find it again from another folder: a relative path made absolute. */
function packageSpec(spec: string, cwd: string): string {
  const file = spec.startsWith('file:') ? spec.slice('file:'.length) : spec;
  const isPath = /^(\.{1,2}|~)?[\\/]/.test(file) || /\.(tgz|tar\.gz|tar)$/.test(file) || file === '.' || file === '..';
  return isPath && !file.startsWith('~') ? path.resolve(cwd, file) : spec;
}

/** The real path of the first `name` on the PATH, as a shell would run it; npm's own node_modules/.bin entries (npm run
 * and npx add them) are skipped: the user's shell does not have them. */
export function binOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir || dir.split(/[\\/]/).join('/').includes('node_modules/.bin')) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return realpathSync(candidate);
  }
  return undefined;
}

const realOrSelf = (file: string) => (existsSync(file) ? realpathSync(file) : path.resolve(file));

/**
 * The command, without the folder, that runs this generator again: `npm create bluegreen-ecs --` (npm takes the flags
 * before `--` for its own), `npx -p <package> create-bluegreen-ecs`, `npx create-bluegreen-ecs`, `create-bluegreen-ecs`
 * when that name on the PATH is this very script, else `node <script>`.
 */
export function startCommand(
  env: StartEnvironment,
  script: string,
  cwd: string,
  onPath: (name: string, searchPath?: string) => string | undefined = binOnPath,
): string {
  const ranByNpx =
    env.npm_lifecycle_event === 'npx' && /^['"]?create-bluegreen-ecs['"]?(\s|$)/.test(env.npm_lifecycle_script ?? '');
  if (ranByNpx && env.npm_command === 'init') return 'npm create bluegreen-ecs --';
  if (ranByNpx && env.npm_command === 'exec') {
    // npm exports a list setting as its values joined by blank lines.
    const packages = (env.npm_config_package ?? '').split('\n').filter(Boolean);
    const flags = packages.map((spec) => `-p ${shellWord(packageSpec(spec, cwd))} `).join('');
    return `npx ${flags}${BIN_NAME}`;
  }
  const real = realOrSelf(script);
  return onPath(BIN_NAME, env.PATH) === real ? BIN_NAME : `node ${shellWord(real)}`;
}
