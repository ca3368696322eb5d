// Facts about the destination folder that defaults depend on.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Facts about the destination that defaults may depend on. */
export interface Context {
  /** Name of the destination folder. */
  folderName: string;
  /** `owner/name` parsed from the destination's `git remote get-url origin`, if any. */
  gitRemote: string;
}

export function readContext(destination: string): Context {
  let gitRemote: string | undefined;
  // Asked of git only when a default needs it (a re-run has the repository stored): a process less per run.
  return {
    folderName: path.basename(destination),
    get gitRemote() {
      return (gitRemote ??= readGitRemote(destination));
    },
  };
}

/** `owner/name` of the destination's origin remote, or '' when there is none. */
function readGitRemote(cwd: string): string {
  try {
    const url = execFileSync('git', ['remote', 'get-url', 'origin'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    return parseRemote(url);
  } catch {
    return '';
  }
}

/** `owner/name` (or `group/sub/name`) from an SSH or HTTPS remote URL; '' for CodeCommit or anything else. */
export function parseRemote(url: string): string {
  if (url.includes('codecommit')) return '';
  const match = /^(?:[a-z+]+:\/\/(?:[^@/]+@)?[^/]+\/|[^@]+@[^:]+:)(.+?)(?:\.git)?\/?$/.exec(url);
  return match?.[1].includes('/') ? match[1] : '';
}
