// The repository default comes from the destination's git remote.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRemote } from '../../generators/app/core/settings/context.js';
import { runBin, tempDir } from '../support/generate.js';

describe('parseRemote', () => {
  it.each([
    ['git@github.com:acme/shop-api.git', 'acme/shop-api'],
    ['https://github.com/acme/shop-api.git', 'acme/shop-api'],
    ['https://github.com/acme/shop-api', 'acme/shop-api'],
    ['ssh://git@bitbucket.org/acme/shop-api.git', 'acme/shop-api'],
    ['https://gitlab.com/group/sub/shop-api.git', 'group/sub/shop-api'],
    ['https://git-codecommit.us-east-1.amazonaws.com/v1/repos/shop-api', ''],
    ['/srv/git/shop-api.git', ''],
  ])('%s -> %s', (url, expected) => {
    expect(parseRemote(url)).toBe(expected);
  });
});

it("defaults repository to the destination's origin remote", () => {
  const dir = tempDir();
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', 'git@github.com:acme/shop-api.git']);
  const out = runBin([dir, '--yes', '--skip-install']);
  expect(out.status, out.stderr).toBe(0);
  const stored = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))['generator-bluegreen-ecs'];
  expect(stored.repository).toBe('acme/shop-api');
});
