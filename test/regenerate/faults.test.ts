// Fault injection in the write phase: a write that fails at every step N, and a process killed at points of it
// (kills at random instants, followed by a plain re-run with no flags: kills.test.ts).
// After each, every file is the old or the new one (never truncated), .yo-rc.json is the old one, and a plain
// re-run of the same command finishes the job: the tree then equals that of a run that never failed.
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runCore, tempDir } from '../support/generate.js';
import { read, snapshot } from './support.js';

// A long suite says what it runs when it starts.
beforeAll(() =>
  console.log(
    `fault injection: a failing write at every step and kills at 8 points, for a first run and a regeneration`,
  ),
);

const contents = (dir: string) =>
  new Map(existsSync(dir) ? [...snapshot(dir)].map(([file, { contents: text }]) => [file, text]) : []);
const JOURNAL = '.bluegreen-ecs.journal';
const isRunFile = (f: string) => f.endsWith('.bluegreen-tmp') || f === '.bluegreen-ecs.lock' || f === JOURNAL;
const leftovers = (dir: string) =>
  (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }) : []).filter((f) =>
    isRunFile(path.basename(f)),
  );
/** A failed write leaves nothing (it failed before its journal) or its journal with the temporary files it names. */
const expectNothingOrJournal = (dir: string) => {
  const left = leftovers(dir);
  if (left.length > 0) expect(left).toContain(JOURNAL);
  expect(left).not.toContain('.bluegreen-ecs.lock');
};

afterEach(() => {
  delete process.env.BLUEGREEN_ECS_FAULT;
});

interface Scenario {
  /** A folder as it is before the run (or a path that does not exist yet). */
  prepare: () => Promise<string>;
  flags: Record<string, string>;
}

const SCENARIOS: Record<string, Scenario> = {
  'a first run into a new folder': {
    prepare: async () => path.join(tempDir(), 'svc'),
    flags: { appName: 'svc' },
  },
  'a regeneration with an edited file (port 3000 -> 8080)': {
    prepare: async () => {
      const dir = path.join(tempDir(), 'svc');
      await runCore(dir, { appName: 'svc' });
      writeFileSync(path.join(dir, 'src/config.ts'), `// mine\n${read(dir, 'src/config.ts')}`);
      return dir;
    },
    flags: { port: '8080' },
  },
};

/** Copies the prepared folder (or nothing, when it does not exist) to a fresh place. */
function copy(source: string): string {
  const target = path.join(tempDir(), 'svc');
  try {
    cpSync(source, target, { recursive: true, verbatimSymlinks: true });
  } catch {
    // a first run: nothing to copy
  }
  return target;
}

/** Every file is the old or the new one; .yo-rc.json is the old one (or absent); nothing else is there but leftovers. */
function expectOldOrNew(dir: string, old: Map<string, string>, next: Map<string, string>) {
  for (const [file, text] of contents(dir)) {
    if (isRunFile(path.basename(file))) continue;
    if (file === '.yo-rc.json') expect(text, file).toBe(old.get(file));
    else expect([old.get(file), next.get(file)], file).toContain(text);
  }
}

/** The prepared folder, and its files before the run and after a run that never failed. */
async function beforeAndAfter({ prepare, flags }: Scenario) {
  const source = await prepare();
  const reference = copy(source);
  expect((await runCore(reference, flags)).status).toBe(0);
  return { source, old: contents(copy(source)), next: contents(reference) };
}

describe.each(Object.entries(SCENARIOS))('%s', (_name, scenario) => {
  const { flags } = scenario;
  it('a write failing at step N, for every N: old or new files, and a plain re-run finishes', async () => {
    const { source, old, next } = await beforeAndAfter(scenario);
    let steps = 0;
    for (let n = 1; ; n++) {
      const dir = copy(source);
      process.env.BLUEGREEN_ECS_FAULT = `fail:${n}`;
      const failed = await runCore(dir, flags);
      delete process.env.BLUEGREEN_ECS_FAULT;
      if (failed.status === 0) break; // past the last step: the fault never fired
      steps = n;
      expect(failed.error?.message).toBe(`injected fault at write ${n}`);
      expectOldOrNew(dir, old, next);
      expectNothingOrJournal(dir);
      expect((await runCore(dir, flags)).status).toBe(0);
      expect(contents(dir)).toEqual(next);
      expect(leftovers(dir)).toEqual([]);
    }
    // Every temporary write, every rename and .yo-rc.json were each a failure point.
    expect(steps).toBeGreaterThanOrEqual(3);
  });

  it('a process killed at points of the write phase: old or new files, and a plain re-run finishes', async () => {
    const { source, old, next } = await beforeAndAfter(scenario);
    const args = Object.entries(flags).flatMap(([name, value]) => [
      `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      value,
    ]);
    for (const n of [1, 2, 5, 9, 13, 25, 37, 49]) {
      const dir = copy(source);
      const killed = runBin([dir, '--yes', '--skip-install', ...args], undefined, { BLUEGREEN_ECS_FAULT: `kill:${n}` });
      if (killed.status === 0) continue; // fewer steps than n
      expect(killed.signal).toBe('SIGKILL');
      expectOldOrNew(dir, old, next);
      const rerun = runBin([dir, '--yes', '--skip-install', ...args]);
      expect(rerun.status, rerun.stderr).toBe(0);
      expect(contents(dir)).toEqual(next);
      expect(leftovers(dir)).toEqual([]);
    }
  });
});
